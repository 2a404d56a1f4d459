"""A submission is a tree of regular files and folders: what the grader finds in it, and what it copies
into a sandbox (source files only, no link followed, read as an unprivileged user, within caps)."""

import os
import sys
import zipfile

import pytest

from autograder import catalog, safe_copy
from autograder.cleanup import remove_tree
from autograder.submission import SubmissionError, locate, opened
from autograder.tree import TreeCaps, TreeProblem
from autograder.worker import landlock

SOLUTION = catalog.SOLUTIONS_DIR / "07_maxpool"
CAPS = safe_copy.CopyCaps(max_files=20, max_bytes=1024 * 1024)


def copy(folder, target, caps=CAPS, trusted=False):
    target.mkdir(exist_ok=True)
    return sorted(safe_copy.copy_sources(folder, target, ("*.py",), caps, folder.name, trusted))


def exercise_folder(root, name="07_maxpool"):
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "maxpool.py").write_text("x = 1\n")
    return folder


# ---------------------------------------------------------------- finding the exercises


def found(submission):
    return {exercise_id for exercise_id, folder in submission.folders.items() if folder is not None}


def test_a_repository_root_is_the_whole_course(tmp_path):
    exercise_folder(tmp_path / "repo" / "exercises")
    submission = locate(tmp_path / "repo")
    assert found(submission) == {"07_maxpool"} and len(submission.folders) == len(catalog.exercises())


def test_a_lone_wrapper_folder_is_looked_into_as_githubs_download_zip_lays_it_out(tmp_path):
    exercise_folder(tmp_path / "sub" / "repo-main" / "exercises")
    (tmp_path / "sub" / ".DS_Store").write_text("")
    (tmp_path / "sub" / "__MACOSX").mkdir()
    submission = locate(tmp_path / "sub")
    assert submission.path == tmp_path / "sub" / "repo-main" and found(submission) == {"07_maxpool"}


def test_one_exercise_folder_is_that_exercise_only(tmp_path):
    assert locate(exercise_folder(tmp_path)).folders == {"07_maxpool": tmp_path / "07_maxpool"}


def test_dot_inside_an_exercise_folder_names_that_exercise(tmp_path, monkeypatch):
    monkeypatch.chdir(exercise_folder(tmp_path))
    assert list(locate(".").folders) == ["07_maxpool"]


def test_a_flat_folder_of_module_files_maps_each_module_to_its_exercise(tmp_path):
    (tmp_path / "maxpool.py").write_text("x = 1\n")
    assert found(locate(tmp_path)) == {"07_maxpool"}


def test_exercises_as_a_link_refuses_the_submission_in_both_languages(tmp_path):
    (tmp_path / "repo").mkdir()
    os.symlink(catalog.SOLUTIONS_DIR, tmp_path / "repo" / "exercises")
    with pytest.raises(SubmissionError, match="exercises is a link") as error:
        locate(tmp_path / "repo")
    assert "链接" in error.value.text.zh


def test_an_exercise_folder_that_is_a_link_is_mapped_so_its_exercise_can_be_refused(tmp_path):
    (tmp_path / "exercises").mkdir()
    os.symlink(SOLUTION, tmp_path / "exercises" / "07_maxpool")
    assert found(locate(tmp_path)) == {"07_maxpool"}


def test_a_folder_without_exercises_names_an_example(tmp_path):
    with pytest.raises(SubmissionError, match="no exercise folders .*07_maxpool|01_tensors"):
        locate(tmp_path)


def test_a_zip_is_unpacked_for_grading_and_removed_after(tmp_path):
    archive = tmp_path / "alice.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("repo-main/exercises/07_maxpool/maxpool.py", "x = 1\n")
    with opened(archive, tmp_path) as folder:
        assert found(locate(folder)) == {"07_maxpool"}
        unpacked = folder
    assert not unpacked.exists()


# ---------------------------------------------------------------- copying into the sandbox


def test_only_source_files_are_copied_not_weights_or_data(tmp_path):
    folder = exercise_folder(tmp_path)
    (folder / "weights.pt").write_bytes(b"\0" * 100)
    (folder / "helpers").mkdir()
    (folder / "helpers" / "util.py").write_text("y = 2\n")
    assert copy(folder, tmp_path / "out") == ["helpers/util.py", "maxpool.py"]
    assert not (tmp_path / "out" / "weights.pt").exists()


def test_an_exercise_folder_that_is_a_link_to_the_reference_is_refused(tmp_path):
    os.symlink(SOLUTION, tmp_path / "07_maxpool")
    with pytest.raises(TreeProblem, match="07_maxpool is a link"):
        copy(tmp_path / "07_maxpool", tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("where", ["maxpool.py", "deep/er/data"])
def test_a_link_at_any_depth_is_refused_naming_it(tmp_path, where):
    folder = exercise_folder(tmp_path)
    if where == "maxpool.py":
        (folder / "maxpool.py").unlink()
    (folder / where).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(SOLUTION / "maxpool.py", folder / where)
    with pytest.raises(TreeProblem, match=f"07_maxpool/{where} is a link"):
        copy(folder, tmp_path / "out")


def test_a_fifo_is_refused_and_never_waited_on(tmp_path):
    folder = exercise_folder(tmp_path)
    os.mkfifo(folder / "pipe.py")
    with pytest.raises(TreeProblem, match="pipe.py is not a regular file"):
        copy(folder, tmp_path / "out")


def test_folders_nested_past_the_cap_are_refused(tmp_path):
    folder = exercise_folder(tmp_path)
    (folder / os.path.join(*["d"] * 20)).mkdir(parents=True)
    caps = safe_copy.CopyCaps(max_files=20, max_bytes=1 << 20, tree=TreeCaps(max_entries=100, max_depth=16))
    with pytest.raises(TreeProblem, match="nested more than 16 folders"):
        copy(folder, tmp_path / "out", caps)


def test_more_entries_than_the_cap_are_refused(tmp_path):
    folder = exercise_folder(tmp_path)
    for index in range(30):
        (folder / f"data{index}.csv").write_text("")
    caps = safe_copy.CopyCaps(max_files=20, max_bytes=1 << 20, tree=TreeCaps(max_entries=25, max_depth=16))
    with pytest.raises(TreeProblem, match="more than 25 files and folders"):
        copy(folder, tmp_path / "out", caps)


def test_source_files_over_the_size_cap_are_refused(tmp_path):
    folder = exercise_folder(tmp_path)
    (folder / "big.py").write_bytes(b"#" * (2 << 20))
    with pytest.raises(TreeProblem, match="more than 1 MiB"):
        copy(folder, tmp_path / "out")


def test_more_source_files_than_the_cap_are_refused(tmp_path):
    folder = exercise_folder(tmp_path)
    for index in range(25):
        (folder / f"m{index}.py").write_text("")
    with pytest.raises(TreeProblem, match="26 source files"):
        copy(folder, tmp_path / "out")


@pytest.mark.skipif(
    os.geteuid() != 0 or landlock.landlock_abi() < 1,
    reason="the copy drops to the sandbox's user only when the grader is root, and keeps one read right "
    "under Landlock",
)
def test_the_copy_runs_as_the_sandbox_user_and_reads_only_beneath_the_folder_even_where_only_root_may(
    tmp_path,
):
    folder = exercise_folder(tmp_path)
    (folder / "private.py").write_text("only root may read this\n")
    os.chmod(folder / "private.py", 0o600)
    os.chmod(folder, 0o700)
    outside = tmp_path / "outside.txt"
    outside.write_text("not the student's\n")
    os.chmod(outside, 0o600)
    assert copy(folder, tmp_path / "out") == ["maxpool.py", "private.py"]
    root_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    pid = os.fork()
    if pid == 0:
        safe_copy._confine(root_fd, 65534)
        inside = os.read(os.open("private.py", os.O_RDONLY, dir_fd=root_fd), 4) == b"only"
        try:
            open(outside).close()
            escaped = True
        except PermissionError:
            escaped = False
        os._exit(0 if (os.getuid(), inside, escaped) == (65534, True, False) else 1)
    os.close(root_fd)
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0


@pytest.mark.skipif(landlock.landlock_abi() < 1, reason="this kernel has no Landlock")
def test_the_copying_process_cannot_read_outside_the_folder(tmp_path):
    folder = exercise_folder(tmp_path)
    root_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    pid = os.fork()
    if pid == 0:
        safe_copy._confine(root_fd, None)
        try:
            open(SOLUTION / "maxpool.py").close()
            os._exit(1)
        except PermissionError:
            os._exit(0 if os.read(os.open("maxpool.py", os.O_RDONLY, dir_fd=root_fd), 5) == b"x = 1" else 2)
    os.close(root_fd)
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0


def test_cleanup_removes_folders_nested_past_the_recursion_limit_and_a_read_only_one_without_raising(
    tmp_path,
):
    deep = tmp_path / "scratch"
    path = deep
    for _level in range(30):  # a few levels by path, the rest relative to descriptors (paths grow too long)
        path = path / "d"
    path.mkdir(parents=True)
    fd = os.open(path, os.O_RDONLY)
    for _level in range(sys.getrecursionlimit() + 200):
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.symlink(SOLUTION, "link", dir_fd=fd)
    os.chmod(f"/proc/self/fd/{fd}", 0o500)
    os.close(fd)
    assert remove_tree(deep) == 0
    assert not deep.exists() and (SOLUTION / "maxpool.py").exists()
