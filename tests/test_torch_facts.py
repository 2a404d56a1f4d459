"""Facts that the checks' messages, docstrings and course-style verdicts of 06-10, 12 and 13 state about
torch, checked against the torch installed here (issue 12, item 7)."""

import io

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from autograder.worker.probes.save_load import make_model, saved_as_if_on_cuda
from autograder.worker.probes.sequential import course_network

COURSE_INPUT = torch.tensor(
    [[1, 2, 0, 3, 1], [0, 1, 2, 3, 1], [1, 2, 1, 0, 0], [5, 2, 3, 1, 1], [2, 1, 0, 1, 1]]
)
COURSE_KERNEL = torch.tensor([[1, 2, 1], [0, 1, 0], [2, 1, 0]])


def test_the_course_convolution_figures_and_f_conv2d_on_int64():
    image, kernel = COURSE_INPUT.reshape(1, 1, 5, 5), COURSE_KERNEL.reshape(1, 1, 3, 3)
    output = F.conv2d(image, kernel)
    assert output.dtype == torch.int64
    assert output.tolist() == [[[[10, 12, 12], [18, 16, 16], [13, 9, 3]]]]
    assert F.conv2d(image, kernel, stride=2).tolist() == [[[[10, 12], [13, 3]]]]


def test_max_pooling_an_int64_tensor_works_on_the_cpu_today():
    pooled = nn.MaxPool2d(kernel_size=3, ceil_mode=True)(COURSE_INPUT.reshape(1, 1, 5, 5))
    assert pooled.dtype == torch.int64 and pooled.tolist() == [[[[2, 3], [5, 1]]]]
    assert nn.MaxPool2d(kernel_size=3)(COURSE_INPUT.reshape(1, 1, 5, 5).float()).tolist() == [[[[2.0]]]]


@pytest.mark.parametrize(
    "layer, shape", [(nn.Conv2d(1, 1, 3), (1, 1, 5, 5)), (nn.Linear(4, 2), (1, 4))], ids=["Conv2d", "Linear"]
)
def test_the_layers_after_pooling_refuse_an_int64_input(layer, shape):
    with pytest.raises(RuntimeError):
        layer(torch.ones(shape, dtype=torch.int64))


def test_layers_take_integer_sizes_and_refuse_floats_even_whole_ones():
    assert nn.Linear(np.int64(1024), 64).in_features == 1024
    for size in (1024.0, np.float64(1024)):
        with pytest.raises(TypeError):
            nn.Linear(size, 64)


def test_sigmoid_from_its_formula_stays_finite_and_exp_over_one_plus_exp_does_not():
    x = torch.tensor([-100.0, 100.0])
    assert torch.isinf(torch.exp(torch.tensor(100.0)))
    assert torch.allclose(1 / (1 + torch.exp(-x)), torch.sigmoid(x), atol=1e-7)
    assert torch.isnan(torch.exp(x) / (1 + torch.exp(x)))[1]


def test_the_course_loss_figures():
    inputs, targets = torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.0, 5.0])
    assert round(F.l1_loss(inputs, targets).item(), 4) == 0.6667
    assert F.l1_loss(inputs, targets, reduction="sum").item() == 2.0
    assert round(F.mse_loss(inputs, targets).item(), 4) == 1.3333
    assert round(F.cross_entropy(torch.tensor([[0.1, 0.2, 0.3]]), torch.tensor([1])).item(), 4) == 1.1019


def test_the_course_network_has_145578_parameters():
    assert sum(p.numel() for p in course_network().parameters()) == 145578


def test_torch_load_refuses_a_whole_model_by_default_and_loads_it_with_weights_only_false():
    buffer = io.BytesIO()
    torch.save(make_model(1), buffer)
    with pytest.raises(Exception, match="Weights only load failed"):
        torch.load(io.BytesIO(buffer.getvalue()))
    assert type(torch.load(io.BytesIO(buffer.getvalue()), weights_only=False)).__name__ == "TinyNet"


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine where torch sees no GPU")
def test_a_file_saved_on_a_gpu_needs_map_location_where_there_is_none():
    buffer = io.BytesIO()
    with saved_as_if_on_cuda(True):
        torch.save(make_model(2).state_dict(), buffer)
    with pytest.raises(RuntimeError, match="map_location"):
        torch.load(io.BytesIO(buffer.getvalue()))
    assert torch.load(io.BytesIO(buffer.getvalue()), map_location="cpu")["conv.weight"].device.type == "cpu"
