"""Packaging: the license in PEP 639's form, a setuptools floor that reads it, and a build without
warnings."""

import re
import shutil
import subprocess
import sys
import zipfile

import pytest

from autograder import catalog

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

PYPROJECT = catalog.KIT_ROOT / "pyproject.toml"
PEP_639_SETUPTOOLS = (77, 0, 3)


def project() -> dict:
    with open(PYPROJECT, "rb") as handle:
        return tomllib.load(handle)


def test_the_license_is_an_spdx_expression_with_its_file():
    data = project()["project"]
    assert data["license"] == "MIT"
    assert all((catalog.KIT_ROOT / name).is_file() for name in data["license-files"])


def test_the_build_requires_a_setuptools_that_reads_pep_639():
    (requirement,) = [r for r in project()["build-system"]["requires"] if r.startswith("setuptools")]
    floor = re.fullmatch(r"setuptools>=([\d.]+)", requirement)
    assert floor, f"setuptools needs a floor, not {requirement!r}"
    assert tuple(int(part) for part in floor.group(1).split(".")) >= PEP_639_SETUPTOOLS


def test_building_the_wheel_warns_of_nothing_deprecated(tmp_path):
    import setuptools

    if tuple(int(p) for p in setuptools.__version__.split(".")[:3]) < PEP_639_SETUPTOOLS:
        pytest.skip(f"this environment's setuptools {setuptools.__version__} predates PEP 639")
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(catalog.KIT_ROOT / name, source / name)
    shutil.copytree(
        catalog.KIT_ROOT / "autograder", source / "autograder", ignore=shutil.ignore_patterns("__pycache__")
    )
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-v",
            "-w",
            str(tmp_path / "dist"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = build.stdout + build.stderr
    assert build.returncode == 0, log[-3000:]
    assert not re.search(r"Deprecat|deprecated|2027", log), re.findall(r".*[Dd]eprecat.*", log)[:5]
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = next(archive.read(n).decode() for n in names if n.endswith("/METADATA"))
    assert "License-Expression: MIT" in metadata and "License-File: LICENSE" in metadata
    for template in ("gradescope/setup.sh", "gradescope/memory.json", "github/grade-class.yml"):
        assert f"autograder/templates/{template}" in names
