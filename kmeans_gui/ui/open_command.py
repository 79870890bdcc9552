"""``kmeans-gui open FILE``: the window with a session (the same as ``kmeans-gui FILE``)."""

from __future__ import annotations

import argparse

from .app import add_open_arguments, run

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_open_arguments(parser)
