"""Students' zip files are hostile input: unsafe members are refused with a message naming them."""
import stat
import zipfile

import pytest

from autograder import archives


def make_zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data, mode in members:
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, data)
    return path


def regular(name, data=b"x = 1\n"):
    return (name, data, stat.S_IFREG | 0o644)


def test_a_plain_archive_unpacks(tmp_path):
    archive = make_zip(tmp_path / "alice.zip", [regular("exercises/07_maxpool/maxpool.py")])
    out = archives.extract(archive, tmp_path / "out")
    assert (out / "exercises" / "07_maxpool" / "maxpool.py").read_bytes() == b"x = 1\n"


@pytest.mark.parametrize("name,problem", [
    ("../escape.py", "outside the archive"),
    ("a/../../escape.py", "outside the archive"),
    ("/etc/passwd", "absolute path"),
    ("C:/windows.py", "absolute path"),
])
def test_traversal_and_absolute_names_are_refused(tmp_path, name, problem):
    archive = make_zip(tmp_path / "bad.zip", [regular(name)])
    with pytest.raises(archives.ArchiveError, match=problem) as error:
        archives.extract(archive, tmp_path / "out")
    assert "bad.zip" in str(error.value)
    assert not (tmp_path / "escape.py").exists()


def test_symlink_members_are_refused(tmp_path):
    archive = make_zip(tmp_path / "link.zip", [("secret", b"/etc/shadow", stat.S_IFLNK | 0o777)])
    with pytest.raises(archives.ArchiveError, match="link or a special file"):
        archives.extract(archive, tmp_path / "out")


def test_too_many_members_are_refused(tmp_path):
    archive = make_zip(tmp_path / "many.zip", [regular(f"f{i}.py") for i in range(30)])
    with pytest.raises(archives.ArchiveError, match="30 members"):
        archives.extract(archive, tmp_path / "out", max_files=20)


def test_a_zip_bomb_is_stopped_while_unpacking(tmp_path):
    archive = make_zip(tmp_path / "bomb.zip", [regular("zeros.bin", bytes(50 * 1024 * 1024))])
    assert archive.stat().st_size < 1024 * 1024
    with pytest.raises(archives.ArchiveError, match="more than 10 MiB"):
        archives.extract(archive, tmp_path / "out", max_bytes=10 * 1024 * 1024)


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(archives.ArchiveError, match="not a readable zip"):
        archives.extract(archive, tmp_path / "out")


def test_wrapper_folders_are_descended(tmp_path):
    archive = make_zip(tmp_path / "bob.zip", [regular("bob/submission/07_maxpool/maxpool.py"),
                                              regular("__MACOSX/._junk")])
    root = archives.unwrap(archives.extract(archive, tmp_path / "out"))
    assert (root / "07_maxpool" / "maxpool.py").exists()
