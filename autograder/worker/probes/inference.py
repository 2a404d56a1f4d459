"""Probes for 15_inference: predictions with the student's code, and loading a model saved on a GPU.

`CourseNet` is the course's CIFAR-10 network with a dropout layer added, so that
a forgotten `model.eval()` changes predictions. It lives here, in kit code,
because unpickling a whole saved model needs its class importable in the worker.
The grader builds its weights and shares them as a state_dict file; whole-model
files are written here with every tensor tagged `cuda:0`, as a GPU machine
writes them, and loaded with torch told that no GPU is present.

`predict` is judged on its own: while it runs, the module's `load_image` is the
contract's (`contract_load_image`), so a mistake in the student's load_image is
charged by load_image's checks only.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import Any

import torch
import torchvision
from PIL import Image
from torch import nn

from autograder.worker.probes import probe
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


def contract_load_image(path: str) -> torch.Tensor:
    """load_image as the contract states it: RGB, Resize((32, 32)), ToTensor(), then a batch of one."""
    with Image.open(path) as opened:
        image = opened.convert("RGB")
    transform = torchvision.transforms.Compose(
        [torchvision.transforms.Resize((32, 32)), torchvision.transforms.ToTensor()]
    )
    return torch.reshape(transform(image), (1, 3, 32, 32))


@contextlib.contextmanager
def contract_loader(module) -> Iterator[None]:
    """While active, the load_image that the module's predict finds is the contract's (in the namespace
    predict reads its globals from: the module's, or a notebook's)."""
    namespace = getattr(getattr(module, "predict", None), "__globals__", None)
    if not isinstance(namespace, dict):
        namespace = module.__dict__
    missing = object()
    own = namespace.get("load_image", missing)
    namespace["load_image"] = contract_load_image
    try:
        yield
    finally:
        if own is missing:
            namespace.pop("load_image", None)
        else:
            namespace["load_image"] = own


class ModeRecorder:
    """Forward pre-hook noting, for every forward pass, whether the model was training and autograd was on."""

    def __init__(self, model: nn.Module) -> None:
        self.training: set[bool] = set()
        self.grad_enabled: set[bool] = set()
        model.register_forward_pre_hook(self)

    def __call__(self, model: nn.Module, inputs: tuple) -> None:
        self.training.add(model.training)
        self.grad_enabled.add(torch.is_grad_enabled())

    def summary(self) -> dict[str, list[bool]]:
        return {"training": sorted(self.training), "grad_enabled": sorted(self.grad_enabled)}


@probe
def predict(module, weights: str, paths: list[str], classes: list[str], train_mode: bool) -> dict[str, Any]:
    """predict(model, path, classes) for each path, the model handed over in training mode or not, with the
    contract's load_image in place of the module's; and the mode of every forward pass."""
    model = load_weights(weights)
    model.train(train_mode)
    recorder = ModeRecorder(model)
    with contract_loader(module):
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
    return {
        "loaded_type": type(loaded).__name__,
        "loaded": state(loaded),
        "original": state(model),
        "devices": devices,
    }
