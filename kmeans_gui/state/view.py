"""The Explore canvas' view options: what is drawn besides the points, the brush, the playback speed."""

from __future__ import annotations

from .events import EventedModel, Field, boolean, number, whole_number

__all__ = ["ViewOptions"]


class ViewOptions(EventedModel):
    """Options of the canvas and its playback; the View menu, the Data panel's brush controls,
    the playback bar's speed and the canvas all bind to these fields, so they never disagree."""

    show_regions = Field(True, boolean, "shade each centroid's Voronoi region")
    show_trails = Field(True, boolean, "draw each centroid's path so far")
    show_lines = Field(False, boolean, "draw a line from every point to its centroid")
    shade_uncertainty = Field(True, boolean, "soft memberships: paler where a point is less sure of its cluster")
    show_explanation = Field(True, boolean, "show the 'What just happened?' text")
    brush_mode = Field(False, boolean, "a left drag sprays points instead of panning")
    brush_radius_px = Field(30.0, number(3, 200), "brush radius on screen, in pixels")
    brush_density = Field(8, whole_number(1, 100), "points sprayed per mouse move")
    play_speed = Field(4, whole_number(1, 30), "playback speed, half-steps per second")
