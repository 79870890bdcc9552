"""The Choose k tab: a sweep over k with elbow, quality charts and a silhouette plot."""

from ..common.tab import Tab

__all__ = ["TAB"]


def _models(window) -> dict:
    from ...state.choose_k import ChooseKModel

    return {"choose_k": ChooseKModel(window.state)}


def _page(window, models):
    from .view import ChooseKView

    return ChooseKView(window.state, models["choose_k"])


def _snapshot(window, page) -> None:
    from PySide6.QtWidgets import QApplication

    if page.compute_now() is None:
        raise ValueError(page.status.text())
    QApplication.processEvents()


TAB = Tab("choose-k", "Choose k", _models, _page, _snapshot)
