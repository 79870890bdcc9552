"""Load a CSV file into a feature matrix of any dimension, with optional true labels.

Parsing is NumPy's C reader (``numpy.loadtxt``, C since NumPy 1.23) over blocks of
:data:`CHUNK_ROWS` lines, so a worker can show progress and stop between blocks. A block that the
fast reader refuses (a text cell, an empty cell, quoted "1,234.5") is read again cell by cell, which
finds the line and column of a bad cell and reads missing cells as NaN and grouped thousands as
numbers. Rows go straight into one growing array, so the peak is about 1.3x the result.
Why not pandas or pyarrow: see ``benchmarks/bench_csv.py`` and the README; in short, this reads
1,000,000 x 3 numbers well inside the 3 s target at 1.3x the array's memory, while pandas' 3-8x
faster parse costs a large dependency and 4-5x the array in peak RSS (over the 3x target).
"""

from __future__ import annotations

import csv
import dataclasses
import itertools
import os
from dataclasses import dataclass

import numpy as np

from ..engine.progress import Progress
from .csv_layout import (
    MISSING_CELLS,
    CsvError,
    CsvLayout,
    delimiter_name,
    open_text,
    parse_grouped_number,
    sniff_csv,
)

__all__ = ["Table", "load_csv", "check_k", "CsvError", "NonFiniteRows", "CHUNK_ROWS"]

CHUNK_ROWS = 50_000


class NonFiniteRows(CsvError):
    """Some rows hold missing, NaN or infinite values: ``n_rows`` of ``n_total``; a dialog can
    offer to load again with ``drop_nonfinite=True``."""

    def __init__(self, message: str, n_rows: int, n_total: int):
        super().__init__(message)
        self.n_rows = n_rows
        self.n_total = n_total


@dataclass(frozen=True, eq=False)
class Table:
    """A numeric table read from a CSV file.

    Attributes
    ----------
    X : ndarray of shape (n_rows, n_features), float64, read-only
        The feature columns (standardised if ``standardized``), finite.
    columns : tuple of str
        The feature columns' names, in the order of ``X``'s columns.
    labels : ndarray of shape (n_rows,), int64, or None
        True labels as codes into ``label_names`` (None without a label column).
    label_names : tuple of str
        The label column's distinct values, sorted; ``label_names[labels[i]]`` is row i's label.
    label_column : str or None
    mean, scale : ndarray of shape (n_features,) or None
        With standardisation, ``X = (raw - mean) / scale``; None otherwise.
    n_dropped : int
        Rows dropped because they held missing, NaN or infinite values.
    layout : CsvLayout
        How the file was read (delimiter, header, encoding).
    notes : tuple of str
        What was noticed and handled, in words for a status line.
    """

    X: np.ndarray
    columns: tuple[str, ...]
    labels: np.ndarray | None
    label_names: tuple[str, ...]
    label_column: str | None
    mean: np.ndarray | None
    scale: np.ndarray | None
    n_dropped: int
    layout: CsvLayout
    notes: tuple[str, ...] = ()

    @property
    def n_rows(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])

    @property
    def standardized(self) -> bool:
        return self.mean is not None

    def raw(self) -> np.ndarray:
        """The features in the file's units (undoing standardisation); shape (n_rows, n_features)."""
        return self.X if self.mean is None else self.X * self.scale + self.mean


def load_csv(path, *, columns=None, label_column=None, standardize: bool = False,
             drop_nonfinite: bool = False, delimiter: str | None = None, has_header: bool | None = None,
             encoding: str | None = None, layout: CsvLayout | None = None,
             progress=None, should_stop=None, chunk_rows: int | None = None) -> Table:
    """Read the feature columns (and an optional label column) of a CSV file.

    Parameters
    ----------
    path : str or os.PathLike
    columns : sequence of str or int, optional
        Feature columns by name or 0-based index; default every numeric column but the label.
    label_column : str or int, optional
        A column of true labels (text or numbers), kept for scoring, not clustered.
    standardize : bool
        Scale each feature to mean 0 and standard deviation 1 (a constant column is only centred).
    drop_nonfinite : bool
        Drop rows with a missing, NaN or infinite feature; without it such rows are an error that
        says how many there are.
    delimiter, has_header, encoding
        Override what :func:`~kmeans_gui.data.csv_layout.sniff_csv` guesses.
    layout : CsvLayout, optional
        A layout already sniffed (and perhaps edited in a dialog); overrides the three above.
    progress : callable(fraction: float, message: str), optional
        Called after every block of rows.
    should_stop : callable() -> bool, optional
        Polled between blocks; True raises :class:`~kmeans_gui.engine.progress.Cancelled`. It may raise its own
        exception instead, which propagates: on a worker, pass ``ctx.check_cancelled`` (and
        ``progress=ctx.set_progress``) of :class:`kmeans_gui.ui.common.tasks.TaskContext`.
    chunk_rows : int, optional
        Lines per block (default :data:`CHUNK_ROWS`). NumPy's parser holds the GIL for a whole
        block, so a worker beside a GUI thread wants blocks of a few tens of milliseconds.

    Returns
    -------
    Table

    Raises
    ------
    CsvError (a ValueError)
        With a message naming the problem: see :func:`sniff_csv`, and text in a numeric column
        (line and column), rows of the wrong length, no data rows, a single row, NaN/inf rows
        (how many), all rows identical, fewer than two feature columns.
    kmeans_gui.engine.progress.Cancelled
    """
    if layout is None:
        layout = sniff_csv(path, delimiter=delimiter, has_header=has_header, encoding=encoding)
    label_index = None if label_column is None else layout.column_index(label_column)
    features = _feature_indices(layout, columns, label_index)
    try:
        X, raw_labels = _read_blocks(layout, features, label_index, Progress(progress, should_stop), chunk_rows)
    except UnicodeDecodeError:
        # The first megabyte was UTF-8 but a later line is not: read it all again as Latin-1.
        layout = dataclasses.replace(layout, encoding="latin-1",
                                     notes=layout.notes + ("the file is not UTF-8; it was read as Latin-1",))
        X, raw_labels = _read_blocks(layout, features, label_index, Progress(progress, should_stop), chunk_rows)
    return _finish(layout, X, raw_labels, features, label_index, standardize, drop_nonfinite)


def _feature_indices(layout: CsvLayout, columns, label_index: int | None) -> tuple[int, ...]:
    name = os.path.basename(layout.path)
    if columns is None:
        features = layout.default_features(label_index)
        if not features:
            raise CsvError(f"{name} has no numeric columns to cluster (columns: {', '.join(layout.names[:12])}).")
    else:
        features = tuple(layout.column_index(c) for c in columns)
        if len(set(features)) != len(features):
            raise CsvError("a feature column is chosen twice; choose each column once.")
        if label_index is not None and label_index in features:
            raise CsvError(f"column {layout.names[label_index]!r} cannot be both a feature and the label column.")
    if len(features) < 2:
        which = f"{layout.names[features[0]]!r}" if features else "none"
        raise CsvError(f"{name} offers only one numeric feature column ({which}); k-means here needs at least "
                       "two (choose more columns, or check the delimiter).")
    return features


class _GrowingRows:
    """An (n, d) float64 buffer that blocks are copied into, sized from the first block's bytes per
    row, so the peak is about one array rather than the blocks plus their concatenation."""

    def __init__(self, n_features: int):
        self._buffer = np.empty((0, n_features))
        self.n = 0

    def add(self, block: np.ndarray, expected_rows: int) -> None:
        need = self.n + block.shape[0]
        if need > self._buffer.shape[0]:
            capacity = max(need, expected_rows, int(self._buffer.shape[0] * 1.25) + 1)
            grown = np.empty((capacity, self._buffer.shape[1]))
            grown[: self.n] = self._buffer[: self.n]
            self._buffer = grown
        self._buffer[self.n:need] = block
        self.n = need

    def result(self) -> np.ndarray:
        if self.n < self._buffer.shape[0]:
            self._buffer.resize((self.n, self._buffer.shape[1]), refcheck=False)  # shrinks in place
        return self._buffer


def _read_blocks(layout, features, label_index, steps: Progress, chunk_rows=None):
    name = os.path.basename(layout.path)
    if chunk_rows is None:
        chunk_rows = CHUNK_ROWS
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise ValueError(f"chunk_rows={chunk_rows!r} must be a positive whole number of lines.")
    rows = _GrowingRows(len(features))
    label_blocks = []
    chars = 0
    with open_text(layout.path, layout.encoding) as f:
        line_no = 0
        if layout.has_header:
            chars += len(f.readline())
            line_no = 1
        while True:
            steps.check()
            lines = list(itertools.islice(f, chunk_rows))
            if not lines:
                break
            block, labels = _parse_block(lines, line_no + 1, layout, features, label_index)
            line_no += len(lines)
            chars += sum(map(len, lines))
            del lines  # before the next block's lines exist: two blocks of strings would be 0.9x the array
            expected = int(rows.n + block.shape[0]) * layout.size_bytes * 1.02 / max(1, chars) + 16
            rows.add(block, int(expected))
            del block
            label_blocks.append(labels)
            steps.report(f.buffer.tell() / max(1, layout.size_bytes), f"Reading {name}: {rows.n:,} rows")
    steps.check()
    X = rows.result()
    labels = None
    if label_index is not None:
        labels = np.concatenate(label_blocks) if label_blocks else np.empty(0, dtype=str)
    return X, labels


def _parse_block(lines, first_line, layout, features, label_index):
    """Rows of ``lines`` as (floats of shape (n, d), labels of shape (n,) or None)."""
    options = dict(delimiter=layout.delimiter, comments=None, quotechar='"')
    # With decimal commas the delimiter is not a comma, so every comma is a decimal mark (labels
    # are read from the lines as written).
    numbers = [line.replace(",", ".") for line in lines] if layout.decimal == "," else lines
    try:
        X = np.loadtxt(numbers, usecols=features, dtype=np.float64, ndmin=2, **options)
        labels = None
        if label_index is not None:
            labels = np.loadtxt(lines, usecols=(label_index,), dtype=str, ndmin=1, **options)
            if labels.shape[0] != X.shape[0]:
                raise ValueError("rows differ")
        if X.shape[0] and X.shape[1] == len(features):
            return X, labels
    except ValueError:
        pass
    return _parse_block_by_cell(lines, first_line, layout, features, label_index)


def _parse_block_by_cell(lines, first_line, layout, features, label_index):
    """The slow, exact reading: missing cells -> NaN, "1,234.5" -> 1234.5, and errors name the cell."""
    n_columns = layout.n_columns
    rows, labels = [], []
    reader = csv.reader(lines, delimiter=layout.delimiter, quotechar='"')
    for row in reader:
        line = first_line + reader.line_num - 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != n_columns:
            raise CsvError(
                f"line {line} of {os.path.basename(layout.path)} has {len(row)} field{'s' * (len(row) != 1)} where the "
                f"header has {n_columns} ({delimiter_name(layout.delimiter)}-separated): mixed delimiters, "
                "or an unquoted delimiter inside a value?")
        rows.append([_cell_value(row[j], line, layout.names[j], layout.decimal) for j in features])
        if label_index is not None:
            labels.append(row[label_index].strip())
    X = np.array(rows, dtype=np.float64).reshape(len(rows), len(features))
    return X, (np.array(labels, dtype=str) if label_index is not None else None)


def _cell_value(cell: str, line: int, column: str, decimal: str = ".") -> float:
    text = cell.strip()
    if text.lower() in MISSING_CELLS:
        return float("nan")
    try:
        return float(text.replace(",", ".") if decimal == "," else text)
    except ValueError:
        value = parse_grouped_number(text) if decimal == "." else None
        if value is None:
            raise CsvError(f"text in a numeric column: line {line}, column {column!r} holds {cell!r}; "
                           "fix that cell, or leave the column out of the features.") from None
        return value


def _finish(layout, X, raw_labels, features, label_index, standardize, drop_nonfinite) -> Table:
    name = os.path.basename(layout.path)
    notes = list(layout.notes)
    n = X.shape[0]
    if n == 0:
        what = "has a header but no data rows" if layout.has_header else "has no data rows"
        raise CsvError(f"{name} {what}; k-means needs at least two rows.")
    bad = ~np.isfinite(X).all(axis=1)
    n_bad = int(np.count_nonzero(bad))
    if n_bad:
        if not drop_nonfinite:
            first = int(np.argmax(bad)) + 1
            raise NonFiniteRows(f"{n_bad:,} of {n:,} rows of {name} hold missing, NaN or infinite values (the first "
                                f"is data row {first:,}); drop those rows, or fix them.", n_bad, n)
        keep = ~bad
        X = X[keep]
        if raw_labels is not None:
            raw_labels = raw_labels[keep]
        notes.append(f"dropped {n_bad:,} row{'s' * (n_bad != 1)} with missing, NaN or infinite values")
        if X.shape[0] == 0:
            raise CsvError(f"every row of {name} holds a missing, NaN or infinite value; nothing is left.")
    if X.shape[0] == 1:
        raise CsvError(f"{name} has a single data row; k-means needs at least two rows.")
    if (X.min(axis=0) == X.max(axis=0)).all():
        raise CsvError(f"all {X.shape[0]:,} rows of {name} are identical in the chosen columns; there is nothing to "
                       "cluster.")
    mean = scale = None
    if standardize:
        mean = X.mean(axis=0)
        scale = X.std(axis=0)
        constant = scale == 0
        if constant.any():
            notes.append("constant column " + ", ".join(repr(layout.names[features[i]]) for i in np.flatnonzero(constant))
                         + " was only centred")
            scale[constant] = 1.0
        X -= mean
        X /= scale
        mean.setflags(write=False)
        scale.setflags(write=False)
    X = np.ascontiguousarray(X, dtype=np.float64)
    X.setflags(write=False)
    labels, label_names = None, ()
    if raw_labels is not None:
        uniques, codes = np.unique(raw_labels, return_inverse=True)
        labels = codes.astype(np.int64).reshape(-1)
        labels.setflags(write=False)
        label_names = tuple(str(u) for u in uniques)
    return Table(X=X, columns=tuple(layout.names[i] for i in features), labels=labels, label_names=label_names,
                 label_column=None if label_index is None else layout.names[label_index], mean=mean, scale=scale,
                 n_dropped=n_bad if drop_nonfinite else 0, layout=layout, notes=tuple(notes))


def check_k(X, k: int) -> None:
    """Raise a ValueError when the rows of ``X`` (shape (n, d)) hold fewer than ``k`` distinct points.

    Only a sample of rows is made unique first, so a large table with enough variety costs little.
    """
    X = np.asarray(X.X if isinstance(X, Table) else X)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k={k!r} must be a positive integer.")
    head = X[: max(64, 50 * int(k))]
    if np.unique(head, axis=0).shape[0] >= k:
        return
    n_distinct = np.unique(X, axis=0).shape[0]
    if n_distinct < k:
        points = "1 distinct row" if n_distinct == 1 else f"{n_distinct:,} distinct rows"
        raise ValueError(f"k = {k} but the data have only {points}; choose k <= {n_distinct}.")
