"""Hidden checks for 16_autograd: gradients of x @ y @ z and of 3a³ − b², and central differences vs
autograd."""

import torch

from autograder.checking import StudentProblem, Text, expect_close, fail, not_judged_because, points
from autograder.hidden.autograd_cases import (
    CHAIN,
    CHAIN_SEEDS,
    CUBIC,
    CUBIC_CASES,
    NUMERICAL_CASES,
    autograd_gradient,
    chain_inputs,
    cubic_inputs,
    cubic_is_right,
    expect_gradients,
    judge,
    needs,
    numerical,
    numerical_is_right,
    numerical_what,
    point,
    probe_with_advice,
    random_spec,
)
from autograder.worker.probes import autograd as probes


@points(2)
def test_matmul_chain_grads_match_autograd(student, reference):
    """dx, dy, dz of x @ y @ z for fresh (1, 5), (5, 3), (3, 1) tensors: (yz)ᵀ, xᵀzᵀ and (xy)ᵀ.
    中文：对新建的 (1, 5)、(5, 3)、(3, 1) 张量，x @ y @ z 的 dx、dy、dz 分别为 (yz)ᵀ、xᵀzᵀ 和 (xy)ᵀ"""
    for seed in CHAIN_SEEDS:
        judge(student, reference, "matmul_chain_grads", chain_inputs(seed), CHAIN)


@points(1)
def test_matmul_chain_grads_of_inputs_that_require_grad(student, reference):
    """Inputs that are already leaves requiring grad give the same gradients (no .grad read from a non-leaf).
    中文：输入本身就是需要梯度的叶子张量时，梯度也相同（不从非叶子张量读取 .grad）"""
    needs(
        student,
        reference,
        "matmul_chain_grads",
        [chain_inputs(seed) for seed in CHAIN_SEEDS],
        "matmul_chain_grads_match_autograd",
    )
    judge(student, reference, "matmul_chain_grads", chain_inputs(163), CHAIN, requires_grad=True)


@points(1)
def test_matmul_chain_grads_do_not_accumulate_across_calls(student, reference):
    """Two calls on the same input tensors give the same gradients: .grad must not add up between calls.
    中文：对同一组输入张量调用两次得到相同的梯度：.grad 不能在两次调用之间累加"""
    needs(
        student,
        reference,
        "matmul_chain_grads",
        [chain_inputs(163)],
        "matmul_chain_grads_of_inputs_that_require_grad",
        requires_grad=True,
    )
    got = probe_with_advice(
        student, probes.grads, "matmul_chain_grads", chain_inputs(164), requires_grad=True, calls=2
    )
    (expected,) = reference.probe(probes.grads, "matmul_chain_grads", chain_inputs(164))
    expect_gradients(
        got[0], expected, CHAIN, Text("the first call of matmul_chain_grads", "第一次调用 matmul_chain_grads")
    )
    if isinstance(got[1], list) and len(got[1]) == 3 and all(isinstance(t, torch.Tensor) for t in got[1]):
        for name, have, want in zip(CHAIN, got[1], expected):
            if have.shape != want.shape or not torch.allclose(have, want, atol=1e-5, rtol=1e-5):
                fail(
                    f"a second call on the same tensors gave a different {name}: .grad adds up over "
                    f"backward() calls; compute on fresh leaf copies "
                    f"(t.detach().clone().requires_grad_(True))",
                    f"在同一组张量上第二次调用时 {name} 变了：.grad 会在多次 backward() 之间累加；"
                    f"请在新的叶子副本上计算（t.detach().clone().requires_grad_(True)）",
                )
    expect_gradients(
        got[1],
        expected,
        CHAIN,
        Text("the second call of matmul_chain_grads", "第二次调用 matmul_chain_grads"),
    )


@points(1)
def test_cubic_grads_of_the_course_example(student, reference):
    """a = [2., 3.], b = [6., 4.], both requiring grad: dQ/da = 9a² = [36, 81], dQ/db = −2b = [−12, −8].
    中文：a = [2., 3.]、b = [6., 4.]，都需要梯度：dQ/da = 9a² = [36, 81]，dQ/db = −2b = [−12, −8]"""
    cubic_is_right(student, reference)
    inputs = [torch.tensor([2.0, 3.0]), torch.tensor([6.0, 4.0])]
    judge(student, reference, "cubic_grads", inputs, CUBIC, requires_grad=True)


@points(2)
def test_cubic_grads_are_9a2_and_minus_2b_on_fresh_inputs(student, reference):
    """Fresh a and b of shapes (7,), (3, 4) and (2, 2, 3): the external gradient of ones gives 9a² and −2b.
    中文：形状为 (7,)、(3, 4)、(2, 2, 3) 的新 a 和 b：外部梯度取全 1 时得到 9a² 和 −2b"""
    for seed, shape in CUBIC_CASES:
        judge(student, reference, "cubic_grads", cubic_inputs(seed, shape), CUBIC)


@points(1)
def test_cubic_grads_of_inputs_that_require_grad(student, reference):
    """Fresh a and b that already require grad (no .grad read from a non-leaf copy).
    中文：新的 a 和 b 本身已经需要梯度（不从非叶子副本读取 .grad）"""
    cubic_is_right(student, reference)
    for seed, shape in ((168, (5,)), (169, (2, 3))):
        judge(student, reference, "cubic_grads", cubic_inputs(seed, shape), CUBIC, requires_grad=True)


@points(3)
def test_numerical_grad_matches_autograd_on_random_functions(student):
    """Central differences with the default eps = 1e-3 agree with autograd to 1e-5 on random smooth functions.
    中文：默认 eps = 1e-3 的中心差分在随机光滑函数上与 autograd 相差不超过 1e-5"""
    for seed, shape in NUMERICAL_CASES:
        x = point(seed, shape)
        spec = random_spec(seed, x.numel())
        got = numerical(student, spec, x)
        expect_close(got["grad"], autograd_gradient(spec, x), numerical_what(shape), atol=1e-5, rtol=1e-5)


@points(1)
def test_numerical_grad_uses_eps(student, reference):
    """With eps=0.1 the central difference of Σ c·x³ is 3c·x² + c·eps²: the given eps is used.
    中文：eps=0.1 时 Σ c·x³ 的中心差分为 3c·x² + c·eps²：使用了传入的 eps"""
    numerical_is_right(student)
    x = point(173, (5,))
    spec = random_spec(173, 5, curved=False)
    got = numerical(student, spec, x, eps=0.1)
    expected = reference.probe(probes.numerical, spec, x, eps=0.1)
    expect_close(
        got["grad"],
        expected["grad"],
        Text(
            "numerical_grad(f, x, eps=0.1) for f(x) = Σ c·x³",
            "f(x) = Σ c·x³ 时的 numerical_grad(f, x, eps=0.1)",
        ),
        atol=1e-8,
        rtol=1e-8,
    )


@points(1)
def test_numerical_grad_leaves_x_unchanged(student):
    """After numerical_grad(f, x), x holds its original values (restore what you perturb, or do not modify x).
    中文：numerical_grad(f, x) 之后 x 保持原值（扰动后要恢复，或者不要修改 x）"""
    x = point(174, (3, 3))
    numerical_is_right(student)
    try:
        got = student.probe(probes.numerical, random_spec(174, 9), x)
    except StudentProblem:
        not_judged_because(
            "numerical_grad",
            "numerical_grad raised an error (see numerical_grad_matches_autograd_on_random_functions)",
            "numerical_grad 出错了（见 numerical_grad_matches_autograd_on_random_functions）",
        )
    expect_close(
        got["x_after"],
        x,
        Text("x after numerical_grad(f, x)", "numerical_grad(f, x) 之后的 x"),
        atol=1e-12,
        rtol=0,
    )
