"""Write a file so that it is either wholly the new content or untouched: never half-written.

The content goes to a temporary file in the destination's folder (so the final rename stays on one
file system), is flushed and fsync'ed, then ``os.replace`` swaps it in, which is atomic on POSIX and
Windows. On any error the temporary file is removed and the destination is as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile

__all__ = ["atomic_file"]


@contextlib.contextmanager
def atomic_file(path, mode: str = "wb", **open_kwargs):
    """Open a temporary file to write; on a clean exit it replaces ``path``.

    Parameters
    ----------
    path : str or os.PathLike
    mode : {"wb", "w"}
    **open_kwargs
        Passed to ``open`` for text mode (``encoding``, ``newline``).

    Raises
    ------
    ValueError
        When ``path`` is a folder or its folder does not exist (names the path).
    OSError
        When the folder cannot be written to.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"mode {mode!r} must be 'wb' or 'w'.")
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise ValueError(f"{path} is a folder; give a file name.")
    if not os.path.isdir(folder):
        raise ValueError(f"{path}: the folder {folder} does not exist.")
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, mode, **open_kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        # mkstemp makes the file private (0600); give it the permissions an ordinary file gets.
        try:
            target_mode = stat.S_IMODE(os.stat(path).st_mode)
        except FileNotFoundError:
            target_mode = 0o644
        os.chmod(tmp, target_mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
