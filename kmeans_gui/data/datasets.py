"""Built-in datasets for the explorer, each a seeded function of plain parameters.

All are 2-D except Iris (4-D) and Wine (13-D), which are what they really are: the explorer
clusters them in full and shows them through PCA. Everything except Iris, Wine and the tutorial's
datasets is generated with NumPy, so opening the app does not pay for importing scikit-learn; Iris
and Wine load scikit-learn's bundled copies. Iris is kept in its own units (four lengths in cm);
Wine's thirteen measurements have unrelated units (proline runs to 1,680, hue to 1.7), so it is
standardised (each feature mean 0, sd 1) lest proline alone decide the clusters. The three
"tutorial" datasets are the exact calls of the "K-Means from Scratch" tutorial (scikit-learn's
``make_blobs``, ``make_moons``, ``make_circles`` with ``random_state=42``): fixed data, whatever
the seed, so the tutorial's figures come out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DATASETS", "DatasetInfo", "make_dataset", "make_labelled_dataset", "dataset_names", "dataset_features"]


@dataclass(frozen=True)
class DatasetInfo:
    """How a dataset appears in the GUI and which of the shared options it uses."""

    name: str
    label: str
    uses_n: bool = True
    uses_centers: bool = False
    uses_spread: bool = False
    suggested_k: int = 3

    def options(self, *, seed: int | None = 0, n: int = 600, centers: int = 4, spread: float = 1.0) -> dict:
        """The :func:`make_dataset` keyword options this dataset uses, out of all of them."""
        opts: dict = {"seed": seed}
        for key, used, value in (("n", self.uses_n, n), ("centers", self.uses_centers, centers),
                                 ("spread", self.uses_spread, spread)):
            if used:
                opts[key] = value
        return opts


DATASETS: dict[str, DatasetInfo] = {
    info.name: info
    for info in (
        DatasetInfo("blobs", "Blobs", uses_centers=True, uses_spread=True, suggested_k=4),
        DatasetInfo("moons", "Moons", uses_spread=True, suggested_k=2),
        DatasetInfo("circles", "Circles", uses_spread=True, suggested_k=2),
        DatasetInfo("anisotropic", "Anisotropic blobs", uses_centers=True, uses_spread=True),
        DatasetInfo("unequal-variance", "Unequal variance", uses_centers=True, uses_spread=True),
        DatasetInfo("unequal-sizes", "Unequal sizes", uses_centers=True, uses_spread=True),
        DatasetInfo("uniform", "Uniform noise", suggested_k=4),
        DatasetInfo("iris", "Iris (4-D, shown by PCA)", uses_n=False),
        DatasetInfo("wine", "Wine (13-D, standardised)", uses_n=False),
        DatasetInfo("tutorial-blobs", "Tutorial blobs", uses_n=False, suggested_k=4),
        DatasetInfo("tutorial-moons", "Tutorial moons", uses_n=False, suggested_k=2),
        DatasetInfo("tutorial-circles", "Tutorial circles", uses_n=False, suggested_k=2),
        DatasetInfo("large", "Large: 200,000 points", uses_n=False, uses_centers=True, uses_spread=True,
                    suggested_k=8),
        DatasetInfo("empty", "Empty: draw your own", uses_n=False),
    )
}


def dataset_names() -> list[str]:
    return list(DATASETS)


def dataset_features(name: str) -> tuple[str, ...] | None:
    """The feature names of a dataset with named columns (Iris, Wine); None for the x, y ones."""
    if name == "iris":
        from sklearn.datasets import load_iris

        return tuple(load_iris().feature_names)
    if name == "wine":
        from sklearn.datasets import load_wine

        return tuple(load_wine().feature_names)
    return None


def make_dataset(
    name: str, n: int = 600, centers: int = 4, spread: float = 1.0, seed: int | None = 0
) -> np.ndarray:
    """Generate a dataset by name.

    Parameters
    ----------
    name : str
        One of :data:`DATASETS` (e.g. "blobs", "moons", "iris", "empty").
    n : int
        Number of points (ignored by Iris, Wine, the tutorial's datasets, Large and Empty, whose size is fixed).
    centers : int
        Number of blobs for the blob-like datasets.
    spread : float
        Noise scale: 1.0 is the default look; larger values blur the structure.
    seed : int or None
        Ignored by the tutorial's datasets (always ``random_state=42``, as in the tutorial).

    Returns
    -------
    ndarray of shape (n_points, d), float64
        d is 2, except for Iris (4) and Wine (13).
    """
    return make_labelled_dataset(name, n, centers, spread, seed)[0]


def make_labelled_dataset(
    name: str, n: int = 600, centers: int = 4, spread: float = 1.0, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray | None]:
    """A dataset by name with the group each point was drawn from (the "true" clusters).

    The same points as :func:`make_dataset` with the same arguments.

    Returns
    -------
    X : ndarray of shape (n_points, d), float64 (d = 2; 4 for Iris, 13 for Wine)
    y : ndarray of shape (n_points,), int64, or None
        The blob, moon, ring or class of each point; None for data with no groups (uniform noise,
        the empty canvas).
    """
    if name not in DATASETS:
        raise ValueError(f"Unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}.")
    n = int(n)
    if DATASETS[name].uses_n and n < 1:
        raise ValueError(f"n={n} must be at least 1.")
    if int(centers) < 1:
        raise ValueError(f"centers={centers} must be at least 1.")
    if not np.isfinite(spread) or spread < 0:
        raise ValueError(f"spread={spread} must be a finite number >= 0.")
    rng = np.random.default_rng(seed)
    maker = _MAKERS[name]
    X, y = maker(rng, n, int(centers), float(spread))
    y = None if y is None else np.asarray(y, dtype=np.int64)
    return np.ascontiguousarray(X, dtype=np.float64), y


def _centres(rng, centers):
    # Rejection keeps centres apart, so "blobs" look like blobs rather than one smear.
    out = []
    for _ in range(1000 * centers):
        c = rng.uniform(-10, 10, size=2)
        if all(np.hypot(*(c - o)) > 5.0 for o in out):
            out.append(c)
            if len(out) == centers:
                break
    while len(out) < centers:
        out.append(rng.uniform(-10, 10, size=2))
    return np.array(out)


def _split(n, parts):
    sizes = np.full(parts, n // parts)
    sizes[: n % parts] += 1
    return sizes


def _blobs(rng, n, centers, spread, stds=None, sizes=None):
    c = _centres(rng, centers)
    sizes = _split(n, centers) if sizes is None else sizes
    stds = np.full(centers, 1.0) if stds is None else stds
    parts = [c[j] + rng.normal(scale=stds[j] * spread, size=(sizes[j], 2)) for j in range(centers)]
    X = np.concatenate(parts)
    y = np.repeat(np.arange(centers), sizes)
    order = rng.permutation(len(X))
    return X[order], y[order]


def _anisotropic(rng, n, centers, spread):
    X, y = _blobs(rng, n, centers, spread)
    return X @ np.array([[0.6, -0.64], [-0.41, 0.85]]) * 1.5, y


def _unequal_variance(rng, n, centers, spread):
    stds = np.linspace(0.5, 2.5, centers) if centers > 1 else np.array([1.0])
    return _blobs(rng, n, centers, spread, stds=stds)


def _unequal_sizes(rng, n, centers, spread):
    # Each blob a third the size of the previous one, but at least one point.
    w = 3.0 ** -np.arange(centers)
    sizes = np.maximum(1, np.floor(n * w / w.sum()).astype(int))
    sizes[0] += max(0, n - sizes.sum())
    return _blobs(rng, int(sizes.sum()), centers, spread, sizes=sizes)


def _moons(rng, n, centers, spread):
    n_out = n // 2
    n_in = n - n_out
    t_out = rng.uniform(0, np.pi, n_out)
    t_in = rng.uniform(0, np.pi, n_in)
    outer = np.c_[np.cos(t_out), np.sin(t_out)]
    inner = np.c_[1 - np.cos(t_in), 0.5 - np.sin(t_in)]
    X = np.concatenate([outer, inner]) + rng.normal(scale=0.08 * spread, size=(n, 2))
    order = rng.permutation(n)
    return X[order] * 5.0, np.r_[np.zeros(n_out), np.ones(n_in)][order]


def _circles(rng, n, centers, spread):
    n_out = n // 2
    n_in = n - n_out
    t = rng.uniform(0, 2 * np.pi, n)
    r = np.r_[np.ones(n_out), np.full(n_in, 0.45)]
    X = np.c_[r * np.cos(t), r * np.sin(t)] + rng.normal(scale=0.05 * spread, size=(n, 2))
    order = rng.permutation(n)
    return X[order] * 8.0, np.r_[np.zeros(n_out), np.ones(n_in)][order]


def _uniform(rng, n, centers, spread):
    return rng.uniform(-10, 10, size=(n, 2)), None


def _iris(rng, n, centers, spread):
    from sklearn.datasets import load_iris

    data = load_iris()
    return data.data.copy(), data.target


def _wine(rng, n, centers, spread):
    from sklearn.datasets import load_wine

    data = load_wine()
    X = data.data
    return (X - X.mean(axis=0)) / X.std(axis=0), data.target


#: The tutorial's data, for reproducing its figures: fixed size and random_state.
TUTORIAL_N_SAMPLES = 300
TUTORIAL_RANDOM_STATE = 42


def _tutorial_blobs(rng, n, centers, spread):
    from sklearn.datasets import make_blobs

    return make_blobs(n_samples=TUTORIAL_N_SAMPLES, centers=4, cluster_std=0.8,
                      random_state=TUTORIAL_RANDOM_STATE)


def _tutorial_moons(rng, n, centers, spread):
    from sklearn.datasets import make_moons

    return make_moons(TUTORIAL_N_SAMPLES, noise=0.05, random_state=TUTORIAL_RANDOM_STATE)


def _tutorial_circles(rng, n, centers, spread):
    from sklearn.datasets import make_circles

    return make_circles(TUTORIAL_N_SAMPLES, noise=0.05, factor=0.5, random_state=TUTORIAL_RANDOM_STATE)


#: The "large" preset's size: big enough that a Lloyd iteration costs what hundreds of mini-batch
#: steps do, so the mini-batch comparison shows its point (close sooner, a little worse at the end).
LARGE_N = 200_000


def _large(rng, n, centers, spread):
    # Wider blobs than "blobs": overlapping clusters are where mini-batch's noisy end shows.
    return _blobs(rng, LARGE_N, centers, spread, stds=np.full(centers, 1.6))


def _empty(rng, n, centers, spread):
    return np.empty((0, 2)), None


_MAKERS = {
    "blobs": _blobs,
    "moons": _moons,
    "circles": _circles,
    "anisotropic": _anisotropic,
    "unequal-variance": _unequal_variance,
    "unequal-sizes": _unequal_sizes,
    "uniform": _uniform,
    "iris": _iris,
    "wine": _wine,
    "tutorial-blobs": _tutorial_blobs,
    "tutorial-moons": _tutorial_moons,
    "tutorial-circles": _tutorial_circles,
    "large": _large,
    "empty": _empty,
}
