"""Exercise 16 · Autograd (自动求导).

Autograd records the operations on tensors that require grad and, on
`backward()`, fills the `.grad` of every leaf tensor (one you created, not
the result of an operation). A non-scalar output needs an external gradient:
`Q.backward(gradient=torch.ones_like(Q))` sums the gradients of its elements.
One `backward()` frees the graph; a second one needs `retain_graph=True`.
Central differences, (f(x + eps) - f(x - eps)) / (2 * eps), check any gradient.
"""

import torch


def matmul_chain_grads(x: torch.Tensor, y: torch.Tensor, z: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """Gradients of the scalar `x @ y @ z` with respect to x (1, 5), y (5, 3) and z (3, 1).

    Returns `(dx, dy, dz)`, shaped like x, y and z. The inputs may or may not
    require grad already; compute on leaf copies and leave the inputs as they are.
    """
    ### BEGIN SOLUTION
    x, y, z = (t.detach().clone().requires_grad_(True) for t in (x, y, z))
    out = x @ y @ z
    out.backward()
    return x.grad, y.grad, z.grad
    ### END SOLUTION


def cubic_grads(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradients of Q = 3a³ − b² with an external gradient of ones: `(dQ/da, dQ/db)` = (9a², −2b).

    `a` and `b` have the same shape; they may already require grad (as in the course).
    """
    ### BEGIN SOLUTION
    a, b = (t.detach().clone().requires_grad_(True) for t in (a, b))
    q = 3 * a**3 - b**2
    q.backward(gradient=torch.ones_like(q))
    return a.grad, b.grad
    ### END SOLUTION


def numerical_grad(f, x: torch.Tensor, eps: float = 1e-3) -> torch.Tensor:
    """The gradient of the scalar function `f` at `x` by central differences, shaped like `x`.

    Element i is (f(x + eps·e_i) − f(x − eps·e_i)) / (2·eps). `x` (a float64
    tensor) must be left unchanged.
    """
    ### BEGIN SOLUTION
    grad = torch.zeros(x.shape, dtype=x.dtype)
    for index in range(x.numel()):
        step = torch.zeros(x.shape, dtype=x.dtype)
        step.view(-1)[index] = eps
        grad.view(-1)[index] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad
    ### END SOLUTION
