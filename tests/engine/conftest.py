import pytest

from kmeans_gui.engine import steps


@pytest.fixture(params=["dense", "bounded"])
def assigner(request, monkeypatch):
    """Run a test with both assignment strategies: small data normally takes the dense one."""
    monkeypatch.setattr(steps, "_SMALL_N", 10**12 if request.param == "dense" else 0)
    return request.param
