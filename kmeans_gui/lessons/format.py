"""A lesson file: TOML holding a lesson's text, its setup and its check, from a small vocabulary.

A lesson is data, so a teacher can write one without touching code. The format (documented with
examples in the README, "Lessons") is::

    title = "k-means++"                      # shown in the Learn panel's list
    text = '''Two to four sentences: what to do, what to watch.'''
    highlight = "new-seed"                   # the control to point at (HIGHLIGHTS)
    code = "kmeans"                          # optional: the from-scratch code to show

    [setup]                                  # every key optional; SETUP_KEYS lists them
    tab = "explore"
    dataset = "tutorial-blobs"
    k = 4
    init = "tutorial-random"
    seed = 42

    [check]
    kind = "run_inertia_worse_than_kmeanspp_by"   # one of checks.CHECKS
    fraction = 0.10                               # the check's own parameters
    praise = "optional: said when it passes"
    hint = "optional: said while it does not"

Qt-free. Every problem raises :class:`LessonError` naming the file and the line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..data.datasets import DATASETS
from ..engine.inits import INIT_NAMES

__all__ = ["Lesson", "LessonError", "parse_lesson", "SETUP_KEYS", "HIGHLIGHTS", "TABS", "ALGORITHMS"]

TABS = ("explore", "choose-k", "image", "lab")
ALGORITHMS = ("kmeans", "minibatch", "soft", "gmm")
#: Controls a lesson may point at; the window maps each to a widget.
HIGHLIGHTS = (
    "step", "play", "back", "timeline", "run-to-end", "k", "seed", "new-seed", "init", "dataset",
    "choose-k", "image-k", "image-method", "image-open", "algorithm", "beta", "lab",
)


def _one_of(*choices):
    def check(value):
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(map(str, choices))}")
        return value
    return check


def _integer(low, high):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return value
    return check


def _number(low, high):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise ValueError(f"must be a number from {low:g} to {high:g}")
        return float(value)
    return check


def _boolean(value):
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _text(value):
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty string")
    return value


#: Setup keys -> their check. What each does: README, "Lessons".
SETUP_KEYS = {
    "tab": _one_of(*TABS),
    "dataset": _one_of(*DATASETS),
    "n": _integer(2, 100_000),
    "centers": _integer(1, 20),
    "spread": _number(0.05, 10.0),
    "data_seed": _integer(0, 1_000_000),
    "k": _integer(1, 50),
    "init": _one_of(*INIT_NAMES),
    "seed": _integer(0, 2**31 - 1),
    "algorithm": _one_of(*ALGORITHMS),
    "beta": _number(0.0, 1e6),
    "regions": _boolean,
    "trails": _boolean,
    "lines": _boolean,
    "code_panel": _boolean,
    "image": _text,
    "image_k": _integer(2, 256),
    "image_method": _one_of("sample", "full", "minibatch"),
}


class LessonError(ValueError):
    """A lesson file that cannot be used. ``str()`` names the file and line: "x.toml, line 7: ..."."""

    def __init__(self, path, line: int | None, problem: str):
        self.path, self.line, self.problem = Path(path), line, problem
        where = self.path.name if line is None else f"{self.path.name}, line {line}"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class CheckSpec:
    kind: str
    params: dict = field(default_factory=dict)
    praise: str | None = None
    hint: str | None = None


@dataclass(frozen=True)
class Lesson:
    """One lesson, as read from its file.

    Attributes
    ----------
    id : str
        The file's stem ("01-algorithm"); unique within one folder.
    title, text : str
    setup : dict
        Validated setup keys (a subset of :data:`SETUP_KEYS`).
    check : CheckSpec
    highlight : str or None
        One of :data:`HIGHLIGHTS`.
    code : str
        The scratch code to show: "kmeans", "minibatch_kmeans", "soft_kmeans" or "gmm".
    path : Path
    builtin : bool
    """

    id: str
    title: str
    text: str
    setup: dict
    check: CheckSpec
    highlight: str | None
    code: str
    path: Path
    builtin: bool = False


_TOP_KEYS = {"title", "text", "highlight", "code", "setup", "check"}
_CODES = {"kmeans": "kmeans", "minibatch": "minibatch_kmeans", "soft": "soft_kmeans", "gmm": "gmm"}


def _line_of(text: str, section: str | None, key: str) -> int | None:
    """1-based line where ``key = ...`` is written in ``[section]`` (None: top level)."""
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"\s*\[([^\]]+)\]\s*(#.*)?$", line)
        if header:
            current = header.group(1).strip()
            continue
        if current == section and re.match(rf"\s*\"?{re.escape(key)}\"?\s*=", line):
            return number
    return None


def _section_line(text: str, section: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*\[{re.escape(section)}\]", line):
            return number
    return None


def parse_lesson(text: str, path, *, builtin: bool = False) -> Lesson:
    """Read a lesson from its TOML ``text`` (``path`` names it in messages).

    Raises
    ------
    LessonError
        For TOML syntax errors (with the line TOML reports), unknown or missing keys, values out
        of the vocabulary, and check parameters the check does not take.
    """
    from .checks import CHECKS  # the checks import the engine; the format only needs their names

    path = Path(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"at line (\d+)", str(error))
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise LessonError(path, int(found.group(1)) if found else None, f"not valid TOML: {problem}") from None

    for key in data:
        if key not in _TOP_KEYS:
            raise LessonError(path, _line_of(text, None, key) or _section_line(text, key),
                              f"unknown key {key!r}; a lesson has {', '.join(sorted(_TOP_KEYS))}")
    for key in ("title", "text", "check"):
        if key not in data:
            raise LessonError(path, None, f"the lesson has no {key!r}")
    title, body = data["title"], data["text"]
    for key, value in (("title", title), ("text", body)):
        if not isinstance(value, str) or not value.strip():
            raise LessonError(path, _line_of(text, None, key), f"{key!r} must be a non-empty string")

    setup_table = data.get("setup", {})
    if not isinstance(setup_table, dict):
        raise LessonError(path, _line_of(text, None, "setup"), "'setup' must be a table: [setup]")
    setup = {}
    for key, value in setup_table.items():
        if key not in SETUP_KEYS:
            raise LessonError(path, _line_of(text, "setup", key),
                              f"unknown setup {key!r}; known: {', '.join(SETUP_KEYS)}")
        try:
            setup[key] = SETUP_KEYS[key](value)
        except ValueError as error:
            raise LessonError(path, _line_of(text, "setup", key), f"setup {key} = {value!r} {error}") from None
    if "k" in setup and "n" in setup and setup["k"] > setup["n"]:
        raise LessonError(path, _line_of(text, "setup", "k"), f"setup k = {setup['k']} is more than n = {setup['n']} points")

    highlight = data.get("highlight")
    if highlight is not None and highlight not in HIGHLIGHTS:
        raise LessonError(path, _line_of(text, None, "highlight"),
                          f"highlight = {highlight!r} is not a control; known: {', '.join(HIGHLIGHTS)}")
    code = data.get("code", _CODES[setup.get("algorithm", "kmeans")])
    if code not in _CODES.values():
        raise LessonError(path, _line_of(text, None, "code"),
                          f"code = {code!r}; known: {', '.join(_CODES.values())}")

    check = _parse_check(data["check"], text, path, CHECKS)
    return Lesson(path.stem, title.strip(), " ".join(body.split()), setup, check, highlight, code, path, builtin)


def _parse_check(table, text, path, checks) -> CheckSpec:
    if not isinstance(table, dict):
        raise LessonError(path, _line_of(text, None, "check"), "'check' must be a table: [check]")
    kind = table.get("kind")
    if kind is None:
        raise LessonError(path, _section_line(text, "check"), "[check] has no 'kind'")
    if kind not in checks:
        raise LessonError(path, _line_of(text, "check", "kind"),
                          f"unknown check {kind!r}; known: {', '.join(checks)}")
    spec = checks[kind]
    params = {}
    for key, value in table.items():
        if key in ("kind", "praise", "hint"):
            if key != "kind" and not isinstance(value, str):
                raise LessonError(path, _line_of(text, "check", key), f"{key} must be a string")
            continue
        if key not in spec.params:
            takes = ", ".join(spec.params) or "no parameters"
            raise LessonError(path, _line_of(text, "check", key), f"check {kind} takes {takes}, not {key!r}")
        try:
            params[key] = spec.params[key](value)
        except ValueError as error:
            raise LessonError(path, _line_of(text, "check", key), f"{key} = {value!r} {error}") from None
    missing = [key for key in spec.required if key not in params]
    if missing:
        raise LessonError(path, _section_line(text, "check"), f"check {kind} needs {', '.join(missing)}")
    return CheckSpec(kind, params, table.get("praise"), table.get("hint"))
