"""Fair verdicts on the checks of 04 (by hand), 06 and 13: code that does what the contract asks keeps
every point, whatever it names things, and a check that cannot be judged says so and why."""

from mutants import MUTANTS, apply, copy_solution

OWN_CLASSES = '''

class ToTensor:
    """A learner's own ToTensor: the same name as torchvision's, written by hand."""

    def __call__(self, img):
        array = np.array(img, dtype=np.uint8)
        if array.ndim == 2:
            array = array[:, :, None]
        return torch.from_numpy(array).permute(2, 0, 1).contiguous().to(torch.float32) / 255


class Normalize:
    """A learner's own Normalize, by hand too."""

    def __init__(self, mean, std):
        self.mean, self.std = mean, std

    def __call__(self, tensor):
        mean = torch.as_tensor(self.mean, dtype=tensor.dtype).reshape(-1, 1, 1)
        std = torch.as_tensor(self.std, dtype=tensor.dtype).reshape(-1, 1, 1)
        return (tensor - mean) / std
'''


def edited(tmp_path, exercise: str, *edits: tuple[str, str]):
    folder = copy_solution(exercise, tmp_path)
    module = next(folder.glob("*.py"))
    text = module.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    module.write_text(text, encoding="utf-8")
    return folder


def not_passed(result) -> dict[str, str]:
    (exercise,) = result.exercises
    return {
        check.name: check.message for check in exercise.checks if check.status not in ("passed", "skipped")
    }


def test_own_classes_named_to_tensor_and_normalize_keep_the_by_hand_points(grade, tmp_path):
    folder = edited(
        tmp_path,
        "04_transforms",
        ("\n\ndef to_tensor(img):", OWN_CLASSES + "\n\ndef to_tensor(img):"),
        (
            "    array = np.array(img, dtype=np.uint8)\n    if array.ndim == 2:\n        array = array[:, :, "
            "None]\n    return torch.from_numpy(array).permute(2, 0, 1).contiguous().to(torch.float32) / "
            "255\n",
            "    return ToTensor()(img)\n",
        ),
        (
            "    mean = torch.as_tensor(mean, dtype=tensor.dtype).reshape(-1, 1, 1)\n"
            "    std = torch.as_tensor(std, dtype=tensor.dtype).reshape(-1, 1, 1)\n"
            "    return (tensor - mean) / std\n",
            "    return Normalize(mean, std)(tensor)\n",
        ),
    )
    assert not_passed(grade(folder)) == {}


def test_an_alias_of_torchvision_loses_the_point_and_the_message_names_the_call(grade, tmp_path):
    mutant = next(m for m in MUTANTS if m.name == "to_tensor_aliases_torchvision_functional")
    folder = copy_solution(mutant.exercise, tmp_path)
    apply(mutant, folder)
    lost = not_passed(grade(folder))
    assert list(lost) == ["to_tensor_is_written_by_hand"]
    assert "torchvision.transforms.functional.to_tensor" in lost["to_tensor_is_written_by_hand"]


def test_the_nn_loss_module_is_named_as_the_call_that_was_made(grade, tmp_path):
    mutant = next(m for m in MUTANTS if m.name == "cross_entropy_with_the_nn_module")
    folder = copy_solution(mutant.exercise, tmp_path)
    apply(mutant, folder)
    message = not_passed(grade(folder))["losses_are_written_by_hand"]
    assert "cross_entropy called nn.CrossEntropyLoss" in message and "torch.nn.functional" not in message


def test_a_checkpoint_under_keys_of_ones_own_keeps_every_point(grade, tmp_path):
    folder = edited(
        tmp_path,
        "13_save_load",
        (
            '            "epoch": epoch,\n            "loss": loss,\n'
            '            "model_state_dict": model.state_dict(),\n'
            '            "optimizer_state_dict": optimizer.state_dict(),\n',
            '            "weights": model.state_dict(),\n            "sgd": optimizer.state_dict(),\n'
            '            "at_epoch": epoch,\n            "last_loss": loss,\n',
        ),
        (
            '    model.load_state_dict(checkpoint["model_state_dict"])\n'
            '    optimizer.load_state_dict(checkpoint["optimizer_state_dict"])\n'
            '    return {"epoch": checkpoint["epoch"], "loss": checkpoint["loss"]}\n',
            '    model.load_state_dict(checkpoint["weights"])\n    '
            'optimizer.load_state_dict(checkpoint["sgd"])\n    return {"epoch": checkpoint["at_epoch"], '
            '"loss": checkpoint["last_loss"]}\n',
        ),
    )
    assert not_passed(grade(folder)) == {}


def test_a_check_that_cannot_be_judged_is_worth_nothing_names_the_function_and_keeps_the_total(
    grade, tmp_path
):
    mutant = next(m for m in MUTANTS if m.name == "conv_forward_forgets_return")
    folder = copy_solution(mutant.exercise, tmp_path)
    apply(mutant, folder)
    (exercise,) = grade(folder).exercises
    checks = {check.name: check for check in exercise.checks}
    blocked = checks["forward_computes_a_3_to_6_channel_3x3_convolution"]
    assert (blocked.status, blocked.score, blocked.max_score, blocked.blocked_by) == (
        "not_judged",
        0.0,
        2.0,
        "ConvNet.forward",
    )
    assert blocked.to_dict()["blocked_by"] == "ConvNet.forward"
    assert blocked.text.en.startswith("not judged: ") and blocked.text.zh.startswith("未评判：")
    assert exercise.max_score == 13.0
