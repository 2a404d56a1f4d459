"""Who is in a class: keys safe whatever the name, entries that clash kept apart, digests that stream and
stop at their caps, and problems that become one student's row instead of the end of the batch."""

import os
import time
import tracemalloc
import zipfile

from autograder.batch import students
from autograder.batch.students import discover, student_key


def a_student(root, name, source="x = 1\n"):
    folder = root / name / "07_maxpool"
    folder.mkdir(parents=True)
    (folder / "maxpool.py").write_text(source)
    return root / name


def test_keys_are_file_name_safe():
    assert student_key("alice") == "alice"
    assert student_key("李 明") == "%E6%9D%8E%20%E6%98%8E"
    assert student_key(os.fsdecode(b"bad\xff")) == "bad%FF"


def test_a_long_non_ascii_name_gets_a_short_key_that_stays_unique():
    first, second = "学生" * 39 + "甲", "学生" * 39 + "乙"  # 237 bytes each, as long as a disk holds
    keys = {student_key(first), student_key(second)}
    assert len(keys) == 2
    for key in keys:
        assert len(key) <= students.MAX_KEY and set(key) <= students.SAFE | {"%", "~"}
        assert len(f".{key}.json.4194304.partial".encode()) < 255


def test_a_folder_and_a_zip_of_one_name_are_two_students_with_a_warning(tmp_path):
    a_student(tmp_path, "alice")
    with zipfile.ZipFile(tmp_path / "alice.zip", "w") as bundle:
        bundle.writestr("07_maxpool/maxpool.py", "x = 1\n")
    roster = discover(tmp_path)
    assert [(s.id, s.key) for s in roster.students] == [("alice", "alice"), ("alice.zip", "alice.zip")]
    assert len(roster.warnings) == 1 and "alice, alice.zip" in roster.warnings[0].en


def test_a_link_in_place_of_a_student_is_that_students_problem(tmp_path):
    a_student(tmp_path, "alice")
    os.symlink(tmp_path / "alice", tmp_path / "mallory")
    by_id = {s.id: s for s in discover(tmp_path).students}
    assert by_id["alice"].problem is None
    assert "mallory is a link" in by_id["mallory"].problem.en


def test_other_files_are_skipped_with_a_warning(tmp_path):
    a_student(tmp_path, "alice")
    (tmp_path / "roster.csv").write_text("alice\n")
    (tmp_path / ".hidden").mkdir()
    roster = discover(tmp_path)
    assert [s.id for s in roster.students] == ["alice"]
    assert [w.en for w in roster.warnings] == ["skipped roster.csv: not a folder or a .zip"]


def test_the_digest_follows_content_not_timestamps(tmp_path):
    alice = a_student(tmp_path, "alice")
    before, _problem = students.digest(alice, "alice")
    os.utime(alice / "07_maxpool" / "maxpool.py", (0, 0))
    assert students.digest(alice, "alice")[0] == before
    (alice / "07_maxpool" / "maxpool.py").write_text("x = 2\n")
    assert students.digest(alice, "alice")[0] != before


def test_the_digest_sees_a_link_without_following_it(tmp_path):
    alice = a_student(tmp_path, "alice")
    before, _problem = students.digest(alice, "alice")
    os.symlink("/etc/passwd", alice / "07_maxpool" / "notes")
    after, problem = students.digest(alice, "alice")
    assert after != before and problem is None


def test_a_3_gib_sparse_file_is_digested_by_size_without_being_read(tmp_path):
    alice = a_student(tmp_path, "alice")
    with open(alice / "07_maxpool" / "data.bin", "wb") as handle:
        handle.truncate(3 * 1024**3)
    started = time.monotonic()
    sha, problem = students.digest(alice, "alice")
    assert problem is None and time.monotonic() - started < 5


def test_files_are_hashed_in_chunks_not_read_whole(tmp_path):
    alice = a_student(tmp_path, "alice")
    (alice / "07_maxpool" / "big.py").write_bytes(os.urandom(24 * 1024 * 1024))
    tracemalloc.start()
    try:
        students.digest(alice, "alice")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024


def test_a_folder_nested_past_the_cap_is_a_problem_not_a_crash(tmp_path):
    alice = a_student(tmp_path, "alice")
    (alice / os.path.join(*["d"] * 70)).mkdir(parents=True)
    sha, problem = students.digest(alice, "alice")
    assert "nested more than 64 folders" in problem.en and len(sha) == 64


def test_an_archive_over_the_cap_is_a_problem_without_being_read(tmp_path):
    archive = tmp_path / "huge.zip"
    with open(archive, "wb") as handle:
        handle.truncate(students.MAX_ARCHIVE_BYTES + 1)
    sha, problem = students.digest(archive, "huge")
    assert "the grader takes archives up to 256 MiB" in problem.en
