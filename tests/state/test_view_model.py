"""The canvas' view options as a model."""

import pytest

from kmeans_gui.state.view import ViewOptions


def test_defaults_are_what_the_canvas_showed_before():
    assert ViewOptions().to_dict() == {
        "show_regions": True, "show_trails": True, "show_lines": False, "shade_uncertainty": True,
        "show_explanation": True,
        "brush_mode": False, "brush_radius_px": 30.0, "brush_density": 8, "play_speed": 4,
    }


def test_values_outside_the_widgets_ranges_are_refused():
    v = ViewOptions()
    with pytest.raises(ValueError, match="brush_radius_px"):
        v.brush_radius_px = 1000
    with pytest.raises(ValueError, match="brush_density"):
        v.brush_density = 0.5
    v.brush_radius_px = 12  # an int from a spin box is stored as a float
    assert v.brush_radius_px == 12.0 and isinstance(v.brush_radius_px, float)
