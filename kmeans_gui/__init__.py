"""kmeans-gui: watch k-means think. The engine lives in :mod:`kmeans_gui.engine`."""

__version__ = "0.1.0"
__license__ = "MIT"
