"""``kmeans-gui filmstrip``: the first iterations of a run side by side in one PNG, for a slide.

``kmeans-gui filmstrip --dataset blobs --k 4 [--seed 0] [--panels 6] -o grid.png`` draws a grid
(6 panels as 2 rows x 3 columns by default) in which panel i, titled "Iteration i", shows the points
coloured by iteration i's assignment and the centroids after its update, each with a line from where
it was. When the run converged at iteration m < i, panel i shows the final state (iterating a
converged run changes nothing) and says "same as iteration m". Mini-batch k-means has no separate
assignment: panel i, titled "Batch i", is its i-th step (the batch ringed). ``--session FILE``
and ``--algorithm`` choose the run as for ``export-gif``.
"""

from __future__ import annotations

import argparse
import math
import sys
import time

from PIL import Image

from ..data.atomic import atomic_file
from ..engine.progress import Cancelled
from ..state.phases import is_final_assignment
from .frames import StatePainter, detail
from .run_csv import add_csv_output_arguments, csv_output_problem, write_run_csv
from .source import RunSource, add_source_arguments, load_source, output_problem, parse_size

__all__ = ["add_arguments", "run", "render_filmstrip", "grid_shape", "iteration_states", "panel_title"]

MAX_PANELS = 48


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_source_arguments(parser)
    parser.add_argument("--panels", type=int, default=6, help=f"iterations to show, 1 to {MAX_PANELS} (default 6)")
    parser.add_argument("--grid", metavar="ROWSxCOLUMNS", help="panel layout (default: 2x3 for 6, near 3:2 otherwise)")
    parser.add_argument("--panel-size", default="400x300", help="size of one panel WIDTHxHEIGHT (default 400x300)")
    parser.add_argument("--no-regions", action="store_true", help="do not shade the Voronoi regions")
    add_csv_output_arguments(parser)
    parser.add_argument("-o", "--output", required=True, help="PNG file to write")


def grid_shape(panels: int, text: str | None = None) -> tuple[int, int]:
    """(rows, columns) for ``panels``: ``text`` like "2x3", else about 1.5 columns per row."""
    if text is not None:
        try:
            rows, cols = (int(v) for v in text.lower().split("x"))
        except ValueError:
            raise ValueError(f"--grid {text!r} must look like 2x3") from None
        if rows < 1 or cols < 1 or rows * cols < panels:
            raise ValueError(f"--grid {text!r} holds {max(0, rows) * max(0, cols)} panels; {panels} are needed")
        return rows, cols
    rows = max(1, round(math.sqrt(panels / 1.5)))
    return rows, math.ceil(panels / rows)


def iteration_states(source: RunSource, panels: int, should_stop=None):
    """For iterations 1..panels: (state to draw, centres before its update or None).

    The state is the iteration's update (its assignment's labels, the moved centres), or its
    assignment when the run ended there. For mini-batch k-means, each step (batch) is one
    iteration. ``should_stop()`` is polled between states; True raises :class:`~kmeans_gui.engine.progress.Cancelled`.
    """
    picked = []
    before = None
    for state in source.steps(observe_init=False):
        if should_stop is not None and should_stop():
            raise Cancelled()
        if state.phase == "init":
            before = state.centers
        elif state.phase == "assign":
            if is_final_assignment(state) and picked:
                # The labelling pass after a tol stop belongs to the last iteration: its labels
                # match that iteration's centres.
                picked[-1] = (state, picked[-1][1])
                continue
            if state.iteration > panels:
                break
            before = state.centers
            picked.append((state, None))
        elif state.phase == "update":
            if not picked or picked[-1][0].iteration != state.iteration:  # mini-batch: no assign
                if state.iteration > panels:
                    break
                picked.append((state, before))
            else:
                picked[-1] = (state, before)
            before = state.centers
    return picked


def panel_title(source: RunSource, i: int) -> str:
    """ "Iteration i", or "Batch i" for mini-batch k-means (one step per batch)."""
    return f"{'Batch' if source.algorithm == 'minibatch' else 'Iteration'} {i}"


def render_filmstrip(source: RunSource, panels: int, panel_size: tuple[int, int], *, grid: str | None = None,
                     regions: bool = True, progress=None, should_stop=None) -> tuple[Image.Image, int]:
    """The grid image, and the iteration the run ended at if that is before ``panels``, else None.

    Parameters
    ----------
    source : RunSource
    panels : int
    panel_size : (int, int)
        Width and height of one panel; the sheet is ``cols * w + gaps`` by ``rows * h + gaps``.
    grid : str, optional
        "ROWSxCOLUMNS"; default :func:`grid_shape`'s.
    regions : bool
    progress : callable(fraction: float, message: str), optional
        Called after each panel.
    should_stop : callable() -> bool, optional
        Polled between states and panels; True raises :class:`~kmeans_gui.engine.progress.Cancelled`
        (or it raises its own).
    """
    states = iteration_states(source, panels, should_stop)
    rows, cols = grid_shape(panels, grid)
    painter = StatePainter(source, panel_size, regions=regions)
    pw, ph = panel_size
    gap = max(4, pw // 50)
    sheet = Image.new("RGB", (cols * pw + (cols - 1) * gap, rows * ph + (rows - 1) * gap), (235, 235, 235))
    last, _ = states[-1]
    ended = last.iteration if last.iteration < panels else None
    for i in range(panels):
        if should_stop is not None and should_stop():
            raise Cancelled()
        title = panel_title(source, i + 1)
        if i < len(states):
            state, before = states[i]
            panel = painter.render(state, title, detail(state), before)
        else:
            why = "converged" if last.converged else "stopped"
            what = panel_title(source, last.iteration).split()[0].lower()
            panel = painter.render(last, title, f"same as {what} {last.iteration}: the run {why}")
        r, c = divmod(i, cols)
        sheet.paste(panel, (c * (pw + gap), r * (ph + gap)))
        if progress is not None:
            progress((i + 1) / panels, f"Panel {i + 1} of {panels}")
    return sheet, ended


def _fail(message: str) -> int:
    print(f"kmeans-gui filmstrip: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    problem = output_problem(args.output, "-o", ".png") or csv_output_problem(args)
    if problem:
        return _fail(problem)
    if not 1 <= args.panels <= MAX_PANELS:
        return _fail(f"--panels {args.panels} must be from 1 to {MAX_PANELS}")
    try:
        panel_size = parse_size(args.panel_size, minimum=160, maximum=2000)
        if args.grid is not None:
            grid_shape(args.panels, args.grid)
        source = load_source(args)
        start = time.perf_counter()
        sheet, ended = render_filmstrip(source, args.panels, panel_size, grid=args.grid, regions=not args.no_regions)
        with atomic_file(args.output, "wb") as f:
            sheet.save(f, format="PNG", optimize=False)
        tables = write_run_csv(source, args.points_csv, args.centroids_csv)
    except (ValueError, OSError) as exc:
        return _fail(str(exc))
    for note in source.notes:
        print(f"note: {note}")
    if ended is not None:
        which = f"panel {args.panels} shows" if ended + 1 == args.panels else f"panels {ended + 1}-{args.panels} show"
        print(f"note: the run ended at iteration {ended}; {which} its final state")
    print(f"wrote {args.output} ({args.panels} panels, {sheet.width}x{sheet.height}) in {time.perf_counter() - start:.2f} s")
    for path in tables:
        print(f"wrote {path}")
    return 0

