"""Sessions: every model's ``to_dict()`` in one file that loading can never turn into code.

A session file (``*.kmsession``) is a zip archive, stored without compression so that saving and
opening a million points takes milliseconds, not seconds:

- ``session.json``: ``{"format": "kmeans-gui session", "version": 2, "saved_by": ...,
  "models": {name: that model's to_dict(), ...}, "arrays": {name: {key: member}, ...},
  "window": {...}}``.
- ``arrays/<name>/<key>.npy``: each model's ``arrays()``, one NumPy ``.npy`` file per array, read
  with ``np.load(allow_pickle=False)`` after its header was checked (numeric dtype, size within
  :data:`MAX_POINTS` rows and :data:`MAX_ARRAY_ELEMENTS` numbers, data not truncated), so no file can make the app run code or
  swallow all memory.

Every model offers ``to_dict()`` (JSON-able settings), ``arrays()`` (read-only ndarrays by name),
``validate_dict(data, arrays)`` (checks, changes nothing) and ``load_dict(data, arrays)``.

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
VERSION = 2  # 2: explore points of any width, true labels, feature names, view columns
SUFFIX = ".kmsession"
#: Most points a session may hold (the canvas stays fluid up to about a million).
MAX_POINTS = 5_000_000
# Rows are bounded by MAX_POINTS; this bounds their width too, so that a wide table (1,000,000 rows
# of 13 features, say) still saves and autosaves: 50,000,000 float64 numbers are 400 MB.
MAX_ARRAY_ELEMENTS = 50_000_000
MAX_JSON_BYTES = 16 * 1024 * 1024
JSON_NAME = "session.json"
WRITE_CHUNK = 1 << 20
#: Parts a session must hold; a missing settings-only part (a tab added later) takes its defaults.
REQUIRED_PARTS = ("explore",)
_DTYPE_KINDS = "biuf"  # bool, int, unsigned, float: nothing that needs pickle


class SessionError(ValueError):
    """A session file that cannot be opened; the message says what is wrong with it."""


@dataclass(frozen=True, eq=False)
class Session:
    """What a session file holds.

    Attributes
    ----------
    models : dict of str -> dict
        Each model's ``to_dict()`` (JSON-able settings), by the name the session stores it under.
    arrays : dict of str -> dict of str -> ndarray
        Each model's ``arrays()``; read-only.
    window : dict
        What the window shows besides the models (``tab``, ``canvas_range``, ``file``); optional keys.
    """

    models: dict
    arrays: dict = field(default_factory=dict)
    window: dict = field(default_factory=dict)


# ------------------------------------------------------------------------------ capture / apply


def capture(models: Mapping[str, object], window: dict | None = None) -> Session:
    """Every model's ``to_dict()`` and ``arrays()``: cheap, for the GUI thread (the arrays are
    read-only and shared, not copied).

    Parameters
    ----------
    models : mapping of str -> model
    window : dict, optional
        JSON-able extras (the current tab, the canvas' view range).
    """
    return Session({name: model.to_dict() for name, model in models.items()},
                   {name: {key: _frozen(a) for key, a in model.arrays().items()} for name, model in models.items()},
                   dict(window or {}))


def apply(models: Mapping[str, object], session: Session) -> None:
    """Load ``session`` into ``models``; every part is validated before any model changes.

    Raises
    ------
    SessionError
        A part is missing, unknown or wrong (the message names every problem); nothing changed.
    """
    parts = dict(session.models)
    problems = [f"unknown part {name!r}" for name in {*session.models, *session.arrays} if name not in models]
    for name, model in models.items():
        if name not in parts:
            # A session saved before this tab existed: its settings start at their defaults. The
            # data itself (REQUIRED_PARTS) must be there.
            defaults = getattr(model, "fields", None)
            if name in REQUIRED_PARTS or defaults is None:
                problems.append(f"the part {name!r} is missing")
                continue
            parts[name] = {key: f.default for key, f in defaults().items()}
        try:
            model.validate_dict(parts[name], session.arrays.get(name, {}))
        except (ValueError, TypeError) as exc:
            problems.append(f"{name}: {exc}")
    if problems:
        raise SessionError("; ".join(p.rstrip(".") for p in problems) + ".")
    for name, model in models.items():
        model.load_dict(parts[name], session.arrays.get(name, {}))


def _frozen(array: np.ndarray) -> np.ndarray:
    """``array``, or a read-only copy where a model handed out a writable one."""
    if array.flags.writeable:
        array = array.copy()
        array.setflags(write=False)
    return array


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
    members: dict[str, np.ndarray] = {}
    names: dict[str, dict[str, str]] = {}
    for model, arrays in session.arrays.items():
        for key, array in arrays.items():
            where = f"{model}.{key}"
            if not isinstance(array, np.ndarray) or array.dtype.kind not in _DTYPE_KINDS or array.dtype.fields:
                raise SessionError(f"{where}: only numeric arrays can be saved in a session.")
            problem = _size_problem(array.shape, where)
            if problem:
                raise SessionError(problem)
            member = f"arrays/{model}/{key}.npy"
            members[member] = array
            names.setdefault(model, {})[key] = member
    document = {
        "format": FORMAT,
        "version": VERSION,
        "saved_by": _saved_by(),
        "models": session.models,
        "arrays": names,
        "window": session.window,
    }
    try:
        text = json.dumps(document, indent=1, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise SessionError(f"the settings cannot be saved as JSON: {exc}.") from None

    def write_zip(f) -> None:
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.writestr(JSON_NAME, text)
            for name, array in members.items():
                with zf.open(name, "w", force_zip64=array.nbytes > 2**30) as member:
                    _write_npy(member, array)

    atomic_write(path, write_zip)


def _write_npy(f, array: np.ndarray) -> None:
    """A .npy file, its data written in 1 MiB slices of the array's own memory: no copy, and the
    GIL is free while each slice is checksummed and written, so the GUI thread of an autosave
    never waits long (``np.save`` copies 16 MiB at a time holding it)."""
    array = np.ascontiguousarray(array)
    np.lib.format.write_array_header_1_0(f, np.lib.format.header_data_from_array_1_0(array))
    data = memoryview(array).cast("B") if array.size else b""
    for start in range(0, len(data), WRITE_CHUNK):
        f.write(data[start:start + WRITE_CHUNK])


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
            arrays = _read_arrays(zf, document.get("arrays", {}))
            models = document["models"]
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
    return Session(models, arrays, window)


def _read_json(zf: zipfile.ZipFile) -> dict:
    try:
        info = zf.getinfo(JSON_NAME)
    except KeyError:
        raise SessionError(f"this is a zip file but not a kmeans-gui session (it has no {JSON_NAME}).") from None
    if info.file_size > MAX_JSON_BYTES:
        raise SessionError(f"{JSON_NAME} is {info.file_size:,} bytes; a session's is at most {MAX_JSON_BYTES:,}.")
    try:
        document = json.loads(zf.read(JSON_NAME).decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError, RecursionError) as exc:
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


def _read_arrays(zf: zipfile.ZipFile, names) -> dict:
    if not isinstance(names, dict) or not all(isinstance(v, dict) for v in names.values()):
        raise SessionError("'arrays' must map each part to {array name: member of the file}.")
    members = set(zf.namelist())
    out = {}
    for model, arrays in names.items():
        out[model] = {}
        for key, member in arrays.items():
            if not isinstance(member, str):
                raise SessionError(f"{model}.{key}: the array's member name must be text.")
            out[model][key] = _read_array(zf, members, member, f"{model}.{key}")
    return out


def _read_array(zf: zipfile.ZipFile, members: set, member: str, where: str) -> np.ndarray:
    if member not in members:
        raise SessionError(f"{where}: the array {member} is missing from the file.")
    info = zf.getinfo(member)
    with zf.open(member) as f:
        shape, dtype, header_size = _array_header(f, where)
    count = math.prod(shape)
    if dtype.kind not in _DTYPE_KINDS or dtype.fields is not None or dtype.hasobject:
        raise SessionError(f"{where}: arrays of {dtype} are not allowed in a session.")
    problem = _size_problem(shape, where)
    if problem:
        raise SessionError(problem)
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


def _size_problem(shape: tuple, where: str) -> str | None:
    """Why an array of ``shape`` is too large for a session (checked from the header, before reading)."""
    count = math.prod(shape)
    if shape and shape[0] > MAX_POINTS:
        return (f"{where}: {_shape_text(shape)} has {shape[0]:,} rows; a session holds at most "
                f"{MAX_POINTS:,} points.")
    if count > MAX_ARRAY_ELEMENTS:
        return (f"{where}: {_shape_text(shape)} is {count:,} numbers; a session holds at most "
                f"{MAX_ARRAY_ELEMENTS:,}.")
    return None


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
