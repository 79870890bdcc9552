"""Find and read lesson files: the built-in ones, the data directory's ``lessons/`` folder and any
folder given with ``--lessons-dir``. A broken file becomes a message naming it and its line; the
other lessons still load. Qt-free.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .format import Lesson, LessonError, parse_lesson

__all__ = ["LessonSet", "load_lessons", "lesson_dirs", "builtin_dir", "data_dir", "MAX_LESSON_BYTES"]

#: A lesson is a few sentences; anything larger is not one (and is not read whole).
MAX_LESSON_BYTES = 64 * 1024


def builtin_dir() -> Path:
    return Path(__file__).parent / "builtin"


def data_dir() -> Path:
    """The app's data directory: ``$KMEANS_GUI_DATA_DIR``, else ``$XDG_DATA_HOME/kmeans-gui``,
    else ``~/.local/share/kmeans-gui``."""
    if os.environ.get("KMEANS_GUI_DATA_DIR"):
        return Path(os.environ["KMEANS_GUI_DATA_DIR"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "kmeans-gui"


def lesson_dirs(extra=()) -> list[Path]:
    """Built-in lessons first, then the data directory's ``lessons/``, then ``extra`` folders."""
    return [builtin_dir(), data_dir() / "lessons", *(Path(d) for d in extra)]


@dataclass(frozen=True)
class LessonSet:
    """Lessons in the order the Learn panel lists them, and one message per file that failed."""

    lessons: tuple
    problems: tuple

    def by_number(self, number: int) -> Lesson:
        """Lesson ``number`` (1-based, as listed). Raises ValueError naming the valid range."""
        if not 1 <= number <= len(self.lessons):
            raise ValueError(f"There is no lesson {number}: choose 1 to {len(self.lessons)}.")
        return self.lessons[number - 1]


def load_lessons(dirs=None, *, extra=()) -> LessonSet:
    """Read every ``*.toml`` file of each folder in ``dirs`` (default :func:`lesson_dirs`), sorted
    by file name within a folder.

    A missing data-directory folder is normal (no teacher's lessons); a missing ``extra`` folder
    is reported. A lesson whose id (file stem) was taken by an earlier folder gets the folder's
    name in front ("myclass/01-algorithm"), so both stay.
    """
    dirs = lesson_dirs(extra) if dirs is None else [Path(d) for d in dirs]
    explicit = {Path(d) for d in extra}
    lessons, problems, seen = [], [], set()
    builtin = builtin_dir()
    for folder in dirs:
        if not folder.is_dir():
            if folder in explicit:
                problems.append(f"{folder}: no such folder of lessons.")
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                lesson = read_lesson(path, builtin=folder == builtin)
            except LessonError as error:
                problems.append(str(error))
                continue
            if lesson.id in seen:
                lesson = _renamed(lesson, f"{folder.name}/{lesson.id}")
            seen.add(lesson.id)
            lessons.append(lesson)
    return LessonSet(tuple(lessons), tuple(problems))


def read_lesson(path, *, builtin: bool = False) -> Lesson:
    """Read one lesson file. Raises :class:`LessonError` (unreadable, too large, not UTF-8, bad)."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_LESSON_BYTES + 1)
    except OSError as error:
        raise LessonError(path, None, f"cannot be read ({error.strerror or error})") from None
    if len(raw) > MAX_LESSON_BYTES:
        raise LessonError(path, None, f"is larger than {MAX_LESSON_BYTES // 1024} KiB: not a lesson file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise LessonError(path, line, "is not UTF-8 text") from None
    return parse_lesson(text, path, builtin=builtin)


def _renamed(lesson: Lesson, new_id: str) -> Lesson:
    from dataclasses import replace

    return replace(lesson, id=new_id)
