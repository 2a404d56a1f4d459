"""Hidden checks for 03_tensorboard: the grader reads the event files with TensorBoard's own reader.

The student's functions write into the worker's scratch folder. The grader
copies the event files it finds there (regular files only, never through a
link, size-capped) into a folder of its own, reads them with TensorBoard's
`EventAccumulator`, and compares tags, steps, values, image sizes and pixels,
and the traced graph with what the reference writes for the same inputs.
"""
import io
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from tensorboard.backend.event_processing import event_accumulator

from autograder.checking import StudentError, expect_equal, fail, points, show
from autograder.worker.probes import tensorboard as probes

EVENT_FILE = re.compile(r"events\.out\.tfevents\.[A-Za-z0-9._-]{1,200}")
MAX_FILES = 16
MAX_BYTES = 32 * 1024 * 1024
MAX_PIXELS = 4096 * 4096
KEEP_ALL = {event_accumulator.SCALARS: 0, event_accumulator.IMAGES: 0, event_accumulator.GRAPH: 1,
            event_accumulator.TENSORS: 0}

ADD_IMAGE_ADVICE = "add_image takes one image (C, H, W); write a whole batch (N, C, H, W) with add_images"
ADD_IMAGE_ADVICE_ZH = "add_image 只接受一张图片 (C, H, W)；一整个 batch (N, C, H, W) 要用 add_images"


@dataclass
class Logged:
    """What one call wrote: the writers it left open, and the events the grader read back."""

    writers: int
    unclosed: int
    events: event_accumulator.EventAccumulator


@pytest.fixture(scope="module")
def scratch():
    """A folder of the grader's own: the reference's logs, and copies of the student's event files."""
    with tempfile.TemporaryDirectory(prefix="grader-tensorboard-") as folder:
        yield Path(folder)


def copy_event_files(root: Path, name: str, target: Path) -> None:
    """Copy the event files in `root/name` to `target`, trusting nothing in `root/name`.

    `root` is a folder the grader made; `name` and everything in it may have been
    made by student code, so no link is followed, only regular files are read, and
    the number and size of the files are capped."""
    target.mkdir()
    root_fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            folder_fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=root_fd)
        except FileNotFoundError:
            fail(f"nothing was written to log_dir: the folder {name} does not exist; "
                 f"pass log_dir to SummaryWriter",
                 f"log_dir 中没有写入任何内容：文件夹 {name} 不存在；请把 log_dir 传给 SummaryWriter")
        except OSError:
            fail(f"log_dir {name} is not a plain folder", f"log_dir {name} 不是普通文件夹")
    finally:
        os.close(root_fd)
    try:
        copied, total = 0, 0
        for entry in sorted(os.listdir(folder_fd)):
            if not EVENT_FILE.fullmatch(entry):
                continue
            try:
                file_fd = os.open(entry, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder_fd)
            except OSError:
                continue
            with os.fdopen(file_fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    continue
                content = handle.read(MAX_BYTES - total + 1)
            total += len(content)
            copied += 1
            if total > MAX_BYTES or copied > MAX_FILES:
                fail(f"log_dir holds more than {MAX_FILES} event files or {MAX_BYTES // 2**20} MiB of events",
                     f"log_dir 中的事件文件超过 {MAX_FILES} 个或 {MAX_BYTES // 2**20} MiB")
            (target / entry).write_bytes(content)
    finally:
        os.close(folder_fd)


def run(module, scratch: Path, kind: str, name: str, *args, **kwargs) -> Logged:
    """Run the `kind` probe with a fresh log_dir called `name`; read back what it wrote."""
    label = "student" if module.is_student else "reference"
    root = module.work_dir if label == "student" else scratch / "reference"
    root.mkdir(exist_ok=True)
    outcome = module.probe(getattr(probes, kind), str(root / name), *args, **kwargs)
    copy = scratch / f"{label}-{name}"
    copy_event_files(root, name, copy)
    events = event_accumulator.EventAccumulator(str(copy), size_guidance=KEEP_ALL, purge_orphaned_data=False)
    events.Reload()
    return Logged(outcome["writers"], outcome["unclosed"], events)


def attempt(student, scratch: Path, kind: str, name: str, *args, **kwargs) -> Logged | StudentError:
    """Like `run` for the student, keeping an error for each check to report."""
    try:
        return run(student, scratch, kind, name, *args, **kwargs)
    except StudentError as error:
        return error


def outcome(logged: Logged | StudentError) -> Logged:
    if isinstance(logged, StudentError):
        text = str(logged)
        if "input format are different" in text or "input_format" in text:
            fail(f"{text[:200]}... {ADD_IMAGE_ADVICE}", f"{text[:200]}... {ADD_IMAGE_ADVICE_ZH}")
        raise logged
    return logged


def tags(logged: Logged, kind: str) -> list[str]:
    return sorted(logged.events.Tags()[kind])


def scalar_points(logged: Logged, tag: str) -> list[tuple[int, float]]:
    return [(event.step, event.value) for event in logged.events.Scalars(tag)]


# ---------------------------------------------------------------- log_line

def expect_line(got: Logged, expected: Logged, call: str) -> None:
    (tag,) = tags(expected, "scalars")
    expect_equal(tags(got, "scalars"), [tag], f"the scalar tags written by {call}")
    have, want = scalar_points(got, tag), scalar_points(expected, tag)
    if len(have) == len(want) and [v for _, v in have] == [float(s) for s, _ in want] and have != want:
        fail(f"{call}: the value and the step are swapped (first points {have[:3]}, expected (step, value) "
             f"{want[:3]}); the order is add_scalar(tag, scalar_value, global_step)",
             f"{call}：值和步数写反了（前几个点 {have[:3]}，应为 (step, value) {want[:3]}）；"
             f"参数顺序是 add_scalar(tag, scalar_value, global_step)")
    expect_equal(len(have), len(want), f"the number of points {call} wrote under {tag!r}")
    for (step, value), (want_step, want_value) in zip(have, want):
        if (step, value) != (want_step, want_value):
            fail(f"{call}: expected the point (step {want_step}, value {show(want_value)}), "
                 f"got (step {step}, value {show(value)})",
                 f"{call}：应有点 (step {want_step}, value {show(want_value)})，"
                 f"实际为 (step {step}, value {show(value)})")


@pytest.fixture(scope="module")
def fresh_line(student, reference, scratch):
    """log_line with a tag and length drawn for this run, from student and reference."""
    rng = np.random.default_rng(303)
    kwargs = {"tag": f"loss/run-{int(rng.integers(100, 1000))}", "n": int(rng.integers(20, 80))}
    return (attempt(student, scratch, "line", "line-fresh", **kwargs),
            run(reference, scratch, "line", "line-fresh", **kwargs), kwargs)


@points(1)
def test_line_uses_the_course_defaults(student, reference, scratch):
    """log_line(log_dir) writes the course's 100 points of y = 2x under the tag 'y=2x'."""
    got = outcome(attempt(student, scratch, "line", "line-defaults"))
    expect_line(got, run(reference, scratch, "line", "line-defaults"), "log_line(log_dir)")


@points(2)
def test_line_writes_value_2x_at_step_x(fresh_line):
    """log_line with another tag and n writes exactly the points (x, 2x) for x < n, in order."""
    got, expected, kwargs = fresh_line
    call = f"log_line(log_dir, tag={kwargs['tag']!r}, n={kwargs['n']})"
    expect_line(outcome(got), expected, call)


# ---------------------------------------------------------------- log_images

def image_batches(seed: int) -> list[torch.Tensor]:
    """Batches as a DataLoader gives them: the same size except a smaller last one."""
    generator = torch.Generator().manual_seed(seed)
    height, width = 8 + seed % 5, 6 + seed % 7
    return [torch.rand(size, 3, height, width, generator=generator) for size in (10, 10, 3)]


@pytest.fixture(scope="module")
def fresh_images(student, reference, scratch):
    batches = image_batches(404)
    tag = "test_data/epoch-404"
    return (attempt(student, scratch, "images", "images", tag, batches),
            run(reference, scratch, "images", "images", tag, batches), tag, len(batches))


def image_events(logged: Logged, tag: str) -> list:
    return logged.events.Images(tag) if tag in tags(logged, "images") else []


def decode(event) -> np.ndarray:
    """The pixels of one image event; the encoded bytes came from student code, so the size is capped."""
    if event.width * event.height > MAX_PIXELS:
        fail(f"an image event claims {event.width}x{event.height} pixels",
             f"图片事件声称有 {event.width}x{event.height} 像素")
    try:
        with Image.open(io.BytesIO(event.encoded_image_string)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValueError("too large")
            return np.asarray(image.convert("RGB"))
    except (OSError, ValueError, Image.DecompressionBombError):
        fail(f"the image written at step {event.step} could not be decoded",
             f"第 {event.step} 步写入的图片无法解码")


@points(2)
def test_images_are_written_one_batch_per_step(fresh_images):
    """Three batches give one image summary per step, at steps 0, 1, 2, under the given tag."""
    got, expected, tag, count = fresh_images
    got = outcome(got)
    expect_equal(tags(got, "images"), [tag], "the image tags written by log_images")
    steps = [event.step for event in image_events(got, tag)]
    if len(steps) > count:
        fail(f"log_images wrote {len(steps)} image summaries for {count} batches; {ADD_IMAGE_ADVICE}, "
             f"once per batch",
             f"log_images 为 {count} 个 batch 写了 {len(steps)} 个图片摘要；{ADD_IMAGE_ADVICE_ZH}，每个 batch 一次")
    expect_equal(steps, [event.step for event in image_events(expected, tag)], "the steps of the image summaries")


@points(1)
def test_image_sizes_are_the_add_images_grid(fresh_images):
    """Each summary is the batch laid out as add_images does: up to 8 images per row."""
    got, expected, tag, _count = fresh_images
    have = [(event.step, event.width, event.height) for event in image_events(outcome(got), tag)]
    want = [(event.step, event.width, event.height) for event in image_events(expected, tag)]
    expect_equal(have, want, "(step, width, height) of each image summary")


@points(1)
def test_image_pixels_are_the_batch_values(fresh_images):
    """The pixels are the batch's values in [0, 1] scaled to 0..255 (no extra scaling, no channel mix-up)."""
    got, expected, tag, _count = fresh_images
    have, want = image_events(outcome(got), tag), image_events(expected, tag)
    expect_equal(len(have), len(want), "the number of image summaries")
    for got_event, want_event in zip(have, want):
        pixels, wanted = decode(got_event), decode(want_event)
        if pixels.shape != wanted.shape or not np.array_equal(pixels, wanted):
            mean, want_mean = float(pixels.mean()), float(wanted.mean())
            fail(f"the image at step {want_event.step} differs from the batch (mean pixel {mean:.1f}, expected "
                 f"{want_mean:.1f}); pass the float batch in [0, 1] as it is, shaped (N, C, H, W)",
                 f"第 {want_event.step} 步的图片与 batch 不一致（像素均值 {mean:.1f}，应为 {want_mean:.1f}）；"
                 f"请直接传入 [0, 1] 之间、形状为 (N, C, H, W) 的浮点 batch")


# ---------------------------------------------------------------- log_graph

def graph_summary(logged: Logged) -> dict:
    """The traced operations (as a sorted list) and the shapes at the graph's input and output."""
    if not logged.events.Tags()["graph"]:
        return {"graph": False}
    nodes = logged.events.Graph().node
    shapes = {node.name.split("/")[0]: [[d.size for d in shape.dim]
                                        for shape in node.attr["_output_shapes"].list.shape]
              for node in nodes if node.op == "IO Node"}
    return {"graph": True, "operations": sorted(node.op for node in nodes if node.op.startswith("aten::")),
            "shapes": shapes}


@pytest.fixture(scope="module")
def fresh_graph(student, reference, scratch):
    return (attempt(student, scratch, "graph", "graph", 505, 6),
            run(reference, scratch, "graph", "graph", 505, 6))


@points(2)
def test_graph_of_the_model_is_written(fresh_graph):
    """log_graph writes the model's graph, traced on the given example input (its shape included)."""
    got, expected = fresh_graph
    have, want = graph_summary(outcome(got)), graph_summary(expected)
    if not have["graph"]:
        fail("no graph was found in the event file: use writer.add_graph(model, example_input)",
             "事件文件中没有模型结构图：请使用 writer.add_graph(model, example_input)")
    expect_equal(have["shapes"], want["shapes"], "the input and output shapes of the traced graph")
    expect_equal(have["operations"], want["operations"], "the operations in the traced graph")


# ---------------------------------------------------------------- closing

@pytest.mark.parametrize("function", ["log_line", "log_images", "log_graph"])
@points(1)
def test_writer_is_closed(function, fresh_line, fresh_images, fresh_graph):
    """Every SummaryWriter the function creates is closed before it returns (the course's warning)."""
    got = {"log_line": fresh_line, "log_images": fresh_images, "log_graph": fresh_graph}[function][0]
    got = outcome(got)
    if got.writers == 0:
        fail(f"{function} did not create a SummaryWriter", f"{function} 没有创建 SummaryWriter")
    if got.unclosed:
        fail(f"{function} left {got.unclosed} of its {got.writers} SummaryWriter(s) open: call writer.close() "
             f"(or use `with SummaryWriter(log_dir) as writer:`)",
             f"{function} 创建的 {got.writers} 个 SummaryWriter 中有 {got.unclosed} 个没有关闭："
             f"请调用 writer.close()（或使用 `with SummaryWriter(log_dir) as writer:`）")
