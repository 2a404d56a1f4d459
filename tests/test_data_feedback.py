"""The data exercises (01-05, 15) name the real cause of a mistake, charge it once, and show the images.

Each case is a mutant from tests/mutants.py: the check that names its mistake says what is actually
wrong; checks that could not judge their behaviour because of it are `not_judged` and name the function
that failed; where a check failed on images, the exercise's "images" artifact holds expected/got pairs
(small PNG data URIs) from the same grading run.
"""

import base64
import io

import pytest
from PIL import Image

from autograder import catalog
from autograder.report_images import MAX_PAIRS, MAX_SIDE, ImagePairs, as_pixels, png_data_uri
from mutants import MUTANTS, apply, copy_solution

MESSAGES = {
    "load_image_to_tensor_before_resize": (
        "load_image_resizes_then_converts_with_to_tensor",
        ("at most 1/255", "ToTensor runs before Resize"),
    ),
    "pipeline_to_tensor_before_resize": (
        "pipeline_resizes_converts_and_normalizes",
        ("at most 1/255", "ToTensor runs before Resize"),
    ),
    "load_image_reshapes_channels_last": (
        "load_image_resizes_then_converts_with_to_tensor",
        ("reshaped as (32, 32, 3)", "torch.reshape(image, (1, 3, 32, 32))"),
    ),
    "dataset_forgets_convert_rgb": ("items_are_rgb_images_in_sorted_file_name_order", (".convert('RGB')",)),
    "dataset_keeps_the_listdir_order": (
        "items_are_rgb_images_in_sorted_file_name_order",
        ("sort the file names",),
    ),
    "dataset_keeps_non_image_files": ("length_counts_only_image_files", ("IMAGE_EXTENSIONS",)),
    "batch_count_returns_a_float": (
        "batch_count_gives_the_course_figures",
        ("a count of batches is an int",),
    ),
    "loader_ignores_the_seed": (
        "make_loader_order_follows_the_seed",
        ("torch.Generator().manual_seed(seed)",),
    ),
    "images_with_add_image": ("images_are_written_one_batch_per_step", ("add_images",)),
    "line_swaps_value_and_step": ("line_writes_value_2x_at_step_x", ("swapped",)),
    "predict_without_eval": ("predict_switches_to_eval_mode", ("model.eval()",)),
}
NOT_JUDGED = {
    "images_with_add_image": (
        {
            "image_sizes_are_the_add_images_grid",
            "image_pixels_are_the_batch_values",
            "writer_is_closed[log_images]",
        },
        "log_images",
    ),
    "load_image_without_resize": (
        {
            "load_image_resizes_then_converts_with_to_tensor",
            "load_image_converts_alpha_and_grayscale_images_to_rgb",
        },
        "load_image",
    ),
    "loader_ignores_the_seed": (
        {
            "make_loader_same_seed_gives_the_same_order",
            "make_loader_order_ignores_the_global_random_state",
            "make_loader_second_epoch_gives_a_new_order",
        },
        "make_loader",
    ),
    "dataset_ignores_the_transform": ({"build_dataset_passes_the_transform_on"}, "LabeledImageFolder"),
}
IMAGES = {
    "dataset_forgets_convert_rgb": "items_are_rgb_images_in_sorted_file_name_order",
    "to_tensor_forgets_to_divide_by_255": "to_tensor_equals_torchvision",
    "load_image_reshapes_channels_last": "load_image_resizes_then_converts_with_to_tensor",
}


@pytest.fixture(scope="module")
def graded(grade, tmp_path_factory):
    """graded(mutant name) -> that exercise's result, each mutant graded once."""
    done = {}

    def run(name: str):
        if name not in done:
            mutant = next(m for m in MUTANTS if m.name == name)
            folder = copy_solution(mutant.exercise, tmp_path_factory.mktemp(name))
            apply(mutant, folder)
            (done[name],) = grade(folder).exercises
        return done[name]

    return run


def checks_of(exercise) -> dict:
    return {check.name: check for check in exercise.checks}


def lost(exercise, name: str):
    """The first check called `name` (any parametrised variant) that did not pass."""
    return next(
        check for check in exercise.checks if check.name.split("[")[0] == name and check.status != "passed"
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_the_message_names_the_real_cause(graded, name):
    check, phrases = MESSAGES[name]
    found = lost(graded(name), check)
    assert found.status in ("failed", "error")
    for phrase in phrases:
        assert phrase in found.message, found.message
    assert "are the file names sorted?" not in found.message


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(NOT_JUDGED))
def test_checks_that_depend_on_the_mistake_are_not_judged_and_name_the_function(graded, name):
    names, function = NOT_JUDGED[name]
    checks = checks_of(graded(name))
    for check in names:
        assert checks[check].status == "not_judged", (check, checks[check].message)
        assert checks[check].blocked_by == function and checks[check].score == 0
        assert "already charges" in checks[check].text.en and "扣分" in checks[check].text.zh


def decoded(uri: str) -> Image.Image:
    assert uri.startswith("data:image/png;base64,")
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(IMAGES))
def test_a_check_that_fails_on_images_keeps_expected_and_got_for_the_report(graded, name):
    exercise = graded(name)
    pairs = exercise.artifacts["images"]
    assert 1 <= len(pairs) <= MAX_PAIRS
    assert {pair["check"].split("[")[0] for pair in pairs} == {IMAGES[name]}
    for pair in pairs:
        assert pair["caption"]["en"] and pair["caption"]["zh"]
        for side in ("expected", "got"):
            image = decoded(pair[side])
            assert image.format == "PNG" and max(image.size) <= MAX_SIDE


@pytest.mark.slow
def test_a_submission_without_mistakes_has_no_images(grade):
    for exercise in grade(
        catalog.SOLUTIONS_DIR, ["02_custom_dataset", "04_transforms", "15_inference"]
    ).exercises:
        assert exercise.score == exercise.max_score
        assert "images" not in exercise.artifacts


def test_pixels_come_from_tensors_and_arrays_of_one_three_or_four_channels():
    import numpy as np
    import torch

    assert as_pixels(torch.ones(1, 3, 4, 5)).shape == (4, 5, 3)
    assert as_pixels(torch.zeros(1, 6, 7)).shape == (6, 7, 1)
    assert as_pixels(np.zeros((6, 7, 4), dtype=np.uint8)).shape == (6, 7, 4)
    assert as_pixels(torch.full((3, 2, 2), 2.0)).max() == 255
    for not_an_image in (torch.zeros(2, 2), torch.zeros(5, 4, 4), np.zeros((2, 2, 2)), "image", None):
        assert as_pixels(not_an_image) is None


def test_images_are_downscaled_and_capped_per_exercise():
    import torch

    class Request:
        class node:
            name = "test_some_check[case]"

    assert max(decoded(png_data_uri(torch.rand(3, 300, 200))).size) == MAX_SIDE
    pairs = ImagePairs()
    from autograder.i18n import Text

    for _ in range(MAX_PAIRS + 3):
        pairs.add(Request, Text("caption", "说明"), torch.rand(3, 8, 8), torch.rand(3, 8, 8))
    assert len(pairs.pairs) == MAX_PAIRS and pairs.pairs[0]["check"] == "some_check[case]"


@pytest.mark.slow
@pytest.mark.real_data
def test_a_missing_convert_rgb_is_found_on_the_real_palette_gif(grade, real_data_root, tmp_path):
    mutant = next(m for m in MUTANTS if m.name == "dataset_forgets_convert_rgb")
    folder = copy_solution(mutant.exercise, tmp_path)
    apply(mutant, folder)
    (exercise,) = grade(folder, data_root=real_data_root).exercises
    lost = {check.name: check.message for check in exercise.checks if check.status != "passed"}
    assert list(lost) == ["items_are_rgb_images_in_sorted_file_name_order[ants]"]
    assert "imageNotFound.gif" in lost["items_are_rgb_images_in_sorted_file_name_order[ants]"]
