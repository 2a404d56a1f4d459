"""Visible tests for exercise 01 (tensors and NumPy). Run: pytest exercises/01_tensors"""

import numpy as np
import torch


def course_tensor():
    """The course's 4x4 tensor of ones with column 1 set to zero."""
    tensor = torch.ones(4, 4)
    tensor[:, 1] = 0
    return tensor


def test_from_nested_infers_int64_for_the_course_data(tensors):
    x_data = tensors.from_nested([[1, 2], [3, 4]])
    assert x_data.dtype == torch.int64
    assert x_data.tolist() == [[1, 2], [3, 4]]


def test_from_nested_infers_float32_for_floats(tensors):
    assert tensors.from_nested([[0.5, 1.0], [2.0, 3.5]]).dtype == torch.float32


def test_numpy_view_shows_a_write_to_the_array(tensors):
    np_array = np.array([[1, 2], [3, 4]])
    x_np = tensors.numpy_view(np_array)
    np_array[0, 0] = 5
    assert x_np.tolist() == [[5, 2], [3, 4]]


def test_a_write_to_the_numpy_view_shows_in_the_array(tensors):
    np_array = np.array([[1, 2], [3, 4]], dtype=np.int32)
    x_np = tensors.numpy_view(np_array)
    assert x_np.dtype == torch.int32
    x_np[1, 1] = 9
    assert np_array[1, 1] == 9


def test_like_gives_ones_of_the_same_dtype(tensors):
    x_ones, _ = tensors.like(torch.tensor([[1, 2], [3, 4]]))
    assert x_ones.dtype == torch.int64
    assert x_ones.tolist() == [[1, 1], [1, 1]]


def test_like_gives_float32_random_values_for_an_integer_tensor(tensors):
    _, x_rand = tensors.like(torch.tensor([[1, 2], [3, 4]]))
    assert x_rand.shape == (2, 2)
    assert x_rand.dtype == torch.float32
    assert bool(((x_rand >= 0) & (x_rand < 1)).all())


def test_join_cats_and_stacks_the_course_tensors(tensors):
    t1, t2 = torch.tensor([[1, 2], [3, 4]]), torch.tensor([[5, 6], [7, 8]])
    rows, columns, stacked = tensors.join(t1, t2)
    assert rows.tolist() == [[1, 2], [3, 4], [5, 6], [7, 8]]
    assert columns.tolist() == [[1, 2, 5, 6], [3, 4, 7, 8]]
    assert stacked.tolist() == [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]


def test_join_shapes_for_the_course_4x4_tensor(tensors):
    tensor = course_tensor()
    shapes = [tuple(t.shape) for t in tensors.join(tensor, tensor)]
    assert shapes == [(8, 4), (4, 8), (2, 4, 4)]


def test_products_of_the_course_tensor(tensors):
    tensor = course_tensor()
    elementwise, matrix = tensors.products(tensor, tensor)
    assert torch.equal(elementwise, tensor)
    assert torch.equal(matrix, torch.full((4, 4), 3.0))


def test_products_of_non_square_tensors(tensors):
    a, b = torch.rand(2, 3), torch.rand(2, 3)
    elementwise, matrix = tensors.products(a, b)
    assert elementwise.shape == (2, 3)
    assert matrix.shape == (2, 2)


def test_add_in_place_doubles_the_course_tensor(tensors):
    t1 = torch.ones((2, 2))
    result = tensors.add_(t1, t1)
    assert result is t1
    assert t1.tolist() == [[2.0, 2.0], [2.0, 2.0]]


def test_reshape_ops_on_the_course_array(tensors):
    rows, squeezed, transposed, index = tensors.reshape_ops(np.array([1, 2, 3, 4, 5, 6]))
    assert rows.tolist() == [[1, 2, 3], [4, 5, 6]]
    assert squeezed.shape == (6,)
    assert transposed.tolist() == [[1, 4], [2, 5], [3, 6]]
    assert index == 5


def test_argmax_of_the_course_array_b(tensors):
    assert tensors.reshape_ops(np.array([8, 7, 6, 5, 4, 3]))[3] == 0


def test_bgr_to_rgb_turns_blue_into_the_last_channel(tensors):
    image = np.zeros((2, 3, 3), dtype=np.uint8)
    image[:, :, 0] = 255  # pure blue in OpenCV's BGR order
    rgb = tensors.bgr_to_rgb(image)
    assert rgb.shape == (2, 3, 3) and rgb.dtype == np.uint8
    assert (rgb[:, :, 2] == 255).all() and (rgb[:, :, 0] == 0).all()
    assert (image[:, :, 0] == 255).all()
