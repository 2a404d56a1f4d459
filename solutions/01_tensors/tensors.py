"""Exercise 01 · Tensors and NumPy (张量与 NumPy).

A tensor is PyTorch's n-dimensional array, close kin to a NumPy array: it is
built from nested lists (the dtype inferred from the numbers), can share
memory with a NumPy array, can be joined with others (`cat` along an existing
dimension, `stack` along a new one), multiplied element by element (`*`) or
as matrices (`@`), and changed in place by methods whose names end in `_`.
NumPy's reshape, squeeze, transpose and argmax are the course's first steps;
images read by OpenCV are H x W x C arrays in BGR order, where most other
libraries expect RGB.
"""

import numpy as np
import torch


def from_nested(data):
    """A tensor holding `data` (nested lists of numbers), its dtype inferred from them.

    Course figure: [[1, 2], [3, 4]] gives an int64 tensor; floats give float32, booleans bool.
    """
    ### BEGIN SOLUTION
    return torch.tensor(data)
    ### END SOLUTION


def numpy_view(array):
    """A tensor that shares memory with the NumPy `array`: writing to one shows in the other.

    It keeps the array's shape and dtype (an int32 array gives an int32 tensor).
    """
    ### BEGIN SOLUTION
    return torch.from_numpy(array)
    ### END SOLUTION


def like(t):
    """(ones with t's shape and dtype, float32 random values uniform in [0, 1) with t's shape)."""
    ### BEGIN SOLUTION
    return torch.ones_like(t), torch.rand_like(t, dtype=torch.float32)
    ### END SOLUTION


def join(a, b):
    """(a and b concatenated along dim 0, concatenated along dim 1, stacked along a new dim 0).

    For two (2, 3) tensors the shapes are (4, 3), (2, 6) and (2, 2, 3).
    """
    ### BEGIN SOLUTION
    return torch.cat([a, b], dim=0), torch.cat([a, b], dim=1), torch.stack([a, b], dim=0)
    ### END SOLUTION


def products(a, b):
    """(the element-wise product of a and b, the matrix product of a with b transposed).

    For two (n, m) tensors the shapes are (n, m) and (n, n).
    """
    ### BEGIN SOLUTION
    return a * b, a @ b.T
    ### END SOLUTION


def add_(t, value):
    """Add `value` to `t` in place and return `t` itself, the same object, as `t.add_(value)` does."""
    ### BEGIN SOLUTION
    t.add_(value)
    return t
    ### END SOLUTION


def reshape_ops(array):
    """The course's NumPy steps on a 6-element array, each result a NumPy array except the last:

    (array reshaped to (2, 3); array reshaped to (1, 1, 1, 6) and squeezed back to (6,);
    the (2, 3) reshape transposed with axes (1, 0), shape (3, 2); the index of array's largest value, an int).
    Course figures: [1, 2, 3, 4, 5, 6] gives [[1, 2, 3], [4, 5, 6]], [1, 2, 3, 4, 5, 6],
    [[1, 4], [2, 5], [3, 6]] and 5; the index of the largest value of [8, 7, 6, 5, 4, 3] is 0.
    """
    ### BEGIN SOLUTION
    rows = np.reshape(array, (2, 3))
    squeezed = np.squeeze(np.reshape(array, (1, 1, 1, 6)))
    return rows, squeezed, np.transpose(rows, (1, 0)), int(np.argmax(array))
    ### END SOLUTION


def bgr_to_rgb(image):
    """The H x W x 3 uint8 `image` (BGR, as OpenCV reads it) with its channels in RGB order.

    Returns a new array of the same shape and dtype; `image` itself is left unchanged.
    """
    ### BEGIN SOLUTION
    return np.ascontiguousarray(image[:, :, ::-1])
    ### END SOLUTION
