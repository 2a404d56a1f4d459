"""Hidden checks for 07_maxpool: output sizes on a grid, ceil-mode edges, the network and the course example."""
import torch

from autograder.checking import call_text, expect_close, expect_each_equal, points
from autograder.hidden.layer_grids import ceil_edge_cases, pooling_cases
from autograder.worker.probes import generic


def judge_sizes(student, cases) -> None:
    calls = [call_text("maxpool2d_output_size", kwargs) for kwargs, _ in cases]
    outcomes = student.each("maxpool2d_output_size", [kwargs for kwargs, _ in cases])
    expect_each_equal(outcomes, [expected for _, expected in cases], calls)


def without_stride(cases):
    return [({k: v for k, v in kwargs.items() if k != "stride"}, expected)
            for kwargs, expected in cases if kwargs["stride"] is None]


@points(1)
def test_output_size_defaults_stride_to_kernel_size(student):
    """Leaving out stride means stride = kernel_size, as nn.MaxPool2d does."""
    judge_sizes(student, without_stride(pooling_cases(False)))


@points(2)
def test_output_size_matches_nn_maxpool2d_in_floor_mode(student):
    """Every valid size/kernel/stride/padding/dilation combination, ceil_mode=False."""
    judge_sizes(student, pooling_cases(False))


@points(2)
def test_output_size_matches_nn_maxpool2d_in_ceil_mode(student):
    """Every valid combination with ceil_mode=True."""
    edges = {tuple(sorted(k.items())) for k, _ in ceil_edge_cases()}
    judge_sizes(student, [c for c in pooling_cases(True) if tuple(sorted(c[0].items())) not in edges])


@points(1)
def test_ceil_mode_drops_a_window_that_starts_in_the_padding(student):
    """Ceil mode never keeps a last window that would start inside the right padding."""
    judge_sizes(student, ceil_edge_cases())


@points(1)
def test_course_example_with_ceil_mode(student, reference):
    """course_example(True) on the course's 5x5 input gives [[2, 3], [5, 1]] as float32 (1, 1, 2, 2)."""
    expect_close(student.call("course_example", True), reference.call("course_example", True),
                 "course_example(ceil_mode=True)", check_dtype=True)


@points(1)
def test_course_example_without_ceil_mode(student, reference):
    """course_example(False) gives [[2]] as float32 (1, 1, 1, 1)."""
    expect_close(student.call("course_example", False), reference.call("course_example", False),
                 "course_example(ceil_mode=False)", check_dtype=True)


@points(1)
def test_net_pools_long_tensors_into_float32(student, reference):
    """MaxPoolNet accepts an int64 (Long) tensor and returns float32 (the course's error)."""
    generator = torch.Generator().manual_seed(7)
    image = torch.randint(-50, 50, (2, 3, 7, 8), generator=generator)
    expect_close(student.probe(generic.model_output, "MaxPoolNet", image),
                 reference.probe(generic.model_output, "MaxPoolNet", image),
                 "MaxPoolNet()(an int64 tensor of shape (2, 3, 7, 8))", check_dtype=True)


@points(2)
def test_net_matches_maxpool_3_with_ceil_mode_on_random_inputs(student, reference):
    """MaxPoolNet on float inputs whose sides do not divide by 3 (where ceil mode matters)."""
    generator = torch.Generator().manual_seed(11)
    for shape in [(1, 1, 5, 5), (4, 3, 10, 7), (2, 6, 32, 32), (1, 2, 4, 13)]:
        image = torch.randn(shape, generator=generator)
        expect_close(student.probe(generic.model_output, "MaxPoolNet", image),
                     reference.probe(generic.model_output, "MaxPoolNet", image),
                     f"MaxPoolNet()(a float tensor of shape {shape})", check_dtype=True)
