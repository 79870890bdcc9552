"""Plain-text figures shared by the Image tab and ``kmeans-gui quantize``."""

from __future__ import annotations

__all__ = ["db", "db_gain", "size_text", "size_ratio_text"]


def db(value: float, exact: str = "∞ (exact)") -> str:
    """A PSNR in decibels; ``exact`` stands for an infinite PSNR (the terminal uses ASCII)."""
    return exact if value == float("inf") else f"{value:.2f} dB"


def db_gain(ours: float, theirs: float, other: str, *, ascii: bool = False) -> str:
    """How far our PSNR is above (or below) ``other``'s, e.g. "+1.23 dB".

    An infinite PSNR is an exact copy (an image of no more colours than the palette): when both
    are, "lossless, as {other}" (inf - inf would print "nan dB"); when one is, in words too.
    ``ascii`` writes "-" and "inf" for a terminal; otherwise the minus sign and "∞".
    """
    inf = float("inf")
    minus, infinity = ("-", "inf") if ascii else ("−", "∞")
    if ours == inf and theirs == inf:
        return f"lossless, as {other}"
    if ours == inf:
        return f"+{infinity} dB (lossless; {other} is not)"
    if theirs == inf:
        return f"{minus}{infinity} dB ({other} is lossless)"
    delta = ours - theirs
    return f"{'+' if delta >= 0 else minus}{abs(delta):.2f} dB"


def size_text(n: int | None) -> str:
    """A byte count as KiB below one MiB, else MiB; ``"?"`` when unknown."""
    if n is None:
        return "?"
    return f"{n / 1024:.1f} KiB" if n < 1024**2 else f"{n / 1024**2:.2f} MiB"


def size_ratio_text(size: int, original_size: int | None, *, downscaled: bool = False) -> str | None:
    """How an output's size compares with the original file's, as it is (larger or smaller).

    None when the original size is unknown. An indexed PNG is lossless, so it can be larger
    than a (lossy) JPEG of the same picture; and a downscaled image cannot be compared at all.
    """
    if not original_size:
        return None
    if downscaled:
        return "not comparable: the original file holds the full-size image"
    percent = 100.0 * size / original_size
    return f"{percent:.0f}% of the original file" + (" (larger)" if size > original_size else "")
