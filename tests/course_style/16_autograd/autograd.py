"""16 written from the notes: torch.matmul twice then one backward() and x.grad, y.grad, z.grad; the
course's Q = 3*a**3 - b**2 with an external gradient of ones; the inputs made leaves with
requires_grad_() on detached copies, and central differences in a loop over the flattened x."""
import torch


def matmul_chain_grads(x, y, z):
    x = x.detach().clone().requires_grad_()
    y = y.detach().clone().requires_grad_()
    z = z.detach().clone().requires_grad_()
    xy = torch.matmul(x, y)
    xyz = torch.matmul(xy, z)
    xyz.backward()
    return x.grad, y.grad, z.grad


def cubic_grads(a, b):
    a = a.detach().clone().requires_grad_(True)
    b = b.detach().clone().requires_grad_(True)
    Q = 3 * a**3 - b**2
    external_grad = torch.ones_like(Q)
    Q.backward(gradient=external_grad, retain_graph=True)
    return a.grad, b.grad


def numerical_grad(f, x, eps=1e-3):
    grad = torch.zeros_like(x)
    flat = x.reshape(-1)
    for i in range(flat.numel()):
        old = flat[i].item()
        flat[i] = old + eps
        plus = f(x).item()
        flat[i] = old - eps
        minus = f(x).item()
        flat[i] = old
        grad.reshape(-1)[i] = (plus - minus) / (2 * eps)
    return grad
