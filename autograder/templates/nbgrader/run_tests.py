# 用 pytest 运行本笔记本里的可见测试（不必细读）/ Runs this notebook's visible tests with pytest (no need to read it).
import sys
import tempfile
import types
from pathlib import Path

import pytest

TEST_MODULE = """import sys

import pytest

globals().update({name: value for name, value in vars(sys.modules["_notebook"]).items() if not name.startswith("__")})


@pytest.fixture(name=MODULE_NAME, scope="session")
def _this_notebook():
    return sys.modules["_notebook"]
"""


def tr(en, zh):
    """A visible test's message, in English and Chinese."""
    return f"{en} / {zh}"


def run_tests(module_name, namespace):
    """Run every test_* function defined in this notebook with pytest, giving them this notebook as the
    fixture `module_name` (as `pytest exercises/...` gives them your module); fail when any test fails."""
    notebook = types.ModuleType(module_name)
    notebook.__dict__.update(namespace)
    sys.modules["_notebook"] = notebook
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "pytest.ini").write_text("[pytest]\n")
        tests = Path(folder) / f"test_{module_name}.py"
        tests.write_text(TEST_MODULE.replace("MODULE_NAME", repr(module_name)))
        code = pytest.main(
            [
                str(tests),
                "-q",
                "-s",
                "--tb=short",
                "--import-mode=importlib",
                "-p",
                "no:cacheprovider",
                "--rootdir",
                folder,
                "-c",
                str(Path(folder) / "pytest.ini"),
            ]
        )
    if code != 0:
        raise AssertionError(
            f"the visible tests did not all pass (pytest exit code {int(code)}) / 可见测试未全部通过"
        )
