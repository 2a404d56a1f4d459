"""What a Gradescope bundle's `run_autograder` runs: grade the submission as the bundle says.

It reads `gradescope.json` (written by `autograder gradescope-bundle`), grades only the bundle's
exercises, sets each check's visibility, and always leaves a valid `results.json`, because that is
all Gradescope shows students. It refuses to run student code with `minimal` isolation (rlimits
only: the student's code could read the hidden checks and the reference solutions) unless the bundle
allows it, and says why to the student. What only the instructor should read (isolation layers,
memory used against the container's limit, tracebacks) goes to stdout, which Gradescope shows to
instructors only.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

from autograder import catalog, i18n
from autograder.bundle_config import CONFIG_NAME, BundleConfig
from autograder.errors import KitError
from autograder.i18n import Text
from autograder.results import GradeResult
from autograder.submission import SubmissionError

HIDDEN_UNTIL = {
    "hidden": Text("The hidden checks' results are not shown to students.", "隐藏检查的结果不向学生显示。"),
    "after_due_date": Text(
        "The hidden checks' results are shown after the due date.", "隐藏检查的结果在截止日期后显示。"
    ),
    "after_published": Text(
        "The hidden checks' results are shown when the grades are published.",
        "隐藏检查的结果在成绩发布后显示。",
    ),
}


class Refused(KitError):
    """The bundle will not grade on this machine; `text` tells the student why."""

    def __init__(self, text: Text, detail: str) -> None:
        super().__init__(detail)
        self.text = text


def isolation_level(config: BundleConfig) -> str:
    """The best level this container offers; Refused when that is `minimal` and the bundle forbids it."""
    from autograder.sandbox import machine

    best = machine().best_level()
    if best == "minimal" and not config.allow_minimal:
        raise Refused(
            Text(
                "Not graded: this grading machine cannot keep submitted code away from the grader's hidden "
                "checks, so the autograder refuses to run it. Nothing is wrong with your submission; your "
                "instructor can see why. Please resubmit once it is fixed.",
                "未评分：评分机器无法把提交的代码与隐藏检查隔离开，因此自动评分程序拒绝运行它。你的作业本身没有问题，"
                "老师可以看到原因。修复后请重新提交。",
            ),
            "only `minimal` isolation is available in this container (no bubblewrap user namespaces, no "
            "Landlock or seccomp); run `autograder doctor` in the image for what is missing, or rebuild the "
            "bundle with --allow-minimal-isolation to grade anyway",
        )
    return best


def submission_path(folder: Path) -> Path:
    """What to grade: the folder Gradescope filled, or the one .zip it holds (a zip inside the upload)."""
    entries = [entry for entry in folder.iterdir() if not entry.name.startswith((".", "__MACOSX"))]
    if len(entries) == 1 and entries[0].is_file() and entries[0].suffix.lower() == ".zip":
        return entries[0]
    return folder


def cpu_threads() -> int:
    """Torch threads per worker: the container's CPU quota (Gradescope's default is half a vCPU), at most
    2."""
    for path, parse in (
        (Path("/sys/fs/cgroup/cpu.max"), lambda t: t.split()),
        (Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), lambda t: [t.strip(), "100000"]),
    ):
        try:
            quota, period = parse(path.read_text())
            if quota not in ("max", "-1"):
                return max(1, min(2, int(int(quota) / int(period))))
        except (OSError, ValueError):
            continue
    return max(1, min(2, len(os.sched_getaffinity(0))))


def own_memory_group() -> list[tuple[Path, Path]]:
    """(limit file, peak file) of this process's memory cgroup: v2 memory.max and memory.peak, or v1
    memory.limit_in_bytes and memory.max_usage_in_bytes (in a container, its own group is "/")."""
    candidates = []
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if controllers == "":
            base = Path("/sys/fs/cgroup") / path.lstrip("/")
            candidates.append((base / "memory.max", base / "memory.peak"))
        elif "memory" in controllers.split(","):
            base = Path("/sys/fs/cgroup/memory") / path.lstrip("/")
            candidates.append((base / "memory.limit_in_bytes", base / "memory.max_usage_in_bytes"))
    return sorted(candidates, key=lambda pair: "memory.max" not in pair[0].name)


def container_memory() -> tuple[int | None, int | None]:
    """(limit, peak) of this container's memory cgroup in bytes, None where the kernel does not say."""
    try:
        candidates = own_memory_group()
    except OSError:
        return None, None
    for limit_path, peak_path in candidates:
        if limit_path.exists():
            values = []
            for path in (limit_path, peak_path):
                try:
                    text = path.read_text().strip()
                    values.append(None if text == "max" or int(text) >= 1 << 60 else int(text))
                except (OSError, ValueError):
                    values.append(None)
            return values[0], values[1]
    return None, None


def grade(submission: Path, config: BundleConfig, level: str) -> GradeResult:
    """Grade the bundle's exercises in `submission` with the sandbox at `level`."""
    from autograder import grading
    from autograder.data import default_root

    options = grading.GradeOptions(
        exercises=list(config.exercises),
        device="cpu",
        threads=cpu_threads(),
        data_root=default_root(),
        time_scale=config.time_scale,
        isolation=level,
    )
    return grading.grade(submission, options)  # starts the sandbox at `level`, and closes it


def results_json(result: GradeResult, config: BundleConfig) -> dict:
    """Gradescope's results.json for a graded submission: the bundle's visibility and a bilingual summary."""
    from autograder.reports import gradescope, gradescope_rich

    data = gradescope.to_dict(result, visibility=config.visibility, always_visible=config.visible_checks)
    notes = [HIDDEN_UNTIL[config.visibility]] if config.visibility in HIDDEN_UNTIL else []
    data["output"] = gradescope_rich.summary(result, notes=notes)
    return data


def not_graded(text: Text) -> dict:
    """results.json when nothing could be graded: score 0 and the reason, visible to the student."""
    return {
        "score": 0.0,
        "output": text.render(),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [],
    }


def nothing_found(config: BundleConfig) -> Text:
    files = ", ".join(catalog.get(e).filename for e in config.exercises)
    folders = ", ".join(f"{e}/" for e in config.exercises)
    return Text(
        f"Not graded: no exercise file was found in your submission. Upload {files} (or the folder "
        f"{folders}, or your whole repository with its exercises/ folder).",
        f"未评分：提交中没有找到练习文件。请上传 {files}（或文件夹 {folders}，或包含 exercises/ 文件夹的整个"
        f"仓库）。",
    )


def write_atomically(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)


def report_memory() -> None:
    """Tell the instructor how much of the container's memory this run used (stdout only)."""
    limit, peak = container_memory()
    if peak is not None:
        limit_text = f"{limit / 1e6:.0f} MB" if limit else "no limit"
        print(f"memory: this container peaked at {peak / 2**20:.0f} MiB (limit: {limit_text})")


def run(root: Path, config_path: Path | None = None) -> int:
    """Grade `root`/submission into `root`/results/results.json; always 0 once results.json is written."""
    results = root / "results" / "results.json"
    config = None
    try:
        config = BundleConfig.load(config_path or catalog.KIT_ROOT / CONFIG_NAME)
        i18n.set_language(config.lang)
        level = isolation_level(config)
        result = grade(submission_path(root / "submission"), config, level)
        data = results_json(result, config)
        isolation = result.isolation or {}
        print(
            f"graded {', '.join(config.exercises)}: {result.score:g} / {result.max_score:g} in "
            f"{result.duration_s:.0f} s; isolation {isolation.get('level')} "
            f"({', '.join(isolation.get('layers', []))})"
        )
    except Refused as exc:
        print(f"refused: {exc}")
        data = not_graded(exc.text)
    except SubmissionError as exc:
        print(f"no submission to grade: {exc}")
        assert config is not None  # grading, which found no submission, started after the config loaded
        data = not_graded(nothing_found(config))
    except Exception:  # whatever broke, Gradescope must get a results.json; the details are the instructor's
        traceback.print_exc(file=sys.stdout)
        data = not_graded(
            Text(
                "Not graded: the autograder could not run. Nothing is wrong with your submission "
                "as far as it knows; your instructor can see the details.",
                "未评分：自动评分程序无法运行。就它所知你的作业没有问题；老师可以看到详细信息。",
            )
        )
    write_atomically(results, data)
    report_memory()
    return 0
