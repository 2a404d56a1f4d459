"""Checks on the real data sets (../shared/data or $AUTOGRADER_DATA); skipped, with the reason, without
them."""

import importlib.util

import pytest

from autograder import catalog
from mutants import MUTANTS, apply, copy_solution

pytestmark = pytest.mark.real_data


def reference(exercise_id: str):
    exercise = catalog.get(exercise_id)
    spec = importlib.util.spec_from_file_location(f"real_{exercise.module}", exercise.solution_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_course_counts_on_real_ants_and_bees(real_data_root):
    dataset = reference("02_custom_dataset")
    train = real_data_root / "hymenoptera_data" / "train"
    ants, bees = dataset.LabeledImageFolder(train, "ants"), dataset.LabeledImageFolder(train, "bees")
    assert (len(ants), len(bees), len(dataset.build_dataset(train, ["ants", "bees"]))) == (124, 121, 245)


def test_the_palette_gif_among_the_ants_becomes_rgb(real_data_root):
    dataset = reference("02_custom_dataset")
    ants = dataset.LabeledImageFolder(real_data_root / "hymenoptera_data" / "train", "ants")
    index = ants.image_names.index("imageNotFound.gif")
    image, label = ants[index]
    assert image.mode == "RGB" and label == "ants"


def test_solutions_get_full_marks_on_real_data(grade, real_data_root):
    result = grade(
        catalog.SOLUTIONS_DIR, ["02_custom_dataset", "14_cifar10_training"], data_root=real_data_root
    )
    for exercise in result.exercises:
        assert exercise.score == exercise.max_score, [
            (c.name, c.message) for c in exercise.checks if c.status != "passed"
        ]
    accuracy = next(
        c for c in result.exercises[1].checks if c.name == "trained_model_reaches_the_accuracy_threshold"
    )
    assert "held-out accuracy" in accuracy.message


@pytest.mark.parametrize(
    "name", ["training_without_zero_grad", "training_ignores_lr", "training_shuffles_labels_against_images"]
)
def test_broken_training_loops_miss_the_real_data_threshold(grade, real_data_root, tmp_path, name):
    mutant = next(m for m in MUTANTS if m.name == name)
    folder = copy_solution(mutant.exercise, tmp_path)
    apply(mutant, folder)
    result = grade(folder, data_root=real_data_root)
    accuracy = next(
        c for c in result.exercises[0].checks if c.name == "trained_model_reaches_the_accuracy_threshold"
    )
    # the exact-step checks charge these loops; their accuracy then counts for nothing ("not judged")
    assert accuracy.score == 0 and accuracy.status in ("failed", "not_judged"), accuracy.message
