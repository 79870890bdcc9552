import pytest

from kmeans_gui.engine import _assign, _kernels

ASSIGNERS = ["dense", "bounded"] + (["compiled"] if _kernels.available(wait=True) else [])


@pytest.fixture(params=ASSIGNERS)
def assigner(request, monkeypatch):
    """Run a test with every assignment strategy: small data normally take only one of them."""
    monkeypatch.setattr(_assign, "ASSIGNER", request.param)
    return request.param
