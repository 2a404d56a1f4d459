"""A worker that stops reading its requests: the grader's write gives up at the call's deadline, as a
timeout."""

from __future__ import annotations

import time

import pytest

from autograder import catalog
from autograder.execution import RunSettings
from autograder.problems import StudentTimeout
from autograder.proxies import RemoteModule

FREEZES_AFTER_ANSWERING = """
import sys, threading


def spin():
    while True:
        pass


def freeze_soon():
    # A thread that never gives the interpreter back (SIGSTOP would not do: a worker is PID 1 of its
    # namespace, and PID 1 ignores it): the worker's loop never reads another request.
    sys.setswitchinterval(1e6)
    threading.Timer(0.3, spin).start()
    return "answered"


def echo(value):
    return value
"""


@pytest.mark.slow
def test_a_request_the_worker_never_reads_times_out(sandbox, tmp_path):
    folder = tmp_path / "07_maxpool"
    folder.mkdir()
    (folder / "maxpool.py").write_text(FREEZES_AFTER_ANSWERING, encoding="utf-8")
    remote = RemoteModule(sandbox, catalog.get("07_maxpool"), folder, RunSettings(threads=1, time_scale=0.2))
    try:
        assert remote.call("freeze_soon") == "answered"
        time.sleep(1.0)  # the worker is stuck now, its request pipe unread
        with pytest.raises(StudentTimeout, match="did not finish in time"):
            remote.call("echo", b"x" * (8 << 20))  # far more than a pipe holds: the write itself must give up
    finally:
        remote.close()
