"""Plain-text figures shared by the Image tab and ``kmeans-gui quantize``."""

from __future__ import annotations

__all__ = ["db", "size_text"]


def db(value: float, exact: str = "∞ (exact)") -> str:
    """A PSNR in decibels; ``exact`` stands for an infinite PSNR (the terminal uses ASCII)."""
    return exact if value == float("inf") else f"{value:.2f} dB"


def size_text(n: int | None) -> str:
    """A byte count as KiB below one MiB, else MiB; ``"?"`` when unknown."""
    if n is None:
        return "?"
    return f"{n / 1024:.1f} KiB" if n < 1024**2 else f"{n / 1024**2:.2f} MiB"
