"""Probes for 19_onnx_export: export a seeded network with the student's code, and run ONNX files.

`export` runs in the student's worker and writes the file into that worker's
scratch folder, where the grader reads it as untrusted bytes. `run_file` runs
such bytes with ONNX Runtime. The grader calls it in a sandboxed worker of its
own, which holds the reference module: an ONNX graph is a program too (it may
loop or allocate without bound), so it never runs in the grader's process.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any, cast

import torch
from torch import nn

from autograder.worker.probes import probe

INPUT_SHAPE = (3, 20, 20)


class ExportNet(nn.Module):
    """A small CNN with batch norm and dropout: images (N, 3, 20, 20) to log-probabilities (N, 5)."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2)
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(6 * 10 * 10, 16),
            nn.ReLU(),
            nn.Dropout(0.5),
            nn.Linear(16, 5),
            nn.LogSoftmax(dim=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def build(seed: int) -> ExportNet:
    """A seeded ExportNet with non-trivial running statistics, in training mode as a new model is."""
    torch.manual_seed(seed)
    model = ExportNet()
    with torch.no_grad():
        norm = cast(nn.BatchNorm2d, model.features[1])  # torch types a submodule as Tensor | Module
        cast(torch.Tensor, norm.running_mean).uniform_(-0.5, 0.5)  # tracked by default: never None here
        cast(torch.Tensor, norm.running_var).uniform_(0.5, 2.0)
    return model


def example_input(seed: int, batch: int) -> torch.Tensor:
    return torch.randn(batch, *INPUT_SHAPE, generator=torch.Generator().manual_seed(seed))


@probe
def export(module, seed: int, example_batch: int, file_name: str) -> None:
    """export_onnx(a seeded ExportNet, an example batch, <this worker's scratch folder>/<file_name>)."""
    module.export_onnx(build(seed), example_input(seed, example_batch), os.path.join(os.getcwd(), file_name))


@probe
def run_file(module, files: dict[str, bytes], model_name: str, inputs: list[Any]) -> dict[str, Any]:
    """Write `files` (name -> bytes) into a fresh folder and run `model_name` with ONNX Runtime on each input.

    Returns the graph's input and output names and shapes, and for each input `["ok", first output]`
    or `["error", message]`; `load_error` instead when ONNX Runtime cannot load the file."""
    import onnxruntime

    folder = tempfile.mkdtemp(dir=os.getcwd())
    for name, data in files.items():
        if os.path.basename(name) != name or name in ("", ".", ".."):
            raise ValueError(f"not a plain file name: {name!r}")
        with open(os.path.join(folder, name), "wb") as handle:
            handle.write(data)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    try:
        session = onnxruntime.InferenceSession(
            os.path.join(folder, model_name), options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # a malformed file is the student's mistake, reported as such
        return {"load_error": f"{type(exc).__name__}: {exc}".replace(folder + os.sep, "")[:800]}
    described = {
        "inputs": [[item.name, list(item.shape)] for item in session.get_inputs()],
        "outputs": [[item.name, list(item.shape)] for item in session.get_outputs()],
    }
    results = []
    for array in inputs:
        try:
            feed = {session.get_inputs()[0].name: array}
            results.append(["ok", session.run(None, feed)[0]])
        except Exception as exc:
            results.append(["error", f"{type(exc).__name__}: {exc}"[:800]])
    return {**described, "results": results}
