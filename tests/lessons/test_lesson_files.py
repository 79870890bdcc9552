"""Lesson files: the built-in nine, the format's vocabulary, and broken files named by line."""

import pytest

from kmeans_gui.lessons.format import LessonError, parse_lesson
from kmeans_gui.lessons.loader import builtin_dir, data_dir, load_lessons

GOOD = """\
title = "My lesson"
text = "Do this."

[setup]
dataset = "moons"
k = 2

[check]
kind = "chosen_k_equals_true_k"
true_k = 2
"""


def test_the_nine_built_in_lessons_in_the_issues_order():
    lessons = load_lessons([builtin_dir()])
    assert lessons.problems == ()
    assert [lesson.title.split(". ", 1)[1] for lesson in lessons.lessons] == [
        "The algorithm", "Watching it converge", "The elbow", "k-means++", "Where it fails", "Silhouette",
        "Compressing an image", "Mini-batch", "Soft assignment",
    ]
    assert all(lesson.builtin for lesson in lessons.lessons)
    for lesson in lessons.lessons:
        sentences = lesson.text.count(". ") + 1
        assert 2 <= sentences <= 5, lesson.id
    assert lessons.by_number(9).code == "soft_kmeans"
    with pytest.raises(ValueError, match="There is no lesson 10: choose 1 to 9"):
        lessons.by_number(10)


def test_a_good_lesson_parses(tmp_path):
    lesson = parse_lesson(GOOD, tmp_path / "mine.toml")
    assert (lesson.id, lesson.title, lesson.text) == ("mine", "My lesson", "Do this.")
    assert lesson.setup == {"dataset": "moons", "k": 2}
    assert (lesson.check.kind, lesson.check.params) == ("chosen_k_equals_true_k", {"true_k": 2})
    assert lesson.code == "kmeans" and lesson.highlight is None


@pytest.mark.parametrize("text, line, words", [
    (GOOD.replace('k = 2\n', 'k = = 2\n'), 6, "not valid TOML"),
    (GOOD.replace('k = 2\n', 'colour = "red"\n'), 6, "unknown setup 'colour'; known: tab, dataset"),
    (GOOD.replace('dataset = "moons"', 'dataset = "bananas"'), 5, "setup dataset = 'bananas' must be one of blobs"),
    (GOOD.replace('k = 2\n', 'k = 0\n'), 6, "setup k = 0 must be a whole number from 1 to 50"),
    (GOOD.replace('k = 2\n', 'k = "four"\n'), 6, "must be a whole number"),
    (GOOD.replace('kind = "chosen_k_equals_true_k"', 'kind = "be_happy"'), 9, "unknown check 'be_happy'; known: run_converged"),
    (GOOD.replace('true_k = 2', 'fraction = 0.1'), 10, "check chosen_k_equals_true_k takes true_k, not 'fraction'"),
    (GOOD.replace('title = "My lesson"\n', 'title = "My lesson"\ncolour = 3\n'), 2, "unknown key 'colour'"),
    (GOOD.replace('text = "Do this."', 'text = ""'), 2, "'text' must be a non-empty string"),
    (GOOD + 'highlight = "everything"\n', None, None),  # a key after [check] belongs to the check
    ('title = "x"\ntext = "y"\nhighlight = "everything"\n[check]\nkind = "run_converged"\n', 3,
     "highlight = 'everything' is not a control"),
    ('title = "x"\ntext = "y"\n[check]\nfraction = 1\n', 3, "[check] has no 'kind'"),
    ('title = "x"\ntext = "y"\n[check]\nkind = "run_inertia_worse_than_kmeanspp_by"\n', 3,
     "needs fraction"),
    ('title = "x"\ntext = "y"\n', None, "the lesson has no 'check'"),
])
def test_a_broken_lesson_names_its_line(tmp_path, text, line, words):
    with pytest.raises(LessonError) as caught:
        parse_lesson(text, tmp_path / "broken.toml")
    if words is None:  # the highlight landed in [check]: the check's parameters refuse it
        assert "takes" in str(caught.value)
        return
    assert caught.value.line == line
    expected = "broken.toml" if line is None else f"broken.toml, line {line}:"
    assert str(caught.value).startswith(expected)
    assert words in str(caught.value)


def test_a_folder_with_broken_files_still_loads_the_others(tmp_path):
    (tmp_path / "a-good.toml").write_text(GOOD)
    (tmp_path / "b-bad.toml").write_text(GOOD.replace("k = 2", "k = 2 2"))
    (tmp_path / "c-binary.toml").write_bytes(b'title = "x"\n\xff\xfe')
    (tmp_path / "d-huge.toml").write_text("# " + "x" * 70_000)
    (tmp_path / "e-good.toml").write_text(GOOD.replace("My lesson", "Second"))
    (tmp_path / "notes.txt").write_text("not a lesson")
    lessons = load_lessons([tmp_path])
    assert [lesson.title for lesson in lessons.lessons] == ["My lesson", "Second"]
    assert len(lessons.problems) == 3
    assert lessons.problems[0].startswith("b-bad.toml, line 6: not valid TOML")
    assert lessons.problems[1] == "c-binary.toml, line 2: is not UTF-8 text"
    assert lessons.problems[2] == "d-huge.toml: is larger than 64 KiB: not a lesson file"


def test_teachers_lessons_come_after_the_built_ins(tmp_path, monkeypatch):
    monkeypatch.setenv("KMEANS_GUI_DATA_DIR", str(tmp_path / "data"))
    assert data_dir() == tmp_path / "data"
    (tmp_path / "data" / "lessons").mkdir(parents=True)
    (tmp_path / "data" / "lessons" / "01-algorithm.toml").write_text(GOOD)
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "extra.toml").write_text(GOOD.replace("My lesson", "Extra"))
    lessons = load_lessons(extra=[tmp_path / "class", tmp_path / "missing"])
    ids = [lesson.id for lesson in lessons.lessons]
    assert ids[:9][0] == "01-algorithm" and len(ids) == 11
    assert ids[9:] == ["lessons/01-algorithm", "extra"]  # same name as a built-in: both kept
    assert lessons.problems == (f"{tmp_path / 'missing'}: no such folder of lessons.",)
