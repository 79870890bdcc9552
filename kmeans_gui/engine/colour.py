"""Colour spaces for quantization: sRGB, CIELAB (D65) and OKLab, and the CIEDE2000 colour difference.

Plain NumPy, no colour library: quantization converts the image's *distinct* colours (or a few
thousand histogram cells), never every pixel, so what matters is a cheap conversion of a few
hundred thousand colours, which this does in float64 at the accuracy of the references:

- CIELAB follows scikit-image's ``rgb2lab``/``lab2rgb`` constant for constant (IEC 61966-2-1
  transfer curve, its sRGB -> XYZ matrix, white point D65 2 degrees ``(0.95047, 1, 1.08883)``
  and its CIE cut-offs 0.008856 / 7.787), so values agree with it to about 1e-12.
- OKLab is Bjoern Ottosson's (2020) definition from linear sRGB; the inverse matrices are the
  exact inverses of the forward ones, so a round trip is exact to rounding.
- :func:`delta_e_2000` is CIEDE2000 as written by Sharma, Wu and Dalal (2005), checked on their
  published test pairs.

``benchmarks/bench_quantize.py --colour`` times these against scikit-image at 12 MP.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "SPACES",
    "srgb_to_linear",
    "linear_to_srgb",
    "srgb_to_lab",
    "lab_to_srgb",
    "srgb_to_oklab",
    "oklab_to_srgb",
    "to_space",
    "palette_from_space",
    "delta_e_2000",
    "check_space",
]

#: Colour spaces k-means can work in. "srgb" is the 0..255 values themselves.
SPACES = ("srgb", "lab", "oklab")

# IEC 61966-2-1 matrix as scikit-image writes it (its ``xyz_from_rgb``).
_XYZ_FROM_LINEAR = np.array(
    [
        [0.412453, 0.357580, 0.180423],
        [0.212671, 0.715160, 0.072169],
        [0.019334, 0.119193, 0.950227],
    ]
)
_LINEAR_FROM_XYZ = np.linalg.inv(_XYZ_FROM_LINEAR)
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883])
_LAB_EPSILON = 0.008856  # CIE cut-off as scikit-image uses it (216/24389 rounded)
_LAB_KAPPA = 7.787  # slope of the linear part, (24389/27)/116 rounded, as in scikit-image
_LAB_F_CUT = 0.2068966  # scikit-image's inverse cut-off, 6/29 rounded

# Ottosson (2020), https://bottosson.github.io/posts/oklab/: linear sRGB -> LMS -> OKLab.
_LMS_FROM_LINEAR = np.array(
    [
        [0.4122214708, 0.5363325363, 0.0514459929],
        [0.2119034982, 0.6806995451, 0.1073969566],
        [0.0883024619, 0.2817188376, 0.6299787005],
    ]
)
_OKLAB_FROM_LMS_ = np.array(
    [
        [0.2104542553, 0.7936177850, -0.0040720468],
        [1.9779984951, -2.4285922050, 0.4505937099],
        [0.0259040371, 0.7827717662, -0.8086757660],
    ]
)
_LMS__FROM_OKLAB = np.linalg.inv(_OKLAB_FROM_LMS_)
_LINEAR_FROM_LMS = np.linalg.inv(_LMS_FROM_LINEAR)

#: Linear value of each 8-bit sRGB code: converting uint8 colours is a lookup, not a power.
_LINEAR_OF_BYTE = None


def check_space(space) -> str:
    """Return ``space`` if it names a colour space of :data:`SPACES`, else raise ValueError."""
    if space not in SPACES:
        raise ValueError(f"space={space!r} must be one of {SPACES} (sRGB values, CIELAB or OKLab).")
    return space


def _as_unit_float(rgb) -> np.ndarray:
    """uint8 0..255 or float 0..1 sRGB -> float64 0..1, shape kept."""
    arr = np.asarray(rgb)
    if arr.shape[-1:] != (3,):
        raise ValueError(f"Colours must have 3 channels in their last axis; got shape {arr.shape}.")
    if arr.dtype == np.uint8:
        return arr.astype(np.float64) / 255.0
    if not np.issubdtype(arr.dtype, np.floating):
        raise TypeError(f"Colours must be uint8 (0..255) or float (0..1); got dtype {arr.dtype}.")
    return arr.astype(np.float64)


def srgb_to_linear(rgb) -> np.ndarray:
    """sRGB (uint8 0..255 or float 0..1) -> linear-light RGB, float64, shape (..., 3).

    uint8 input goes through a 256-entry table, so it costs a gather per value.
    """
    global _LINEAR_OF_BYTE
    arr = np.asarray(rgb)
    if arr.dtype == np.uint8:
        if _LINEAR_OF_BYTE is None:
            _LINEAR_OF_BYTE = _decode(np.arange(256) / 255.0)
        if arr.shape[-1:] != (3,):
            raise ValueError(f"Colours must have 3 channels in their last axis; got shape {arr.shape}.")
        return _LINEAR_OF_BYTE[arr]
    return _decode(_as_unit_float(arr))


def _decode(c: np.ndarray) -> np.ndarray:
    return np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)


def linear_to_srgb(linear) -> np.ndarray:
    """Linear-light RGB -> sRGB float 0..1 (clipped to the gamut), shape (..., 3)."""
    c = np.clip(np.asarray(linear, dtype=np.float64), 0.0, 1.0)
    return np.where(c > 0.0031308, 1.055 * c ** (1 / 2.4) - 0.055, c * 12.92)


def srgb_to_lab(rgb) -> np.ndarray:
    """sRGB (uint8 or float 0..1) -> CIELAB (D65, 2 degrees), float64, shape (..., 3).

    L is 0..100; a and b are roughly -128..127 for sRGB colours. Equals scikit-image's
    ``skimage.color.rgb2lab`` to rounding.
    """
    t = srgb_to_linear(rgb) @ (_XYZ_FROM_LINEAR.T / _WHITE_D65)
    small = t <= _LAB_EPSILON
    f = np.cbrt(t)
    f[small] = _LAB_KAPPA * t[small] + 16.0 / 116.0
    out = np.empty_like(f)
    out[..., 0] = 116.0 * f[..., 1] - 16.0
    out[..., 1] = 500.0 * (f[..., 0] - f[..., 1])
    out[..., 2] = 200.0 * (f[..., 1] - f[..., 2])
    return out


def lab_to_srgb(lab) -> np.ndarray:
    """CIELAB (D65) -> sRGB float 0..1, clipped to the gamut, shape (..., 3).

    The inverse of :func:`srgb_to_lab` (scikit-image's ``lab2rgb``), for in-gamut colours.
    """
    lab = np.asarray(lab, dtype=np.float64)
    fy = (lab[..., 0] + 16.0) / 116.0
    f = np.stack([fy + lab[..., 1] / 500.0, fy, np.maximum(fy - lab[..., 2] / 200.0, 0.0)], axis=-1)
    big = f > _LAB_F_CUT
    t = (f - 16.0 / 116.0) / _LAB_KAPPA
    t[big] = f[big] ** 3
    return linear_to_srgb((t * _WHITE_D65) @ _LINEAR_FROM_XYZ.T)


def srgb_to_oklab(rgb) -> np.ndarray:
    """sRGB (uint8 or float 0..1) -> OKLab, float64, shape (..., 3). L is 0..1."""
    lms = srgb_to_linear(rgb) @ _LMS_FROM_LINEAR.T
    return np.cbrt(lms) @ _OKLAB_FROM_LMS_.T


def oklab_to_srgb(oklab) -> np.ndarray:
    """OKLab -> sRGB float 0..1, clipped to the gamut, shape (..., 3)."""
    lms_ = np.asarray(oklab, dtype=np.float64) @ _LMS__FROM_OKLAB.T
    return linear_to_srgb((lms_**3) @ _LINEAR_FROM_LMS.T)


# Scale of each space relative to sRGB's 0..255, so that k-means tolerances and sample
# distances mean about the same in each (Lab's L runs 0..100, OKLab's 0..1).
_TO_SPACE = {
    "srgb": lambda rgb: _as_unit_float(rgb) * 255.0,
    "lab": srgb_to_lab,
    "oklab": lambda rgb: srgb_to_oklab(rgb) * 100.0,
}
_FROM_SPACE = {
    "srgb": lambda x: np.clip(np.asarray(x, dtype=np.float64) / 255.0, 0.0, 1.0),
    "lab": lab_to_srgb,
    "oklab": lambda x: oklab_to_srgb(np.asarray(x, dtype=np.float64) / 100.0),
}


def to_space(rgb, space: str) -> np.ndarray:
    """sRGB colours (uint8, or float 0..1) -> coordinates k-means works on, float64 (..., 3).

    "srgb": the 0..255 values; "lab": CIELAB; "oklab": OKLab times 100 (L 0..100, like Lab).
    """
    return _TO_SPACE[check_space(space)](rgb)


def palette_from_space(centers, space: str) -> np.ndarray:
    """Centres in ``space`` (see :func:`to_space`) -> the nearest 8-bit sRGB colours, (m, 3) uint8.

    Out-of-gamut centres are clipped per channel.
    """
    unit = _FROM_SPACE[check_space(space)](centers)
    return np.clip(np.rint(unit * 255.0), 0, 255).astype(np.uint8)


def delta_e_2000(lab1, lab2) -> np.ndarray:
    """CIEDE2000 colour difference between CIELAB colours, shape broadcast of (..., 3) -> (...).

    Sharma, Wu and Dalal (2005), "The CIEDE2000 color-difference formula: implementation notes,
    supplementary test data, and mathematical observations", Color Res. Appl. 30(1), with
    kL = kC = kH = 1. Hue angles are in radians internally.
    """
    lab1 = np.asarray(lab1, dtype=np.float64)
    lab2 = np.asarray(lab2, dtype=np.float64)
    L1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    L2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]

    c_bar7 = ((np.hypot(a1, b1) + np.hypot(a2, b2)) / 2.0) ** 7
    g = 0.5 * (1.0 - np.sqrt(c_bar7 / (c_bar7 + 25.0**7)))
    a1p, a2p = (1.0 + g) * a1, (1.0 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    two_pi = 2.0 * np.pi
    h1p = np.mod(np.arctan2(b1, a1p), two_pi)  # atan2(0, 0) = 0, as the paper asks
    h2p = np.mod(np.arctan2(b2, a2p), two_pi)
    chroma_product = c1p * c2p
    achromatic = chroma_product == 0

    dh = h2p - h1p
    dh = np.where(dh > np.pi, dh - two_pi, np.where(dh < -np.pi, dh + two_pi, dh))
    dh = np.where(achromatic, 0.0, dh)
    d_lp = L2 - L1
    d_cp = c2p - c1p
    d_hp = 2.0 * np.sqrt(chroma_product) * np.sin(dh / 2.0)

    l_bar = (L1 + L2) / 2.0
    c_bar_p = (c1p + c2p) / 2.0
    h_sum = h1p + h2p
    h_bar = np.where(
        np.abs(h1p - h2p) <= np.pi, h_sum / 2.0, np.where(h_sum < two_pi, h_sum / 2.0 + np.pi, h_sum / 2.0 - np.pi)
    )
    h_bar = np.where(achromatic, h_sum, h_bar)

    deg = np.pi / 180.0
    t = (
        1.0
        - 0.17 * np.cos(h_bar - 30.0 * deg)
        + 0.24 * np.cos(2.0 * h_bar)
        + 0.32 * np.cos(3.0 * h_bar + 6.0 * deg)
        - 0.20 * np.cos(4.0 * h_bar - 63.0 * deg)
    )
    d_theta = 30.0 * deg * np.exp(-(((h_bar / deg - 275.0) / 25.0) ** 2))
    c_bar_p7 = c_bar_p**7
    r_c = 2.0 * np.sqrt(c_bar_p7 / (c_bar_p7 + 25.0**7))
    l50 = (l_bar - 50.0) ** 2
    s_l = 1.0 + 0.015 * l50 / np.sqrt(20.0 + l50)
    s_c = 1.0 + 0.045 * c_bar_p
    s_h = 1.0 + 0.015 * c_bar_p * t
    r_t = -np.sin(2.0 * d_theta) * r_c
    dl, dc, dhh = d_lp / s_l, d_cp / s_c, d_hp / s_h
    return np.sqrt(dl * dl + dc * dc + dhh * dhh + r_t * dc * dhh)
