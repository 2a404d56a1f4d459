"""`autograder doctor`: what this machine offers for sandboxing, what is missing, and how to add it.

Findings come from `isolation.detect` (each layer tried for real). Advice
that depends on the distribution is chosen from /etc/os-release; where that
is unknown the advice says it is a guess.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from autograder import isolation
from autograder.sandbox.plan import plan_for


@dataclass
class Finding:
    ok: bool
    what: str
    fix: str = ""


def os_release() -> dict[str, str]:
    """/etc/os-release as a dict (empty when absent)."""
    path = Path("/etc/os-release")
    if not path.exists():
        return {}
    pairs = {}
    for line in path.read_text().splitlines():
        key, _, value = line.partition("=")
        pairs[key] = value.strip('"')
    return pairs


def package_command(debian: str, fedora: str, release: dict[str, str]) -> str:
    """The install command for this distribution, or a labelled guess."""
    family = f"{release.get('ID', '')} {release.get('ID_LIKE', '')}"
    if any(name in family for name in ("debian", "ubuntu")):
        return f"apt-get install -y {debian}"
    if any(name in family for name in ("fedora", "rhel", "centos")):
        return f"dnf install -y {fedora}"
    return f"(guessing, unknown distribution) apt-get install -y {debian}  or  dnf install -y {fedora}"


def _sysctl(path: str) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def userns_advice(release: dict[str, str]) -> str:
    """Why unprivileged user namespaces may be off, from the switches this kernel has."""
    if _sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1":
        return (
            "AppArmor restricts unprivileged user namespaces (Ubuntu 23.10+): "
            "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or give bwrap an AppArmor profile "
            "with `userns,`"
        )
    if _sysctl("/proc/sys/kernel/unprivileged_userns_clone") == "0":
        return "sysctl -w kernel.unprivileged_userns_clone=1"
    if _sysctl("/proc/sys/user/max_user_namespaces") == "0":
        return "sysctl -w user.max_user_namespaces=15000"
    if Path("/.dockerenv").exists():
        return (
            "(guessing) inside Docker, namespaces need the container started with "
            "--security-opt seccomp=unconfined --security-opt apparmor=unconfined, or --privileged"
        )
    return "(guessing) user namespaces seem disabled by a security policy on this machine"


def _bwrap_version(path: str) -> str:
    run = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
    return run.stdout.strip() or "bwrap"


def findings(caps: isolation.Capabilities, release: dict[str, str]) -> list[Finding]:
    items = []
    if caps.root:
        items.append(Finding(True, f"running as root: student code will run as uid {caps.sandbox_uid}"))
        if caps.namespaces:
            items.append(
                Finding(
                    True,
                    "mount namespaces: each worker gets its own PID, mount and IPC namespaces "
                    "with an empty /tmp and /dev/shm; scratch is a size-capped tmpfs",
                )
            )
        else:
            items.append(
                Finding(
                    False,
                    "root here may not make mount namespaces (a container without "
                    "CAP_SYS_ADMIN?): no fresh namespaces per worker without bubblewrap, "
                    "scratch is not size-capped",
                    "start the container with --cap-add SYS_ADMIN, or use bubblewrap (strict)",
                )
            )
        if not caps.python_readable and caps.namespaces:
            items.append(
                Finding(
                    True,
                    f"uid {caps.sandbox_uid} cannot read this Python ({sys.base_prefix}) "
                    f"where it is; it is bound where it can, in a private mount namespace",
                )
            )
        elif not caps.python_readable:
            items.append(
                Finding(
                    False,
                    f"uid {caps.sandbox_uid} cannot read this Python ({sys.base_prefix}) and it cannot be "
                    f"staged here: below strict, student code keeps uid 0 (without capabilities)",
                    "make the interpreter readable (for example chmod o+rx on each parent folder), or "
                    "install the kit in a Python under /usr or /opt",
                )
            )
    else:
        items.append(
            Finding(
                True, "running as an ordinary user: student code runs as you, confined by the layers below"
            )
        )
    if caps.bwrap:
        items.append(
            Finding(
                True,
                f"{_bwrap_version(caps.bwrap)} ({caps.bwrap}): user, pid, network and ipc namespaces work",
            )
        )
    elif "not installed" in (caps.bwrap_problem or ""):
        items.append(
            Finding(
                False, "bubblewrap is not installed", package_command("bubblewrap", "bubblewrap", release)
            )
        )
    else:
        items.append(Finding(False, caps.bwrap_problem or "bubblewrap does not work", userns_advice(release)))
    if caps.seccomp:
        items.append(Finding(True, f"seccomp: libseccomp's Python bindings load ({caps.seccomp})"))
    else:
        items.append(
            Finding(
                False,
                "seccomp: libseccomp's Python bindings are missing",
                f"pip install pyseccomp (needs libseccomp: "
                f"{package_command('libseccomp2', 'libseccomp', release)}); Debian's "
                f"python3-seccomp serves only the system Python",
            )
        )
    if caps.landlock_abi >= 1:
        extras = [name for abi, name in ((4, "TCP"), (6, "signal scoping")) if caps.landlock_abi >= abi]
        items.append(
            Finding(
                True,
                f"Landlock ABI {caps.landlock_abi} (filesystem{', ' if extras else ''}{', '.join(extras)})",
            )
        )
    else:
        items.append(
            Finding(
                False,
                "Landlock is not available",
                "needs Linux 5.13+ built with CONFIG_SECURITY_LANDLOCK and landlock in the `lsm=` "
                "boot parameter",
            )
        )
    controllers = [f"{name} (v1)" for name in caps.cgroups.v1] + [
        f"{name} (v2)" for name in caps.cgroups.v2_controllers
    ]
    if controllers:
        items.append(Finding(True, f"cgroups writable here: {', '.join(controllers)}"))
    else:
        items.append(
            Finding(
                False,
                "no writable memory or pids cgroup: limits fall back to rlimits",
                "run as root, or in a delegated scope: systemd-run --user --scope -p Delegate=yes "
                "autograder grade ...",
            )
        )
    return items


def report(caps: isolation.Capabilities | None = None, release: dict[str, str] | None = None) -> str:
    """The doctor's text."""
    caps = caps or isolation.detect()
    release = os_release() if release is None else release
    lines = ["What this machine offers for sandboxing student code:", ""]
    items = findings(caps, release)
    for item in items:
        lines.append(f"  [{'ok' if item.ok else 'missing'}] {item.what}")
    level = caps.best_level()
    plan = plan_for(caps, level)
    lines += [
        "",
        f"Best isolation level here: {level}",
        f"Layers at {level} here: {', '.join(plan.layers())}",
    ]
    lines += [f"  note: {note}" for note in plan.notes]
    fixes = [item.fix for item in items if not item.ok and item.fix]
    if fixes:
        lines += ["", "To add what is missing:"] + [f"  {fix}" for fix in fixes]
    if level != "strict":
        lines += ["", "`autograder grade --isolation strict` refuses to grade on this machine until then."]
    return "\n".join(lines) + "\n"
