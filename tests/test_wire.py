"""The worker-to-grader codec carries plain data only and rejects malformed input."""
import json
import math

import numpy as np
import pytest
import torch

from autograder.worker import wire


def round_trip(value):
    return wire.decode(wire.encode(value))


@pytest.mark.parametrize("value", [
    None, True, 3, -2**70, 1.5, "中文", b"\x00\xff", [1, [2, 3]], (1, "a"), {"a": 1, 2: (3,)}, torch.float16,
    torch.device("cpu"),
])
def test_plain_values_survive_a_round_trip(value):
    assert round_trip(value) == value


def test_special_floats_survive():
    nan, inf = round_trip([math.nan, math.inf])
    assert math.isnan(nan) and inf == math.inf


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.int64, torch.bool, torch.complex64])
def test_tensors_keep_values_shape_and_dtype(dtype):
    tensor = (torch.arange(24).reshape(2, 3, 4) % 3).to(dtype)
    back = round_trip(tensor)
    assert back.dtype == dtype and back.shape == tensor.shape and torch.equal(back, tensor)


def test_non_contiguous_and_grad_tensors_are_sent_as_plain_data():
    tensor = torch.randn(4, 5, requires_grad=True)
    back = round_trip(tensor.t())
    assert type(back) is torch.Tensor and not back.requires_grad and torch.equal(back, tensor.detach().t())


def test_tensor_subclasses_arrive_as_plain_tensors():
    class Sneaky(torch.Tensor):
        def __eq__(self, other):
            return True

    back = round_trip(torch.zeros(2).as_subclass(Sneaky))
    assert type(back) is torch.Tensor


def test_numpy_arrays_survive():
    array = np.arange(6, dtype=np.uint8).reshape(2, 3)
    back = round_trip(array)
    assert back.dtype == np.uint8 and np.array_equal(back, array)


def test_unknown_objects_become_opaque_descriptions():
    back = round_trip(torch.nn.Linear(2, 2))
    assert isinstance(back, wire.Opaque) and back.type.endswith("Linear")


def test_values_over_the_cap_are_refused():
    with pytest.raises(wire.TooLarge):
        wire.encode(torch.zeros(1024, 1024), limit=1024)


def payload(head: dict, *blobs: bytes) -> bytes:
    text = json.dumps(head).encode()
    return wire.HEAD_HEADER.pack(len(text)) + text + b"".join(blobs)


@pytest.mark.parametrize("bad", [
    b"",
    b"\x00\x00\x00\x10not json",
    payload({"v": 2, "root": 1, "blobs": []}),
    payload({"v": 1, "root": {"$": "pickle", "data": "x"}, "blobs": []}),
    payload({"v": 1, "root": {"$": "tensor", "dtype": "float32", "shape": [10], "blob": 0}, "blobs": [4]}, b"abcd"),
    payload({"v": 1, "root": {"$": "tensor", "dtype": "object", "shape": [1], "blob": 0}, "blobs": [8]}, b"12345678"),
    payload({"v": 1, "root": {"$": "bytes", "blob": 5}, "blobs": []}),
    payload({"v": 1, "root": None, "blobs": [100]}, b"short"),
    payload({"v": 1, "root": {"$": "dict", "items": [[[1], 2]]}, "blobs": []}),
])
def test_malformed_payloads_are_rejected(bad):
    with pytest.raises(wire.WireError):
        wire.decode(bad)


def test_deep_nesting_is_rejected_not_a_crash():
    deep = "[" * 100000 + "]" * 100000
    text = ('{"v": 1, "blobs": [], "root": ' + deep + "}").encode()
    with pytest.raises(wire.WireError):
        wire.decode(wire.HEAD_HEADER.pack(len(text)) + text)
