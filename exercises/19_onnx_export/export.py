"""Exercise 19 · Exporting to ONNX (导出 ONNX 模型).

ONNX is a file format for trained networks that runs without PyTorch: ONNX
Runtime executes it on a server, a phone or in a browser. Exporting traces
the model on an example input, and every size of that input becomes fixed
unless declared dynamic: declare the batch dimension dynamic, or the file
only accepts batches as large as the example. Naming the graph's input and
output keeps the code that feeds the file simple and stable.
"""

import numpy as np
import onnxruntime
import torch

INPUT_NAME = "input"
OUTPUT_NAME = "output"


def export_onnx(model, example_input, path):
    """Export `model`, in eval mode and traced on `example_input`, to the ONNX file `path`.

    The graph's input is named "input" and its output "output"; their first (batch) dimension
    is dynamic, so the file accepts any batch size.
    """
    # Hint: Exporting traces the model in eval mode on the example input; name the input and output,
    #   and make the batch size free.
    # 提示：导出会在 eval 模式下用示例输入追踪模型；给输入和输出起名，并让 batch
    #   大小可变。
    # More / 更多: autograder hint 19 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("export_onnx is not written yet / 尚未实现")


def run_onnx(path, array):
    """Run the ONNX file `path` on the NumPy `array` with ONNX Runtime; return its first output, a NumPy
    array.

    Works for any file with one input, whatever that input is called.
    """
    # Hint: ONNX Runtime runs the file without PyTorch: open a session, feed the array under the
    #   input's own name, take the first output.
    # 提示：ONNX Runtime 不需要 PyTorch
    #   就能运行这个文件：打开会话，用输入自己的名字喂入数组，取第一个输出。
    # More / 更多: autograder hint 19 --level 2
    # YOUR CODE HERE
    raise NotImplementedError("run_onnx is not written yet / 尚未实现")
