"""A submitted notebook's answer cells, read as plain JSON: never executed, never trusted.

The answer cells are found by the grade ids `autograder nbgrader build` gave them (the function and
class names). A notebook that is too large, not UTF-8 JSON, lost its nbgrader metadata, or lost or
duplicated an answer cell is a `NotebookProblem` saying what is wrong, in both languages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from autograder.catalog import Exercise
from autograder.i18n import Text
from autograder.nbgrader.layout import exercise_layout
from autograder.textsafe import valid_unicode

MAX_NOTEBOOK_BYTES = 32 * 1024 * 1024


class NotebookProblem(Exception):
    """A notebook the grader cannot read answers from; `en` and `zh` say why."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en, self.zh = en, zh

    @property
    def text(self) -> Text:
        return Text(self.en, self.zh)


def _load(path: Path) -> dict[str, Any]:
    name = path.name
    if path.is_symlink() or not path.is_file():
        raise NotebookProblem(f"{name} is not a regular file", f"{name} 不是普通文件")
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise NotebookProblem(
            f"{name} is {size / 2**20:.0f} MiB, over the {MAX_NOTEBOOK_BYTES // 2**20} MiB limit; "
            f"clear the outputs and submit again",
            f"{name} 有 {size / 2**20:.0f} MiB，超过 {MAX_NOTEBOOK_BYTES // 2**20} MiB 上限；请清除输出后重新"
            f"提交",
        )
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise NotebookProblem(
            f"{name} is not UTF-8 text, so not a notebook", f"{name} 不是 UTF-8 文本，不是笔记本"
        ) from None
    except json.JSONDecodeError as exc:
        raise NotebookProblem(
            f"{name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            f"was it edited outside Jupyter?",
            f"{name} 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）；"
            f"是否在 Jupyter 之外改过？",
        ) from None
    except RecursionError:
        raise NotebookProblem(
            f"{name} is nested too deeply to be a notebook", f"{name} 嵌套过深，不是笔记本"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookProblem(
            f"{name} is JSON but not a Jupyter notebook (no list of cells)",
            f"{name} 是 JSON，但不是 Jupyter 笔记本（没有 cells 列表）",
        )
    return data


def _grade_id(cell: Any) -> str | None:
    if not isinstance(cell, dict) or not isinstance(cell.get("metadata"), dict):
        return None
    meta = cell["metadata"].get("nbgrader")
    grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
    return grade_id if isinstance(grade_id, str) else None


def _source(cell: dict) -> str | None:
    source = cell.get("source")
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    return None


def answers(path: Path, exercise: Exercise) -> dict[str, str]:
    """The text of each answer cell of the exercise's notebook, by grade id; NotebookProblem when unusable."""
    name = path.name
    data = _load(path)
    by_id: dict[str, list[dict]] = {}
    for cell in data["cells"]:
        grade_id = _grade_id(cell)
        if grade_id is not None:
            by_id.setdefault(grade_id, []).append(cell)
    if not by_id:
        raise NotebookProblem(
            f"{name} has no nbgrader metadata: submit the notebook released for {exercise.id} "
            f"(nbgrader generate_assignment), not a copy saved without its metadata",
            f"{name} 没有 nbgrader 元数据：请提交为 {exercise.id} 发布的笔记本，而不是丢失元数据的副本",
        )
    found = {}
    for segment in exercise_layout(exercise):
        if segment.kind != "answer":
            continue
        cells = by_id.get(segment.name, [])
        if not cells:
            raise NotebookProblem(
                f"{name}: the answer cell {segment.name!r} is missing (deleted, or its grade id "
                f"renamed); copy your answer into a fresh copy of the released notebook",
                f"{name}：答案单元格 {segment.name!r} 不见了（被删除或 grade id 被改名）；"
                f"请把答案复制到重新获取的发布版笔记本中",
            )
        if len(cells) > 1:
            raise NotebookProblem(
                f"{name}: {len(cells)} cells have the grade id {segment.name!r}; keep only one",
                f"{name}：有 {len(cells)} 个单元格的 grade id 都是 {segment.name!r}；只保留一个",
            )
        source = _source(cells[0])
        if cells[0].get("cell_type") != "code" or source is None:
            raise NotebookProblem(
                f"{name}: the answer cell {segment.name!r} is no longer a code cell",
                f"{name}：答案单元格 {segment.name!r} 已不是代码单元格",
            )
        found[segment.name] = valid_unicode(
            source
        )  # JSON's "\ud800" is a lone surrogate no writer can encode
    return found
