"""Session files: every model survives a round trip; every bad file gets a message naming what is
wrong, and the models it was to be loaded into do not change."""

import json
import os
import zipfile

import numpy as np
import pytest

from kmeans_gui.state import AppState, Params, session
from kmeans_gui.state.choose_k import ChooseKModel
from kmeans_gui.state.image import ImageModel
from kmeans_gui.state.view import ViewOptions


def make_models(points=None, **params):
    state = AppState(points, Params(**params) if params else None)
    return {"explore": state, "view": ViewOptions(), "image": ImageModel(), "choose_k": ChooseKModel(state)}


def edited_models():
    """Every model away from its defaults: drawn points, placed centres, cursor, options."""
    rng = np.random.default_rng(5)
    models = make_models(rng.normal(size=(40, 2)), k=3, init="manual", seed=11, max_iter=50, tol=0.0,
                         empty_policy="keep")
    state = models["explore"]
    state.add_points([[9.0, 9.0], [9.5, 8.5]])  # drawn by hand
    for x, y in ((0.0, 0.0), (1.0, 1.0), (9.0, 9.0)):
        state.add_manual_center(x, y)
    state.go_to(3)
    edit(models["view"], dict(show_regions=False, show_trails=False, show_lines=True, show_explanation=False,
                              brush_mode=True, brush_radius_px=55.0, brush_density=17, play_speed=9))
    edit(models["image"], dict(k=40, method="minibatch", sample_size=2048, seed=9, right_image="Pillow fast octree",
                                   source={"kind": "file", "path": "/photos/cat.png"}))
    edit(models["choose_k"], dict(max_k=14, n_seeds=5, tutorial_curve=True, gap_reference="pca"))
    return models


def edit(model, changes: dict) -> None:
    """Load the model's own settings with ``changes`` applied (settings added later keep their defaults)."""
    settings = model.to_dict()
    assert set(changes) <= set(settings)
    model.load_dict({**settings, **changes})


def as_plain(model):
    """A model's to_dict() and arrays() as plain data, to compare two models with ==."""
    return json.loads(json.dumps([model.to_dict(), model.arrays()], default=lambda a: a.tolist()))


def assert_same_models(a, b):
    for name in a:
        assert as_plain(a[name]) == as_plain(b[name]), name


def test_every_model_round_trips_through_a_session_file(tmp_path):
    models = edited_models()
    path = tmp_path / "work.kmsession"
    session.save(path, models, window={"tab": "image"})
    fresh = make_models()
    loaded = session.load(path, fresh)
    assert_same_models(models, fresh)
    assert loaded.window == {"tab": "image"}
    state, other = models["explore"], fresh["explore"]
    assert other.n_points == 42 and other.cursor == 3
    np.testing.assert_array_equal(other.points, state.points)
    np.testing.assert_array_equal(other.manual_centers, [[0, 0], [1, 1], [9, 9]])
    np.testing.assert_array_equal(other.current.centers, state.current.centers)  # the run replays


def test_the_file_is_a_zip_of_json_and_npy_arrays(tmp_path):
    path = tmp_path / "a.kmsession"
    session.save(path, edited_models())
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        doc = json.loads(zf.read("session.json"))
        assert zf.getinfo("arrays/explore/points.npy").compress_type == zipfile.ZIP_STORED
    assert names == {"session.json", "arrays/explore/points.npy", "arrays/explore/manual_centers.npy"}
    assert doc["format"] == "kmeans-gui session" and doc["version"] == session.VERSION
    assert doc["arrays"] == {"explore": {"points": "arrays/explore/points.npy",
                                         "manual_centers": "arrays/explore/manual_centers.npy"}}
    assert doc["models"]["explore"]["params"]["k"] == 3 and doc["models"]["explore"]["cursor"] == 3
    assert doc["models"]["choose_k"] == {"max_k": 14, "n_seeds": 5, "tutorial_curve": True, "gap_reference": "pca"}


def test_capture_shares_the_read_only_arrays_and_reads_them_read_only(tmp_path):
    models = make_models(np.arange(20.0).reshape(10, 2), k=2)
    captured = session.capture(models)
    assert captured.arrays["explore"]["points"] is models["explore"].points
    path = tmp_path / "a.kmsession"
    session.write(path, captured)
    read = session.read(path)
    points = read.arrays["explore"]["points"]
    assert not points.flags.writeable
    fresh = make_models()
    session.apply(fresh, read)
    np.testing.assert_array_equal(fresh["explore"].points, points)


def test_an_empty_canvas_round_trips(tmp_path):
    models = make_models()
    session.save(tmp_path / "e.kmsession", models)
    fresh = make_models(np.ones((3, 2)), k=1)
    session.load(tmp_path / "e.kmsession", fresh)
    assert fresh["explore"].n_points == 0 and fresh["explore"].points.shape == (0, 2)


# ------------------------------------------------------------------------------ bad files


def rewrite(path, edit_json=None, arrays=None, drop=()):
    """Rewrite a session's zip: ``edit_json(doc)`` changes the JSON, ``arrays`` replaces members' bytes."""
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist() if name not in drop}
    if edit_json is not None:
        doc = json.loads(members["session.json"])
        edit_json(doc)
        members["session.json"] = json.dumps(doc).encode()
    members.update(arrays or {})
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def npy_header(shape, dtype="<f8"):
    """The bytes of a .npy header announcing ``shape`` (the data need not follow)."""
    import io

    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": dtype, "fortran_order": False, "shape": shape})
    return buf.getvalue()


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "s.kmsession"
    session.save(path, edited_models())
    return path


def assert_refused(path, match):
    """The file is refused with a message matching ``match``, and the models did not change."""
    victims = make_models(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]]), k=2, seed=4)
    victims["view"].show_lines = True
    before = {name: as_plain(m) for name, m in victims.items()}
    with pytest.raises(session.SessionError, match=match) as info:
        session.load(path, victims)
    assert {name: as_plain(m) for name, m in victims.items()} == before
    return str(info.value)


def test_a_truncated_file_is_refused(saved):
    data = saved.read_bytes()
    for cut in (len(data) // 2, len(data) - 10, 10):
        saved.write_bytes(data[:cut])
        assert_refused(saved, "damaged or truncated")


def test_a_truncated_array_is_refused(saved):
    header = npy_header((42, 2))
    rewrite(saved, arrays={"arrays/explore/points.npy": header + b"\0" * 100})
    assert_refused(saved, r"explore.points: the array arrays/explore/points.npy is truncated")


def test_a_newer_version_is_refused_with_what_to_do(saved):
    rewrite(saved, edit_json=lambda doc: doc.update(version=session.VERSION + 1))
    message = assert_refused(saved, "newer than this kmeans-gui reads")
    assert "update kmeans-gui" in message and f"format {session.VERSION + 1}" in message


@pytest.mark.parametrize("edit, match", [
    (lambda d: d["models"]["explore"].pop("params"), r"explore: Explore: missing 'params'"),
    (lambda d: d["models"].pop("explore"), r"the part 'explore' is missing"),
    (lambda d: d["models"]["view"].pop("show_lines"), r"view: ViewOptions: missing setting 'show_lines'"),
    (lambda d: d["models"]["explore"]["params"].update(k=0), r"k=0 must be a whole number from 1"),
    (lambda d: d["models"]["explore"]["params"].update(init="magic"), r"init='magic' must be one of"),
    (lambda d: d["models"]["explore"].update(cursor=-1), r"cursor=-1 must be a whole number >= 0"),
    (lambda d: d["arrays"]["explore"].pop("points"), r"explore: Explore: missing 'points'"),
    (lambda d: d["arrays"].update(explore=[1]), r"'arrays' must map each part"),
    (lambda d: d["models"]["image"].update(k="many"), r"image: ImageModel: k: 'many' must be a whole number"),
    (lambda d: d["models"]["choose_k"].update(max_k=1000), r"max_k: 1000 must be a whole number from 2"),
    (lambda d: d["models"].update(lab={}), r"unknown part 'lab'"),
    (lambda d: d.pop("models"), r"the 'models' part is missing"),
    (lambda d: d.update(format="something else"), r"not a kmeans-gui session"),
])
def test_missing_or_wrong_fields_are_named(saved, edit, match):
    rewrite(saved, edit_json=edit)
    assert_refused(saved, match)


def test_every_problem_is_named_at_once(saved):
    def edit(doc):
        doc["models"]["explore"]["params"]["k"] = 0
        doc["models"]["view"]["brush_density"] = -3
    rewrite(saved, edit_json=edit)
    message = assert_refused(saved, "k=0")
    assert "brush_density" in message


def test_nan_points_are_refused(saved):
    points = np.random.default_rng(0).normal(size=(42, 2))
    points[17, 1] = np.nan
    import io

    buf = io.BytesIO()
    np.save(buf, points)
    rewrite(saved, arrays={"arrays/explore/points.npy": buf.getvalue()})
    assert_refused(saved, r"explore.points: holds NaN or infinity \(first at index \(17, 1\)\)")


def test_ten_million_points_are_refused_before_they_are_read(saved):
    # Only the header: the size check must come before the data is read (or even present).
    rewrite(saved, arrays={"arrays/explore/points.npy": npy_header((10_000_000, 2))})
    assert_refused(saved, r"explore.points: 10,000,000 x 2 is 20,000,000 numbers; a session holds at most "
                          r"10,000,000 \(5,000,000 points\)")


def test_an_object_array_is_refused_and_never_unpickled(saved):
    rewrite(saved, arrays={"arrays/explore/points.npy": npy_header((2,), dtype="|O") + b"\x80\x04."})
    assert_refused(saved, r"arrays of object are not allowed")


def test_a_missing_array_member_is_named(saved):
    rewrite(saved, drop=("arrays/explore/manual_centers.npy",))
    assert_refused(saved, r"explore.manual_centers: the array arrays/explore/manual_centers.npy is missing")


def test_not_a_session_at_all(tmp_path):
    other = tmp_path / "notes.kmsession"
    other.write_text("hello")
    assert_refused(other, "not a kmeans-gui session, or it is damaged")
    assert_refused(tmp_path / "nowhere.kmsession", "does not exist")
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as zf:
        zf.writestr("readme.txt", "hi")
    assert_refused(tmp_path / "other.zip", "it has no session.json")
    bad_json = tmp_path / "j.kmsession"
    with zipfile.ZipFile(bad_json, "w") as zf:
        zf.writestr("session.json", '{"format": "kmeans-gui session", "version": NaN}')
    assert_refused(bad_json, "not valid JSON")


def test_a_failed_write_leaves_the_old_file(saved, monkeypatch):
    before = saved.read_bytes()

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(session, "_write_npy", broken)
    with pytest.raises(OSError, match="No space left"):
        session.save(saved, make_models(np.ones((5, 2)), k=1))
    assert saved.read_bytes() == before
    assert os.listdir(saved.parent) == [saved.name]  # no temporary file left behind



@pytest.mark.parametrize("array", [np.arange(7, dtype=np.int64), np.zeros((0, 2)), np.array([True, False]),
                                   np.arange(6.0).reshape(2, 3)[:, ::2], np.float32(2.5) * np.ones((3, 1, 2))])
def test_every_array_kind_reads_back_as_written(tmp_path, array):
    class Holder:
        def to_dict(self):
            return {}

        def arrays(self):
            return {"a": array}

    path = tmp_path / "a.kmsession"
    session.write(path, session.capture({"holder": Holder()}))
    back = session.read(path).arrays["holder"]["a"]
    assert back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)


def test_a_session_from_before_a_tab_existed_opens_with_that_tabs_defaults(saved):
    rewrite(saved, edit_json=lambda d: d["models"].pop("choose_k"))
    models = make_models()
    models["choose_k"].max_k = 17
    session.load(saved, models)
    assert models["choose_k"].max_k == 10 and models["explore"].n_points == 42


def test_a_version_1_file_without_the_table_settings_still_opens(saved):
    def as_version_1(doc):
        doc["version"] = 1
        for key in ("feature_names", "source", "label_names", "view_columns"):
            del doc["models"]["explore"][key]

    rewrite(saved, edit_json=as_version_1)
    models = make_models()
    session.load(saved, models)
    original = edited_models()["explore"]
    np.testing.assert_array_equal(models["explore"].points, original.points)
    assert models["explore"].n_features == 2 and models["explore"].true_labels is None
    assert models["explore"].manual_centers.shape == (3, 2) and models["explore"].params == original.params


def test_a_session_from_before_the_gap_reference_opens_with_the_bounding_box(saved):
    rewrite(saved, edit_json=lambda d: d["models"]["choose_k"].pop("gap_reference"))
    models = make_models()
    models["choose_k"].gap_reference = "pca"
    session.load(saved, models)
    assert models["choose_k"].gap_reference == "box" and models["explore"].n_points == 42
