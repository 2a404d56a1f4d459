"""Helpers of 16_autograd's hidden checks: the advice for autograd's usual traps, the inputs of each case
(matmul chains, the course's cubic, random functions for the numerical gradient), the gradients the grader
expects, and the judging shared by the checks (and their "not judged" preconditions).
"""

from __future__ import annotations

import torch

from autograder.checking import StudentProblem, Text, agrees, expect_close, fail, not_judged_because, show
from autograder.worker.probes import autograd as probes
from autograder.worker.probes.autograd import random_function

ADVICE = (
    (
        "backward through the graph a second time",
        "the first backward() frees the graph: get every gradient from one backward() (it fills the .grad of "
        "all leaves), or pass retain_graph=True to the earlier calls",
        "第一次 backward() 之后计算图就被释放了：用一次 backward() 得到所有梯度（它会填好所有叶子张量的 "
        ".grad），或者在前面的调用中传入 retain_graph=True",
    ),
    (
        "grad can be implicitly created only for scalar outputs",
        "Q is not a scalar: pass the external gradient, Q.backward(gradient=torch.ones_like(Q))",
        "Q 不是标量：需要传入外部梯度，Q.backward(gradient=torch.ones_like(Q))",
    ),
    (
        "does not require grad and does not have a grad_fn",
        "the inputs do not require grad: compute on copies made with t.detach().clone().requires_grad_(True)",
        "输入不需要梯度：请在 t.detach().clone().requires_grad_(True) 得到的副本上计算",
    ),
)
NON_LEAF = (
    "got None: .grad is only filled in for leaf tensors, and a tensor made by an operation (such as "
    "x.clone() of an input that requires grad) is not a leaf; use x.detach().clone().requires_grad_(True)"
)
NON_LEAF_ZH = (
    "得到 None：只有叶子张量才会被填入 .grad，由运算得到的张量（例如对需要梯度的输入做 x.clone()）"
    "不是叶子；请用 x.detach().clone().requires_grad_(True)"
)


def brief(error: StudentProblem) -> str:
    """The error's type, first sentence and place: PyTorch's autograd messages run on for lines."""
    info = getattr(error, "info", {}) or {}
    message = str(info.get("message") or error).split(". ")[0][:200]
    where = f" ({info['file']}, line {info.get('line')})" if info.get("file") else ""
    return f"{info.get('type') or 'Error'}: {message}{where}"


def probe_with_advice(module, *args, **kwargs):
    """Run the gradients probe; explain the classic autograd errors when the student's code hits them."""
    try:
        return module.probe(*args, **kwargs)
    except StudentProblem as error:
        for needle, advice, advice_zh in ADVICE:
            if needle in str(error):
                fail(f"{brief(error)}; {advice}", f"{brief(error)}；{advice_zh}")
        raise


def expect_gradients(got, expected, names: tuple[str, ...], what: Text) -> None:
    """A tuple of gradients, each equal to the reference's; None gets the non-leaf explanation."""
    if not isinstance(got, list) or len(got) != len(names):
        fail(
            f"{what.en} should return {len(names)} gradients ({', '.join(names)}), got {show(got)}",
            f"{what.zh} 应返回 {len(names)} 个梯度（{', '.join(names)}），实际为 {show(got, zh=True)}",
        )
    for name, have, want in zip(names, got, expected):
        if have is None:
            fail(f"{name} from {what.en}: {NON_LEAF}", f"{what.zh} 的 {name}：{NON_LEAF_ZH}")
        expect_close(have, want, Text(f"{name} from {what.en}", f"{what.zh} 的 {name}"), atol=1e-5, rtol=1e-5)


def chain_inputs(seed: int) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    return [torch.randn(shape, generator=generator) for shape in ((1, 5), (5, 3), (3, 1))]


CHAIN = ("dx", "dy", "dz")
CUBIC = ("dQ/da", "dQ/db")


def gives_right_gradients(
    student, reference, function: str, cases: list[list[torch.Tensor]], requires_grad: bool = False
) -> bool:
    """Whether `function` gives the reference's gradients on every case (for checks judged only after it)."""
    for inputs in cases:
        try:
            got = student.probe(probes.grads, function, inputs, requires_grad=requires_grad)
        except StudentProblem:
            return False
        (expected,) = reference.probe(probes.grads, function, inputs)
        if (
            not isinstance(got[0], list)
            or len(got[0]) != len(expected)
            or not all(agrees(have, want, atol=1e-5, rtol=1e-5) for have, want in zip(got[0], expected))
        ):
            return False
    return True


def needs(
    student,
    reference,
    function: str,
    cases: list[list[torch.Tensor]],
    check: str,
    requires_grad: bool = False,
) -> None:
    """Not judged until `function` is right on the cases `check` judges."""
    if not gives_right_gradients(student, reference, function, cases, requires_grad):
        not_judged_because(
            function,
            f"{function} does not give the right gradients yet (see {check})",
            f"{function} 的梯度还不对（见 {check}）",
        )


def judge(
    student,
    reference,
    function: str,
    inputs: list[torch.Tensor],
    names: tuple[str, ...],
    requires_grad: bool = False,
    calls: int = 1,
) -> None:
    got = probe_with_advice(student, probes.grads, function, inputs, requires_grad=requires_grad, calls=calls)
    (expected,) = reference.probe(probes.grads, function, inputs)
    shapes = ", ".join(str(tuple(t.shape)) for t in inputs)
    grad_note = Text(" that require grad", "、需要梯度") if requires_grad else Text("", "")
    for call, result in enumerate(got):
        which = Text(f"call {call + 1} of ", f"第 {call + 1} 次调用 ") if calls > 1 else Text("", "")
        expect_gradients(
            result,
            expected,
            names,
            Text(
                f"{which.en}{function}(tensors of shapes {shapes}{grad_note.en})",
                f"{which.zh}{function}（形状为 {shapes}{grad_note.zh}的张量）",
            ),
        )


CHAIN_SEEDS = (160, 161, 162)


CUBIC_CASES = ((165, (7,)), (166, (3, 4)), (167, (2, 2, 3)))


def cubic_is_right(student, reference) -> None:
    needs(
        student,
        reference,
        "cubic_grads",
        [cubic_inputs(seed, shape) for seed, shape in CUBIC_CASES],
        "cubic_grads_are_9a2_and_minus_2b_on_fresh_inputs",
    )


def cubic_inputs(seed: int, shape: tuple[int, ...]) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    return [torch.randn(shape, generator=generator) * 2 for _ in range(2)]


def random_spec(seed: int, size: int, curved: bool = True) -> dict[str, torch.Tensor]:
    """Coefficients for random_function: sines, cubes, and a quadratic form coupling the elements."""
    generator = torch.Generator().manual_seed(seed)

    def uniform(low: float, high: float, *shape: int) -> torch.Tensor:
        return low + (high - low) * torch.rand(shape, generator=generator, dtype=torch.float64)

    q = uniform(-0.5, 0.5, size, size)
    spec = {"a": uniform(-1, 1, size), "w": uniform(0.5, 2, size), "c": uniform(-1, 1, size), "q": q}
    if not curved:
        spec["a"], spec["q"] = (
            torch.zeros(size, dtype=torch.float64),
            torch.zeros(size, size, dtype=torch.float64),
        )
    return spec


def point(seed: int, shape: tuple[int, ...]) -> torch.Tensor:
    return torch.rand(shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64) * 4 - 2


def autograd_gradient(spec: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    leaf = x.clone().requires_grad_(True)
    random_function(spec)(leaf).backward()
    if leaf.grad is None:
        raise RuntimeError("the random function does not depend on x")
    return leaf.grad


def numerical(student, spec, x, **kwargs) -> dict:
    got = student.probe(probes.numerical, spec, x, **kwargs)
    returned = got.get("grad") if isinstance(got, dict) else got
    if not isinstance(returned, torch.Tensor):
        fail(
            f"numerical_grad should return a tensor shaped like x, got {show(returned)}",
            f"numerical_grad 应返回与 x 形状相同的 tensor，实际为 {show(returned, zh=True)}",
        )
    return got


NUMERICAL_CASES = ((170, (4,)), (171, (3, 4)), (172, (2, 2, 2)))


def numerical_what(shape: tuple) -> Text:
    return Text(
        f"numerical_grad(f, x) for a random f and x of shape {shape}, compared with autograd (use central "
        f"differences, (f(x + eps) - f(x - eps)) / (2 * eps), at the unchanged x)",
        f"对随机的 f 和形状为 {shape} 的 x，numerical_grad(f, x) 与 autograd 相比（请用中心差分 "
        f"(f(x + eps) - f(x - eps)) / (2 * eps)，且 x 保持不变）",
    )


def numerical_is_right(student) -> None:
    for seed, shape in NUMERICAL_CASES:
        x = point(seed, shape)
        spec = random_spec(seed, x.numel())
        try:
            got = student.probe(probes.numerical, spec, x)
        except StudentProblem:
            got = {}
        if not agrees(
            got.get("grad") if isinstance(got, dict) else None,
            autograd_gradient(spec, x),
            atol=1e-5,
            rtol=1e-5,
        ):
            not_judged_because(
                "numerical_grad",
                "numerical_grad does not agree with autograd yet (see "
                "numerical_grad_matches_autograd_on_random_functions)",
                "numerical_grad 与 autograd 还不一致（见 "
                "numerical_grad_matches_autograd_on_random_functions）",
            )
