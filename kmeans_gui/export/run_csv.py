"""``--points-csv`` and ``--centroids-csv``: the run's final clustering as CSV, from any picture command.

Points are written in the file's own units (standardisation undone) with their final cluster and,
when the table had a label column, their true label; centroids with their cluster's size. Both files
are written atomically by :mod:`kmeans_gui.data.export_csv`.
"""

from __future__ import annotations

import argparse

import numpy as np

from ..data.export_csv import write_centroids_csv, write_points_csv
from ..engine import run_to_end
from .source import RunSource, output_problem

__all__ = ["add_csv_output_arguments", "csv_output_problem", "write_run_csv", "write_state_csv"]


def add_csv_output_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--points-csv", metavar="FILE.csv",
                        help="also write every point with its final cluster (and true label) as CSV")
    parser.add_argument("--centroids-csv", metavar="FILE.csv", help="also write the final centroids as CSV")


def csv_output_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the CSV outputs asked for (a folder, a missing folder), else None."""
    for option in ("points_csv", "centroids_csv"):
        path = getattr(args, option, None)
        if path:
            problem = output_problem(path, f"--{option.replace('_', '-')}", ".csv")
            if problem:
                return problem
    return None


def write_run_csv(source: RunSource, points_path: str | None, centroids_path: str | None) -> list[str]:
    """Run ``source`` to its end and write the CSV files asked for; returns the paths written."""
    if not points_path and not centroids_path:
        return []
    return write_state_csv(source, run_to_end(source.steps(observe_init=False)), points_path, centroids_path)


def write_state_csv(source: RunSource, state, points_path: str | None, centroids_path: str | None) -> list[str]:
    """Write one half-step's clustering of ``source``: the points with ``state.labels`` (and
    their true labels), and ``state.centers`` with their clusters' sizes. Each file is written
    atomically; returns the paths written.

    Raises
    ------
    ValueError
        The state has no labels yet (before the first assignment).
    """
    if state.labels is None:
        raise ValueError("no point has a cluster yet: step the run to its first assignment")
    labels = np.asarray(state.labels)
    written = []
    if points_path:
        write_points_csv(points_path, source.in_file_units(source.X), labels, columns=source.names,
                         true_labels=source.true_labels,
                         label_names=(source.label_names or None) if source.true_labels is not None else None)
        written.append(points_path)
    if centroids_path:
        sizes = np.bincount(labels, minlength=state.centers.shape[0])
        write_centroids_csv(centroids_path, source.in_file_units(state.centers), columns=source.names, sizes=sizes)
        written.append(centroids_path)
    return written
