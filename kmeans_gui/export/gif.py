"""``kmeans-gui export-gif``: the whole run as an animated GIF, one frame per half-step.

``kmeans-gui export-gif --dataset blobs --k 4 [--seed 0] [--size 960x640] [--fps 4] -o run.gif``
(or ``--data FILE.csv [--columns a,b,c] [--label-column y]``, or ``--session FILE`` for the run of a
saved session; ``--algorithm minibatch|soft|gmm`` with ``--batch``, ``--beta``, ``--covariance``
for a variant, drawn as the canvas draws it). Each frame is captioned with its
half-step ("Iteration 2 - assign") and the figures below it; the last frame is held longer so a
looping slide shows where the run ended. GIF, not WebP or APNG: every slide program and browser
plays it, and with a few flat colours it is small; the frames share one palette built from the
cluster colours, so colours never flicker between frames. Drawn with Pillow, no Qt.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
from PIL import Image

from ..data.atomic import atomic_file
from ..engine.progress import Cancelled, Progress
from .frames import StatePainter, caption, detail
from .run_csv import add_csv_output_arguments, csv_output_problem, write_run_csv
from .source import RunSource, add_source_arguments, load_source, output_problem, parse_size

__all__ = ["add_arguments", "run", "render_frames", "write_gif"]

MAX_FRAMES = 200
#: The frames are held in memory until encoded (one shared palette): a size and length needing
#: more than this many bytes of them is refused before drawing (200 frames of 4096 x 4096 are 10 GB).
FRAME_MEMORY = 2_000_000_000


def frame_memory_problem(n_frames: int, size: tuple[int, int]) -> str | None:
    """Why ``n_frames`` frames of ``size`` (width, height) are too many to hold, or None."""
    needed = n_frames * size[0] * size[1] * 3
    if needed <= FRAME_MEMORY:
        return None
    return (f"{n_frames} frames of {size[0]} x {size[1]} would need {needed / 1e9:.1f} GB of memory while "
            f"they are drawn (at most {FRAME_MEMORY / 1e9:.0f} GB): choose a smaller size or fewer frames")
HOLD_LAST = 3  # the last frame shows this many frame-times


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_source_arguments(parser)
    parser.add_argument("--size", default="960x640", help="frame size WIDTHxHEIGHT (default 960x640)")
    parser.add_argument("--fps", type=float, default=4.0, help="frames per second, 0.5 to 50 (default 4)")
    parser.add_argument("--max-frames", type=int, default=MAX_FRAMES,
                        help=f"stop after this many half-steps (default {MAX_FRAMES})")
    parser.add_argument("--no-regions", action="store_true", help="do not shade the Voronoi regions")
    add_csv_output_arguments(parser)
    parser.add_argument("-o", "--output", required=True, help="GIF file to write")


def render_frames(source: RunSource, size: tuple[int, int], *, regions: bool = True, max_frames: int = MAX_FRAMES,
                  progress=None, should_stop=None, expected: int | None = None) -> tuple[list[Image.Image], bool]:
    """One picture per half-step of the run, at most ``max_frames``.

    Parameters
    ----------
    source : RunSource
    size : (int, int)
    regions : bool
    max_frames : int
    progress : callable(fraction: float, message: str), optional
        Called after each frame; the fraction is of ``expected`` (or ``max_frames``) frames.
    should_stop : callable() -> bool, optional
        Polled between frames; True raises :class:`~kmeans_gui.engine.progress.Cancelled` (or it raises
        its own, as ``TaskContext.check_cancelled`` does on a worker).
    expected : int, optional
        How many frames the run is known to make (the window knows its run's length), for
        ``progress``'s fraction.

    Returns
    -------
    frames : list of PIL.Image.Image (RGB)
    complete : bool
        False when the run had more half-steps than ``max_frames``.

    Raises
    ------
    ValueError
        When the frames drawn so far and the next would need more than :data:`FRAME_MEMORY`.
    """
    painter = StatePainter(source, size, regions=regions)
    frames: list[Image.Image] = []
    previous = None
    complete = True
    steps = Progress(progress, should_stop)
    for state in source.steps(observe_init=True):
        steps.check()
        if len(frames) == max_frames:
            complete = False
            break
        problem = frame_memory_problem(len(frames) + 1, size)
        if problem:  # the run is longer than its size allows: stop before memory runs out
            raise ValueError(problem)
        moved_from = previous if state.phase == "update" else None
        frames.append(painter.render(state, caption(state, source.k, source.init), detail(state), moved_from))
        previous = state.centers
        total = min(max_frames, expected) if expected else max_frames
        steps.report(min(1.0, len(frames) / total), f"Frame {len(frames)}: {caption(state, source.k, source.init)}")
    return frames, complete


def _shared_palette(frames: list[Image.Image], exact_colours) -> Image.Image:
    """One 256-colour palette for every frame: the drawing's own colours exactly (white, the
    cluster colours, their tints and outlines, the text), the rest learned from a few frames
    (the blends at the edges of discs and letters)."""
    exact = list(dict.fromkeys(tuple(int(v) for v in c) for c in exact_colours))[:200]
    picks = frames if len(frames) <= 4 else [frames[0], frames[len(frames) // 3], frames[2 * len(frames) // 3], frames[-1]]
    thumb_w, thumb_h = max(1, frames[0].width // 2), max(1, frames[0].height // 2)
    strip = Image.new("RGB", (thumb_w * len(picks), thumb_h), "white")
    for i, frame in enumerate(picks):
        strip.paste(frame.resize((thumb_w, thumb_h), Image.Resampling.NEAREST), (i * thumb_w, 0))
    learned = strip.quantize(colors=256 - len(exact), method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    learned_rgb = learned.getpalette()[: 3 * (256 - len(exact))]
    palette = [v for c in exact for v in c] + learned_rgb
    palette += [255] * (768 - len(palette))
    image = Image.new("P", (1, 1))
    image.putpalette(palette)
    return image


def _codes(frame: Image.Image) -> np.ndarray:
    rgb = np.asarray(frame, dtype=np.uint8)
    return (rgb[..., 0].astype(np.int32) << 16) | (rgb[..., 1].astype(np.int32) << 8) | rgb[..., 2]


def _to_palette(frames: list[Image.Image], palette: Image.Image) -> list[Image.Image]:
    """Each pixel to its nearest palette colour, exactly (Pillow's own mapping works at reduced
    precision and turns white into off-white), through one lookup table for all frames."""
    present = np.zeros(1 << 24, dtype=bool)
    for frame in frames:
        present[_codes(frame).ravel()] = True
    uniques = np.flatnonzero(present)
    colours = np.stack([(uniques >> 16) & 255, (uniques >> 8) & 255, uniques & 255], axis=1).astype(np.int32)
    table = np.asarray(palette.getpalette()[:768], dtype=np.int32).reshape(-1, 3)
    lookup = np.zeros(1 << 24, dtype=np.uint8)
    for start in range(0, len(uniques), 4096):
        d2 = ((colours[start:start + 4096, None, :] - table[None, :, :]) ** 2).sum(axis=2)
        lookup[uniques[start:start + 4096]] = np.argmin(d2, axis=1)
    out = []
    for frame in frames:
        indexed = Image.fromarray(lookup[_codes(frame)], "P")
        indexed.putpalette(palette.getpalette()[:768])
        out.append(indexed)
    return out


def write_gif(path, frames: list[Image.Image], fps: float, exact_colours=(), should_stop=None) -> int:
    """Write ``frames`` as a looping GIF at ``fps`` (the last frame held longer), atomically.

    ``exact_colours`` (RGB triples) are kept exactly in the shared palette. ``should_stop()`` is
    polled before the file is put in place: True raises :class:`~kmeans_gui.engine.progress.Cancelled` and leaves no
    file. Returns the file's size in bytes.
    """
    if not frames:
        raise ValueError("no frames to write")
    palette = _shared_palette(frames, exact_colours)
    indexed = _to_palette(frames, palette)
    frame_ms = max(20, int(round(1000.0 / fps / 10.0)) * 10)  # GIF counts in hundredths of a second
    durations = [frame_ms] * len(indexed)
    durations[-1] = frame_ms * HOLD_LAST
    with atomic_file(path, "wb") as f:
        indexed[0].save(f, format="GIF", save_all=True, append_images=indexed[1:], duration=durations,
                        loop=0, optimize=True, disposal=1)
        if should_stop is not None and should_stop():
            raise Cancelled()  # inside the atomic write: the temporary file is removed
    return os.path.getsize(path)


def _fail(message: str) -> int:
    print(f"kmeans-gui export-gif: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    problem = output_problem(args.output, "-o", ".gif") or csv_output_problem(args)
    if problem:
        return _fail(problem)
    if not 0.5 <= args.fps <= 50:
        return _fail(f"--fps {args.fps:g} must be from 0.5 to 50")
    if args.max_frames < 1:
        return _fail(f"--max-frames {args.max_frames} must be >= 1")
    try:
        size = parse_size(args.size)
        source = load_source(args)
        start = time.perf_counter()
        painter_colours = StatePainter.flat_colours(source.k)
        frames, complete = render_frames(source, size, regions=not args.no_regions, max_frames=args.max_frames)
        rendered = time.perf_counter()
        n_bytes = write_gif(args.output, frames, args.fps, painter_colours)
        tables = write_run_csv(source, args.points_csv, args.centroids_csv)
    except (ValueError, OSError) as exc:
        return _fail(str(exc))
    end = time.perf_counter()
    for note in source.notes:
        print(f"note: {note}")
    if not complete:
        print(f"note: the run has more than {args.max_frames} half-steps; the GIF shows the first {args.max_frames}")
    print(f"wrote {args.output} ({len(frames)} frames, {size[0]}x{size[1]}, {args.fps:g} fps, "
          f"{n_bytes / 1e6:.2f} MB) in {end - start:.2f} s (drawing {rendered - start:.2f} s, "
          f"GIF encoding {end - rendered:.2f} s)")
    for path in tables:
        print(f"wrote {path}")
    return 0
