"""A training run read back from the worker: its records (what the loader handed out, when) and its states.

`fetch` runs a training probe through a proxy and reads the recording back (`autograder.worker.trajectory`),
all of it in chunks, or, with `boundaries`, only the states at the start and end of each pass over the
training loader and after the function returned, chosen by the grader once the run is over. Everything
read is checked for shape and type first: it comes from the worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch

from autograder.checking import StudentProblem, Text


@dataclass
class Record:
    kind: (
        str  # "batch" (the state before this batch), "end" (of a pass), "final" (after the function returned)
    )
    pass_index: int
    batch: int
    indices: list[int] | None


@dataclass
class Run:
    """One audited training run as the grader holds it."""

    returned: Any  # what the student's function returned (a history, a list of losses)
    records: list[Record]
    states: torch.Tensor  # (len(records), parameters), float32
    overflow: bool
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def final(self) -> torch.Tensor:
        return self.states[-1]


class Misfit(Exception):
    """The student's network does not hold the parameters the grader chose (its layout differs)."""


def fetch(
    proxy, train_probe, states_probe, *args: Any, returned_key: str, boundaries: bool = False, **kwargs: Any
) -> Run:
    """Run `train_probe` through `proxy` and read the run back: every state (in chunks), or with `boundaries`
    only the states at the passes' starts and ends and the final one (the others are NaN here)."""
    if boundaries:
        kwargs["hold_states"] = True
    result = proxy.probe(train_probe, *args, **kwargs)
    if not isinstance(result, dict):
        raise _unreadable()
    if "misfit" in result:
        raise Misfit(result["misfit"])
    records, count = result.get("records"), result.get("count")
    if not isinstance(records, list) or type(count) is not int or count != len(records) or count < 1:
        raise _unreadable()
    if boundaries:
        return _with_boundaries(proxy, states_probe, result, returned_key, [_record(r) for r in records])
    blocks, position = [], 0
    chunk = result
    while True:
        block, following = chunk.get("states"), chunk.get("next")
        if not isinstance(block, torch.Tensor) or block.dim() != 2 or type(following) is not int:
            raise _unreadable()
        if following != position + block.shape[0] or following <= position or following > count:
            raise _unreadable()
        blocks.append(block.to(torch.float32))
        position = following
        if position == count:
            break
        chunk = proxy.probe(states_probe, position)
        if not isinstance(chunk, dict):
            raise _unreadable()
    extra = {key: value for key, value in result.items() if key not in ("states", "records", "next", "count")}
    return Run(
        result.get(returned_key),
        [_record(r) for r in records],
        torch.cat(blocks),
        bool(result.get("overflow")),
        extra,
    )


def boundary_indices(records: list[Record]) -> list[int]:
    """The first batch of each pass, each pass's end, and the final record: where a pass-by-pass audit
    looks."""
    chosen, seen = [], set()
    for index, record in enumerate(records):
        first = record.kind == "batch" and record.pass_index not in seen
        seen.add(record.pass_index)
        if first or record.kind in ("end", "final"):
            chosen.append(index)
    return chosen


def _with_boundaries(proxy, states_probe, result: dict, returned_key: str, records: list[Record]) -> Run:
    chosen = boundary_indices(records)
    block = proxy.probe(states_probe, 0, chosen)
    states = block.get("states") if isinstance(block, dict) else None
    if not isinstance(states, torch.Tensor) or states.dim() != 2 or states.shape[0] != len(chosen):
        raise _unreadable()
    full = torch.full((len(records), states.shape[1]), float("nan"))
    full[chosen] = states.to(torch.float32)
    extra = {key: value for key, value in result.items() if key not in ("states", "records", "next", "count")}
    return Run(result.get(returned_key), records, full, bool(result.get("overflow")), extra)


def _record(raw: Any) -> Record:
    if not (
        isinstance(raw, list)
        and len(raw) == 4
        and raw[0] in ("batch", "end", "final")
        and type(raw[1]) is int
        and type(raw[2]) is int
    ):
        raise _unreadable()
    indices = raw[3]
    if indices is not None and not (isinstance(indices, list) and all(type(i) is int for i in indices)):
        raise _unreadable()
    return Record(raw[0], raw[1], raw[2], indices)


def _unreadable() -> StudentProblem:
    return StudentProblem(
        Text(
            "the training run could not be read back from the worker (was the kit's loader or "
            "recording changed?)",
            "无法从工作进程读回这次训练（是否改动了评分工具的数据加载器或记录？）",
        )
    )
