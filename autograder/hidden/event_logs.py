"""Running 03_tensorboard's logging functions and reading back what they wrote, for the hidden checks.

The student's functions write into the worker's scratch folder. The grader reads the event files there
as untrusted bytes (`autograder.worker_files`: no links, regular files only, capped) twice: as they are
when the call returns, and after any SummaryWriter left open is closed. A sandboxed worker of the
grader's own (the `runner`) parses them (PNG is the only image format it decodes); the reference
writes the same calls in the grader's scratch, and its files are parsed here.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.checking import (
    CheckFailed,
    StudentProblem,
    fail,
    not_judged,
)
from autograder.worker.probes import tensorboard as probes
from autograder.worker_files import Caps, FolderMissing, WorkerFilesProblem, read_worker_files

EVENT_FILE_PREFIX = "events.out.tfevents."
CAPS = Caps(files=16, bytes=32 * 1024 * 1024)
ADD_IMAGE_ADVICE = "add_image takes one image (C, H, W); write a whole batch (N, C, H, W) with add_images"
ADD_IMAGE_ADVICE_ZH = "add_image 只接受一张图片 (C, H, W)；一整个 batch (N, C, H, W) 要用 add_images"
IMAGE_PROBLEMS = {
    "not-png": ("is not a PNG (TensorBoard's images are PNG)", "不是 PNG 图片（TensorBoard 的图片都是 PNG）"),
    "too-large": ("is larger than the grader decodes", "超出了评分程序解码的大小"),
    "undecodable": ("could not be decoded as a PNG", "无法按 PNG 解码"),
}


@dataclass
class Logged:
    """What one call did: the writers it made and left open (its worker's word), whether its files changed
    after it returned (the grader's observation), and the events the grader read back."""

    function: str
    writers: int
    unclosed: int
    changed_after_return: bool
    events: dict[str, Any] = field(default_factory=dict)


def event_files(root: Path, name: str) -> dict[str, bytes]:
    """The event files in root/name as bytes, read by the audited reader; a failed check when unreadable."""
    try:
        found = read_worker_files(root, name, lambda entry: entry.startswith(EVENT_FILE_PREFIX), CAPS)
    except FolderMissing:
        fail(
            f"nothing was written to log_dir: the folder {name} does not exist; "
            f"pass log_dir to SummaryWriter",
            f"log_dir 中没有写入任何内容：文件夹 {name} 不存在；请把 log_dir 传给 SummaryWriter",
        )
    except WorkerFilesProblem as problem:
        fail(f"log_dir {name}: {problem.text.en}", f"log_dir {name}：{problem.text.zh}")
    if found.refused and not found.files:
        entry, why = next(iter(found.refused.items()))
        why_zh = {
            "a link": "链接",
            "not a regular file": "不是普通文件",
            "a file with other hard links": "带有其他硬链接的文件",
        }
        fail(
            f"log_dir {name} holds {entry}, which is {why}: "
            f"the grader reads only event files written there as "
            f"regular files (links are not followed)",
            f"log_dir {name} 中的 {entry} 是{why_zh.get(why, why)}：评分程序只读取在那里写成普通文件的事件文"
            f"件（不跟随链接）",
        )
    return found.files


FILE_PROBLEMS = {
    "malformed": ("a record is malformed", "有记录格式错误"),
    "too-many-events": ("they hold too many events", "事件数量过多"),
}


def parsed(parser, files: dict[str, bytes], function: str) -> dict[str, Any]:
    """The events in `files`, parsed by `parser` (the runner for the student's files)."""
    try:
        events = parser.probe(probes.read_events, files)
    except StudentProblem as problem:
        fail(
            f"the event files {function} wrote could not be read ({problem.text.en})",
            f"{function} 写出的事件文件无法读取（{problem.text.zh}）",
        )
    if events.get("problem"):
        en, zh = FILE_PROBLEMS.get(events["problem"], (events["problem"], events["problem"]))
        detail = f": {events['detail']}" if events.get("detail") else ""
        fail(
            f"the event files {function} wrote are not valid TensorBoard event files ({en}{detail})",
            f"{function} 写出的事件文件不是有效的 TensorBoard 事件文件（{zh}{detail}）",
        )
    return events


def run(module, parser, scratch: Path, kind: str, name: str, *args, **kwargs) -> Logged:
    """Run the `kind` probe with a fresh log_dir called `name`; read back what it wrote, as it was when the
    call returned and once every writer is closed."""
    root = module.work_dir if module.is_student else scratch / "reference"
    root.mkdir(exist_ok=True)
    function = f"log_{kind}"
    try:
        counts = module.probe(getattr(probes, kind), str(root / name), *args, **kwargs)
        at_return = event_files(root, name)
    finally:
        try:
            module.probe(probes.close_left_open)
        except StudentProblem:
            pass
    final = event_files(root, name)
    return Logged(
        function, counts["writers"], counts["unclosed"], at_return != final, parsed(parser, final, function)
    )


def attempt(student, runner, scratch: Path, kind: str, name: str, *args, **kwargs) -> Logged | Exception:
    """Like `run` for the student, keeping the problem (an error, unreadable files) for each check."""
    try:
        return run(student, runner, scratch, kind, name, *args, **kwargs)
    except (StudentProblem, CheckFailed) as problem:
        return problem


def outcome(logged: Logged | Exception) -> Logged:
    """The call's result; else the check fails with the call's problem (add_image's explained)."""
    if isinstance(logged, Exception):
        text = str(logged)
        if "input format are different" in text or "input_format" in text:
            fail(f"{text[:200]}... {ADD_IMAGE_ADVICE}", f"{text[:200]}... {ADD_IMAGE_ADVICE_ZH}")
        raise logged
    return logged


def judged_after(logged: Logged | Exception, charged_in: str, function: str) -> Logged:
    """The call's result, or not judged when the call failed: that failure is charged in `charged_in`."""
    if isinstance(logged, Exception):
        not_judged(
            function,
            f"not judged: {function} failed, which {charged_in} already charges",
            f"未评判：{function} 出错，已在 {charged_in} 中扣分",
        )
    return logged


def scalar_points(logged: Logged, tag: str) -> list[tuple[int, float]]:
    return [(int(step), float(value)) for step, value in logged.events["scalars"].get(tag, [])]


def image_events(logged: Logged, tag: str) -> list[dict[str, Any]]:
    return logged.events["images"].get(tag, [])
