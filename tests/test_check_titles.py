"""Every hidden check of exercises 04 (by hand), 06-10, 12, 13, 16 and 19 has a title in both languages,
and its Chinese messages carry no English words beyond code."""

import ast
import re

import pytest

from autograder import catalog
from autograder.check_outcomes import check_title

EXERCISES = [
    "06_conv_shapes",
    "07_maxpool",
    "08_activations",
    "09_sequential",
    "10_losses",
    "12_vgg16_modify",
    "13_save_load",
    "16_autograd",
    "19_onnx_export",
]
BY_HAND = {"04_transforms": ("test_to_tensor_is_written_by_hand", "test_normalize_is_written_by_hand")}
ENGLISH_PHRASES = re.compile(r"\b(expected|got|should|the|of shape|a tensor|returned|not judged|fix)\b")


def checks(exercise_id: str) -> list[ast.FunctionDef]:
    tree = ast.parse(catalog.get(exercise_id).hidden_checks.read_text(encoding="utf-8"))
    wanted = BY_HAND.get(exercise_id)
    return [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and node.name.startswith("test_")
        and (wanted is None or node.name in wanted)
    ]


def literal_text(node: ast.AST) -> list[str]:
    """The literal text of a message: string constants and f-string parts, not the keys of subscripts."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Subscript):
        return []
    return [text for child in ast.iter_child_nodes(node) for text in literal_text(child)]


@pytest.mark.parametrize("exercise_id", EXERCISES + list(BY_HAND))
def test_every_check_has_an_english_and_a_chinese_title(exercise_id):
    for node in checks(exercise_id):
        title = check_title(ast.get_docstring(node))
        assert title.en and title.zh != title.en, f"{exercise_id}: {node.name} has no 中文： line"


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_chinese_messages_carry_no_english_phrases(exercise_id):
    """The last argument of every fail(...) and not_judged...(...) call reads as Chinese (code aside)."""
    tree = ast.parse(catalog.get(exercise_id).hidden_checks.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in (
            "fail",
            "not_judged",
            "not_judged_because",
        ):
            text = "".join(literal_text(node.args[-1]))
            assert not ENGLISH_PHRASES.search(text), f"{exercise_id}, line {node.lineno}: {text!r}"
