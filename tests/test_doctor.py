"""autograder doctor and the isolation levels: honest about this machine, right about how to fix others."""

import subprocess
import sys

import pytest

from autograder import catalog, doctor, isolation
from autograder.sandbox import SandboxError, resolve_level


def caps(**changes):
    base = dict(
        root=True,
        sandbox_uid=65534,
        bwrap="/usr/bin/bwrap",
        bwrap_problem=None,
        landlock_abi=6,
        seccomp="pyseccomp",
        cgroups=isolation.CgroupSupport(),
        python_readable=True,
    )
    base.update(changes)
    return isolation.Capabilities(**base)


def test_levels_follow_the_layers_present():
    assert caps().best_level() == "strict"
    assert caps(bwrap=None, bwrap_problem="bubblewrap (bwrap) is not installed").best_level() == "reduced"
    assert caps(bwrap=None, landlock_abi=0).best_level() == "minimal"
    assert caps(seccomp=None).best_level() == "minimal"


def test_strict_is_refused_rather_than_granted_with_less():
    missing = caps(bwrap=None, bwrap_problem="bubblewrap (bwrap) is not installed")
    with pytest.raises(SandboxError, match="--isolation strict refused.*bubblewrap.*autograder doctor"):
        resolve_level("strict", missing)
    assert resolve_level("auto", missing) == "reduced"


def test_missing_bubblewrap_on_debian_says_apt_get():
    text = doctor.report(
        caps(bwrap=None, bwrap_problem="bubblewrap (bwrap) is not installed"), {"ID": "debian"}
    )
    assert "apt-get install -y bubblewrap" in text and "Best isolation level here: reduced" in text


def test_unknown_distributions_are_labelled_as_a_guess():
    text = doctor.report(caps(bwrap=None, bwrap_problem="bubblewrap (bwrap) is not installed"), {})
    assert "(guessing, unknown distribution)" in text


def test_missing_seccomp_bindings_say_pip_install():
    assert "pip install pyseccomp" in doctor.report(caps(seccomp=None), {"ID": "ubuntu"})


def test_the_doctor_runs_on_this_machine():
    run = subprocess.run(
        [sys.executable, "-m", "autograder", "doctor"],
        capture_output=True,
        text=True,
        cwd=catalog.KIT_ROOT,
        timeout=120,
    )
    assert run.returncode == 0
    assert f"Best isolation level here: {isolation.detect().best_level()}" in run.stdout
    for layer in ("bubblewrap", "seccomp", "Landlock", "cgroup"):
        assert layer in run.stdout


def test_root_that_may_not_mount_is_told_how_to_allow_it():
    text = doctor.report(
        caps(bwrap=None, bwrap_problem="bubblewrap (bwrap) is not installed", namespaces=False),
        {"ID": "debian"},
    )
    assert "[missing] root here may not make mount namespaces" in text and "--cap-add SYS_ADMIN" in text


def test_the_doctor_lists_the_layers_its_plan_would_use():
    text = doctor.report(caps(namespaces=True), {"ID": "debian"})
    assert "Layers at strict here: rlimits," in text and "ipc-namespace-per-worker" in text


def test_apparmor_restricting_user_namespaces_gets_the_ubuntu_switch(monkeypatch):
    monkeypatch.setattr(doctor, "_sysctl", lambda path: "1" if "apparmor_restrict" in path else None)
    text = doctor.report(
        caps(bwrap=None, bwrap_problem="bwrap cannot create namespaces here: Operation not permitted"),
        {"ID": "ubuntu", "VERSION_ID": "24.04"},
    )
    assert "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0" in text
