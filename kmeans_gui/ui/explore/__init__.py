"""The Explore tab: the canvas, its side panels, playback, the convergence chart and the explanation."""

from ..common.tab import Tab

__all__ = ["TAB"]


def _models(window) -> dict:
    from ...state.view import ViewOptions

    return {"explore": window.state, "view": ViewOptions()}


def _page(window, models):
    from .page import ExplorePage

    return ExplorePage(models["explore"], models["view"])


TAB = Tab("explore", "Explore", _models, _page)
