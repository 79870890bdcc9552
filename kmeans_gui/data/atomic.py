"""Atomic file writes: a reader sees the old file or the complete new one, never half of one.

Each file is written to a temporary file in the destination's folder (so the final rename stays
on one file system), flushed and fsynced, then moved over the destination with ``os.replace``.
On any failure the temporary file is removed and the destination is untouched. No Qt here.
"""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from typing import Callable, Iterable

__all__ = ["atomic_file", "atomic_write", "atomic_write_all", "same_file"]

WriteFn = Callable[[object], None]


def atomic_write(path, write_fn: WriteFn, *, text: bool = False) -> None:
    """Write ``path`` atomically with ``write_fn(file)``.

    Parameters
    ----------
    path : str or os.PathLike
        Destination. A symbolic link is followed: its target is replaced, as ``open(path, "w")``
        would write through it.
    write_fn : callable
        Called once with an open file object (binary, or UTF-8 text with ``newline=""`` when
        ``text`` is true); whatever it writes becomes the file's content.
    text : bool

    Raises
    ------
    OSError
        The folder is missing or not writable, the disk is full, ... The destination is unchanged.
    Any exception raised by ``write_fn`` propagates, with the destination unchanged.
    """
    atomic_write_all([(path, write_fn, text)])


def atomic_write_all(files: Iterable[tuple]) -> None:
    """Write several files, each atomically, and none of them unless all could be written.

    Every file is written to its temporary file first; only when all succeeded are they moved
    into place, so a failure while writing any of them leaves every destination unchanged.

    Parameters
    ----------
    files : iterable of (path, write_fn) or (path, write_fn, text)
        As for :func:`atomic_write`.
    """
    staged: list[tuple[str, str]] = []
    try:
        for item in files:
            path, write_fn = item[0], item[1]
            text = bool(item[2]) if len(item) > 2 else False
            target = os.path.realpath(os.fspath(path))
            with _naming(target):
                staged.append((_write_temporary(target, write_fn, text), target))
        for tmp, target in staged:
            with _naming(target):
                os.replace(tmp, target)
            _fsync_folder(os.path.dirname(target))
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


@contextmanager
def atomic_file(path, mode: str = "wb", **open_kwargs):
    """Open a temporary file to write; on a clean exit it atomically replaces ``path``.

    For writers that want a ``with`` block rather than a callback (:func:`atomic_write`).

    Parameters
    ----------
    path : str or os.PathLike
    mode : {"wb", "w"}
    **open_kwargs
        Passed to ``open`` in text mode (``encoding``, ``newline``).

    Raises
    ------
    ValueError
        ``path`` is a folder, or its folder does not exist (the message names the path).
    OSError
        The folder cannot be written to, the disk is full, ... The destination is unchanged.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"mode {mode!r} must be 'wb' or 'w'.")
    target = os.path.realpath(os.fspath(path))
    folder = os.path.dirname(target)
    if os.path.isdir(target):
        raise ValueError(f"{os.fspath(path)} is a folder; give a file name.")
    if not os.path.isdir(folder):
        raise ValueError(f"{os.fspath(path)}: the folder {folder} does not exist.")
    with _naming(target):
        fd, tmp = _create_temporary(folder, os.path.basename(target))
    try:
        try:  # an existing file keeps its permissions
            os.chmod(tmp, os.stat(target).st_mode & 0o7777)
        except FileNotFoundError:
            pass
        with os.fdopen(fd, mode, **open_kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        with _naming(target):
            os.replace(tmp, target)
        _fsync_folder(folder)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@contextmanager
def _naming(target: str):
    """Report an OSError against the destination, not the temporary file nobody asked for."""
    try:
        yield
    except OSError as exc:
        if exc.filename == target:
            raise
        raise OSError(exc.errno, exc.strerror or str(exc), target) from exc


def same_file(a, b) -> bool:
    """Whether two paths name the same file (links, ``..`` and hard links resolved)."""
    a, b = os.fspath(a), os.fspath(b)
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): compare where they would point
        return os.path.realpath(a) == os.path.realpath(b)


def _write_temporary(target: str, write_fn: WriteFn, text: bool) -> str:
    folder, name = os.path.split(target)
    fd, tmp = _create_temporary(folder or ".", name)
    try:
        try:  # an existing file keeps its permissions
            os.chmod(tmp, os.stat(target).st_mode & 0o7777)
        except FileNotFoundError:
            pass
        with (os.fdopen(fd, "w", encoding="utf-8", newline="") if text else os.fdopen(fd, "wb")) as f:
            write_fn(f)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def _create_temporary(folder: str, name: str) -> tuple[int, str]:
    # Not tempfile.mkstemp: that makes the file 0600, and a new output should get the mode a
    # plain open() gives (0666 less the umask), which os.open applies without touching the umask.
    for _ in range(100):
        tmp = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file next to {name} in {folder}")


def _fsync_folder(folder: str) -> None:
    # Makes the rename itself durable; not possible on every platform (Windows), so best effort.
    try:
        fd = os.open(folder or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
