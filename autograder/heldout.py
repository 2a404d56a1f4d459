"""The grader's secret key for held-out data, and the seeds derived from it.

Student code can read the kit, the data generators included, so a held-out set drawn from a seed
written in the kit can be drawn again inside the sandbox. The grader's held-out sets are drawn
instead from seeds derived from a random key that only the grader can read: `heldout.key` in the
grader's cache (`~/.cache/torch-exercise-kit`, mode 0600, made on first use), or the hex key in
`$AUTOGRADER_HELDOUT_KEY` (to share one key between machines that grade one class). At `strict` the
cache lies outside everything bubblewrap shows a worker, at `reduced` Landlock refuses it, and the
workers' environment is scrubbed; at `minimal` nothing hides files from student code.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from autograder.errors import KitError

KEY_FILE = "heldout.key"
KEY_ENV = "AUTOGRADER_HELDOUT_KEY"
KEY_BYTES = 32


class HeldoutKeyError(KitError):
    """The configured key is not hex text of at least 16 bytes."""


def load_key(cache: Path) -> bytes:
    """The key: `$AUTOGRADER_HELDOUT_KEY` when set, else `<cache>/heldout.key`, made (atomically) if
    absent."""
    configured = os.environ.get(KEY_ENV)
    if configured:
        return _parse(configured, KEY_ENV)
    path = cache / KEY_FILE
    if not path.exists():
        _create(path)
    return _parse(path.read_text(encoding="ascii").strip(), str(path))


def _parse(text: str, where: str) -> bytes:
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise HeldoutKeyError(f"{where} must hold the held-out key as hex text") from None
    if len(key) < 16:
        raise HeldoutKeyError(
            f"{where} holds a key of {len(key)} bytes; use at least 16 (32 are made by default)"
        )
    return key


def _create(path: Path) -> None:
    """Write a fresh key beside `path` and link it into place; a key another grader made first wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{KEY_FILE}.{os.getpid()}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(KEY_BYTES) + "\n")
    try:
        os.link(partial, path)
    except FileExistsError:
        pass
    finally:
        partial.unlink()


def derived_seed(key: bytes, purpose: str) -> int:
    """A 63-bit seed for `purpose` (e.g. "cifar-heldout"): unpredictable without the key, the same with it."""
    digest = hmac.new(key, purpose.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def key_id(key: bytes) -> str:
    """A short name for the key (for cache file names), from which neither key nor seeds can be recovered."""
    return hmac.new(key, b"key-id", hashlib.sha256).hexdigest()[:12]
