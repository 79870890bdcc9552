"""``kmeans-gui quantize IN -k 16 -o OUT.png``: quantize an image headless and print the figures.

No Qt is imported. Bad input (unreadable image, bad k, unwritable output) prints one clear line
on stderr and exits with status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys

from .formatting import db, db_gain, size_ratio_text, size_text

__all__ = ["add_arguments", "run", "format_figures"]

ASCII_EXACT = "inf (exact)"  # the terminal may not print ∞


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="IN", help="image file (PNG, JPEG, GIF, BMP, TIFF, WebP...) "
                        "or a built-in sample: china.jpg, flower.jpg")
    parser.add_argument("-k", "--colors", type=int, default=None, metavar="K", help="palette size, 2..256 (default 16)")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--target-psnr", type=float, metavar="DB",
                        help="instead of -k: the fewest colours whose PSNR reaches DB (e.g. 30)")
    target.add_argument("--target-delta-e", type=float, metavar="DE",
                        help="instead of -k: the fewest colours whose mean Delta E 2000 is at most DE (e.g. 3)")
    parser.add_argument("--space", choices=("srgb", "lab", "oklab"), default="srgb",
                        help="colour space to cluster and match colours in: srgb (default), lab (CIELAB), oklab")
    parser.add_argument("--dither", action="store_true", help="Floyd-Steinberg dithering of the result")
    parser.add_argument("--dither-strength", type=float, metavar="S",
                        help="dither with this strength: the share 0..1 of each pixel's error passed on "
                             "(--dither alone is 1)")
    parser.add_argument("-o", "--output", metavar="OUT.png", help="where to write the indexed PNG")
    parser.add_argument("--method", choices=("sample", "full", "minibatch"), default="sample",
                        help="sample: k-means on a pixel sample refined on the whole image (default); "
                             "full: exact k-means on all pixels; minibatch: mini-batch k-means")
    parser.add_argument("--sample", type=int, default=10_000, metavar="N", help="pixels in the sample (default 10000)")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    parser.add_argument("--palette-csv", metavar="CSV", help="also write the palette (r,g,b,hex,pixels,share)")
    parser.add_argument("--palette-gpl", metavar="GPL", help="also write the palette as a GIMP palette")
    parser.add_argument("--palette-ase", metavar="ASE", help="also write the palette as Adobe Swatch Exchange")
    parser.add_argument("--palette-act", metavar="ACT", help="also write the palette as an Adobe Color Table")
    from .data.images import MAX_PIXELS

    parser.add_argument("--downscale", action="store_true",
                        help=f"open an image of more than {MAX_PIXELS / 1e6:g} MP downscaled to that many pixels "
                             "(without it, such an image is refused)")
    parser.add_argument("--no-compare", action="store_true", help="skip Pillow's median cut and octree")


def _fail(message: str) -> int:
    print(f"kmeans-gui quantize: error: {message}", file=sys.stderr)
    return 2


def _output_clash(args) -> str | None:
    """Why the outputs cannot be written where asked (one would overwrite the input), or None."""
    from .data.atomic import same_file

    named = [(option, path) for option, path in _outputs(args) if path]
    for option, path in named:
        if os.path.exists(args.input) and same_file(path, args.input):
            return f"{option} {path} is the input image itself; choose another output file name."
    for i, (option, path) in enumerate(named):
        for other, other_path in named[i + 1 :]:
            if same_file(path, other_path):
                return f"{option} and {other} name the same file ({path}); give them different names."
    return None


def _outputs(args) -> list[tuple[str, str | None]]:
    """Every output option and the path it names (None when not given)."""
    return [("-o", args.output), ("--palette-csv", args.palette_csv), ("--palette-gpl", args.palette_gpl),
            ("--palette-ase", args.palette_ase), ("--palette-act", args.palette_act)]


def format_figures(result, *, original_size: int | None, png_size: int | None, comparisons=(),
                   downscaled: bool = False) -> list[str]:
    """The figures as aligned "label  value" lines of text."""
    method = result.method + (f" (sample of {result.sample_size:,} pixels)" if result.method == "sample" else "")
    rows = [
        ("method", method),
        ("colours", f"{result.n_colors_before:,} before -> {result.n_colors_after} after (k = {result.n_colors})"),
        ("colour space", {"srgb": "sRGB", "lab": "CIELAB", "oklab": "OKLab"}[result.space]
                         + (", Floyd-Steinberg dithering" if result.dithered else "")
                         + (f" at strength {result.dither_strength:g}" if 0 < result.dither_strength < 1 else "")),
        ("MSE", f"{result.mse:.2f}"),
        ("PSNR", db(result.psnr, ASCII_EXACT)),
        ("mean Delta E 2000", f"{result.delta_e:.2f}" + ("" if result.delta_e_pixels >= result.indices.size
                                                         else f" (on {result.delta_e_pixels:,} sampled pixels)")),
        ("time", f"{result.seconds:.2f} s"),
    ]
    if png_size is not None:
        size = size_text(png_size)
        ratio = size_ratio_text(png_size, original_size, downscaled=downscaled)
        if ratio:
            size += f" vs original {size_text(original_size)}: {ratio}"
        rows.append(("indexed PNG", size))
    for c in comparisons:
        rows.append((f"Pillow {c.name}", f"PSNR {db(c.psnr, ASCII_EXACT)} (k-means "
                                         f"{db_gain(result.psnr, c.psnr, 'Pillow', ascii=True)}), "
                                         f"{c.palette.shape[0]} colours, {c.seconds:.2f} s"))
    lines = [f"{label:<19s}{value}" for label, value in rows]
    return lines


def run(args) -> int:
    from .data.atomic import atomic_write_all
    from .data.images import SAMPLE_IMAGES, ImageLoadError, ImageTooLargeError, load_image, sample_image
    from .engine.quantize import indexed_png_bytes, pillow_quantize, quantize, write_palette_csv

    searching = args.target_psnr is not None or args.target_delta_e is not None
    if searching and args.colors is not None:
        return _fail("give -k or a target (--target-psnr, --target-delta-e), not both.")
    if args.colors is None:
        args.colors = 16
    if not 2 <= args.colors <= 256:
        return _fail(f"-k {args.colors}: k must be from 2 to 256 (an indexed PNG holds at most 256 colours).")
    k_floor = 256 if searching else args.colors
    if args.sample < k_floor:
        return _fail(f"--sample {args.sample}: the sample needs at least {'256 (the largest k a target search tries)' if searching else f'k = {args.colors}'} pixels.")
    if args.method == "minibatch" and args.space != "srgb":
        return _fail(f"--method minibatch works in sRGB only; use --method sample or full with --space {args.space}.")
    if args.dither_strength is not None and not 0 < args.dither_strength <= 1:
        return _fail(f"--dither-strength {args.dither_strength:g}: the strength must be above 0 and at most 1.")
    dither = args.dither_strength if args.dither_strength is not None else args.dither
    if searching and args.method != "sample":
        return _fail(f"--method {args.method} cannot be combined with a target; the search fits samples itself.")
    for option, path in _outputs(args)[1:]:
        if path and os.path.isdir(path):
            return _fail(f"{option} {path} is a folder; give a file name.")
    if args.seed < 0:
        return _fail(f"--seed {args.seed}: the seed must be a whole number, 0 or more.")
    if args.output and os.path.isdir(args.output):
        return _fail(f"-o {args.output} is a folder; give a file name such as out.png.")
    out_dir = os.path.dirname(os.path.abspath(args.output)) if args.output else None
    if out_dir and not os.path.isdir(out_dir):
        return _fail(f"-o {args.output}: the folder {out_dir} does not exist.")
    clash = _output_clash(args)
    if clash:
        return _fail(clash)
    try:
        if not os.path.exists(args.input) and args.input in SAMPLE_IMAGES:
            loaded = sample_image(args.input)
        else:
            loaded = load_image(args.input, downscale=args.downscale)
    except ImageTooLargeError as exc:
        return _fail(f"{exc} Add --downscale to quantize it at that size.")
    except ImageLoadError as exc:
        return _fail(str(exc))

    for note in loaded.notes:
        print(f"note: {note}")
    print(f"{'image':<19s}{loaded.name}: {loaded.width} x {loaded.height} ({loaded.width * loaded.height / 1e6:.2f} MP)")
    try:
        if searching:
            from .engine.quantize_target import quantize_to_target

            search = quantize_to_target(loaded.pixels, psnr=args.target_psnr, delta_e=args.target_delta_e,
                                        space=args.space, dither=dither, seed=args.seed,
                                        sample_size=args.sample)
            result = search.result
            args.colors = search.k
            print(f"{'target':<19s}{search.target}: {'reached' if search.reached else 'NOT reached'} at k = "
                  f"{search.k} ({len(search.tried)} values of k tried, {search.seconds:.2f} s)")
        else:
            result = quantize(loaded.pixels, args.colors, method=args.method, sample_size=args.sample,
                              seed=args.seed, space=args.space, dither=dither)
    except ValueError as exc:
        return _fail(str(exc))
    for note in result.notes:
        print(f"note: {note}")

    png = indexed_png_bytes(result.indices, result.palette)
    # Both files or neither: a PNG without the palette CSV that was asked for is not success.
    outputs = []
    if args.output:
        outputs.append((args.output, lambda f: f.write(png)))
    if args.palette_csv:
        outputs.append((args.palette_csv, lambda f: write_palette_csv(f, result.palette, result.counts), True))
    from .data.palette_files import act_bytes, ase_bytes, gpl_text

    name = f"{os.path.splitext(loaded.name)[0]} {result.n_colors_after}"
    if args.palette_gpl:
        outputs.append((args.palette_gpl, lambda f: f.write(gpl_text(result.palette, name)), True))
    if args.palette_ase:
        outputs.append((args.palette_ase, lambda f: f.write(ase_bytes(result.palette))))
    if args.palette_act:
        outputs.append((args.palette_act, lambda f: f.write(act_bytes(result.palette))))
    try:
        atomic_write_all(outputs)
    except OSError as exc:
        failed = exc.filename or outputs[0][0]
        written = "nothing was written" if len(outputs) > 1 else "the file was not written"
        return _fail(f"cannot write {os.path.basename(str(failed))}: {exc.strerror or exc} ({written}).")
    comparisons = () if args.no_compare else [
        pillow_quantize(loaded.pixels, args.colors, m, dither=result.dither_strength) for m in ("median cut", "fast octree")
    ]
    for line in format_figures(result, original_size=loaded.file_size, png_size=len(png), comparisons=comparisons,
                               downscaled=loaded.downscaled_from is not None):
        print(line)
    if args.output:
        print(f"{'wrote':<19s}{args.output}")
    return 0
