"""The worker-to-grader codec carries plain data only and rejects malformed input."""

import json
import math

import numpy as np
import pytest
import torch

from autograder.worker import wire


def round_trip(value):
    return wire.decode(wire.encode(value))


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        -(2**70),
        1.5,
        "中文",
        b"\x00\xff",
        [1, [2, 3]],
        (1, "a"),
        {"a": 1, 2: (3,)},
        torch.float16,
        torch.device("cpu"),
    ],
)
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


@pytest.mark.parametrize(
    "bad",
    [
        b"",
        b"\x00\x00\x00\x10not json",
        payload({"v": 2, "root": 1, "blobs": []}),
        payload({"v": 1, "root": {"$": "pickle", "data": "x"}, "blobs": []}),
        payload(
            {"v": 1, "root": {"$": "tensor", "dtype": "float32", "shape": [10], "blob": 0}, "blobs": [4]},
            b"abcd",
        ),
        payload(
            {"v": 1, "root": {"$": "tensor", "dtype": "object", "shape": [1], "blob": 0}, "blobs": [8]},
            b"12345678",
        ),
        payload({"v": 1, "root": {"$": "bytes", "blob": 5}, "blobs": []}),
        payload({"v": 1, "root": None, "blobs": [100]}, b"short"),
        payload({"v": 1, "root": {"$": "dict", "items": [[[1], 2]]}, "blobs": []}),
    ],
)
def test_malformed_payloads_are_rejected(bad):
    with pytest.raises(wire.WireError):
        wire.decode(bad)


def test_deep_nesting_is_rejected_not_a_crash():
    deep = "[" * 100000 + "]" * 100000
    text = ('{"v": 1, "blobs": [], "root": ' + deep + "}").encode()
    with pytest.raises(wire.WireError):
        wire.decode(wire.HEAD_HEADER.pack(len(text)) + text)


# ---------------------------------------------------------------- bounded decoding (issue 10, class 4)


def colliding_dict_payload(count: int) -> bytes:
    """A forged answer: a dict of `count` int keys that all hash alike in the grader (k * (2**61 - 1))."""
    items = ",".join(f"[{k * (2**61 - 1)},0]" for k in range(1, count + 1))
    return payload_text('{"v": 1, "blobs": [], "root": {"$": "dict", "items": [' + items + "]}}")


def payload_text(text: str) -> bytes:
    raw = text.encode()
    return wire.HEAD_HEADER.pack(len(raw)) + raw


def test_dict_keys_that_can_be_made_to_collide_are_refused():
    with pytest.raises(wire.WireError, match="keys"):
        wire.decode(colliding_dict_payload(300_000))


@pytest.mark.parametrize(
    "key", ["[1.5, 0]", '[{"$": "tuple", "items": [1]}, 0]', "[null, 0]", f"[{2**31}, 0]"]
)
def test_only_string_bool_and_small_int_keys_are_accepted(key):
    with pytest.raises(wire.WireError):
        wire.decode(payload_text('{"v": 1, "blobs": [], "root": {"$": "dict", "items": [' + key + "]}}"))


def test_small_int_string_and_bool_keys_survive():
    value = {-(2**31): 1, 2**31 - 1: 2, "名字": 3, True: 4}
    assert round_trip(value) == value


def test_a_dict_the_decoder_would_refuse_arrives_as_an_opaque_description():
    back = round_trip({(1, 2): "a", 2.5: "b"})
    assert isinstance(back, wire.Opaque) and back.type == "dict"


def test_more_values_than_the_cap_are_refused_on_both_sides():
    with pytest.raises(wire.TooLarge):
        wire.encode([0] * (wire.MAX_NODES + 1))
    with pytest.raises(wire.WireError, match="values"):
        wire.decode(
            payload_text('{"v": 1, "blobs": [], "root": [' + ",".join(["0"] * (wire.MAX_NODES + 1)) + "]}")
        )


def test_decoding_stops_at_the_deadline():
    ticks = iter(range(10**9))
    with pytest.raises(wire.DecodeTimeout):
        wire.decode(wire.encode(list(range(100_000))), deadline=5, clock=lambda: next(ticks))


def test_lone_surrogates_from_the_worker_become_replacement_characters():
    text = payload_text(
        '{"v": 1, "blobs": [], "root": {"$": "dict", "items": [["k\\ud800", "v\\udfff"], '
        '["o", {"$": "opaque", "type": "T\\ud800", "repr": "r\\ud800"}]]}}'
    )
    back = wire.decode(text)
    assert back["k\ufffd"] == "v\ufffd" and back["o"] == wire.Opaque("T\ufffd", "r\ufffd")


@pytest.mark.parametrize(
    "value",
    [
        np.float64(0.1),
        np.float32(2.5),
        np.int64(-3),
        np.uint8(7),
        np.bool_(True),
        np.complex64(1 + 2j),
        np.float16(np.nan),
    ],
)
def test_numpy_scalars_keep_their_dtype(value):
    back = round_trip(value)
    assert type(back) is type(value) and back.dtype == value.dtype
    assert back.tobytes() == value.tobytes()


def test_zero_dim_tensors_stay_tensors():
    back = round_trip(torch.tensor(2.5, dtype=torch.float64))
    assert (
        isinstance(back, torch.Tensor)
        and back.dim() == 0
        and back.dtype == torch.float64
        and back.item() == 2.5
    )


@pytest.mark.parametrize(
    "node",
    [
        {"$": "npscalar", "dtype": "float64", "hex": "00"},
        {"$": "npscalar", "dtype": "float64", "hex": "zz" * 8},
        {"$": "npscalar", "dtype": "object", "hex": "00" * 8},
        {"$": "npscalar", "dtype": "bool", "hex": "02"},
        {"$": "npscalar", "dtype": "int64"},
    ],
)
def test_malformed_numpy_scalars_are_rejected(node):
    with pytest.raises(wire.WireError):
        wire.decode(payload({"v": 1, "root": node, "blobs": []}))


def test_booleans_other_than_0_and_1_are_rejected():
    with pytest.raises(wire.WireError, match="boolean"):
        wire.decode(
            payload(
                {"v": 1, "root": {"$": "tensor", "dtype": "bool", "shape": [2], "blob": 0}, "blobs": [2]},
                b"\x01\x02",
            )
        )
