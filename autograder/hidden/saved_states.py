"""What a saved file or a loaded model holds, compared with the values the grader computed (exercise 13)."""

from __future__ import annotations

import torch

from autograder.checking import Text, fail, number_value
from autograder.worker.probes.save_load import EPOCH, LOSS, momentum, state, trained


def same_state(got, expected: dict, atol: float = 0.0) -> bool:
    return (
        isinstance(got, dict)
        and set(got) == set(expected)
        and all(
            isinstance(got[k], torch.Tensor)
            and got[k].shape == v.shape
            and torch.allclose(got[k].to(v.dtype), v, atol=atol, rtol=0)
            for k, v in expected.items()
        )
    )


def expect_same_state(got, expected: dict, what: Text, atol: float = 0.0) -> None:
    if not isinstance(got, dict) or set(got) != set(expected):
        names = sorted(got) if isinstance(got, dict) else got
        fail(
            f"{what.en}: expected the entries {sorted(expected)}, got {names}",
            f"{what.zh}：应包含 {sorted(expected)}，实际为 {names}",
        )
    for name in expected:
        if not same_state({name: got[name]}, {name: expected[name]}, atol):
            fail(f"{what.en}: {name} does not hold the model's values", f"{what.zh}：{name} 不是模型的值")


def expected_state(seed: int) -> dict:
    return state(trained(seed)[0])


def checkpoint_layout(content, seed: int) -> tuple[dict[str, str | None], list[Text]]:
    """Which top-level keys of a checkpoint hold the model's state_dict, the optimizer's state_dict (with its
    momentum buffers), the epoch and the loss; and what it lacks."""
    entries = content if isinstance(content, dict) else {}
    wanted_momentum = momentum(trained(seed)[1])

    def optimizer_state(value) -> bool:
        held = value.get("state") if isinstance(value, dict) else None
        return isinstance(held, dict) and all(
            same_state({"m": (held.get(str(i)) or {}).get("momentum_buffer")}, {"m": want})
            for i, want in enumerate(wanted_momentum)
        )

    tests = {
        "model": lambda v: same_state(v, expected_state(seed)),
        "optimizer": optimizer_state,
        "epoch": lambda v: number_value(v) == EPOCH,
        "loss": lambda v: (number := number_value(v)) is not None and abs(number - LOSS) < 1e-9,
    }
    layout = {
        part: next((key for key, value in entries.items() if test(value)), None)
        for part, test in tests.items()
    }
    names = {
        "model": Text.plain("model.state_dict()"),
        "optimizer": Text.plain("optimizer.state_dict()"),
        "epoch": Text(f"the epoch ({EPOCH})", f"epoch（{EPOCH}）"),
        "loss": Text(f"the loss ({LOSS})", f"loss（{LOSS}）"),
    }
    return layout, [names[part] for part, key in layout.items() if key is None]
