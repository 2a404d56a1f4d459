"""The worker's own layers, one by one: the seccomp filter's refusals (in a child process that loads it),
and the protocol's check of what a worker sends back."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import textwrap

import pytest

from autograder.catalog import KIT_ROOT
from autograder.worker import protocol, seccomp_filter

PROBE = textwrap.dedent("""
    import ctypes, errno, json, os, resource, socket, sys
    sys.path.insert(0, sys.argv[2])
    from autograder.worker import seccomp_filter
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    parent = int(sys.argv[1])
    x86 = os.uname().machine == "x86_64"

    def ok(value):
        if value < 0:
            raise OSError(ctypes.get_errno(), "")
        return value

    def outcome(call, undo=None):
        try:
            made = call()
        except OSError as exc:
            return errno.errorcode.get(exc.errno, str(exc.errno))
        if undo is not None:
            undo(made)
        return "allowed"

    seccomp_filter.build().load()
    results = {
        "socket(AF_UNIX)": outcome(lambda: socket.socket(socket.AF_UNIX).close()),
        "socketpair": outcome(lambda: [end.close() for end in socket.socketpair()]),
        "shmget": outcome(lambda: ok(libc.shmget(0, 4096, 0o1600)), lambda i: libc.shmctl(i, 0, None)),
        "msgget": outcome(lambda: ok(libc.msgget(0, 0o1600)), lambda i: libc.msgctl(i, 0, None)),
        "semget": outcome(lambda: ok(libc.semget(0, 1, 0o1600)), lambda i: libc.semctl(i, 0, 0)),
        "mq_open": outcome(lambda: ok(libc.mq_open(b"/ag-filter-test", os.O_CREAT | os.O_RDWR, 0o600, None)),
                           lambda _q: libc.mq_unlink(b"/ag-filter-test")),
        "prlimit(parent)": outcome(lambda: resource.prlimit(parent, resource.RLIMIT_NOFILE)),
        "prlimit(self)": outcome(lambda: resource.prlimit(0, resource.RLIMIT_NOFILE)),
        "setrlimit(self)": outcome(lambda: resource.setrlimit(resource.RLIMIT_CORE, (0, 0))),
        "setpriority(a user's processes)": outcome(lambda: os.setpriority(os.PRIO_USER, 4242, 19)),
        "setpriority(a process group)": outcome(lambda: os.setpriority(os.PRIO_PGRP, 424242, 19)),
        "setpriority(self)": outcome(lambda: os.setpriority(os.PRIO_PROCESS, 0, os.getpriority(os.PRIO_PROCESS, 0))),
        "sched_setaffinity(parent)": outcome(lambda: os.sched_setaffinity(parent, os.sched_getaffinity(parent))),
        "sched_setaffinity(self)": outcome(lambda: os.sched_setaffinity(0, os.sched_getaffinity(0))),
        "pidfd_getfd(parent)": outcome(lambda: ok(libc.syscall(438, ok(libc.syscall(434, parent, 0)), 0, 0))),
    }
    if x86:  # ioprio_get 252, ioprio_set 251; the parent's own I/O priority written back unchanged
        results["ioprio_set(parent)"] = outcome(lambda: ok(libc.syscall(251, 1, parent, libc.syscall(252, 1, parent))))
        results["ioprio_set(self)"] = outcome(lambda: ok(libc.syscall(251, 1, 0, libc.syscall(252, 1, 0))))
    print(json.dumps(results))
""")  # noqa: E501

REFUSED = [
    "socket(AF_UNIX)",
    "shmget",
    "msgget",
    "semget",
    "mq_open",
    "prlimit(parent)",
    "setpriority(a user's processes)",
    "setpriority(a process group)",
    "sched_setaffinity(parent)",
    "pidfd_getfd(parent)",
] + (["ioprio_set(parent)"] if platform.machine() == "x86_64" else [])
ALLOWED = [
    "socketpair",
    "prlimit(self)",
    "setrlimit(self)",
    "setpriority(self)",
    "sched_setaffinity(self)",
] + (["ioprio_set(self)"] if platform.machine() == "x86_64" else [])


@pytest.fixture(scope="module")
def under_the_filter() -> dict[str, str]:
    if seccomp_filter.seccomp_module() is None:
        pytest.skip("libseccomp's Python bindings are not installed (pip install pyseccomp)")
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(os.getpid()), str(KIT_ROOT)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("call", REFUSED)
def test_the_filter_refuses(under_the_filter, call):
    assert under_the_filter[call] == "EPERM"


@pytest.mark.parametrize("call", ALLOWED)
def test_the_filter_allows_what_concerns_only_the_caller(under_the_filter, call):
    assert under_the_filter[call] == "allowed"


def test_a_well_formed_worker_message_is_accepted():
    ready = protocol.ready(["seccomp"], {"import": 1.0})
    assert protocol.worker_message(ready, ("ready", "error")) == ready
    assert protocol.worker_message(protocol.kit_error("X", "y"), ("result", "error"))["error"]["type"] == "X"


@pytest.mark.parametrize(
    "message",
    [
        None,
        [],
        "ready",
        {"kind": "result"},
        {"kind": "ready", "layers": []},
        {"kind": "error", "error": "text"},
        {"kind": "sandbox-failed", "error": 3},
        {"no": "kind"},
    ],
)
def test_anything_else_a_worker_sends_is_malformed(message):
    assert protocol.worker_message(message, ("error", "sandbox-failed")) is None


def test_control_messages_round_trip_through_their_encoding():
    job: protocol.Job = {
        "id": "w1",
        "workspace": "/s/w-1",
        "confine": {"uid": None, "landlock": None, "drop_caps": True, "seccomp": True},
    }
    assert protocol.from_bytes(protocol.to_bytes(protocol.spawn(job))) == {"op": "spawn", "job": job}
