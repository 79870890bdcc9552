"""The Image tab: colour quantization of a photo, its palette and its colour cloud."""

from ..common.tab import Tab

__all__ = ["TAB"]

SNAPSHOT_SAMPLE = "flower.jpg"
SNAPSHOT_TIMEOUT_S = 120.0


def _models(window) -> dict:
    from ...state.image import ImageModel

    return {"image": ImageModel()}


def _page(window, models):
    from .quantize_tab import QuantizeTab

    return QuantizeTab(models["image"])


def _snapshot(window, page) -> None:
    """Open the built-in sample (unless an image is open or opening) and wait until every figure is in."""
    import time

    from PySide6.QtWidgets import QApplication

    if page.loaded is None and not page.model.loading:
        page.load_sample(SNAPSHOT_SAMPLE)
    deadline = time.monotonic() + SNAPSHOT_TIMEOUT_S
    while page.runner.is_running() or page.model.loading:
        if time.monotonic() > deadline:
            raise ValueError(f"the image tab did not finish within {SNAPSHOT_TIMEOUT_S:.0f} s")
        QApplication.processEvents()
        time.sleep(0.01)
    if page.outcome is None:
        raise ValueError(page.status.text().strip() or "the image could not be quantized")
    QApplication.processEvents()


TAB = Tab("image", "Image", _models, _page, _snapshot, message_is_status=True)
