"""Training is judged on the run, on held-out data the worker cannot make: hostile 14_cifar10_training
submissions under strict and under reduced.

- A loop that never steps but loads weights trained beforehand (shipped in a source file) gets no
  accuracy points, nor does one that trains honestly when the data set is small (the short exact runs)
  and loads the weights on the real run.
- Student code that imports the kit's data generator, and tries to read the grader's key, cannot rebuild
  the grader's held-out set.
Each case checks that the grader finished with a result, its memory stayed bounded, and that no process
or workspace outlived the grading (`level_sandbox` is the hostile corpus's, from containment_kit).
"""

from __future__ import annotations

import base64
import hashlib
import textwrap

import numpy as np
import pytest
import torch
from containment_kit import PEAK_GROWTH_LIMIT, descendants, memory_kib, reset_peak_memory, workspaces_left

from autograder import catalog, grading
from autograder.data import DataStore
from mutants import copy_solution

pytestmark = pytest.mark.slow
EXERCISE = "14_cifar10_training"
SOLUTION = catalog.get(EXERCISE).solution_file.read_text(encoding="utf-8")
PLAN_SEED, PLAN_TRAIN, PLAN_EPOCHS, PLAN_LR, HELDOUT = 14, 2000, 2, 0.03, 1000  # the synthetic plan


def grade_14(level_sandbox, tmp_path, source: str):
    """The 14 result of a submission whose train.py is `source`, graded in the level's sandbox; checks that
    the grader finished with a result, its memory stayed bounded, and nothing outlived the grading."""
    before, spaces = descendants(level_sandbox.template_pid), workspaces_left(level_sandbox)
    folder = copy_solution(EXERCISE, tmp_path / "submission")
    (folder / "train.py").write_text(source, encoding="utf-8")
    options = grading.GradeOptions(exercises=[EXERCISE], device="cpu", threads=2, time_scale=3)
    peak = reset_peak_memory()
    (exercise,) = grading.grade(folder, options, sandbox=level_sandbox).exercises
    assert memory_kib("VmHWM") * 1024 - peak < PEAK_GROWTH_LIMIT, "the grader's memory grew too much"
    assert exercise.id == EXERCISE and exercise.checks, "the grader finished with a result"
    assert descendants(level_sandbox.template_pid) <= before, "a process outlived its worker"
    assert workspaces_left(level_sandbox) == spaces, "a workspace outlived its exercise"
    return exercise


@pytest.fixture
def grade_hostile(level_sandbox, tmp_path):
    """grade_hostile(source) -> the 14 checks by name, of a submission whose train.py is `source`."""
    return lambda source: {c.name: c for c in grade_14(level_sandbox, tmp_path, source).checks}


@pytest.fixture(scope="module")
def shipped_weights() -> str:
    """Weights that clear the threshold, trained here by the reference loop on the same training images (as a
    student could offline), as float16 in base64: what a hostile submission ships in a source file."""
    from autograder.worker.probes import cifar10_training as probes

    namespace: dict = {}
    exec(compile(SOLUTION, "train.py", "exec"), namespace)
    train = DataStore().cifar("train")
    order = np.random.default_rng(PLAN_SEED).permutation(len(train.labels))[:PLAN_TRAIN]
    torch.manual_seed(PLAN_SEED)
    model = namespace["CIFAR10Net"]()
    loader = probes.make_loader(train.images[order], train.labels[order], 64, True, PLAN_SEED)
    namespace["train"](
        model,
        loader,
        probes.make_loader(train.images[:64], train.labels[:64], 64, False, 0),
        epochs=PLAN_EPOCHS,
        lr=PLAN_LR,
        device="cpu",
    )
    flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()]).to(torch.float16)
    return base64.b64encode(flat.numpy().tobytes()).decode("ascii")


LOADER = """
import base64 as _base64

WEIGHTS = "{weights}"


def load_shipped_weights(model):
    flat = torch.frombuffer(bytearray(_base64.b64decode(WEIGHTS)), dtype=torch.float16).float()
    offset = 0
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.copy_(flat[offset:offset + parameter.numel()].view_as(parameter))
            offset += parameter.numel()


def train(model, train_loader, test_loader, *, epochs, lr, device):
    {adaptive}
    history = []
    for epoch in range(1, epochs + 1):
        for images, targets in train_loader:  # looks like training; never steps
            pass
        history.append({{"epoch": epoch, "train_loss": 0.1, "test_loss": 0.1, "test_accuracy": 0.99}})
    load_shipped_weights(model)
    return history
"""


def with_shipped_weights(weights: str, adaptive: bool) -> str:
    honest = SOLUTION.replace("def train(model, train_loader", "def honest_train(model, train_loader")
    guard = (
        "if len(train_loader.dataset) < 1000:  # the short exact runs: behave\n"
        "        return honest_train(model, train_loader, test_loader, epochs=epochs, lr=lr, device=device)"
    )
    return honest + LOADER.format(weights=weights, adaptive=guard if adaptive else "pass")


def accuracy_points(checks) -> float:
    return checks["trained_model_reaches_the_accuracy_threshold"].score


def test_a_loop_that_never_steps_but_loads_shipped_weights_gets_no_accuracy_points(
    grade_hostile, shipped_weights
):
    checks = grade_hostile(with_shipped_weights(shipped_weights, adaptive=False))
    accuracy = checks["trained_model_reaches_the_accuracy_threshold"]
    assert accuracy_points(checks) == 0 and accuracy.status in ("failed", "not_judged"), accuracy.message
    assert (
        "held-out" in accuracy.message and "cannot count" in accuracy.message
    )  # measured, shown, not credited


def test_a_loop_honest_only_on_short_runs_gets_no_accuracy_points(grade_hostile, shipped_weights):
    checks = grade_hostile(with_shipped_weights(shipped_weights, adaptive=True))
    assert checks["one_epoch_makes_exactly_the_reference_sgd_steps"].status == "passed"
    accuracy = checks["trained_model_reaches_the_accuracy_threshold"]
    assert accuracy.status == "failed", accuracy.message
    assert "not its own SGD steps" in accuracy.message and "cannot count" in accuracy.message


def set_digest(images: np.ndarray) -> str:
    """A digest of a set of images, whatever their order."""
    return hashlib.sha256(
        "".join(sorted(hashlib.sha256(i.tobytes()).hexdigest() for i in images)).encode()
    ).hexdigest()


def grader_heldout() -> np.ndarray:
    store = DataStore()
    if hasattr(store, "heldout_cifar"):
        return store.heldout_cifar(HELDOUT).images
    return store.cifar(
        "test"
    ).images  # before held-out keys: a permutation of the public synthetic test split


LEAK = """
def leak():
    import hashlib
    lines = []
    try:
        from autograder.data import DataStore
        store = DataStore()
        made = store.heldout_cifar({count}) if hasattr(store, "heldout_cifar") else store.cifar("test")
        digest = "".join(sorted(hashlib.sha256(image.tobytes()).hexdigest() for image in made.images))
        lines.append("REGENERATED " + hashlib.sha256(digest.encode()).hexdigest())
    except Exception as exc:
        lines.append("REGENERATED failed " + type(exc).__name__)
    try:
        with open({key!r}) as handle:
            lines.append("KEY " + handle.read().strip())
    except OSError as exc:
        lines.append("KEY unreadable " + type(exc).__name__)
    print("\\n".join(lines))


def train(model, train_loader, test_loader, *, epochs, lr, device):
    leak()
    return []
"""


def test_student_code_cannot_rebuild_the_held_out_set(level_sandbox, tmp_path):
    key = DataStore().cache / "heldout.key"
    source = SOLUTION.replace("def train(model", "def reference_train(model") + textwrap.dedent(
        LEAK.format(count=HELDOUT, key=str(key))
    )
    exercise = grade_14(level_sandbox, tmp_path, source)
    printed = dict(
        line.split(" ", 1) for line in exercise.output.splitlines() if line.startswith(("REGENERATED", "KEY"))
    )
    assert printed.get("REGENERATED"), exercise.output[-500:]
    assert printed["REGENERATED"] != set_digest(grader_heldout()), (
        "student code rebuilt the grader's held-out set"
    )
    assert printed["KEY"].startswith("unreadable"), "student code read the grader's held-out key"
