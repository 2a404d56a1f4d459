"""Probes for 15_inference: predictions with the student's code, and loading a model saved on a GPU.

`CourseNet` is the course's CIFAR-10 network with a dropout layer added, so that
a forgotten `model.eval()` changes predictions. It lives here, in kit code,
because unpickling a whole saved model needs its class importable in the worker.
The grader builds its weights and shares them as a state_dict file; whole-model
files are written here with every tensor tagged `cuda:0`, as a GPU machine
writes them, and loaded with torch told that no GPU is present.
"""
from __future__ import annotations

import os
import tempfile
from typing import Any

import torch
from torch import nn

from autograder.worker.probes import probe
from autograder.worker.probes.cifar10_training import ForwardRecorder
from autograder.worker.probes.save_load import cuda_hidden, saved_as_if_on_cuda, state


class CourseNet(nn.Module):
    """The course's CIFAR-10 network, (N, 3, 32, 32) -> (N, 10), with dropout before the last layer."""

    def __init__(self) -> None:
        super().__init__()
        self.model = nn.Sequential(
            nn.Conv2d(3, 32, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(64 * 4 * 4, 64),
            nn.Dropout(0.5),
            nn.Linear(64, 10),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)


def load_weights(path: str) -> CourseNet:
    """A CourseNet with the weights in the state_dict file at `path`."""
    model = CourseNet()
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return model


@probe
def predict(module, weights: str, paths: list[str], classes: list[str]) -> dict[str, Any]:
    """predict(model, path, classes) for each path, with the model handed over in training mode."""
    model = load_weights(weights)
    model.train()
    recorder = ForwardRecorder(model)
    returned = [module.predict(model, path, list(classes)) for path in paths]
    return {"returned": returned, "calls": recorder.summary()}


@probe
def load_model_cpu(module, weights: str) -> dict[str, Any]:
    """load_model_cpu of torch.save(model) written on a GPU, called where no GPU is present."""
    model = load_weights(weights)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model_gpu.pth")
        with saved_as_if_on_cuda(True):
            torch.save(model, path)
        with cuda_hidden(True):
            loaded = module.load_model_cpu(path)
    tensors = loaded.state_dict().values() if isinstance(loaded, nn.Module) else []
    devices = sorted({str(tensor.device) for tensor in tensors})
    return {"loaded_type": type(loaded).__name__, "loaded": state(loaded), "original": state(model),
            "devices": devices}
