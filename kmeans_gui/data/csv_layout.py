"""Look at the start of a CSV file and guess how to read it: encoding, delimiter, header, columns.

This is what an import dialog shows before anything is loaded, and every guess can be overridden.
Only the first megabyte (at most :data:`PREVIEW_LINES` lines) is read, so sniffing a large file is
instant. Files that are not tables at all (binary files renamed .csv, spreadsheets, archives, files
larger than :data:`MAX_FILE_BYTES`, 100,000 columns) are refused here with a :class:`CsvError`
that says what the file looks like and what to do instead.
"""

from __future__ import annotations

import codecs
import csv
import os
from dataclasses import dataclass

__all__ = [
    "CsvError", "CsvLayout", "sniff_csv", "open_text",
    "MAX_FILE_BYTES", "MAX_COLUMNS", "DELIMITERS", "MISSING_CELLS",
]

#: Files above this size are refused rather than streamed: 1 GiB of CSV is about 18 million rows
#: of 3 numbers, a 430 MB array, which is already past what k-means in a GUI can show usefully.
MAX_FILE_BYTES = 1 << 30
#: More columns than this is not a feature table one clusters in a desktop app (and a preview of
#: 100,000 columns cannot be shown); the limit is checked on the first line, before any parsing.
MAX_COLUMNS = 10_000
#: Candidate delimiters, in order of preference when several fit equally well.
DELIMITERS = (",", ";", "\t", "|")
#: Cells read as missing (NaN) in numeric columns, compared case-insensitively after stripping.
MISSING_CELLS = frozenset({"", "na", "n/a", "nan", "null", "none"})

SNIFF_BYTES = 1 << 20
PREVIEW_LINES = 200

_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

# Leading bytes of common non-CSV files people rename or export by mistake.
_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive (an .xlsx or .ods spreadsheet is one): save it as CSV first"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) workbook: save it as CSV first"),
    (b"\x1f\x8b", "a gzip-compressed file: decompress it first"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"),
    (b"\x93NUMPY", "a NumPy .npy file"),
    (b"PAR1", "a Parquet file"),
)


class CsvError(ValueError):
    """A CSV file cannot be read as a numeric table; the message names the problem and the fix."""


def delimiter_name(delimiter: str) -> str:
    return _DELIMITER_NAMES.get(delimiter, repr(delimiter))


@dataclass(frozen=True)
class CsvLayout:
    """How a CSV file is laid out, as sniffed from its first lines (every field can be overridden).

    Attributes
    ----------
    path : str
    size_bytes : int
    encoding : {"utf-8-sig", "latin-1"}
        "utf-8-sig" reads plain UTF-8 and drops a byte-order mark; bytes that are not UTF-8 are
        read as Latin-1 (every byte is a character there), and ``notes`` says so.
    delimiter : str
    has_header : bool
    names : tuple of str
        Column names: the header's cells, or "column 1", "column 2", ... without a header.
    preview : tuple of tuple of str
        The first data rows as text, as a preview table shows them.
    numeric : tuple of bool
        Per column, whether every non-missing cell of the preview is a number.
    notes : tuple of str
        What was noticed and handled (a byte-order mark, Latin-1 bytes, decimal commas). Windows
        line endings are read silently.
    decimal : {".", ","}
        The decimal mark: "," when a file not separated by commas writes its numbers as "5,1"
        (as European spreadsheets export them).
    """

    path: str
    size_bytes: int
    encoding: str
    delimiter: str
    has_header: bool
    names: tuple[str, ...]
    preview: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    notes: tuple[str, ...] = ()
    decimal: str = "."

    @property
    def n_columns(self) -> int:
        return len(self.names)

    def numeric_columns(self) -> tuple[int, ...]:
        return tuple(i for i, is_num in enumerate(self.numeric) if is_num)

    def guess_label_column(self) -> int | None:
        """A text column (species, class...) or a numeric one named like a label, else None."""
        label_words = ("label", "class", "target", "species", "cluster", "category", "group", "y")
        for i, name in enumerate(self.names):
            if name.strip().lower() in label_words:
                return i
        text_columns = [i for i, is_num in enumerate(self.numeric) if not is_num]
        return text_columns[-1] if len(text_columns) == 1 else None

    def default_features(self, label_column: int | None = None) -> tuple[int, ...]:
        """The numeric columns, less the label column."""
        return tuple(i for i in self.numeric_columns() if i != label_column)

    def column_index(self, column: int | str) -> int:
        """The index of a column given by name or by 0-based index; CsvError if there is none."""
        if isinstance(column, bool):
            raise TypeError(f"column {column!r} must be a name or an index")
        if isinstance(column, int):
            if not 0 <= column < self.n_columns:
                raise CsvError(f"column index {column} is out of range: {self.path} has {self.n_columns} columns.")
            return column
        if column in self.names:
            return self.names.index(column)
        stripped = [n.strip().lower() for n in self.names]
        if column.strip().lower() in stripped:
            return stripped.index(column.strip().lower())
        shown = ", ".join(self.names[:12]) + (", ..." if self.n_columns > 12 else "")
        raise CsvError(f"no column named {column!r} in {os.path.basename(self.path)}; its columns are: {shown}.")


def _check_file(path: str) -> int:
    """The file's size; CsvError for a path that is missing, a folder, unreadable or too large."""
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        raise CsvError(f"{path}: no such file (was it moved or deleted?).") from None
    except OSError as exc:
        raise CsvError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    if os.path.isdir(path):
        raise CsvError(f"{path} is a folder, not a CSV file.")
    if size > MAX_FILE_BYTES:
        raise CsvError(f"{path} is {size / 2**30:.1f} GiB; files above {MAX_FILE_BYTES / 2**30:.0f} GiB "
                       "are refused (take a sample of its rows, or fewer columns, first).")
    return size


def _read_head(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(SNIFF_BYTES)
    except OSError as exc:
        raise CsvError(f"{path}: cannot be read ({exc.strerror or exc}).") from None


def _choose_encoding(head: bytes, path: str) -> tuple[str, list[str]]:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise CsvError(f"{path} is not a CSV text file: it looks like {what}.")
    if b"\x00" in head:
        raise CsvError(f"{path} is not a CSV text file: it holds binary data (NUL bytes).")
    notes = []
    if head.startswith(b"\xef\xbb\xbf"):
        notes.append("a UTF-8 byte-order mark was skipped")
    try:
        head.decode("utf-8")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as exc:
        # A cut at SNIFF_BYTES may split one multi-byte character: that is still UTF-8.
        if exc.start >= len(head) - 3 and exc.reason == "unexpected end of data":
            encoding = "utf-8-sig"
        else:
            encoding = "latin-1"
            notes.append("the file is not UTF-8; it was read as Latin-1")
    text = head.decode(encoding, errors="replace")
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t")
    if controls > 8:
        raise CsvError(f"{path} is not a CSV text file: it holds binary control bytes.")
    return encoding, notes


def open_text(path: str, encoding: str):
    """The file opened as text the way every reader here reads it: CRLF and CR become "\\n", and
    a UTF-8 byte-order mark is dropped even when the encoding was given as plain "utf-8"."""
    if encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
        encoding = "utf-8-sig"
    try:
        return open(path, encoding=encoding, newline=None)
    except OSError as exc:
        raise CsvError(f"{path}: cannot be read ({exc.strerror or exc}).") from None


def _sample_lines(text: str) -> list[str]:
    lines = text.splitlines()
    if len(text) >= SNIFF_BYTES and lines:
        lines = lines[:-1]  # the last one may be cut short
    return [line for line in lines[:PREVIEW_LINES] if line.strip()]


def _guess_delimiter(lines: list[str], path: str) -> str:
    """The delimiter that splits every sample line into the same number (> 1) of fields."""
    best, best_fields = None, 1
    usage = {}
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        used = sum(1 for c in counts if c > 1)
        usage[delimiter] = used
        if counts and used == len(counts) and len(set(counts)) == 1 and counts[0] > best_fields:
            best, best_fields = delimiter, counts[0]
    if best is not None:
        return best
    used = [d for d in DELIMITERS if usage[d]]
    if len(used) > 1:
        names = " and ".join(f"{delimiter_name(d)} ({usage[d]} of {len(lines)} lines)" for d in used)
        raise CsvError(f"{path} mixes delimiters: {names} split lines; use one delimiter, "
                       "or choose it explicitly.")
    if used:
        d = used[0]
        counts = [len(row) for row in csv.reader(lines, delimiter=d)]
        first_bad = next(i for i, c in enumerate(counts) if c != counts[0])
        raise CsvError(f"{path}: line {first_bad + 1} of the sample has {counts[first_bad]} fields, the first line "
                       f"{counts[0]} ({delimiter_name(d)}-separated); every row needs the same number of fields.")
    return ","  # one column, no delimiter anywhere: reading reports "one numeric column"


def _is_number(cell: str, decimal: str = ".") -> bool:
    cell = cell.strip()
    if cell.lower() in MISSING_CELLS:
        return True
    if decimal == ",":
        cell = cell.replace(",", ".")
    try:
        float(cell)
        return True
    except ValueError:
        return decimal == "." and parse_grouped_number(cell) is not None


def _decimal_comma_cell(cell: str) -> bool:
    """``"5,1"`` or ``"-0,25"``: a number that only a decimal comma can explain ("1,250" could be
    a thousands separator, and stays one)."""
    body = cell.strip().lstrip("+-")
    whole, comma, rest = body.partition(",")
    fraction = rest.split("e")[0].split("E")[0]
    return (bool(comma) and whole.isdigit() and fraction.isdigit() and _is_number(cell, ",")
            and parse_grouped_number(cell) is None)


def _guess_decimal(rows: list[tuple[str, ...]], delimiter: str) -> str:
    """"," when the file is not comma-separated and some cell below the first row reads "5,1"."""
    if delimiter == ",":
        return "."
    return "," if any(_decimal_comma_cell(c) for r in rows[1:] for c in r) else "."


def parse_grouped_number(cell: str) -> float | None:
    """``"1,234,567.5"`` -> 1234567.5 (comma thousands separators in groups of three), else None."""
    text = cell.strip()
    body = text[1:] if text[:1] in "+-" else text
    whole, _, fraction = body.partition(".")
    groups = whole.split(",")
    if len(groups) < 2 or not (1 <= len(groups[0]) <= 3) or not all(len(g) == 3 for g in groups[1:]):
        return None
    if not all(g.isdigit() for g in groups) or (fraction and not fraction.isdigit()):
        return None
    return float(text.replace(",", ""))


def sniff_csv(path, *, delimiter: str | None = None, has_header: bool | None = None,
              encoding: str | None = None, n_preview: int = 20) -> CsvLayout:
    """Guess how ``path`` is laid out from its first lines.

    Parameters
    ----------
    path : str or os.PathLike
    delimiter : str, optional
        Override the guess (one character; "\\t" for tab).
    has_header : bool, optional
        Override the guess. The guess is "a header" when some cell of the first row is not a number
        while that column is numeric below it (or every cell of the first row is text).
    encoding : str, optional
        Override the guess ("utf-8-sig" or "latin-1" usually).
    n_preview : int
        How many data rows to keep as text for a preview table.

    Returns
    -------
    CsvLayout

    Raises
    ------
    CsvError
        Missing or unreadable path, a file over :data:`MAX_FILE_BYTES`, a binary file, an empty
        file, mixed delimiters, more than :data:`MAX_COLUMNS` columns.
    """
    path = os.fspath(path)
    size = _check_file(path)
    head = _read_head(path)
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise CsvError(f"{path} is empty: a CSV file needs a header line and at least two data rows.")
    if encoding is None:
        encoding, notes = _choose_encoding(head, path)
    else:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise CsvError(f"unknown encoding {encoding!r}; try 'utf-8' or 'latin-1'.") from None
        notes = []
    text = head.decode(encoding, errors="replace")
    if encoding.replace("_", "-").lower() in ("utf-8", "utf8") and text.startswith("\ufeff"):
        text = text[1:]
    delimiter, lines = _delimiter_and_lines(text, path, delimiter)
    rows = [tuple(row) for row in csv.reader(lines, delimiter=delimiter)]
    if not rows:
        raise CsvError(f"{path} is empty: a CSV file needs a header line and at least two data rows.")
    n_columns = len(rows[0])
    if n_columns > MAX_COLUMNS:
        raise CsvError(f"{path} has {n_columns:,} columns; at most {MAX_COLUMNS:,} are supported "
                       "(keep only the columns to cluster).")
    body = rows[1:]
    decimal = _guess_decimal(rows, delimiter)
    if decimal == ",":
        notes = list(notes) + ["numbers with decimal commas (5,1) are read as 5.1"]
    if has_header is None:
        has_header = _guess_header(rows, decimal)
    data_rows = body if has_header else rows
    if has_header:
        names = tuple(_unique_names([c.strip() or f"column {i + 1}" for i, c in enumerate(rows[0])]))
    else:
        names = tuple(f"column {i + 1}" for i in range(n_columns))
    numeric = tuple(_looks_numeric(data_rows, i, decimal) for i in range(n_columns))
    return CsvLayout(path=path, size_bytes=size, encoding=encoding, delimiter=delimiter,
                     has_header=bool(has_header), names=names,
                     preview=tuple(data_rows[:n_preview]), numeric=numeric, notes=tuple(notes), decimal=decimal)


def _delimiter_and_lines(text: str, path: str, delimiter: str | None) -> tuple[str, list[str]]:
    """The delimiter (guessed unless given) and the sample's non-blank lines."""
    if delimiter is not None:
        if len(delimiter) != 1:
            raise CsvError(f"delimiter {delimiter!r} must be one character.")
        return delimiter, _sample_lines(text)
    # Checked before the full sniff so a 100,000-column file is refused in milliseconds.
    first_line = text.split("\n", 1)[0]
    widest = max(first_line.count(d) for d in DELIMITERS) + 1
    if widest > MAX_COLUMNS:
        raise CsvError(f"{path} has about {widest:,} columns on its first line; at most {MAX_COLUMNS:,} are "
                       "supported (keep only the columns to cluster).")
    lines = _sample_lines(text)
    return _guess_delimiter(lines, path), lines


def _looks_numeric(rows: list[tuple[str, ...]], i: int, decimal: str = ".") -> bool:
    """Every cell of column i is a number or missing, and at least one is a number."""
    cells = [r[i] for r in rows if i < len(r)]
    return any(c.strip().lower() not in MISSING_CELLS for c in cells) and all(_is_number(c, decimal) for c in cells)


def _guess_header(rows: list[tuple[str, ...]], decimal: str = ".") -> bool:
    first, below = rows[0], rows[1:]
    if not below:
        return not all(_is_number(c, decimal) and c.strip() for c in first)
    for i, cell in enumerate(first):
        column_numeric = all(_is_number(r[i], decimal) for r in below if i < len(r))
        if column_numeric and not _is_number(cell, decimal):
            return True
        if column_numeric and not cell.strip():
            return True  # an unnamed first column above numbers (row names exported by R)
    return False


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out
