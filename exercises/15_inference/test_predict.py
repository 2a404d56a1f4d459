"""Visible tests for exercise 15 (using the trained model). Run: pytest exercises/15_inference"""

import numpy as np
import torch
import torch.serialization
from PIL import Image
from torch import nn
from torchvision import transforms

from autograder.i18n import tr

CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def write_image(path, mode, size=(50, 40)):
    pixels = np.random.default_rng(0).integers(0, 256, size=(size[1], size[0], 3), dtype=np.uint8)
    Image.fromarray(pixels, "RGB").convert(mode).save(path)
    return path


def test_load_image_of_a_png_with_alpha_is_1x3x32x32(predict, tmp_path):
    image = predict.load_image(write_image(tmp_path / "dog.png", "RGBA"))
    assert image.shape == (1, 3, 32, 32) and image.dtype == torch.float32


def test_load_image_of_a_grayscale_image_has_three_equal_channels(predict, tmp_path):
    image = predict.load_image(write_image(tmp_path / "gray.png", "L"))
    assert image.shape == (1, 3, 32, 32)
    assert torch.equal(image[0, 0], image[0, 1]) and torch.equal(image[0, 1], image[0, 2])


def test_load_image_is_resize_then_to_tensor(predict, tmp_path):
    path = write_image(tmp_path / "airplane.jpg", "RGB", size=(64, 48))
    expected = transforms.ToTensor()(transforms.Resize((32, 32))(Image.open(path).convert("RGB")))
    assert torch.allclose(predict.load_image(path), expected.unsqueeze(0))


def always(index):
    """A model that predicts class `index` for every image."""
    model = nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, 10), nn.Dropout(0.5))
    with torch.no_grad():
        model[1].weight.zero_()
        model[1].bias.copy_(torch.nn.functional.one_hot(torch.tensor(index), 10) * 10.0)
    return model


def test_predict_returns_the_index_and_the_class_name(predict, tmp_path):
    path = write_image(tmp_path / "dog.png", "RGBA")
    assert predict.predict(always(5), path, CLASSES) == (5, "dog")


def test_predict_switches_the_model_to_eval_mode(predict, tmp_path):
    model = always(1)
    model.train()
    predict.predict(model, write_image(tmp_path / "car.jpg", "RGB"), CLASSES)
    assert not model.training, "call model.eval() before predicting"


def test_load_model_cpu_loads_a_model_saved_on_a_gpu(predict, tmp_path, monkeypatch):
    model = always(3)
    with monkeypatch.context() as gpu:  # write the file as a GPU machine does: every tensor on cuda:0
        gpu.setattr(torch.serialization, "location_tag", lambda storage: "cuda:0")
        torch.save(model, tmp_path / "model_gpu.pth")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)  # and load it where there is no GPU
    loaded = predict.load_model_cpu(tmp_path / "model_gpu.pth")
    assert isinstance(loaded, nn.Sequential)
    assert all(
        torch.equal(a, b) and b.device.type == "cpu"
        for a, b in zip(model.state_dict().values(), loaded.state_dict().values())
    )


def test_predict_returns_the_index_as_a_python_int(predict, tmp_path):
    index, _ = predict.predict(always(3), write_image(tmp_path / "cat.jpg", "RGB"), CLASSES)
    assert type(index) is int, tr(
        f"the index is a {type(index).__name__}: output.argmax(1) is a tensor; take .item() for a Python int",
        f"下标是 {type(index).__name__}：output.argmax(1) 是张量；用 .item() 取得 Python int",
    )
