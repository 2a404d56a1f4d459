"""01 written the way the course's notes write it: `torch.tensor(data)` as in the 60-minute tour,
`torch.from_numpy` for the NumPy bridge, `tensor.mul(tensor)` and `tensor.matmul(tensor.T)` for the two
products, `t1.add_(...)` in place, `np.reshape`/`np.squeeze`/`np.transpose(aa, (1, 0))`/`np.argmax`
from the NumPy basics (argmax returns a NumPy integer there), and OpenCV's `cv.cvtColor(src,
cv.COLOR_BGR2RGB)` written with NumPy, since OpenCV is not installed: `src[:, :, ::-1].copy()`."""
import numpy as np
import torch


def from_nested(data):
    x_data = torch.tensor(data)
    return x_data


def numpy_view(array):
    tensor_x = torch.from_numpy(array)
    return tensor_x


def like(t):
    x_ones = torch.ones_like(t)
    x_rand = torch.rand_like(t, dtype=torch.float)
    return x_ones, x_rand


def join(a, b):
    t1 = torch.cat([a, b], dim=0)
    t2 = torch.cat([a, b], dim=1)
    t3 = torch.stack([a, b], dim=0)
    return t1, t2, t3


def products(a, b):
    return a.mul(b), a.matmul(b.T)


def add_(t, value):
    t.add_(value)
    return t


def reshape_ops(array):
    aa = np.reshape(array, (2, 3))
    bb = np.reshape(array, (1, 1, 1, 6))
    b1 = np.squeeze(bb)
    a2 = np.transpose(aa, (1, 0))
    b_index = np.argmax(array)
    return aa, b1, a2, b_index


def bgr_to_rgb(image):
    rgb = image[:, :, ::-1].copy()
    return rgb
