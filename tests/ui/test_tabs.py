"""The tab registry: the main window and `snapshot --view` are built from it."""

import argparse
import json

import numpy as np
from PySide6.QtWidgets import QLabel

from kmeans_gui.state.events import EventedModel, Field, boolean
from kmeans_gui.ui import main_window as mw
from kmeans_gui.ui import snapshot
from kmeans_gui.ui.tabs import TABS, Tab, tab_named


def test_the_window_has_one_tab_per_registry_entry_and_every_model_saves(make_window):
    w = make_window()
    assert [w.tabs.tabText(i) for i in range(w.tabs.count())] == [t.title for t in TABS]
    assert [t.name for t in TABS] == ["explore", "image", "choose-k", "failures", "restarts"] == list(w.pages)
    assert all(w.tabs.widget(i) is w.pages[t.name] for i, t in enumerate(TABS))
    assert set(w.models) == {"explore", "view", "image", "choose_k", "failures", "restarts"}
    assert w.models["explore"] is w.state and w.models["view"] is w.canvas.view
    for name in ("view", "image", "choose_k", "failures", "restarts"):  # AppState's round trip is in test_state
        model = w.models[name]
        data = json.loads(json.dumps(model.to_dict()))
        model.load_dict(data)
        assert model.to_dict() == data


def test_a_new_tab_is_one_registry_entry(qtbot, monkeypatch):
    class Notes(EventedModel):
        pinned = Field(False, boolean)

    extra = Tab("notes", "Notes", lambda window: {"notes": Notes()}, lambda window, models: QLabel("notes"))
    monkeypatch.setattr(mw, "TABS", (*TABS, extra))
    w = mw.MainWindow()
    qtbot.addWidget(w)
    assert w.tabs.tabText(w.tabs.count() - 1) == "Notes" and w.pages["notes"].text() == "notes"
    assert isinstance(w.models["notes"], Notes)
    w.close()


def test_snapshot_views_are_the_registry_names():
    parser = argparse.ArgumentParser()
    snapshot.add_arguments(parser)
    choices = next(a.choices for a in parser._actions if a.dest == "view")
    assert list(choices) == [t.name for t in TABS]
    assert tab_named("image").title == "Image"


def test_the_image_tabs_snapshot_hook_waits_for_every_figure(make_window, tmp_path):
    from PIL import Image

    path = tmp_path / "stripes.png"
    pixels = np.zeros((24, 32, 3), np.uint8)
    pixels[:, ::2] = (200, 30, 30)
    pixels[::3] = (20, 90, 220)
    Image.fromarray(pixels).save(path)
    w = make_window()
    page = w.pages["image"]
    page.open_file(path)  # the hook opens the built-in sample only when no image is open
    w.tabs.setCurrentWidget(page)
    tab_named("image").snapshot(w, page)
    assert not page.runner.is_running() and page.loaded.name == "stripes.png"
    assert page.outcome.png_size is not None and len(page.outcome.comparisons) == 2
    assert "computing" not in page.figures.text()
