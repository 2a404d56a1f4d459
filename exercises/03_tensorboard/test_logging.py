"""Visible tests for exercise 03 (TensorBoard). Run: pytest exercises/03_tensorboard

Each test reads the event files back with TensorBoard's own reader, as the grader does.
"""

import pytest
import torch
from tensorboard.backend.event_processing.event_accumulator import IMAGES, SCALARS, EventAccumulator
from torch import nn
from torch.utils.tensorboard import SummaryWriter

# add_graph traces the model with torch.jit.trace, which newer PyTorch versions call deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.trace:FutureWarning")


def read(log_dir):
    events = EventAccumulator(str(log_dir), size_guidance={SCALARS: 0, IMAGES: 0})
    events.Reload()
    return events


def points_of(events, tag):
    return [(event.step, event.value) for event in events.Scalars(tag)]


def test_line_writes_the_course_y_equals_2x(logging, tmp_path):
    logging.log_line(tmp_path)
    points = points_of(read(tmp_path), "y=2x")
    assert len(points) == 100
    assert points[:3] == [(0, 0.0), (1, 2.0), (2, 4.0)] and points[-1] == (99, 198.0)


def test_line_puts_the_value_first_and_the_step_second(logging, tmp_path):
    logging.log_line(tmp_path, tag="loss", n=5)
    assert points_of(read(tmp_path), "loss") == [(0, 0.0), (1, 2.0), (2, 4.0), (3, 6.0), (4, 8.0)]


def test_images_writes_one_batch_of_64_per_step(logging, tmp_path):
    batches = [torch.rand(64, 3, 32, 32), torch.rand(64, 3, 32, 32), torch.rand(16, 3, 32, 32)]
    logging.log_images(tmp_path, "test_data", batches)
    images = read(tmp_path).Images("test_data")
    assert [image.step for image in images] == [0, 1, 2]
    # add_images lays a batch out 8 images per row: 64 CIFAR images make one 256 x 256 picture.
    assert [(image.width, image.height) for image in images] == [(256, 256), (256, 256), (256, 64)]


def test_graph_is_written(logging, tmp_path):
    model = nn.Sequential(
        nn.Conv2d(3, 8, 5, padding=2), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8 * 16 * 16, 10)
    )
    logging.log_graph(tmp_path, model, torch.ones(64, 3, 32, 32))
    events = read(tmp_path)
    assert events.Tags()["graph"]
    assert "aten::_convolution" in {node.op for node in events.Graph().node}


def test_every_writer_is_closed(logging, tmp_path, monkeypatch):
    opened, closed = [], []
    original_init, original_close = SummaryWriter.__init__, SummaryWriter.close
    monkeypatch.setattr(
        SummaryWriter,
        "__init__",
        lambda self, *a, **k: (opened.append(self), original_init(self, *a, **k))[1],
    )
    monkeypatch.setattr(SummaryWriter, "close", lambda self: (closed.append(self), original_close(self))[1])
    logging.log_line(tmp_path / "line", n=3)
    logging.log_images(tmp_path / "images", "x", [torch.rand(2, 3, 4, 4)])
    logging.log_graph(tmp_path / "graph", nn.Linear(3, 2), torch.ones(1, 3))
    assert len(opened) == 3, "each function should create one SummaryWriter"
    assert all(writer in closed for writer in opened), "call writer.close() when you are done"
