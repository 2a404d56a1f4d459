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
    # Hint: Work on leaf copies that require grad, compute the scalar x @ y @ z, and let one
    #   backward() fill all three gradients.
    # 提示：在需要梯度的叶子副本上计算标量 x @ y @ z，一次 backward()
    #   就能填好三个梯度。
    # More / 更多: autograder hint 16 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("matmul_chain_grads is not written yet / 尚未实现")


def cubic_grads(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradients of Q = 3a³ − b² with an external gradient of ones: `(dQ/da, dQ/db)` = (9a², −2b).

    `a` and `b` have the same shape; they may already require grad (as in the course).
    """
    # Hint: Q = 3a^3 - b^2 is not a scalar, so backward needs an external gradient: ones sum up the
    #   gradients of Q's elements.
    # 提示：Q = 3a³ − b² 不是标量，backward 需要外部梯度：全 1 的梯度把 Q
    #   各元素的梯度加起来。
    # More / 更多: autograder hint 16 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("cubic_grads is not written yet / 尚未实现")


def numerical_grad(f, x: torch.Tensor, eps: float = 1e-3) -> torch.Tensor:
    """The gradient of the scalar function `f` at `x` by central differences, shaped like `x`.

    Element i is (f(x + eps·e_i) − f(x − eps·e_i)) / (2·eps). `x` (a float64
    tensor) must be left unchanged.
    """
    # Hint: Nudge one element at a time by +eps and -eps, and divide the change in f by 2 * eps:
    #   central differences.
    # 提示：每次只把一个元素加上 eps、减去 eps，f 的变化除以 2·eps：中心差分。
    # More / 更多: autograder hint 16 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("numerical_grad is not written yet / 尚未实现")
