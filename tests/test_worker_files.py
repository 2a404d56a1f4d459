"""The audited reader for files a worker wrote: links, FIFOs, oversized and too many files are never read."""

import os
import time

import pytest

from autograder.worker_files import Caps, FolderMissing, NotAFolder, TooLarge, TooMany, read_worker_files


@pytest.fixture
def scratch(tmp_path):
    root = tmp_path / "scratch"
    (root / "logs").mkdir(parents=True)
    return root


def test_regular_files_are_read_in_name_order(scratch):
    (scratch / "logs" / "b.bin").write_bytes(b"second")
    (scratch / "logs" / "a.bin").write_bytes(b"first")
    found = read_worker_files(scratch, "logs")
    assert list(found.files.items()) == [("a.bin", b"first"), ("b.bin", b"second")]
    assert found.refused == {}


def test_only_accepted_names_are_read_or_counted(scratch):
    for index in range(20):
        (scratch / "logs" / f"other-{index}").write_bytes(b"x")
    (scratch / "logs" / "events.out").write_bytes(b"wanted")
    found = read_worker_files(
        scratch, "logs", accept=lambda name: name.startswith("events"), caps=Caps(files=1)
    )
    assert found.files == {"events.out": b"wanted"}


def test_a_link_to_a_file_is_not_followed(scratch, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read")
    os.symlink(secret, scratch / "logs" / "events.out")
    found = read_worker_files(scratch, "logs")
    assert found.files == {}
    assert found.refused == {"events.out": "a link"}


def test_a_folder_that_is_a_link_is_refused(scratch, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "events.out").write_bytes(b"outside scratch")
    os.symlink(elsewhere, scratch / "linked")
    with pytest.raises(NotAFolder):
        read_worker_files(scratch, "linked")


def test_a_link_in_the_middle_of_the_path_is_refused(scratch, tmp_path):
    (tmp_path / "elsewhere" / "inner").mkdir(parents=True)
    os.symlink(tmp_path / "elsewhere", scratch / "middle")
    with pytest.raises(NotAFolder):
        read_worker_files(scratch, "middle/inner")


def test_climbing_out_with_dot_dot_or_an_absolute_path_is_refused(scratch):
    for folder in ("../scratch/logs", "/etc"):
        with pytest.raises(NotAFolder):
            read_worker_files(scratch, folder)


def test_a_missing_folder_is_reported_as_missing(scratch):
    with pytest.raises(FolderMissing):
        read_worker_files(scratch, "nowhere")


def test_a_file_in_place_of_the_folder_is_refused(scratch):
    (scratch / "plain").write_text("not a folder")
    with pytest.raises(NotAFolder):
        read_worker_files(scratch, "plain")


def test_a_fifo_is_skipped_without_blocking(scratch):
    os.mkfifo(scratch / "logs" / "events.fifo")
    (scratch / "logs" / "events.real").write_bytes(b"ok")
    started = time.monotonic()
    found = read_worker_files(scratch, "logs")
    assert time.monotonic() - started < 2
    assert found.files == {"events.real": b"ok"}
    assert found.refused == {"events.fifo": "not a regular file"}


def test_a_subfolder_is_skipped(scratch):
    (scratch / "logs" / "events.dir").mkdir()
    assert read_worker_files(scratch, "logs").refused == {"events.dir": "not a regular file"}


def test_a_hard_link_is_skipped(scratch, tmp_path):
    original = scratch / "original.bin"
    original.write_bytes(b"shared inode")
    os.link(original, scratch / "logs" / "events.out")
    assert read_worker_files(scratch, "logs").refused == {"events.out": "a file with other hard links"}


def test_too_many_accepted_files_are_refused_before_reading(scratch):
    for index in range(5):
        (scratch / "logs" / f"events.{index}").write_bytes(b"x")
    with pytest.raises(TooMany) as raised:
        read_worker_files(scratch, "logs", caps=Caps(files=4))
    assert "5" in raised.value.text.en and "5" in raised.value.text.zh


def test_too_many_entries_are_refused_whatever_their_names(scratch):
    for index in range(30):
        (scratch / "logs" / f"junk-{index}").write_bytes(b"")
    with pytest.raises(TooMany):
        read_worker_files(scratch, "logs", accept=lambda name: False, caps=Caps(entries=20))


def test_files_over_the_byte_cap_are_refused(scratch):
    (scratch / "logs" / "a").write_bytes(b"x" * 600)
    (scratch / "logs" / "b").write_bytes(b"x" * 600)
    with pytest.raises(TooLarge):
        read_worker_files(scratch, "logs", caps=Caps(bytes=1000))


def test_a_huge_sparse_file_is_not_read_whole(scratch):
    with open(scratch / "logs" / "events.huge", "wb") as handle:
        handle.truncate(8 * 1024**3)
    started = time.monotonic()
    with pytest.raises(TooLarge):
        read_worker_files(scratch, "logs", caps=Caps(bytes=4 * 1024 * 1024))
    assert time.monotonic() - started < 5
