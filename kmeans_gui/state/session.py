"""Sessions: every model's ``to_dict()`` in one file that loading can never turn into code.

A session file (``*.kmsession``) is a zip archive, stored without compression so that saving and
opening a million points takes milliseconds, not seconds:

- ``session.json``: ``{"format": "kmeans-gui session", "version": 1, "saved_by": ...,
  "models": {name: that model's to_dict(), ...}, "window": {...}}``. Inside a model's dict, an
  array is written as ``{"$array": "arrays/<name>/<key>.npy"}``.
- ``arrays/...npy``: one NumPy ``.npy`` file per array, read with ``np.load(allow_pickle=False)``
  after its header was checked (numeric dtype, size within :data:`MAX_ARRAY_ELEMENTS`, data not
  truncated), so no file can make the app run code or swallow all memory.

:func:`read` checks the whole file and raises :class:`SessionError` naming what is wrong;
:func:`apply` validates every model's part before it changes any model. :func:`capture` is
cheap (models hand out read-only arrays, which are shared, not copied), so the GUI thread can
capture and a worker can :func:`write`. Writes are atomic (``data/atomic.py``). Qt-free.
"""

from __future__ import annotations

import json
import math
import os
import zipfile
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from ..data.atomic import atomic_write

__all__ = [
    "Session", "SessionError", "capture", "write", "read", "apply", "save", "load",
    "FORMAT", "VERSION", "SUFFIX", "MAX_POINTS", "MAX_ARRAY_ELEMENTS",
]

FORMAT = "kmeans-gui session"
VERSION = 1
SUFFIX = ".kmsession"
#: Most points a session may hold (the canvas stays fluid up to about a million).
MAX_POINTS = 5_000_000
MAX_ARRAY_ELEMENTS = 2 * MAX_POINTS
MAX_JSON_BYTES = 16 * 1024 * 1024
JSON_NAME = "session.json"
_ARRAY_KEY = "$array"
_DTYPE_KINDS = "biuf"  # bool, int, unsigned, float: nothing that needs pickle


class SessionError(ValueError):
    """A session file that cannot be opened; the message says what is wrong with it."""


@dataclass(frozen=True, eq=False)
class Session:
    """What a session file holds.

    Attributes
    ----------
    models : dict of str -> dict
        Each model's ``to_dict()``; arrays in it are read-only ndarrays.
    window : dict
        What the window shows besides the models (``tab``, ``canvas_range``); optional keys.
    """

    models: dict
    window: dict = field(default_factory=dict)


# ------------------------------------------------------------------------------ capture / apply


def capture(models: Mapping[str, object], window: dict | None = None) -> Session:
    """Every model's ``to_dict()``: cheap, for the GUI thread (arrays are shared, not copied).

    Parameters
    ----------
    models : mapping of str -> model
        Models with ``to_dict()``, by the name the session stores them under.
    window : dict, optional
        JSON-able extras (the current tab, the canvas' view range).
    """
    return Session({name: _frozen(model.to_dict()) for name, model in models.items()}, dict(window or {}))


def apply(models: Mapping[str, object], session: Session) -> None:
    """Load ``session`` into ``models``; every part is validated before any model changes.

    Raises
    ------
    SessionError
        A part is missing, unknown or wrong; nothing was changed.
    """
    problems = [f"the part {name!r} is missing" for name in models if name not in session.models]
    problems += [f"unknown part {name!r}" for name in session.models if name not in models]
    for name, model in models.items():
        if name in session.models:
            try:
                model.validate_dict(session.models[name])
            except (ValueError, TypeError) as exc:
                problems.append(f"{name}: {exc}")
    if problems:
        raise SessionError("; ".join(p.rstrip(".") for p in problems) + ".")
    for name, model in models.items():
        model.load_dict(session.models[name])


def _frozen(value):
    """The dict with every array made read-only (a copy only where the model handed a writable one)."""
    if isinstance(value, np.ndarray):
        if value.flags.writeable:
            value = value.copy()
            value.setflags(write=False)
        return value
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_frozen(v) for v in value]
    return value


# ------------------------------------------------------------------------------ writing


def write(path, session: Session) -> None:
    """Write ``session`` to ``path`` atomically: a crash mid-write leaves the old file as it was.

    Raises
    ------
    OSError
        The file could not be written (folder missing, disk full, no permission).
    SessionError
        An array is too large or of a type a session cannot hold.
    """
    arrays: dict[str, np.ndarray] = {}
    document = {
        "format": FORMAT,
        "version": VERSION,
        "saved_by": _saved_by(),
        "models": {name: _extract(data, f"arrays/{name}", arrays) for name, data in session.models.items()},
        "window": session.window,
    }
    text = json.dumps(document, indent=1, allow_nan=False).encode("utf-8")

    def write_zip(f) -> None:
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.writestr(JSON_NAME, text)
            for name, array in arrays.items():
                with zf.open(name, "w", force_zip64=array.nbytes > 2**30) as member:
                    np.lib.format.write_array(member, array, allow_pickle=False)

    atomic_write(path, write_zip)


def _extract(value, where: str, arrays: dict):
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in _DTYPE_KINDS or value.dtype.fields is not None:
            raise SessionError(f"{where}: arrays of {value.dtype} cannot be saved in a session.")
        if value.size > MAX_ARRAY_ELEMENTS:
            raise SessionError(f"{where}: {value.size:,} numbers is more than a session holds "
                               f"({MAX_ARRAY_ELEMENTS:,}).")
        name = f"{where}.npy"
        arrays[name] = value
        return {_ARRAY_KEY: name}
    if isinstance(value, dict):
        if _ARRAY_KEY in value:
            raise SessionError(f"{where}: the key {_ARRAY_KEY!r} is reserved for arrays.")
        return {str(k): _extract(v, f"{where}/{k}", arrays) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_extract(v, f"{where}/{i}", arrays) for i, v in enumerate(value)]
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    return value


def _saved_by() -> str:
    try:
        from importlib.metadata import version

        return f"kmeans-gui {version('kmeans-gui')}"
    except Exception:  # noqa: BLE001 -- not installed (run from a checkout): the name is enough
        return "kmeans-gui"


# ------------------------------------------------------------------------------ reading


def read(path) -> Session:
    """Read and check a session file; the models are not touched (see :func:`apply`).

    Raises
    ------
    SessionError
        Not a session, damaged or truncated, from a newer version, missing or wrong fields,
        an array that is not numeric, too large or holds NaN / infinity.
    """
    name = os.path.basename(os.fspath(path))
    try:
        with zipfile.ZipFile(path) as zf:
            document = _read_json(zf)
            _check_header(document)
            members = set(zf.namelist())
            models = {key: _restore(value, zf, members, key) for key, value in document["models"].items()}
    except SessionError:
        raise
    except FileNotFoundError:
        raise SessionError(f"{name} does not exist.") from None
    except IsADirectoryError:
        raise SessionError(f"{name} is a folder, not a session file.") from None
    except zipfile.BadZipFile as exc:
        raise SessionError(f"{name} is not a kmeans-gui session, or it is damaged or truncated ({exc}).") from None
    except (OSError, EOFError) as exc:
        raise SessionError(f"{name} could not be read: {exc}.") from None
    window = document.get("window", {})
    if not isinstance(window, dict):
        raise SessionError(f"'window' must be a mapping, not {type(window).__name__}.")
    return Session(models, window)


def _read_json(zf: zipfile.ZipFile) -> dict:
    try:
        info = zf.getinfo(JSON_NAME)
    except KeyError:
        raise SessionError(f"this is a zip file but not a kmeans-gui session (it has no {JSON_NAME}).") from None
    if info.file_size > MAX_JSON_BYTES:
        raise SessionError(f"{JSON_NAME} is {info.file_size:,} bytes; a session's is at most {MAX_JSON_BYTES:,}.")
    try:
        document = json.loads(zf.read(JSON_NAME).decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise SessionError(f"{JSON_NAME} is not valid JSON ({exc}).") from None
    if not isinstance(document, dict):
        raise SessionError(f"{JSON_NAME} must hold a mapping, not {type(document).__name__}.")
    return document


def _no_constant(token: str):
    raise ValueError(f"{token} is not a number a session may hold")


def _check_header(document: dict) -> None:
    if document.get("format") != FORMAT:
        raise SessionError(f"this is not a kmeans-gui session ('format' is {document.get('format')!r}, "
                           f"expected {FORMAT!r}).")
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SessionError(f"'version' is {version!r}; expected a whole number from 1 to {VERSION}.")
    if version > VERSION:
        saved_by = document.get("saved_by")
        by = f" by {saved_by}" if isinstance(saved_by, str) else ""
        raise SessionError(f"it was saved{by} in session format {version}, newer than this kmeans-gui "
                           f"reads (up to {VERSION}): update kmeans-gui to open it.")
    if "models" not in document:
        raise SessionError("the 'models' part is missing.")
    if not isinstance(document["models"], dict):
        raise SessionError(f"'models' must be a mapping, not {type(document['models']).__name__}.")


def _restore(value, zf: zipfile.ZipFile, members: set, where: str):
    if isinstance(value, dict):
        if _ARRAY_KEY in value:
            if set(value) != {_ARRAY_KEY} or not isinstance(value[_ARRAY_KEY], str):
                raise SessionError(f"{where}: an array reference must be {{{_ARRAY_KEY!r}: member name}}.")
            return _read_array(zf, members, value[_ARRAY_KEY], where)
        return {k: _restore(v, zf, members, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_restore(v, zf, members, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def _read_array(zf: zipfile.ZipFile, members: set, member: str, where: str) -> np.ndarray:
    if member not in members:
        raise SessionError(f"{where}: the array {member} is missing from the file.")
    info = zf.getinfo(member)
    with zf.open(member) as f:
        shape, dtype, header_size = _array_header(f, where)
    count = math.prod(shape)
    if dtype.kind not in _DTYPE_KINDS or dtype.fields is not None or dtype.hasobject:
        raise SessionError(f"{where}: arrays of {dtype} are not allowed in a session.")
    if count > MAX_ARRAY_ELEMENTS:
        raise SessionError(f"{where}: {_shape_text(shape)} is {count:,} numbers; a session holds at most "
                           f"{MAX_ARRAY_ELEMENTS:,} ({MAX_POINTS:,} points).")
    if info.file_size < header_size + count * dtype.itemsize:
        raise SessionError(f"{where}: the array {member} is truncated ({info.file_size:,} bytes, "
                           f"{header_size + count * dtype.itemsize:,} expected).")
    with zf.open(member) as f:
        array = np.load(f, allow_pickle=False)
    if dtype.kind == "f" and not np.isfinite(array).all():
        bad = np.argwhere(~np.isfinite(array))[0]
        raise SessionError(f"{where}: holds NaN or infinity (first at index {tuple(int(i) for i in bad)}).")
    if not (array.flags.owndata and array.flags.c_contiguous):
        array = np.array(array, order="C")  # its own memory, so a model may share it as it is
    array.setflags(write=False)
    return array


def _array_header(f, where: str) -> tuple[tuple, np.dtype, int]:
    try:
        major, minor = np.lib.format.read_magic(f)
        if (major, minor) == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
        elif (major, minor) == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise ValueError(f"unsupported .npy version {major}.{minor}")
    except (ValueError, SyntaxError, TypeError) as exc:
        raise SessionError(f"{where}: not a valid array ({exc}).") from None
    return tuple(int(n) for n in shape), np.dtype(dtype), f.tell()


def _shape_text(shape: tuple) -> str:
    return " x ".join(f"{n:,}" for n in shape) if shape else "a scalar"


# ------------------------------------------------------------------------------ together


def save(path, models: Mapping[str, object], window: dict | None = None) -> None:
    """:func:`capture` and :func:`write` in one call (scripts, snapshot, tests)."""
    write(path, capture(models, window))


def load(path, models: Mapping[str, object]) -> Session:
    """:func:`read` and :func:`apply`: on any error the models are as they were. Returns the session."""
    session = read(path)
    apply(models, session)
    return session
