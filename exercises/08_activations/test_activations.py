"""Visible tests for exercise 08 (activations). Run: pytest exercises/08_activations"""

import torch

COURSE_INPUT = torch.tensor([[1.0, -0.5], [-1.0, 3.0]])


def test_relu_of_the_course_input(activations):
    assert activations.relu(COURSE_INPUT).tolist() == [[1.0, 0.0], [0.0, 3.0]]


def test_relu_leaves_its_input_unchanged(activations):
    x = COURSE_INPUT.clone()
    activations.relu(x)
    assert torch.equal(x, COURSE_INPUT)


def test_sigmoid_of_zero_is_one_half(activations):
    assert activations.sigmoid(torch.tensor([0.0])).item() == 0.5


def test_sigmoid_equals_the_built_in(activations):
    x = torch.linspace(-8, 8, 33)
    assert torch.allclose(activations.sigmoid(x), torch.sigmoid(x), atol=1e-6)


def test_sigmoid_stays_finite_at_plus_and_minus_100(activations):
    out = activations.sigmoid(torch.tensor([-100.0, 100.0]))
    assert bool(torch.isfinite(out).all())
    assert torch.allclose(out, torch.tensor([0.0, 1.0]), atol=1e-6)


def test_relu_in_place_returns_its_input_changed(activations):
    x = COURSE_INPUT.clone()
    out = activations.relu_(x)
    assert out is x
    assert x.tolist() == [[1.0, 0.0], [0.0, 3.0]]


def test_net_on_the_course_input(activations):
    x = torch.reshape(COURSE_INPUT, (-1, 1, 2, 2))
    out = activations.ActivationNet()(x)
    assert out.shape == (1, 1, 2, 2)
    assert torch.allclose(out, torch.sigmoid(torch.tensor([[[[1.0, 0.0], [0.0, 3.0]]]])), atol=1e-6)


def test_net_keeps_the_shape_of_a_cifar_batch(activations):
    out = activations.ActivationNet()(torch.randn(64, 3, 32, 32))
    assert out.shape == (64, 3, 32, 32)
    assert bool(((out >= 0.5) & (out <= 1)).all())


def test_net_leaves_its_input_unchanged(activations):
    x = torch.reshape(COURSE_INPUT, (-1, 1, 2, 2))
    activations.ActivationNet()(x)
    assert torch.equal(x, torch.reshape(COURSE_INPUT, (-1, 1, 2, 2)))
