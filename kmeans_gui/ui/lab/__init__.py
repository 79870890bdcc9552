"""The lab's tabs: Failures (where k-means fails and what works instead) and Restarts (how much
the start matters), over the models in :mod:`kmeans_gui.state.lab`."""

from ..common.tab import Tab

__all__ = ["TABS"]


def _failures_models(window) -> dict:
    from ...state.lab import FailuresModel

    return {"failures": FailuresModel(window.state)}


def _restarts_models(window) -> dict:
    from ...state.lab import RestartsModel

    return {"restarts": RestartsModel(window.state)}


def _show_explore(window) -> None:
    window.tabs.setCurrentWidget(window.pages["explore"])


def _failures_page(window, models):
    from .failures_view import FailuresView

    page = FailuresView(models["failures"])
    page.open_explore.connect(lambda: _show_explore(window))
    return page


def _restarts_page(window, models):
    from .restarts_view import RestartsView

    page = RestartsView(models["restarts"])
    page.open_explore.connect(lambda: _show_explore(window))
    return page


def _snapshot(window, page) -> None:
    from PySide6.QtWidgets import QApplication

    if page.compute_now() is None:
        raise ValueError(page.status.text())
    QApplication.processEvents()


TABS = (
    Tab("failures", "Failures", _failures_models, _failures_page, _snapshot),
    Tab("restarts", "Restarts", _restarts_models, _restarts_page, _snapshot),
)
