"""libc through ctypes, for the few system calls Python does not wrap (prctl, unshare, mount, capset)."""

from __future__ import annotations

import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def check(result: int, what: str) -> int:
    """`result`, or OSError with errno's message when the call returned a negative value."""
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")
    return result
