"""Results as the grader writes them, for the HTML report tests: checks of every status, a hostile
submission's text, and the artifacts the checks attach ("training" for 14, "images" for 04), with the
numbers of a real grading of a CIFAR-10 loop without zero_grad() (solutions with the mutant
`training_without_zero_grad`, synthetic data, 2026-12-03)."""

from __future__ import annotations

import base64
import io
import json
import math
import random
from pathlib import Path
from typing import Any

from PIL import Image

CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'


def png(seed: int, size: int = 32, mode: str = "RGB") -> str:
    """A small noisy PNG as a data URI (deterministic)."""
    rng = random.Random(seed)
    channels = 3 if mode == "RGB" else 1
    image = Image.frombytes(
        mode, (size, size), bytes(rng.randrange(256) for _ in range(size * size * channels))
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def check(
    name: str, status: str, score: float, max_score: float, en: str = "", zh: str = "", **extra: Any
) -> dict:
    data = {
        "name": name,
        "score": score,
        "max_score": max_score,
        "status": status,
        "message": en,
        "messages": {"en": en, "zh": zh or en},
        "duration_s": 0.1,
    }
    data.update(extra)
    return data


def training_without_zero_grad() -> dict:
    """The "training" artifact of exercise 14 graded with a loop that never calls zero_grad()."""
    return {
        "plan": {
            "epochs": 2,
            "lr": 0.03,
            "batch_size": 64,
            "train": 2000,
            "heldout": 1000,
            "threshold": 0.8,
            "data": "synthetic",
        },
        "student_history": [
            {"epoch": 1, "train_loss": None, "test_loss": None, "test_accuracy": 0.138},
            {"epoch": 2, "train_loss": None, "test_loss": None, "test_accuracy": 0.138},
        ],
        "grader_history": [{"epoch": 1, "heldout_loss": math.nan, "heldout_accuracy": 0.088}],
        "reference_history": [
            {"epoch": 1, "heldout_loss": 1.319536566734314, "heldout_accuracy": 0.686},
            {"epoch": 2, "heldout_loss": 0.1751440167427063, "heldout_accuracy": 0.901},
        ],
        "classes": CLASSES,
        "confusion_matrix": [[n] + [0] * 9 for n in (88, 95, 95, 109, 110, 97, 95, 102, 92, 117)],
        "misclassified": [{"image": png(i), "true": 1 + i % 9, "predicted": 0} for i in range(16)],
    }


def training_solved() -> dict:
    """The same artifact for a correct loop (the reference's own numbers, and the student's as returned)."""
    artifact = training_without_zero_grad()
    artifact["student_history"] = [
        {"epoch": 1, "train_loss": 1.9213, "test_loss": 1.3420, "test_accuracy": 0.672},
        {"epoch": 2, "train_loss": 0.6127, "test_loss": 0.1833, "test_accuracy": 0.896},
    ]
    artifact["grader_history"] = [
        {"epoch": 1, "heldout_loss": 1.3195, "heldout_accuracy": 0.686},
        {"epoch": 2, "heldout_loss": 0.1751, "heldout_accuracy": 0.901},
    ]
    artifact["confusion_matrix"] = [
        [90 if i == j else (1 if j == (i + 1) % 10 else 0) for j in range(10)] for i in range(10)
    ]
    artifact["misclassified"] = [
        {"image": png(i), "true": i % 10, "predicted": (i + 1) % 10} for i in range(10)
    ]
    return artifact


def result(student: str = "", hostile: bool = False, training: dict | None = None) -> dict:
    """A result of exercises 07 (every status), 04 (an image check) and 14 (training) as schema 1 JSON."""
    said = HOSTILE if hostile else "3"
    maxpool = [
        check(
            "output_size_uses_kernel_size_as_default_stride",
            "passed",
            2,
            2,
            descriptions={
                "en": "Output size uses kernel_size as the default stride",
                "zh": "输出尺寸默认以 kernel_size 为步长",
            },
        ),
        check(
            "ceil_mode_keeps_a_last_partial_window",
            "failed",
            0,
            1,
            f"expected 4, got {said}",
            f"期望 4，得到 {said}",
            descriptions={
                "en": "ceil_mode keeps a last partial window",
                "zh": "ceil_mode 保留最后一个不完整的窗口",
            },
            hint={"en": "Count the windows that fit.", "zh": "数一数能放下多少个窗口。"},
            functions=["maxpool2d_output_size"],
        ),
        check(
            "net_forward_runs",
            "error",
            0,
            2,
            f"RuntimeError: {said}" if hostile else "NotImplementedError",
            hint={"en": "Write forward() first.", "zh": "先写好 forward()。"},
        ),
        check("pooling_a_large_batch_finishes", "timeout", 0, 1, "took longer than 10 s", "超过 10 秒"),
        check(
            "net_output_matches",
            "not_judged",
            0,
            2,
            "needs MaxPoolNet.forward to work first",
            "需要 MaxPoolNet.forward 先正确工作",
            blocked_by="MaxPoolNet.forward",
        ),
        check("runs_on_the_gpu", "skipped", 0, 0, "needs a CUDA device", "需要 CUDA 设备"),
    ]
    transforms = [
        check(
            "to_tensor_scales_to_0_1",
            "failed",
            0,
            2,
            "values up to 255.0, expected at most 1.0",
            "数值最大为 255.0，期望不超过 1.0",
        )
    ]
    pairs = [
        {
            "check": "to_tensor_scales_to_0_1",
            "caption": {"en": "ToTensor of the course's ants image", "zh": "课程中蚂蚁图片的 ToTensor"},
            "expected": png(100, 48),
            "got": png(101, 48),
        }
    ]
    training = training if training is not None else training_without_zero_grad()
    cifar = [
        check(
            "one_epoch_makes_exactly_the_reference_sgd_steps",
            "failed",
            0,
            3,
            "after one epoch of two batches the parameters differ from two SGD steps with lr=0.05",
            "一个 epoch 的两个 batch 之后，参数与两步 SGD（lr=0.05）的结果不同",
        ),
        check("history_has_one_record_per_epoch", "passed", 1, 1),
        check(
            "trained_model_reaches_the_accuracy_threshold",
            "not_judged",
            0,
            4,
            "not judged: train()'s steps are not plain SGD steps",
            "未评判：train() 的步骤不是普通 SGD 步骤",
            blocked_by="train",
        ),
    ]
    exercises = [
        {
            "id": "04_transforms",
            "title": "Transforms",
            "title_zh": "变换",
            "duration_s": 1.0,
            "checks": transforms,
            "artifacts": {"images": pairs},
        },
        {
            "id": "07_maxpool",
            "title": "Max pooling",
            "title_zh": "最大池化",
            "duration_s": 1.2,
            "checks": maxpool,
            "output": f"epoch 1\n{said}\n\x1b[31mred\x1b[0m done",
        },
        {
            "id": "14_cifar10_training",
            "title": "Train and evaluate the CIFAR-10 network",
            "title_zh": "训练并评估 CIFAR-10 网络",
            "duration_s": 60.0,
            "checks": cifar,
            "artifacts": {"training": training},
        },
    ]
    for exercise in exercises:
        exercise["score"] = sum(c["score"] for c in exercise["checks"])
        exercise["max_score"] = sum(c["max_score"] for c in exercise["checks"])
    data = {
        "schema": 1,
        "score": sum(e["score"] for e in exercises),
        "max_score": sum(e["max_score"] for e in exercises),
        "duration_s": 62.2,
        "exercises": exercises,
        "submission": f"submissions/{said}",
        "isolation": {"level": "strict", "layers": ["bubblewrap"], "notes": []},
        "fingerprint": "0.1.0+abc123",
    }
    if student:
        data.update(student=student, submission_sha256="0" * 64, error=None)
    return data


def write_class(folder: Path, results: dict[str, dict]) -> Path:
    """A grade-batch results folder holding `results` as students/<key>.json; returns the folder."""
    (folder / "students").mkdir(parents=True, exist_ok=True)
    for key, data in results.items():
        (folder / "students" / f"{key}.json").write_text(
            json.dumps(data, ensure_ascii=False), encoding="utf-8"
        )
    return folder
