"""Side-panel and playback widgets of the Explore tab."""

from .algorithm import AlgorithmPanel
from .dataset import DatasetPanel
from .playback import PlaybackBar

__all__ = ["AlgorithmPanel", "DatasetPanel", "PlaybackBar"]
