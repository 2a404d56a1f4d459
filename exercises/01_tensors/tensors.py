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
    # Hint: A tensor can be built straight from nested lists; let PyTorch pick the dtype from the
    #   numbers.
    # 提示：张量可以直接由嵌套列表创建；让 PyTorch 根据数字自己决定 dtype。
    # More / 更多: autograder hint 01 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("from_nested is not written yet / 尚未实现")


def numpy_view(array):
    """A tensor that shares memory with the NumPy `array`: writing to one shows in the other.

    It keeps the array's shape and dtype (an int32 array gives an int32 tensor).
    """
    # Hint: The tensor must not copy the array: both must look at the same memory.
    # 提示：张量不能复制数组：两者要指向同一块内存。
    # More / 更多: autograder hint 01 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("numpy_view is not written yet / 尚未实现")


def like(t):
    """(ones with t's shape and dtype, float32 random values uniform in [0, 1) with t's shape)."""
    # Hint: Two new tensors shaped like t: one full of ones (t's dtype), one of random floats in [0,
    #   1).
    # 提示：两个与 t 形状相同的新张量：一个全是 1（t 的 dtype），一个是 [0, 1)
    #   的随机浮点数。
    # More / 更多: autograder hint 01 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("like is not written yet / 尚未实现")


def join(a, b):
    """(a and b concatenated along dim 0, concatenated along dim 1, stacked along a new dim 0).

    For two (2, 3) tensors the shapes are (4, 3), (2, 6) and (2, 2, 3).
    """
    # Hint: cat glues along a dimension that exists; stack makes a new dimension for the pieces.
    # 提示：cat 沿已有的维度拼接；stack 新增一个维度来放这些张量。
    # More / 更多: autograder hint 01 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("join is not written yet / 尚未实现")


def products(a, b):
    """(the element-wise product of a and b, the matrix product of a with b transposed).

    For two (n, m) tensors the shapes are (n, m) and (n, n).
    """
    # Hint: Element-wise product keeps the shape; a matrix product needs the inner sizes to match, so
    #   transpose b.
    # 提示：逐元素乘积形状不变；矩阵乘法要求内侧尺寸一致，所以要转置 b。
    # More / 更多: autograder hint 01 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("products is not written yet / 尚未实现")


def add_(t, value):
    """Add `value` to `t` in place and return `t` itself, the same object, as `t.add_(value)` does."""
    # Hint: Change t itself, then hand back the very same object, not a new tensor.
    # 提示：修改 t 本身，然后返回同一个对象，而不是一个新张量。
    # More / 更多: autograder hint 01 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("add_ is not written yet / 尚未实现")


def reshape_ops(array):
    """The course's NumPy steps on a 6-element array, each result a NumPy array except the last:

    (array reshaped to (2, 3); array reshaped to (1, 1, 1, 6) and squeezed back to (6,);
    the (2, 3) reshape transposed with axes (1, 0), shape (3, 2); the index of array's largest value, an int).
    Course figures: [1, 2, 3, 4, 5, 6] gives [[1, 2, 3], [4, 5, 6]], [1, 2, 3, 4, 5, 6],
    [[1, 4], [2, 5], [3, 6]] and 5; the index of the largest value of [8, 7, 6, 5, 4, 3] is 0.
    """
    # Hint: Four NumPy steps on one array: reshape to rows, add and remove size-1 axes, swap axes,
    #   find the largest value's index.
    # 提示：在一个数组上做四步 NumPy 操作：reshape 成两行、加上再去掉长度为 1
    #   的轴、交换轴、找最大值的下标。
    # More / 更多: autograder hint 01 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("reshape_ops is not written yet / 尚未实现")


def bgr_to_rgb(image):
    """The H x W x 3 uint8 `image` (BGR, as OpenCV reads it) with its channels in RGB order.

    Returns a new array of the same shape and dtype; `image` itself is left unchanged.
    """
    # Hint: The channels are the last axis; RGB is BGR read backwards.
    # 提示：通道在最后一个轴上；RGB 就是把 BGR 倒过来。
    # More / 更多: autograder hint 01 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("bgr_to_rgb is not written yet / 尚未实现")
