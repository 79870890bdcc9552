"""The Image tab's figures of a result, as the HTML its Figures box shows."""

from __future__ import annotations

from ...data.images import LoadedImage
from ...formatting import db, db_gain, size_ratio_text, size_text
from ...state.image import SPACE_LABELS, Outcome

__all__ = ["figures_html", "html_escaped"]


def figures_html(outcome: Outcome, loaded: LoadedImage | None) -> str:
    """The Figures box: colours, target, space, MSE, PSNR, Delta E, time, PNG size and Pillow's
    PSNR beside ours, as an HTML table."""
    r = outcome.result
    rows = [("Colours", f"{r.n_colors_before:,} → {r.n_colors_after}")]
    if outcome.search is not None:
        s = outcome.search
        mark = "✓" if s.reached else "✗ not reached"
        rows.append(("Target", f"{html_escaped(s.target)} {mark}<br>k = {s.k} ({len(s.tried)} k tried)"))
    space = SPACE_LABELS[r.space].split(" ")[0]
    if r.dithered:
        space += ", dithered" + (f" at {r.dither_strength:g}" if r.dither_strength < 1 else "")
    sampled = "" if r.delta_e_pixels >= r.indices.size else f" <small>({r.delta_e_pixels:,} px sampled)</small>"
    rows += [
        ("Space", space),
        ("MSE", f"{r.mse:.2f}"),
        ("PSNR", db(r.psnr)),
        ("Mean ΔE 2000", f"{r.delta_e:.2f}{sampled}"),
        ("Time", f"{r.seconds:.2f} s"),
    ]
    if outcome.png_size is not None:
        png = size_text(outcome.png_size)
        original = loaded.file_size if loaded else None
        ratio = size_ratio_text(outcome.png_size, original, downscaled=loaded.downscaled_from is not None)
        if ratio:
            png += f"<br>{ratio}"
            rows.append(("Original file", size_text(original)))
        rows.append(("Indexed PNG", png))
    else:
        rows.append(("Indexed PNG", "<i>computing…</i>"))
    for c in outcome.comparisons:
        rows.append((f"Pillow {c.name}", f"{db(c.psnr)}<br>k-means {db_gain(r.psnr, c.psnr, 'Pillow')}"))
    if not outcome.comparisons:
        rows.append(("Pillow", "<i>computing…</i>"))
    body = "".join(
        f"<tr><td style='padding-right:8px; color:#444'>{label}</td><td>{value}</td></tr>" for label, value in rows
    )
    return f"<table cellspacing='2'>{body}</table>"


def html_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
