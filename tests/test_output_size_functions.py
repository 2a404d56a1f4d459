"""The reference output-size functions agree with real torch layers on parameter grids."""

import importlib.util

import pytest

from autograder import catalog
from autograder.hidden.layer_grids import conv_cases, is_ceil_edge, pooling_cases


def reference(exercise_id: str):
    exercise = catalog.get(exercise_id)
    spec = importlib.util.spec_from_file_location(f"grid_{exercise.module}", exercise.solution_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_conv2d_output_size_matches_nn_conv2d():
    conv = reference("06_conv_shapes")
    cases = conv_cases()
    assert len(cases) > 1000
    assert [conv.conv2d_output_size(**kwargs) for kwargs, _ in cases] == [expected for _, expected in cases]


@pytest.mark.parametrize("ceil_mode", [False, True])
def test_maxpool2d_output_size_matches_nn_maxpool2d(ceil_mode):
    pool = reference("07_maxpool")
    cases = pooling_cases(ceil_mode)
    assert len(cases) > 1000
    assert [pool.maxpool2d_output_size(**kwargs) for kwargs, _ in cases] == [
        expected for _, expected in cases
    ]


def test_the_grid_holds_ceil_mode_edge_cases_with_and_without_padding():
    edges = [kwargs for kwargs, expected in pooling_cases(True) if is_ceil_edge(kwargs, expected)]
    assert sum(kwargs["padding"] > 0 for kwargs in edges) >= 10
    assert sum(kwargs["padding"] == 0 for kwargs in edges) >= 10
