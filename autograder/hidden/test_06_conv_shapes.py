"""Hidden checks for 06_conv_shapes: output sizes on a grid, the course example, the network."""
import torch
import torch.nn.functional as F

from autograder.checking import call_text, expect_close, expect_each_equal, expect_tensor, fail, points, show
from autograder.hidden.layer_grids import conv_cases
from autograder.worker.probes import generic

IMAGES = torch.randn(64, 3, 32, 32, generator=torch.Generator().manual_seed(6))


def judge_sizes(student, cases) -> None:
    calls = [call_text("conv2d_output_size", kwargs) for kwargs, _ in cases]
    outcomes = student.each("conv2d_output_size", [kwargs for kwargs, _ in cases])
    expect_each_equal(outcomes, [expected for _, expected in cases], calls)


@points(1)
def test_output_size_defaults_to_stride_1_padding_0_dilation_1(student):
    """Leaving out stride, padding and dilation means 1, 0 and 1, as nn.Conv2d does."""
    cases = [({"size": k["size"], "kernel_size": k["kernel_size"]}, e) for k, e in conv_cases()
             if (k["stride"], k["padding"], k["dilation"]) == (1, 0, 1)]
    judge_sizes(student, cases)


@points(3)
def test_output_size_matches_nn_conv2d_on_a_grid(student):
    """Every valid size/kernel/stride/padding/dilation combination on a small grid."""
    judge_sizes(student, conv_cases())


@points(1)
def test_course_example_with_stride_1(student, reference):
    """[[10, 12, 12], [18, 16, 16], [13, 9, 3]], shaped (1, 1, 3, 3)."""
    expect_close(student.call("course_example"), reference.call("course_example"), "course_example()")


@points(1)
def test_course_example_with_stride_2(student, reference):
    """[[10, 12], [13, 3]], shaped (1, 1, 2, 2)."""
    expect_close(student.call("course_example", stride=2), reference.call("course_example", stride=2),
                 "course_example(stride=2)")


@points(1)
def test_course_example_with_padding_1(student, reference):
    """Padding 1 keeps the 5x5 size."""
    expect_close(student.call("course_example", padding=1), reference.call("course_example", padding=1),
                 "course_example(padding=1)")


def conv_layer_of(parameters: dict) -> tuple[torch.Tensor, torch.Tensor]:
    weights = [v for v in parameters.values() if isinstance(v, torch.Tensor) and tuple(v.shape) == (6, 3, 3, 3)]
    biases = [v for v in parameters.values() if isinstance(v, torch.Tensor) and tuple(v.shape) == (6,)]
    if len(weights) != 1 or len(biases) != 1 or len(parameters) != 2:
        shapes = {name: tuple(v.shape) for name, v in parameters.items() if isinstance(v, torch.Tensor)}
        fail(f"ConvNet should hold exactly one Conv2d(3, 6, kernel_size=3) (weight (6, 3, 3, 3), bias (6,)); "
             f"its parameters are {shapes}",
             f"ConvNet 应只包含一个 Conv2d(3, 6, kernel_size=3)（weight (6, 3, 3, 3)，bias (6,)）；实际参数为 {shapes}")
    return weights[0], biases[0]


@points(2)
def test_forward_returns_the_convolution_output(student):
    """ConvNet()(x) for x of shape [64, 3, 32, 32] returns a [64, 6, 30, 30] tensor (not None)."""
    run = student.probe(generic.model_run, "ConvNet", IMAGES)
    output = run["output"]
    if output is None:
        fail("ConvNet()(x) returned None: forward() must `return` the convolution's output",
             "ConvNet()(x) 返回了 None：forward() 里要 `return` 卷积的输出")
    expect_tensor(output, "ConvNet()(x) for x of shape (64, 3, 32, 32)", shape=(64, 6, 30, 30))


@points(2)
def test_forward_computes_a_3_to_6_channel_3x3_convolution(student):
    """The output equals F.conv2d(x, weight, bias) with the network's own weight and bias."""
    run = student.probe(generic.model_run, "ConvNet", IMAGES)
    weight, bias = conv_layer_of(run["parameters"])
    expected = F.conv2d(IMAGES, weight, bias, stride=1, padding=0)
    expect_close(run["output"], expected, "ConvNet()(x) compared with F.conv2d(x, its weight, its bias)",
                 atol=1e-4, rtol=1e-4)


@points(1)
def test_net_works_for_other_batch_and_image_sizes(student):
    """The network is not tied to 64 images of 32x32: (2, 3, 10, 7) gives (2, 6, 8, 5)."""
    images = torch.randn(2, 3, 10, 7, generator=torch.Generator().manual_seed(60))
    output = student.probe(generic.model_output, "ConvNet", images)
    if output is None:
        fail(f"ConvNet()(x) returned {show(output)}", f"ConvNet()(x) 返回了 {show(output)}")
    expect_tensor(output, "ConvNet()(x) for x of shape (2, 3, 10, 7)", shape=(2, 6, 8, 5))
