"""remove_tree: whatever a worker or an archive left, it is removed without raising, and nothing outside
it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from autograder.catalog import KIT_ROOT
from autograder.cleanup import remove_tree


def nest(root, depth: int) -> None:
    """`depth` folders inside each other under `root` (far past PATH_MAX), one file in the deepest."""
    base = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    fd = base
    for _ in range(depth):
        os.mkdir("folder-with-a-long-name", dir_fd=fd)
        child = os.open("folder-with-a-long-name", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        if fd != base:
            os.close(fd)
        fd = child
    os.close(os.open("deepest.txt", os.O_CREAT | os.O_WRONLY, dir_fd=fd))
    os.close(fd)
    os.close(base)


@pytest.fixture
def memory_folder(tmp_path):
    """A folder on a tmpfs when there is one (as scratch is): rmdir on this machine's disk costs ~3 ms."""
    if not os.path.isdir("/dev/shm"):
        yield tmp_path
        return
    folder = tempfile.mkdtemp(dir="/dev/shm")
    yield Path(folder)
    remove_tree(folder)


def test_3000_nested_folders_are_removed_with_few_file_descriptors(memory_folder):
    # A child with RLIMIT_NOFILE = 64: a walk holding one descriptor per level would run out at depth ~60.
    tmp_path = memory_folder
    script = textwrap.dedent(f"""
        import resource, sys
        sys.path.insert(0, {str(KIT_ROOT)!r})
        sys.path.insert(0, {str(KIT_ROOT / "tests")!r})
        from test_cleanup import nest
        from autograder.cleanup import remove_tree
        nest({str(tmp_path)!r}, 3000)
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
        sys.setrecursionlimit(200)
        print(remove_tree({str(tmp_path / "folder-with-a-long-name")!r}))
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "0" and list(tmp_path.iterdir()) == []


def test_folders_without_permissions_are_emptied_and_removed(tmp_path):
    locked = tmp_path / "tree" / "locked"
    locked.mkdir(parents=True)
    (locked / "inside.txt").write_text("x")
    (locked / "sub").mkdir()
    os.chmod(locked / "sub", 0)
    os.chmod(locked, 0o500)
    assert remove_tree(tmp_path / "tree") == 0 and not (tmp_path / "tree").exists()


def test_links_are_removed_and_never_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("kept")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "to-folder").symlink_to(outside)
    (tree / "to-file").symlink_to(outside / "keep.txt")
    assert remove_tree(tree) == 0 and not tree.exists()
    assert (outside / "keep.txt").read_text() == "kept"


def test_a_link_given_as_the_tree_is_unlinked_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("kept")
    (tmp_path / "link").symlink_to(outside)
    assert remove_tree(tmp_path / "link") == 0
    assert not (tmp_path / "link").exists() and (outside / "keep.txt").exists()


def test_fifos_and_sockets_are_removed_without_blocking(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    os.mkfifo(tree / "fifo")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(tree / "socket"))
    listener.close()
    assert remove_tree(tree) == 0 and not tree.exists()


def test_a_missing_tree_is_already_removed(tmp_path):
    assert remove_tree(tmp_path / "never-made") == 0


def test_what_cannot_be_removed_is_counted_not_raised(tmp_path):
    # A mount point inside the tree is another filesystem: left alone, and counted.
    tree = tmp_path / "tree"
    (tree / "mounted").mkdir(parents=True)
    if (
        os.geteuid() != 0
        or subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(tree / "mounted")]).returncode
    ):
        pytest.skip("needs root to mount a tmpfs")
    try:
        (tree / "mounted" / "on-the-tmpfs.txt").write_text("x")
        assert remove_tree(tree) >= 1
        assert (tree / "mounted" / "on-the-tmpfs.txt").exists()
    finally:
        subprocess.run(["umount", str(tree / "mounted")], check=True)
    assert remove_tree(tree) == 0


def test_the_scratch_of_a_killed_grader_is_unmounted_and_removed_but_a_live_ones_is_not(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a tmpfs")
    gone = subprocess.Popen(["true"])
    gone.wait()  # a pid that no longer runs, as a SIGKILLed batch slot's
    tree = tmp_path / "slot"
    abandoned, live = tree / f"autograder-{gone.pid}-abcd1234", tree / f"autograder-{os.getpid()}-efgh5678"
    for scratch in (abandoned, live):
        scratch.mkdir(parents=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(scratch)], check=True)
        (scratch / "work.txt").write_text("x")
    try:
        assert remove_tree(tree) >= 1
        assert not abandoned.exists() and (live / "work.txt").exists()
    finally:
        subprocess.run(["umount", str(live)], check=True)
    assert remove_tree(tree) == 0 and not tree.exists()
