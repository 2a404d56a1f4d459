"""The CUDA path: GPU-only checks are skipped (and worth nothing) without CUDA, the template never starts
CUDA, slots get their own GPU; on a machine with CUDA the solutions get full marks there too."""

import pytest
import torch

from autograder import catalog, check_collection
from autograder.batch.slots import gpu_plan
from autograder.execution import RunSettings
from autograder.options import BatchOptions, GradeOptions
from autograder.proxies import RemoteModule
from autograder.worker.probes import generic

CUDA = torch.cuda.is_available()
GPU_CHECKS = {
    "13_save_load": "checkpoint_saved_on_a_real_gpu_loads_on_a_cpu_only_machine",
    "14_cifar10_training": "model_and_batches_live_on_the_gpu_during_training",
}


@pytest.mark.skipif(CUDA, reason="this machine has CUDA: GPU-only checks run here instead")
def test_gpu_only_checks_are_reported_as_skipped_on_cpu(grade):
    result = grade(catalog.SOLUTIONS_DIR, exercises=["13_save_load"], device="cpu")
    (exercise,) = result.exercises
    check = next(c for c in exercise.checks if c.name == GPU_CHECKS["13_save_load"])
    assert (check.status, check.score, check.max_score) == ("skipped", 0.0, 0.0)
    assert "CUDA" in check.message
    assert exercise.score == exercise.max_score > 0


def test_gpu_only_checks_count_only_when_grading_on_cuda():
    exercises = [catalog.get(i) for i in GPU_CHECKS]
    on_cpu = check_collection.max_points(exercises, "cpu")
    on_cuda = check_collection.max_points(exercises, "cuda")
    assert all(on_cuda[i] > on_cpu[i] for i in GPU_CHECKS)


def test_the_warm_template_never_starts_cuda(sandbox):
    student = RemoteModule(
        sandbox, catalog.get("07_maxpool"), catalog.SOLUTIONS_DIR / "07_maxpool", RunSettings()
    )
    try:
        assert student.probe(generic.cuda_state) == {"initialized": False}
    finally:
        student.close()


def test_each_slot_sees_its_own_gpu_and_slots_sharing_one_split_its_memory(monkeypatch):
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    gpus, options = gpu_plan(BatchOptions(GradeOptions(device="cuda")), jobs=4)
    assert gpus == ["0", "1", "0", "1"]
    assert options.grade.device == "cuda" and options.grade.gpu_memory_fraction == pytest.approx(0.45)


def test_a_named_gpu_pins_every_slot_to_it(monkeypatch):
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 4)
    gpus, _options = gpu_plan(BatchOptions(GradeOptions(device="cuda:2")), jobs=2)
    assert gpus == ["2", "2"]


def test_cpu_grading_gives_slots_no_gpu():
    gpus, options = gpu_plan(BatchOptions(GradeOptions(device="cpu")), jobs=3)
    assert gpus == [None, None, None] and options.grade.device == "cpu"


@pytest.mark.skipif(not CUDA, reason="needs a CUDA GPU (the GPU suite; run on a GPU runner)")
def test_every_solution_gets_full_marks_on_cuda_with_the_gpu_checks(grade):
    result = grade(catalog.SOLUTIONS_DIR, exercises=list(GPU_CHECKS), device="cuda")
    for exercise in result.exercises:
        names = {c.name: c.status for c in exercise.checks}
        assert names[GPU_CHECKS[exercise.id]] == "passed"
        assert exercise.score == exercise.max_score, [
            (c.name, c.message) for c in exercise.checks if c.status != "passed"
        ]
