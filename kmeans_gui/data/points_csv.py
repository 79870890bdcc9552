"""Points from a CSV file: every column a number, an optional header row, a clear message otherwise.

The standard library's ``csv`` module reads the rows (quoted fields, ``,`` ``;`` or tab as the
separator, guessed from the first lines; columns separated by spaces are split on whitespace);
each cell must parse as a finite float. A first row
with any cell that is not a number is taken as the column names.
"""

from __future__ import annotations

import csv
import math
import os

import numpy as np

__all__ = ["load_points_csv", "MAX_CSV_BYTES"]

#: Larger files are refused with a message rather than read into memory as text.
MAX_CSV_BYTES = 512 * 2**20


def _number(cell: str) -> float | None:
    try:
        value = float(cell)
    except ValueError:
        return None
    return value


def load_points_csv(path) -> tuple[np.ndarray, list[str] | None]:
    """Read a numeric CSV file.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    (ndarray of shape (n_rows, n_columns), float64; the header's column names or None)

    Raises
    ------
    ValueError
        Naming the file, the line and the column of the first problem, and what to do.
    """
    name = os.fspath(path)
    try:
        size = os.path.getsize(name)
        if size > MAX_CSV_BYTES:
            raise ValueError(f"{name} is {size / 2**20:.0f} MiB; at most {MAX_CSV_BYTES // 2**20} MiB can be read.")
        with open(name, newline="", encoding="utf-8-sig") as f:
            text = f.read()
    except FileNotFoundError:
        raise ValueError(f"{name}: no such file.") from None
    except IsADirectoryError:
        raise ValueError(f"{name} is a folder; give a CSV file.") from None
    except UnicodeDecodeError:
        raise ValueError(f"{name} is not a text (UTF-8) CSV file.") from None
    except OSError as exc:
        raise ValueError(f"{name}: cannot read it ({exc.strerror or exc}).") from None
    try:
        delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t ").delimiter
    except csv.Error:
        # Columns aligned with runs of spaces defeat the sniffer; otherwise one column: commas.
        delimiter = " " if not any(c in text[:8192] for c in ",;\t") and len(text.split(None, 2)) > 1 else ","
    if delimiter == " ":
        reader = (line.split() for line in text.splitlines())
    else:
        reader = csv.reader(text.splitlines(), delimiter=delimiter)
    rows = [(line, row) for line, row in enumerate(reader, start=1) if any(cell.strip() for cell in row)]
    if not rows:
        raise ValueError(f"{name} holds no rows of numbers.")
    header = None
    first = [cell.strip() for cell in rows[0][1]]
    if any(_number(cell) is None for cell in first):
        header, rows = first, rows[1:]
        if not rows:
            raise ValueError(f"{name} has a header row but no rows of numbers under it.")
    width = len(header) if header is not None else len(rows[0][1])
    values = np.empty((len(rows), width))
    for i, (line, row) in enumerate(rows):
        if len(row) != width:
            raise ValueError(f"{name}, line {line}: {len(row)} values where the file has {width} columns.")
        for j, cell in enumerate(row):
            value = _number(cell.strip())
            if value is None:
                raise ValueError(f"{name}, line {line}, column {j + 1}: {cell.strip()!r} is not a number.")
            if not math.isfinite(value):
                raise ValueError(f"{name}, line {line}, column {j + 1}: {cell.strip()} is not a finite number; "
                                 "drop or fill that row first.")
            values[i, j] = value
    return values, header
