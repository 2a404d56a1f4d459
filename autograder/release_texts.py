"""The texts of a student release that are not copied from the kit: README, packaging, CI, package stubs.

Kept apart from `release.py` (which decides what goes where) so the words can be read and changed in
one place. Every command in the README is run as written by `tests/test_release.py`.
"""

from __future__ import annotations

import re

from autograder import hints
from autograder.catalog import SOLUTIONS_DIR, Exercise

PACKAGE_INIT = (
    '"""The student\'s side of the PyTorch exercise kit: '
    '`autograder status | check | hint | watch | reset | next`."""\n'
)

PACKAGE_MAIN = '''"""`python -m autograder` runs the learning loop's commands."""
from autograder.learning.commands import run

run()
'''

GITIGNORE = """.venv/
__pycache__/
*.pyc
*.egg-info/
.pytest_cache/
.autograder/
"""

BASE_DEPENDENCIES = [
    '"torch>=2.2,<3"',
    '"torchvision>=0.17,<1"',
    '"numpy>=1.24"',
    '"pillow>=10"',
    '"pytest>=7.4"',
    "\"tomli>=2; python_version < '3.11'\"",
]
EXTRA_DEPENDENCIES = {
    "03_tensorboard": ['"tensorboard>=2.14"'],
    "19_onnx_export": ['"onnx>=1.16"', '"onnxruntime>=1.17"', '"onnxscript>=0.1"'],
}


def pyproject_text(exercises: list[Exercise]) -> str:
    """Packaging for students: the libraries the exercises use and the `autograder` learning commands."""
    dependencies = list(BASE_DEPENDENCIES)
    for exercise in exercises:
        dependencies += EXTRA_DEPENDENCIES.get(exercise.id, [])
    listed = "".join(f"    {dependency},\n" for dependency in dependencies)
    return f"""[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "pytorch-course-exercises"
version = "1.0.0"
description = "Exercises for a beginner PyTorch course, with visible tests, hints and a progress tracker"
requires-python = ">=3.10"
dependencies = [
{listed}]

[project.scripts]
autograder = "autograder.learning.commands:run"

[tool.setuptools]
packages = ["autograder", "autograder.learning"]

[tool.setuptools.package-data]
autograder = ["exercises.toml"]

[tool.pytest.ini_options]
# `pytest` at the root runs every exercise's visible tests, nothing else.
testpaths = ["exercises"]
addopts = "--no-header -rN"
"""


def _table_id(table: str) -> str | None:
    found = re.search(r'(?m)^id = "(?P<id>[^"]+)"', table)
    return found.group("id") if found else None


def catalog_text(text: str, kept: list[str]) -> str:
    """exercises.toml with only the `[[exercise]]` tables of the released exercises."""
    head, *tables = re.split(r"(?m)^(?=\[\[exercise\]\])", text)
    chosen = [table for table in tables if _table_id(table) in kept]
    return head + "".join(chosen)


def _lesson(exercise: Exercise) -> str:
    lesson = hints.load(SOLUTIONS_DIR / exercise.id / "hints.toml", exercise.id).lesson
    return f"{lesson.text.zh} / {lesson.text.en}"


def readme_text(exercises: list[Exercise]) -> str:
    """The release's README, in Chinese and English."""
    first = exercises[0].id[:2]
    rows = "".join(
        f"| {e.id[:2]} | [{e.title_zh} / {e.title}](exercises/{e.id}/README.md) | {_lesson(e)} |\n"
        for e in exercises
    )
    return f"""# PyTorch 入门课练习 / PyTorch course exercises

这些练习来自一门中文 PyTorch 入门课：每个练习一个文件夹，里面有要你完成的文件、它的可见测试和说明（README 写明它来自课程的哪一节）。
These exercises come from a Chinese beginner PyTorch course: one folder per exercise, holding the file you
complete, its visible tests and a README (which names the lesson of the course it comes from).

## 开始 / Getting started

需要 Python 3.10 或更新版本，以及几 GB 磁盘空间（PyTorch 很大）。在这个文件夹里运行：
You need Python 3.10 or newer and a few GB of disk space (PyTorch is large). In this folder, run:

```bash
python3 -m venv .venv
. .venv/bin/activate
pip install -e .
autograder next
```

Windows 上激活虚拟环境用 `.venv\\Scripts\\activate`。以后每次打开新的终端，都要先激活 `.venv`。
On Windows, activate with `.venv\\Scripts\\activate`. Activate `.venv` again in every new terminal.

## 学习循环 / The learning loop

```bash
autograder status          # 每个练习的进度，以及下一个该做的 / every exercise's progress, and the next one
autograder next            # 下一个练习：说明、课程出处、怎么开始 / the next exercise: README, lesson, how to start
autograder check {first}        # 运行练习 {first} 的可见测试 / run exercise {first}'s visible tests
autograder watch {first}        # 每次保存都重新测试（Ctrl-C 停止）/ re-test on every save (Ctrl-C stops)
autograder hint {first}         # 提示 1：思路和课程出处 / hint 1: the idea and the course lesson
autograder hint {first} --level 2   # 提示 2：该用的 API / hint 2: the API to use
autograder hint {first} --level 3   # 提示 3：接近代码 / hint 3: close to code
autograder reset {first}        # 恢复最初的文件，你的版本另存为 .bak / restore the original file, yours kept as .bak
python -m pytest           # 所有练习的可见测试 / every exercise's visible tests
python -m pytest exercises/{exercises[0].id}  # 一个练习 / one exercise
```

`--lang en|zh|both` 选择语言（默认跟随系统语言）。/ `--lang en|zh|both` picks the language (default: your locale).

可见测试只检查最基本的要求和课程里常见的错误；老师评分时还会运行更严格的隐藏检查。
The visible tests check the basics and the course's common mistakes; your teacher's grading runs stricter
hidden checks as well. GitHub Actions runs the visible tests on every push
(`.github/workflows/visible-tests.yml`).

## 练习 / The exercises

| | 练习 / exercise | 课程出处 / course lesson |
| --- | --- | --- |
{rows}"""  # noqa: E501
