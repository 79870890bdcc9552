"""Fixes from a teacher's walkthrough of CSV import and export in a real window (issue 10)."""

import numpy as np

from conftest import wait_for_settled_view


def flat_3d_points():
    """Points spread along one direction: the second principal axis holds well under 1%."""
    rng = np.random.default_rng(0)
    t = rng.normal(size=200) * 100.0
    return np.column_stack([t, rng.normal(size=200) * 0.5, rng.normal(size=200) * 0.5])


def test_a_tiny_share_of_variance_shows_on_the_axis_rather_than_vanishing_as_html(make_window, qtbot):
    w = make_window(points=flat_3d_points())
    wait_for_settled_view(qtbot, w.canvas)
    assert w.state.projection.axis_titles[1] == "PC 2, <1% of variance"
    shown = w.canvas.plot.getAxis("left").label.toPlainText().strip()  # pyqtgraph pads for units
    assert shown == "PC 2, <1% of variance"


def test_the_convergence_chart_exports_as_a_png(make_window, qtbot, tmp_path):
    from PIL import Image

    from kmeans_gui.ui.common.export_dialog import render_widget, save_png

    w = make_window()
    w.state.ensure_all()
    image = render_widget(w.chart, 600)
    save_png(image, tmp_path / "chart.png")
    with Image.open(tmp_path / "chart.png") as im:
        assert im.width == 600
        colours = np.asarray(im.convert("RGB")).reshape(-1, 3)
        assert len(np.unique(colours, axis=0)) > 5  # the chart was drawn, not a blank page
