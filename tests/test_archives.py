"""Students' zip files are hostile input: unsafe members are refused with one bilingual message naming
them, every file-system error is an archive error, and honest archives unpack whatever tool made them."""

import os
import stat
import zipfile

import pytest

from autograder import archives


def make_zip(path, members, system=archives.UNIX):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data, mode in members:
            info = zipfile.ZipInfo(name)
            info.create_system = system
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


def test_members_written_by_zipfile_writestr_without_type_bits_are_regular_files(tmp_path):
    archive = tmp_path / "honest.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("07_maxpool/maxpool.py", "x = 1\n")
    assert stat.S_IFMT(zipfile.ZipFile(archive).infolist()[0].external_attr >> 16) == 0
    out = archives.extract(archive, tmp_path / "out")
    assert (out / "07_maxpool" / "maxpool.py").read_text() == "x = 1\n"


def test_mode_bits_of_an_archive_made_on_windows_are_not_read_as_file_types(tmp_path):
    archive = make_zip(
        tmp_path / "win.zip", [("07_maxpool/maxpool.py", b"x = 1\n", stat.S_IFLNK | 0o777)], system=0
    )
    assert (archives.extract(archive, tmp_path / "out") / "07_maxpool" / "maxpool.py").exists()


def test_unpacked_files_and_folders_are_readable_by_every_user_whatever_the_umask(tmp_path):
    archive = make_zip(
        tmp_path / "a.zip", [("sub/", b"", stat.S_IFDIR | 0o700), ("sub/f.py", b"1", stat.S_IFREG | 0o600)]
    )
    old = os.umask(0o077)
    try:
        out = archives.extract(archive, tmp_path / "out")
    finally:
        os.umask(old)
    assert stat.S_IMODE((out / "sub").stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "sub" / "f.py").stat().st_mode) == 0o644


@pytest.mark.parametrize(
    "name,problem",
    [
        ("../escape.py", "outside the archive"),
        ("a/../../escape.py", "outside the archive"),
        ("/etc/passwd", "absolute path"),
        ("C:/windows.py", "absolute path"),
    ],
)
def test_traversal_and_absolute_names_are_refused(tmp_path, name, problem):
    archive = make_zip(tmp_path / "bad.zip", [regular(name)])
    with pytest.raises(archives.ArchiveError, match=problem) as error:
        archives.extract(archive, tmp_path / "out")
    assert "bad.zip" in str(error.value) and "bad.zip：" in error.value.text.zh
    assert not (tmp_path / "escape.py").exists()


def test_symlink_members_are_refused(tmp_path):
    archive = make_zip(tmp_path / "link.zip", [("secret", b"/etc/shadow", stat.S_IFLNK | 0o777)])
    with pytest.raises(archives.ArchiveError, match="link or a special file"):
        archives.extract(archive, tmp_path / "out")


def test_a_file_and_a_folder_with_one_name_are_refused_before_anything_is_written(tmp_path):
    archive = make_zip(tmp_path / "clash.zip", [regular("a"), regular("a/b")])
    with pytest.raises(archives.ArchiveError, match="'a' is both a file and a folder"):
        archives.extract(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_a_member_twice_is_refused(tmp_path):
    archive = make_zip(tmp_path / "twice.zip", [regular("a.py"), regular("a.py")])
    with pytest.raises(archives.ArchiveError, match="appears twice"):
        archives.extract(archive, tmp_path / "out")


def test_a_deeply_nested_member_is_refused(tmp_path):
    archive = make_zip(tmp_path / "deep.zip", [regular("d/" * 3000 + "f.py")])
    with pytest.raises(archives.ArchiveError, match="nested more than 32 folders"):
        archives.extract(archive, tmp_path / "out")


def test_a_name_longer_than_a_file_system_holds_is_refused(tmp_path):
    archive = make_zip(tmp_path / "long.zip", [regular("é" * 200 + ".py")])
    with pytest.raises(archives.ArchiveError, match="longer than 255 bytes"):
        archives.extract(archive, tmp_path / "out")


def test_any_file_system_error_while_unpacking_is_an_archive_error(tmp_path):
    archive = make_zip(tmp_path / "fine.zip", [regular("a.py")])
    with pytest.raises(archives.ArchiveError, match="cannot be unpacked here"):
        archives.extract(archive, tmp_path / "no" / "such" / "parent")


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


def test_a_corrupt_member_is_refused_with_its_name(tmp_path):
    archive = make_zip(tmp_path / "corrupt.zip", [regular("a.py", b"print('hello')\n" * 200)])
    data = bytearray(archive.read_bytes())
    start = data.index(b"a.py") + 4
    data[start + 10 : start + 40] = bytes(30)
    archive.write_bytes(bytes(data))
    with pytest.raises(archives.ArchiveError, match="'a.py' cannot be read"):
        archives.extract(archive, tmp_path / "out")
