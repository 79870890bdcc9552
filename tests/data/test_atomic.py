"""Atomic writes: the destination holds the old content or the whole new one, never a part."""

import os

import pytest

from kmeans_gui.data.atomic import atomic_write, atomic_write_all, same_file


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_writes_bytes_and_text(tmp_path):
    atomic_write(tmp_path / "a.bin", lambda f: f.write(b"\x00\x01"))
    atomic_write(tmp_path / "a.csv", lambda f: f.write("r,g\r\n1,2\r\n"), text=True)
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01"
    assert (tmp_path / "a.csv").read_bytes() == b"r,g\r\n1,2\r\n"  # newline="" keeps csv's line ends
    assert _leftovers(tmp_path) == []


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "out.png"
    path.write_bytes(b"old")

    def half_then_fail(f):
        f.write(b"half")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        atomic_write(path, half_then_fail)
    assert path.read_bytes() == b"old" and _leftovers(tmp_path) == []


def test_a_missing_folder_is_reported_against_the_destination(tmp_path):
    target = tmp_path / "nope" / "out.png"
    with pytest.raises(FileNotFoundError) as info:
        atomic_write(target, lambda f: f.write(b"x"))
    assert info.value.filename == os.path.realpath(target)


def test_all_or_nothing(tmp_path):
    first, second = tmp_path / "a.png", tmp_path / "b.csv"
    first.write_bytes(b"old a")

    def fail(f):
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space") as info:
        atomic_write_all([(first, lambda f: f.write(b"new a")), (second, fail, True)])
    assert info.value.filename == os.path.realpath(second)
    assert first.read_bytes() == b"old a" and not second.exists() and _leftovers(tmp_path) == []
    atomic_write_all([(first, lambda f: f.write(b"new a")), (second, lambda f: f.write("b"), True)])
    assert first.read_bytes() == b"new a" and second.read_text() == "b"


def test_permissions_kept_for_an_existing_file_and_usual_for_a_new_one(tmp_path):
    old = tmp_path / "old.txt"
    old.write_bytes(b"x")
    os.chmod(old, 0o640)
    atomic_write(old, lambda f: f.write(b"y"))
    assert os.stat(old).st_mode & 0o777 == 0o640
    umask = os.umask(0o022)
    try:
        atomic_write(tmp_path / "new.txt", lambda f: f.write(b"z"))
    finally:
        os.umask(umask)
    assert os.stat(tmp_path / "new.txt").st_mode & 0o777 == 0o644


def test_a_link_is_followed_and_kept(tmp_path):
    target = tmp_path / "real.png"
    target.write_bytes(b"old")
    link = tmp_path / "link.png"
    link.symlink_to(target)
    atomic_write(link, lambda f: f.write(b"new"))
    assert link.is_symlink() and target.read_bytes() == b"new"


def test_same_file_resolves_links_and_dots(tmp_path):
    target = tmp_path / "photo.png"
    target.write_bytes(b"x")
    (tmp_path / "link.png").symlink_to(target)
    (tmp_path / "sub").mkdir()
    assert same_file(tmp_path / "link.png", target)
    assert same_file(tmp_path / "sub" / ".." / "photo.png", target)
    assert not same_file(tmp_path / "other.png", target)
    assert same_file(tmp_path / "sub" / ".." / "new.png", tmp_path / "new.png")  # neither exists yet
