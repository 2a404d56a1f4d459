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
    ### BEGIN SOLUTION
    model.eval()
    torch.onnx.export(
        model,
        (example_input,),
        path,
        input_names=[INPUT_NAME],
        output_names=[OUTPUT_NAME],
        dynamic_shapes=({0: torch.export.Dim("batch")},),
        external_data=False,
    )
    ### END SOLUTION


def run_onnx(path, array):
    """Run the ONNX file `path` on the NumPy `array` with ONNX Runtime; return its first output, a NumPy
    array.

    Works for any file with one input, whatever that input is called.
    """
    ### BEGIN SOLUTION
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return session.run(None, {name: np.asarray(array, dtype=np.float32)})[0]
    ### END SOLUTION
