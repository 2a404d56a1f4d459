"""Every factual claim in the exercise READMEs and hints is checked here against the installed torch and
torchvision and the real data (when present), and every README names its course lesson and lists only
mistakes that a visible test catches (issue 12 item 7, issue 13 items 4 and 6)."""

import os
import re
from pathlib import Path

import numpy as np
import pytest
import torch
import torchvision
from PIL import Image
from torch import nn

from autograder import catalog, hints

SHARED = Path(os.environ.get("AUTOGRADER_SHARED") or catalog.KIT_ROOT.parent / "shared")


def readme(exercise_id: str) -> str:
    return (catalog.EXERCISES_DIR / exercise_id / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("exercise", catalog.exercises(), ids=lambda e: e.id)
def test_each_readme_names_the_course_lesson_it_comes_from(exercise):
    lesson = hints.kit_hints(exercise.id).lesson
    text = readme(exercise.id)
    assert "## 课程出处 / From the course" in text
    assert lesson.text.zh in text and lesson.heading in text and lesson.notes in text


@pytest.mark.parametrize("exercise", catalog.exercises(), ids=lambda e: e.id)
def test_every_mistake_a_readme_lists_has_its_visible_test(exercise):
    tests = (catalog.EXERCISES_DIR / exercise.id).glob("test_*.py")
    defined = {name for path in tests for name in re.findall(r"^def (test_\w+)", path.read_text(), re.M)}
    section = readme(exercise.id).split("## 常见错误", 1)
    named = re.findall(r"\(`(test_\w+)`\)", section[1].split("\n## ", 1)[0]) if len(section) > 1 else []
    assert set(named) <= defined


def test_the_main_readme_and_the_exercise_readmes_give_the_same_titles():
    table = (catalog.KIT_ROOT / "README.md").read_text(encoding="utf-8")
    for exercise in catalog.exercises():
        number = exercise.id[:2]
        heading = readme(exercise.id).splitlines()[0].removeprefix(f"# {number} · ")
        row = re.search(rf"^\| {number} \| (?P<title>[^|]+) \|", table, re.M)
        assert row and row.group("title").strip() == heading, exercise.id


def test_07_the_courses_long_error_is_gone_but_float_layers_still_refuse_int64():
    """07's README: today's torch max-pools an int64 tensor on the CPU; a Conv2d refuses one."""
    assert "today" in readme("07_maxpool") or "已经可以" in readme("07_maxpool")
    pooled = nn.MaxPool2d(kernel_size=3, ceil_mode=True)(torch.arange(25).reshape(1, 1, 5, 5))
    assert pooled.dtype == torch.int64
    with pytest.raises(
        RuntimeError, match=r"Input type \(long int\) and bias type \(float\) should be the same"
    ):
        nn.Conv2d(1, 1, 3)(torch.arange(25).reshape(1, 1, 5, 5))


def test_07_the_course_example_figures():
    image = torch.tensor(
        [[1, 2, 0, 3, 1], [0, 1, 2, 3, 1], [1, 2, 1, 0, 0], [5, 2, 3, 1, 1], [2, 1, 0, 1, 1]],
        dtype=torch.float32,
    ).reshape(1, 1, 5, 5)
    assert nn.MaxPool2d(3, ceil_mode=True)(image).tolist() == [[[[2, 3], [5, 1]]]]
    assert nn.MaxPool2d(3)(image).tolist() == [[[[2]]]]


def test_10_the_course_loss_figures():
    inputs, targets = torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.0, 5.0])
    assert round(nn.L1Loss()(inputs, targets).item(), 4) == 0.6667
    assert nn.L1Loss(reduction="sum")(inputs, targets).item() == 2.0
    assert round(nn.MSELoss()(inputs, targets).item(), 4) == 1.3333
    assert (
        round(nn.CrossEntropyLoss()(torch.tensor([[0.1, 0.2, 0.3]]), torch.tensor([1])).item(), 4) == 1.1019
    )
    assert "0.6667" in readme("10_losses") and "1.1019" in readme("10_losses")


def test_09_and_14_the_courses_network_has_145578_parameters():
    net = nn.Sequential(
        nn.Conv2d(3, 32, 5, padding=2),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 32, 5, padding=2),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(1024, 64),
        nn.Linear(64, 10),
    )
    assert sum(p.numel() for p in net.parameters()) == 145578
    assert "145,578" in readme("14_cifar10_training")


def test_12_vgg16s_last_layer_is_linear_4096_to_1000_and_weights_none_downloads_nothing(monkeypatch):
    monkeypatch.setenv("TORCH_HOME", "/nonexistent-no-downloads")
    layer = torchvision.models.vgg16(weights=None).classifier[6]
    assert (layer.in_features, layer.out_features) == (4096, 1000)


def test_13_torch_load_refuses_a_whole_model_by_default(tmp_path):
    """13's README: since PyTorch 2.6 torch.load defaults to weights_only=True, which refuses whole models."""
    torch.save(nn.Linear(2, 2), tmp_path / "model.pth")
    with pytest.raises(Exception, match="weights_only"):
        torch.load(tmp_path / "model.pth")
    assert isinstance(torch.load(tmp_path / "model.pth", weights_only=False), nn.Linear)


def test_16_the_course_cubic_gradients():
    a = torch.tensor([2.0, 3.0], requires_grad=True)
    b = torch.tensor([6.0, 4.0], requires_grad=True)
    q = 3 * a**3 - b**2
    q.backward(gradient=torch.ones_like(q))
    assert a.grad.tolist() == [36.0, 81.0] and b.grad.tolist() == [-12.0, -8.0]


def test_17_the_least_squares_line_of_the_course_points():
    x = np.array([1.0, 2.0, 0.5, 2.5, 2.6, 3.1])
    y = np.array([3.7, 4.6, 1.65, 5.68, 5.98, 6.95])
    k, b = np.polyfit(x, y, 1)
    assert (round(k, 4), round(b, 4)) == (1.8449, 1.1624)
    assert "1.8449" in readme("17_regression") and "1.1624" in readme("17_regression")


def test_06_the_course_example_in_4d_gives_the_course_figures():
    """06's hints: reshaped to (1, 1, 5, 5) and (1, 1, 3, 3) as the course does, F.conv2d gives
    (1, 1, 3, 3)."""
    image = torch.tensor(
        [[1, 2, 0, 3, 1], [0, 1, 2, 3, 1], [1, 2, 1, 0, 0], [5, 2, 3, 1, 1], [2, 1, 0, 1, 1]]
    )
    kernel = torch.tensor([[1, 2, 1], [0, 1, 0], [2, 1, 0]])
    out = torch.nn.functional.conv2d(image.reshape(1, 1, 5, 5), kernel.reshape(1, 1, 3, 3))
    assert out.tolist() == [[[[10, 12, 12], [18, 16, 16], [13, 9, 3]]]]


def test_08_exp_of_100_is_beyond_float32():
    """08's README and hints: 1 / (1 + exp(-x)) overflows, exp(100) is beyond float32."""
    assert torch.isinf(torch.exp(torch.tensor(100.0)))


def test_13_load_state_dict_returns_a_report_of_keys_not_the_model():
    """13's hints: model.load_state_dict(...) returns the missing and unexpected keys, not the model."""
    model = nn.Linear(2, 2)
    returned = model.load_state_dict(nn.Linear(2, 2).state_dict())
    assert returned is not model and returned.missing_keys == [] and returned.unexpected_keys == []


def test_04_the_course_normalisation_figure():
    assert round((0.6549 - 0.5) / 0.5, 4) == 0.3098


@pytest.fixture(scope="module")
def hymenoptera() -> Path:
    root = Path(os.environ.get("AUTOGRADER_DATA") or SHARED / "data") / "hymenoptera_data"
    if not root.is_dir():
        pytest.skip(f"real ants/bees data not found at {root} (set AUTOGRADER_DATA)")
    return root


def test_02_the_real_folders_hold_124_ants_and_121_bees(hymenoptera):
    ants, bees = (sorted((hymenoptera / "train" / label).iterdir()) for label in ("ants", "bees"))
    assert (len(ants), len(bees), len(ants) + len(bees)) == (124, 121, 245)
    text = readme("02_custom_dataset")
    assert "124" in text and "121" in text and "245" in text


def test_02_train_ants_holds_jpgs_one_jpeg_and_one_palette_gif_and_no_dotfile(hymenoptera):
    names = [path.name for path in (hymenoptera / "train" / "ants").iterdir()]
    suffixes = sorted(Path(name).suffix.lower() for name in names)
    assert suffixes.count(".jpeg") == 1 and suffixes.count(".gif") == 1 and suffixes.count(".jpg") == 122
    assert not any(name.startswith(".") for name in names)
    with Image.open(hymenoptera / "train" / "ants" / "imageNotFound.gif") as gif:
        assert gif.mode == "P"
    assert "imageNotFound.gif" in readme("02_custom_dataset")
    assert "`.DS_Store` files, PNGs" not in readme("02_custom_dataset")


def test_20_batchnorm_momentum_weighs_the_new_batch_and_the_running_variance_is_unbiased():
    """20's README: momentum 0.1 by default is the new batch's weight; torch.var is unbiased by default, the
    running variance takes the unbiased variance, normalization the biased one; nn.Dropout(1.0) gives
    zeros."""
    layer = nn.BatchNorm1d(1, affine=False)
    assert layer.momentum == 0.1
    out = layer(torch.tensor([[1.0], [3.0]]))
    assert torch.tensor([1.0, 3.0]).var().item() == 2.0
    assert torch.allclose(layer.running_mean, torch.tensor([0.2])) and torch.allclose(
        layer.running_var, torch.tensor([1.1])
    )
    assert torch.allclose(out, torch.tensor([[-1.0], [1.0]]), atol=1e-4)
    assert nn.Dropout(1.0)(torch.ones(3)).tolist() == [0.0, 0.0, 0.0]
    assert "0.1" in readme("20_dropout_batchnorm") and "unbiased by default" in readme("20_dropout_batchnorm")
