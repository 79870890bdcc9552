"""Palette files for paint programs: GIMP/Inkscape/Krita ``.gpl``, Adobe ``.ase`` and ``.act``,
and the app's CSV; writers and readers.

- ``.gpl``: text, "GIMP Palette", then one ``R G B<TAB>name`` line per colour.
- ``.ase`` (Adobe Swatch Exchange 1.0): big-endian; "ASEF", version 1.0, a block count, then one
  colour-entry block per colour: its name in UTF-16 with a terminating NUL, the model "RGB " and
  three float32 in 0..1, and the colour type (2, "normal").
- ``.act`` (Adobe Color Table): 256 RGB triplets (unused ones zero), then the number of colours
  and the transparent index (0xFFFF, none), both big-endian uint16: 772 bytes.

Every writer goes through :func:`save_palette`, which writes atomically. No Qt here.
"""

from __future__ import annotations

import io
import os
import struct

import numpy as np

from .atomic import atomic_write

__all__ = [
    "PALETTE_FORMATS",
    "format_of",
    "save_palette",
    "load_palette",
    "gpl_text",
    "read_gpl",
    "ase_bytes",
    "read_ase",
    "act_bytes",
    "read_act",
]

#: File suffix -> description, in the order a save dialog offers them.
PALETTE_FORMATS = {
    ".gpl": "GIMP palette",
    ".ase": "Adobe Swatch Exchange",
    ".act": "Adobe Color Table",
    ".csv": "CSV (r, g, b, hex, pixels, share)",
}


def _check_palette(palette) -> np.ndarray:
    arr = np.asarray(palette)
    if arr.dtype != np.uint8 or arr.ndim != 2 or arr.shape[1] != 3 or not 1 <= arr.shape[0] <= 256:
        raise ValueError(f"A palette is an (n, 3) uint8 array with 1 to 256 colours; got {arr.dtype} {arr.shape}.")
    return arr


def _hex(rgb) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def format_of(path) -> str:
    """The palette format (a key of :data:`PALETTE_FORMATS`) a file name asks for, or ValueError."""
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffix not in PALETTE_FORMATS:
        names = ", ".join(PALETTE_FORMATS)
        raise ValueError(f"{os.path.basename(os.fspath(path))}: a palette file ends in one of {names}.")
    return suffix


# --------------------------------------------------------------------------------------------
# GIMP


def gpl_text(palette, name: str = "kmeans-gui") -> str:
    """A GIMP palette, one ``R G B<TAB>#rrggbb`` line per colour."""
    palette = _check_palette(palette)
    name = " ".join(str(name).split()) or "kmeans-gui"  # one line, whatever the caller passed
    lines = ["GIMP Palette", f"Name: {name}", f"Columns: {min(16, palette.shape[0])}", "#"]
    lines += [f"{r:3d} {g:3d} {b:3d}\t{_hex((r, g, b))}" for r, g, b in palette.tolist()]
    return "\n".join(lines) + "\n"


def read_gpl(text: str) -> np.ndarray:
    """Colours of a GIMP palette, shape (n, 3) uint8."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "GIMP Palette":
        raise ValueError("Not a GIMP palette: the first line must be 'GIMP Palette'.")
    colours = []
    for number, line in enumerate(lines[1:], start=2):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or ":" in stripped.split()[0]:
            continue  # blank, comment, or a "Name:" / "Columns:" header
        fields = stripped.split(None, 3)
        try:
            rgb = [int(v) for v in fields[:3]]
        except ValueError:
            raise ValueError(f"GIMP palette line {number}: expected 'R G B name', got {line!r}.") from None
        if len(rgb) < 3 or not all(0 <= v <= 255 for v in rgb):
            raise ValueError(f"GIMP palette line {number}: each of R, G, B must be 0..255; got {line!r}.")
        colours.append(rgb)
    return np.array(colours, dtype=np.uint8).reshape(-1, 3)


# --------------------------------------------------------------------------------------------
# Adobe Swatch Exchange

_ASE_COLOUR, _ASE_GROUP_START, _ASE_GROUP_END = 0x0001, 0xC001, 0xC002


def ase_bytes(palette) -> bytes:
    """An Adobe Swatch Exchange 1.0 file: one RGB swatch per colour, named by its hex code."""
    palette = _check_palette(palette)
    out = io.BytesIO()
    out.write(b"ASEF" + struct.pack(">HHI", 1, 0, palette.shape[0]))
    for rgb in palette.tolist():
        name = _hex(rgb).encode("utf-16-be") + b"\0\0"
        body = struct.pack(">H", len(name) // 2) + name + b"RGB " + struct.pack(">3fH", *(v / 255 for v in rgb), 2)
        out.write(struct.pack(">HI", _ASE_COLOUR, len(body)) + body)
    return out.getvalue()


def read_ase(data: bytes) -> np.ndarray:
    """RGB and grey swatches of an Adobe Swatch Exchange file, shape (n, 3) uint8 (groups flattened)."""
    if len(data) < 12 or data[:4] != b"ASEF":
        raise ValueError("Not an Adobe Swatch Exchange file: it must start with 'ASEF'.")
    (count,) = struct.unpack(">I", data[8:12])
    pos, colours = 12, []
    try:
        for _ in range(count):
            kind, length = struct.unpack(">HI", data[pos : pos + 6])
            body = data[pos + 6 : pos + 6 + length]
            if len(body) < length:
                raise struct.error("block runs past the end")
            pos += 6 + length
            if kind != _ASE_COLOUR:
                continue
            (name_units,) = struct.unpack(">H", body[:2])
            at = 2 + 2 * name_units
            model = body[at : at + 4]
            if model == b"RGB ":
                values = struct.unpack(">3f", body[at + 4 : at + 16])
            elif model == b"Gray":
                values = struct.unpack(">f", body[at + 4 : at + 8]) * 3
            else:
                raise ValueError(f"ASE swatch {len(colours) + 1} is in {model.decode('ascii', 'replace').strip()}; "
                                 "only RGB and Gray swatches can be read.")
            colours.append([min(255, max(0, round(v * 255))) for v in values])
    except struct.error:
        raise ValueError("The ASE file is truncated or damaged.") from None
    return np.array(colours, dtype=np.uint8).reshape(-1, 3)


# --------------------------------------------------------------------------------------------
# Adobe Color Table


def act_bytes(palette) -> bytes:
    """An Adobe Color Table: 256 triplets, the colour count and "no transparent index"."""
    palette = _check_palette(palette)
    table = np.zeros((256, 3), dtype=np.uint8)
    table[: palette.shape[0]] = palette
    return table.tobytes() + struct.pack(">HH", palette.shape[0], 0xFFFF)


def read_act(data: bytes) -> np.ndarray:
    """Colours of an Adobe Color Table, shape (n, 3) uint8 (all 256 in a 768-byte file)."""
    if len(data) not in (768, 772):
        raise ValueError(f"An Adobe Color Table is 768 or 772 bytes long; this file is {len(data)}.")
    table = np.frombuffer(data[:768], dtype=np.uint8).reshape(256, 3)
    n = 256
    if len(data) == 772:
        n = struct.unpack(">H", data[768:770])[0] or 256
        if n > 256:
            raise ValueError(f"The Color Table says it holds {n} colours; at most 256 fit.")
    return table[:n].copy()


# --------------------------------------------------------------------------------------------
# files


def save_palette(path, palette, counts=None, *, name: str = "kmeans-gui") -> None:
    """Write a palette file, atomically, in the format its suffix names.

    Parameters
    ----------
    path : str or os.PathLike
        Ends in .gpl, .ase, .act or .csv.
    palette : ndarray of shape (n, 3), uint8
    counts : ndarray of shape (n,), optional
        Pixels per colour, for the CSV's pixels and share columns (zeros when not given).
    name : str
        The palette's name inside a .gpl file.
    """
    kind = format_of(path)
    palette = _check_palette(palette)
    if kind == ".gpl":
        text = gpl_text(palette, name)
        atomic_write(path, lambda f: f.write(text), text=True)
    elif kind == ".ase":
        data = ase_bytes(palette)
        atomic_write(path, lambda f: f.write(data))
    elif kind == ".act":
        data = act_bytes(palette)
        atomic_write(path, lambda f: f.write(data))
    else:
        from ..engine.quantize import write_palette_csv

        counts = np.zeros(palette.shape[0], dtype=np.int64) if counts is None else np.asarray(counts)
        atomic_write(path, lambda f: write_palette_csv(f, palette, counts), text=True)


def load_palette(path) -> np.ndarray:
    """Read a .gpl, .ase, .act or the app's .csv palette file, shape (n, 3) uint8."""
    kind = format_of(path)
    if kind == ".gpl":
        with open(path, encoding="utf-8") as f:
            return read_gpl(f.read())
    if kind == ".csv":
        import csv

        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        try:
            return np.array([[int(r["r"]), int(r["g"]), int(r["b"])] for r in rows], dtype=np.uint8).reshape(-1, 3)
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"{os.path.basename(os.fspath(path))}: expected columns r, g, b of whole numbers 0..255.") from None
    with open(path, "rb") as f:
        data = f.read()
    return read_ase(data) if kind == ".ase" else read_act(data)
