"""19 written the way the PyTorch tutorials write it: torch.onnx.export with input_names, output_names and
dynamic_axes={'input': {0: 'batch_size'}, ...} (the exporter turns them into dynamic shapes, and writes the
weights beside the file as model.onnx.data), then an onnxruntime.InferenceSession fed by the input's name."""
import numpy as np
import onnxruntime
import torch

INPUT_NAME = "input"
OUTPUT_NAME = "output"


def export_onnx(model, example_input, path):
    model.eval()
    torch.onnx.export(model, example_input, path, input_names=['input'], output_names=['output'],
                      dynamic_axes={'input': {0: 'batch_size'}, 'output': {0: 'batch_size'}})


def run_onnx(path, array):
    ort_session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    ort_inputs = {ort_session.get_inputs()[0].name: np.asarray(array, dtype=np.float32)}
    ort_outs = ort_session.run(None, ort_inputs)
    return ort_outs[0]
