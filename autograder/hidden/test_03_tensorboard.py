"""Hidden checks for 03_tensorboard: the event files the student's functions write, as TensorBoard shows them.

The student's functions write into the worker's scratch folder. The grader reads the event files
there as untrusted bytes (`autograder.worker_files`: no links, regular files only, capped) twice: as
they are when the call returns, and after any SummaryWriter left open is closed. A sandboxed worker
of the grader's own (the `runner`) parses them (PNG is the only image format it decodes); the
reference writes the same calls in the grader's scratch, and its files are parsed here. Tags, steps,
values, image sizes and pixels, and the traced graph are compared with the reference's.
"""

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from autograder.checking import (
    Text,
    expect_equal,
    fail,
    not_judged,
    points,
    show,
)
from autograder.hidden.event_logs import (
    ADD_IMAGE_ADVICE,
    ADD_IMAGE_ADVICE_ZH,
    IMAGE_PROBLEMS,
    Logged,
    attempt,
    image_events,
    judged_after,
    outcome,
    run,
    scalar_points,
)


@pytest.fixture(scope="module")
def scratch():
    """A folder of the grader's own, where the reference writes its logs."""
    with tempfile.TemporaryDirectory(prefix="grader-tensorboard-") as folder:
        yield Path(folder)


# ---------------------------------------------------------------- log_line


@pytest.fixture(scope="module")
def fresh_line(student, reference, runner, scratch):
    """log_line with a tag and length drawn for this run, from student and reference."""
    rng = np.random.default_rng(303)
    kwargs = {"tag": f"loss/run-{int(rng.integers(100, 1000))}", "n": int(rng.integers(20, 80))}
    return (
        attempt(student, runner, scratch, "line", "line-fresh", **kwargs),
        run(reference, reference, scratch, "line", "line-fresh", **kwargs),
        kwargs,
    )


@pytest.fixture(scope="module")
def default_line(student, reference, runner, scratch):
    return (
        attempt(student, runner, scratch, "line", "line-defaults"),
        run(reference, reference, scratch, "line", "line-defaults"),
    )


@points(1)
def test_line_uses_the_course_defaults(default_line, fresh_line):
    """log_line(log_dir) writes the course's 100 points under the tag 'y=2x'.

    中文：log_line(log_dir) 按课程默认值在标签 'y=2x' 下写 100 个点。"""
    got, expected = default_line
    if isinstance(got, Exception) and isinstance(fresh_line[0], Exception):
        judged_after(got, "line_writes_value_2x_at_step_x", "log_line")
    got = outcome(got)
    (tag,) = expected.events["scalars"]
    expect_equal(
        sorted(got.events["scalars"]),
        [tag],
        Text("the scalar tags written by log_line(log_dir)", "log_line(log_dir) 写入的标量标签"),
    )
    expect_equal(
        len(scalar_points(got, tag)),
        len(scalar_points(expected, tag)),
        Text(
            f"the number of points log_line(log_dir) wrote under {tag!r}",
            f"log_line(log_dir) 在 {tag!r} 下写入的点数",
        ),
    )


@points(2)
def test_line_writes_value_2x_at_step_x(fresh_line):
    """log_line with another tag and n writes exactly the points (x, 2x) for x < n, in order.

    中文：换一个标签和 n，log_line 按顺序恰好写出点 (x, 2x)，x < n。"""
    got, expected, kwargs = fresh_line
    call = f"log_line(log_dir, tag={kwargs['tag']!r}, n={kwargs['n']})"
    got = outcome(got)
    (tag,) = expected.events["scalars"]
    expect_equal(
        sorted(got.events["scalars"]),
        [tag],
        Text(f"the scalar tags written by {call}", f"{call} 写入的标量标签"),
    )
    have, want = scalar_points(got, tag), scalar_points(expected, tag)
    if len(have) == len(want) and [v for _, v in have] == [float(s) for s, _ in want] and have != want:
        fail(
            f"{call}: the value and the step are swapped (first points {have[:3]}, expected (step, value) "
            f"{want[:3]}); the order is add_scalar(tag, scalar_value, global_step)",
            f"{call}：值和步数写反了（前几个点 {have[:3]}，应为 (step, value) {want[:3]}）；"
            f"参数顺序是 add_scalar(tag, scalar_value, global_step)",
        )
    expect_equal(
        len(have),
        len(want),
        Text(f"the number of points {call} wrote under {tag!r}", f"{call} 在 {tag!r} 下写入的点数"),
    )
    for (step, value), (want_step, want_value) in zip(have, want):
        if (step, value) != (want_step, want_value):
            fail(
                f"{call}: expected the point (step {want_step}, value {show(want_value)}), "
                f"got (step {step}, value {show(value)})",
                f"{call}：应有点 (step {want_step}, value {show(want_value, zh=True)})，"
                f"实际为 (step {step}, value {show(value, zh=True)})",
            )


# ---------------------------------------------------------------- log_images


def image_batches(seed: int) -> list[torch.Tensor]:
    """Batches as a DataLoader gives them: six of the same size, then a smaller last one."""
    generator = torch.Generator().manual_seed(seed)
    height, width = 8 + seed % 5, 6 + seed % 7
    return [torch.rand(size, 3, height, width, generator=generator) for size in (10,) * 6 + (3,)]


@pytest.fixture(scope="module")
def fresh_images(student, reference, runner, scratch):
    batches = image_batches(404)
    tag = "test_data/epoch-404"
    return (
        attempt(student, runner, scratch, "images", "images", tag, batches),
        run(reference, reference, scratch, "images", "images", tag, batches),
        tag,
        len(batches),
    )


@points(2)
def test_images_are_written_one_batch_per_step(fresh_images):
    """Seven batches give one image summary per step, at steps 0 to 6, under the given tag.

    中文：七个 batch 在给定标签下每步写一个图片摘要，步数为 0 到 6。"""
    got, expected, tag, count = fresh_images
    got = outcome(got)
    expect_equal(
        sorted(got.events["images"]),
        [tag],
        Text("the image tags written by log_images", "log_images 写入的图片标签"),
    )
    steps = [event["step"] for event in image_events(got, tag)]
    if len(steps) > count:
        fail(
            f"log_images wrote {len(steps)} image summaries for {count} batches; {ADD_IMAGE_ADVICE}, "
            f"once per batch",
            f"log_images 为 {count} 个 batch 写了 {len(steps)} 个图片摘要；{ADD_IMAGE_ADVICE_ZH}，每个 batch "
            f"一次",
        )
    expect_equal(
        steps,
        [event["step"] for event in image_events(expected, tag)],
        Text("the steps of the image summaries", "图片摘要的步数"),
    )


def one_summary_per_batch(logged: Logged, tag: str, count: int) -> list[dict[str, Any]]:
    """The image summaries, or not judged when there is not one per batch (the check above charges that)."""
    found = image_events(logged, tag)
    if len(found) != count:
        not_judged(
            "log_images",
            f"not judged: log_images wrote {len(found)} image summaries for {count} batches, "
            f"which images_are_written_one_batch_per_step already charges",
            f"未评判：log_images 为 {count} 个 batch 写了 {len(found)} 个图片摘要，"
            f"已在 images_are_written_one_batch_per_step 中扣分",
        )
    return found


@points(1)
def test_image_sizes_are_the_add_images_grid(fresh_images):
    """Each summary is the batch laid out as add_images does: up to 8 images per row.

    中文：每个摘要都是 add_images 排出的整批网格：每行最多 8 张。"""
    got, expected, tag, count = fresh_images
    got = judged_after(got, "images_are_written_one_batch_per_step", "log_images")
    have = [(event["width"], event["height"]) for event in one_summary_per_batch(got, tag, count)]
    want = [(event["width"], event["height"]) for event in image_events(expected, tag)]
    expect_equal(have, want, Text("(width, height) of each image summary", "每个图片摘要的 (宽, 高)"))


@points(1)
def test_image_pixels_are_the_batch_values(fresh_images):
    """The pixels are the batch's values in [0, 1] scaled to 0..255 (no extra scaling, no channel mix-up).

    中文：像素是 batch 中 [0, 1] 的值放大到 0..255（没有多余的缩放，通道没有弄混）。"""
    got, expected, tag, count = fresh_images
    got = judged_after(got, "images_are_written_one_batch_per_step", "log_images")
    for index, (have, want) in enumerate(
        zip(one_summary_per_batch(got, tag, count), image_events(expected, tag))
    ):
        if "problem" in have:
            en, zh = IMAGE_PROBLEMS[have["problem"]]
            fail(f"the image written at step {have['step']} {en}", f"第 {have['step']} 步写入的图片{zh}")
        pixels, wanted = have["pixels"], want["pixels"]
        if pixels.shape != wanted.shape or not np.array_equal(pixels, wanted):
            mean, want_mean = float(pixels.mean()), float(wanted.mean())
            fail(
                f"the image at step {want['step']} differs from the batch (mean pixel {mean:.1f}, expected "
                f"{want_mean:.1f}); pass the float batch in [0, 1] as it is, shaped (N, C, H, W)",
                f"第 {want['step']} 步的图片与 batch 不一致（像素均值 {mean:.1f}，应为 {want_mean:.1f}）；"
                f"请直接传入 [0, 1] 之间、形状为 (N, C, H, W) 的浮点 batch",
            )


# ---------------------------------------------------------------- log_graph


@pytest.fixture(scope="module")
def fresh_graph(student, reference, runner, scratch):
    return (
        attempt(student, runner, scratch, "graph", "graph", 505, 6),
        run(reference, reference, scratch, "graph", "graph", 505, 6),
    )


@points(2)
def test_graph_of_the_model_is_written(fresh_graph):
    """log_graph writes the model's graph, traced on the given example input (its shape included).

    中文：log_graph 写出模型的结构图，用给定的示例输入追踪（包括它的形状）。"""
    got, expected = fresh_graph
    have, want = outcome(got).events["graph"], expected.events["graph"]
    if have is None:
        fail(
            "no graph was found in the event file: use writer.add_graph(model, example_input)",
            "事件文件中没有模型结构图：请使用 writer.add_graph(model, example_input)",
        )
    expect_equal(
        have["shapes"],
        want["shapes"],
        Text("the input and output shapes of the traced graph", "所追踪结构图的输入和输出形状"),
    )
    expect_equal(
        have["operations"],
        want["operations"],
        Text("the operations in the traced graph", "所追踪结构图中的运算"),
    )


# ---------------------------------------------------------------- closing

CHARGED_IN = {
    "log_line": "line_writes_value_2x_at_step_x",
    "log_images": "images_are_written_one_batch_per_step",
    "log_graph": "graph_of_the_model_is_written",
}


@pytest.mark.parametrize("function", ["log_line", "log_images", "log_graph"])
@points(1)
def test_writer_is_closed(function, fresh_line, fresh_images, fresh_graph):
    """Every SummaryWriter the function creates is closed before it returns (the course's warning).

    中文：函数创建的每个 SummaryWriter 都在返回前关闭（课程特别提醒过）。"""
    got = {"log_line": fresh_line, "log_images": fresh_images, "log_graph": fresh_graph}[function][0]
    got = judged_after(got, CHARGED_IN[function], function)
    if got.writers == 0:
        fail(f"{function} did not create a SummaryWriter", f"{function} 没有创建 SummaryWriter")
    if got.unclosed:
        fail(
            f"{function} left {got.unclosed} of its {got.writers} SummaryWriter(s) open: call writer.close() "
            f"(or use `with SummaryWriter(log_dir) as writer:`)",
            f"{function} 创建的 {got.writers} 个 SummaryWriter 中有 {got.unclosed} 个没有关闭："
            f"请调用 writer.close()（或使用 `with SummaryWriter(log_dir) as writer:`）",
        )
    if got.changed_after_return:
        fail(
            f"the event files {function} wrote were still incomplete when it returned: close every "
            f"SummaryWriter (writer.close()) before returning",
            f"{function} 返回时写出的事件文件还不完整：请在返回前关闭每个 SummaryWriter（writer.close()）",
        )
