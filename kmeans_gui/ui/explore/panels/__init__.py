"""Side-panel and playback widgets of the Explore tab."""

from .algorithm import AlgorithmPanel
from .dataset import DatasetPanel
from .playback import PlaybackBar
from .projection import ProjectionPanel

__all__ = ["AlgorithmPanel", "DatasetPanel", "PlaybackBar", "ProjectionPanel"]
