"""The sandbox plan, from faked capabilities: one decision, from which the result's layers, the template's
settings and each worker's confinement all follow (never parsed back from the layer names)."""

from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path

import pytest

from autograder import isolation
from autograder.cleanup import remove_tree
from autograder.sandbox import Budget, paths, plan_for, views
from autograder.sandbox.cgroups import Cgroups
from autograder.worker.protocol import FreshView

SPACE = (Path("/scratch/s-1/submission"), Path("/scratch/s-1/data"), Path("/scratch/s-1/work"))


def caps(**changes) -> isolation.Capabilities:
    base = dict(
        root=True,
        sandbox_uid=65534,
        bwrap="/usr/bin/bwrap",
        bwrap_problem=None,
        landlock_abi=6,
        seccomp="pyseccomp",
        cgroups=isolation.CgroupSupport(),
        python_readable=True,
        namespaces=True,
    )
    base.update(changes)
    return isolation.Capabilities(**base)


def test_strict_as_root_drops_the_uid_before_bubblewrap_and_gives_each_worker_fresh_namespaces():
    plan = plan_for(caps(), "strict")
    assert plan.bubblewrap and plan.uid == 65534 and plan.uid_in_template
    assert plan.confinement(*SPACE)["uid"] is None  # already dropped: the whole template runs as 65534
    assert plan.template_settings(Path("/scratch"))["fresh"] == FreshView(
        tmp_bytes=Budget().tmp_bytes, scratch="/scratch", keep=paths.under_private_tmp()
    )
    assert {"bubblewrap", "uid-65534", "ipc-namespace-per-worker", "size-capped-scratch"} <= set(
        plan.layers()
    )


def test_a_kit_or_interpreter_under_tmp_is_kept_visible_through_each_workers_fresh_tmp(monkeypatch):
    """Each worker's empty /tmp would hide a virtualenv or kit unpacked there (a bundle tried under /tmp):
    the outermost such folders are bound back."""
    found = [Path("/usr/lib/python3"), Path("/tmp/k/.venv"), Path("/tmp/k/.venv/lib"), Path("/tmp/k/src")]
    monkeypatch.setattr(paths, "python_and_kit", lambda: found)
    assert paths.under_private_tmp() == ["/tmp/k/.venv", "/tmp/k/src"]
    settings = plan_for(caps(), "strict").template_settings(Path("/scratch"))
    assert settings["fresh"] is not None and settings["fresh"]["keep"] == ["/tmp/k/.venv", "/tmp/k/src"]


def test_reduced_as_root_switches_each_worker_to_the_sandbox_uid_after_its_namespaces():
    plan = plan_for(caps(bwrap=None), "reduced")
    confinement = plan.confinement(*SPACE)
    assert not plan.bubblewrap and not plan.uid_in_template
    assert confinement["uid"] == 65534 and confinement["drop_caps"] and confinement["seccomp"]
    assert plan.template_settings(Path("/scratch"))["pid_namespace"]
    assert {"/tmp", "/dev/shm"} <= set(confinement["landlock"]["write"])  # the worker's own fresh ones
    assert "uid-65534" in plan.layers() and "secrets-masked" in plan.layers()


def test_an_unreadable_interpreter_is_staged_rather_than_keeping_root():
    plan = plan_for(caps(bwrap=None, python_readable=False), "reduced")
    assert plan.uid == 65534 and plan.stage_interpreter and plan.private_template_view


def test_root_that_cannot_mount_and_cannot_reach_the_interpreter_keeps_uid_0_and_says_so():
    plan = plan_for(caps(bwrap=None, python_readable=False, namespaces=False), "reduced")
    assert plan.uid is None and not plan.worker_namespaces and plan.scratch_bytes is None
    assert plan.confinement(*SPACE)["drop_caps"]
    assert any("runs as root without capabilities" in note for note in plan.notes)
    assert "/tmp" not in plan.confinement(*SPACE)["landlock"]["write"]  # shared with the host: not writable


def test_an_ordinary_user_at_reduced_gets_seccomp_and_landlock_but_no_namespaces_and_an_uncapped_scratch():
    plan = plan_for(caps(root=False, sandbox_uid=None, bwrap=None), "reduced")
    assert plan.uid is None and plan.seccomp and plan.landlock_abi == 6
    assert not plan.worker_namespaces and plan.template_settings(Path("/s"))["fresh"] is None
    assert any("scratch is not size-capped" in note for note in plan.notes)
    assert not any(layer.startswith("uid-") or layer.endswith("-per-worker") for layer in plan.layers())


def test_an_ordinary_user_at_strict_still_gets_fresh_namespaces_from_bubblewrap():
    plan = plan_for(caps(root=False, sandbox_uid=None), "strict")
    assert plan.worker_namespaces and plan.uid is None and plan.scratch_bytes is None


def test_without_landlock_strict_confines_with_the_other_layers():
    plan = plan_for(caps(landlock_abi=0), "strict")
    assert plan.confinement(*SPACE)["landlock"] is None
    assert not any(layer.startswith("landlock") for layer in plan.layers())


def test_minimal_has_no_seccomp_and_an_ordinary_user_keeps_its_capabilities_there():
    plan = plan_for(caps(root=False, sandbox_uid=None, seccomp=None, landlock_abi=0, bwrap=None), "minimal")
    confinement = plan.confinement(*SPACE)
    assert not confinement["seccomp"] and not confinement["drop_caps"] and confinement["landlock"] is None
    assert plan.layers() == ["rlimits", "process-tree-kill", "scrubbed-env", "copied-submission"]


@pytest.mark.parametrize(
    "support, layers",
    [
        (isolation.CgroupSupport(), []),
        (
            isolation.CgroupSupport(v1={"memory": Path("/m"), "pids": Path("/p")}),
            ["cgroup-memory", "cgroup-pids"],
        ),
        (isolation.CgroupSupport(v2=Path("/u"), v2_controllers=("pids",)), ["cgroup-pids"]),
    ],
)
def test_cgroup_layers_follow_the_controllers_offered(support, layers):
    plan = plan_for(caps(cgroups=support), "strict")
    assert [layer for layer in plan.layers() if layer.startswith("cgroup")] == layers


def test_a_layer_that_could_not_be_set_up_leaves_the_plan_and_is_noted():
    plan = plan_for(caps(), "strict").without(scratch_bytes=None)
    assert "size-capped-scratch" not in plan.layers() and any("scratch bytes" in note for note in plan.notes)


CAPABILITY_SPACE = {
    "root": [True, False],
    "bwrap": ["/usr/bin/bwrap", None],
    "landlock_abi": [0, 3, 6],
    "seccomp": ["x", None],
    "python_readable": [True, False],
    "namespaces": [True, False],
}


@pytest.mark.parametrize("combination", list(itertools.product(*CAPABILITY_SPACE.values())))
def test_layers_settings_and_confinement_agree_on_every_machine(combination):
    found = caps(**dict(zip(CAPABILITY_SPACE, combination)))
    for level in [level for level in isolation.LEVELS if found.offers(level)]:
        plan = plan_for(found, level)
        layers, confinement = plan.layers(), plan.confinement(*SPACE)
        settings = plan.template_settings(Path("/scratch"))
        assert ("seccomp" in layers) == confinement["seccomp"] == settings["seccomp"]
        assert any(layer.startswith("landlock") for layer in layers) == (confinement["landlock"] is not None)
        assert ("no-capabilities" in layers) == confinement["drop_caps"]
        assert (
            ("pid-namespace-per-worker" in layers)
            == settings["pid_namespace"]
            == (settings["fresh"] is not None)
        )
        assert any(layer.startswith("uid-") for layer in layers) == (plan.uid is not None)
        assert confinement["uid"] in (None, plan.uid) and (confinement["uid"] is None) == (
            plan.uid is None or plan.uid_in_template
        )
        assert ("bubblewrap" in layers) == (level == "strict")


@pytest.fixture
def open_folder():
    """A folder every uid may pass through (pytest's own tmp_path is under a 0700 folder)."""
    folder = Path(tempfile.mkdtemp())
    os.chmod(folder, 0o755)
    yield folder
    remove_tree(folder)


def test_a_folder_that_bars_the_sandbox_uid_is_found_on_the_way_to_the_interpreter(open_folder):
    home = open_folder / "home"
    python = home / "pyenv" / "3.11"
    python.mkdir(parents=True)
    os.chmod(home, 0o700)
    assert paths.blocked_ancestor(python, 65534) == home
    os.chmod(home, 0o711)
    assert paths.blocked_ancestor(python, 65534) is None


def test_the_template_view_covers_the_barring_folder_and_binds_the_interpreter_back(open_folder, monkeypatch):
    home = open_folder / "home"
    python = home / "pyenv" / "3.11"
    python.mkdir(parents=True)
    os.chmod(home, 0o700)
    monkeypatch.setattr(paths, "python_and_kit", lambda: [python, Path("/usr/lib")])
    plan = plan_for(caps(bwrap=None, python_readable=False), "reduced")
    view = views.template_view(plan, open_folder / "scratch")
    assert view.private and view.cover == (str(home),) and view.expose == (str(python),)
    assert set(view.mask_dirs) == {str(p) for p in paths.secrets()}


def test_under_bubblewrap_the_interpreter_is_staged_inside_scratch_only_when_unreadable(tmp_path):
    readable = views.template_view(plan_for(caps(), "strict"), tmp_path)
    assert not readable.private and readable.stage == ()
    staged = views.template_view(plan_for(caps(python_readable=False), "strict"), tmp_path)
    assert staged.private and all(
        target.startswith(str(tmp_path / ".stage")) for _source, target in staged.stage
    )


@pytest.mark.parametrize(
    "version, files", [(1, ("memory.limit_in_bytes", "pids.max")), (2, ("memory.max", "pids.max"))]
)
def test_cgroup_limits_are_written_to_each_versions_file(tmp_path, version, files):
    if version == 1:
        support = isolation.CgroupSupport(v1={"memory": tmp_path, "pids": tmp_path})
    else:
        support = isolation.CgroupSupport(v2=tmp_path, v2_controllers=("memory", "pids"))
    groups = Cgroups(support, "autograder-1-test")
    assert groups.create({"memory": 1 << 30, "pids": 96}) == {"memory", "pids"}
    assert [(tmp_path / "autograder-1-test" / name).read_text() for name in files] == [str(1 << 30), "96"]
