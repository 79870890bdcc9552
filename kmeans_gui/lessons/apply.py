"""A lesson's setup applied to the app's Qt-free models, undoably, and the facts its check reads.

The window adds what only it can do (select the tab, open the sample photo, show the code); see
``ui/learn/host.py``. Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..data.datasets import DATASETS
from ..data.images import SAMPLE_IMAGES
from .checks import Facts, ImageFigures

__all__ = ["Applied", "apply_setup", "facts_from", "image_figures", "AVAILABLE_FEATURES"]

#: What this app can check: every feature a lesson can need.
AVAILABLE_FEATURES = frozenset({"explore", "choose-k", "image", "lab", "soft"})

# A lesson's algorithm name -> the Explore model's (Params.algorithm).
_EXPLORE_ALGORITHM = {"kmeans": "lloyd", "minibatch": "minibatch", "soft": "soft", "gmm": "gmm"}
# A lesson's tab -> the window's page.
_PAGE = {"lab": "failures"}
# Datasets whose number of groups is known without a "centers" option.
_KNOWN_GROUPS = {"moons", "circles", "iris", "wine", "tutorial-blobs", "tutorial-moons", "tutorial-circles"}


@dataclass
class Applied:
    """What :func:`apply_setup` did.

    Attributes
    ----------
    undo : callable
        Puts the models back as they were.
    notes : list of str
        Sentences about what the app cannot set up yet.
    tab : str
        The page to show ("explore", "choose-k", "image" or "failures").
    image_to_open : str or None
        A sample photo the window should open.
    """

    undo: Callable[[], None]
    notes: list = field(default_factory=list)
    tab: str = "explore"
    image_to_open: str | None = None


def apply_setup(setup: dict, explore, view=None, image=None) -> Applied:
    """Apply ``setup`` (a lesson's validated setup) to the Explore model ``explore`` (AppState), the
    canvas options ``view`` (ViewOptions) and the Image tab's model ``image`` (ImageModel).

    A dataset is loaded through the model's own undo, so Ctrl+Z also goes back; ``undo()`` restores
    everything, the parameters too, whatever happened since.
    """
    before_explore = (explore.to_dict(), {name: a.copy() for name, a in explore.arrays().items()})
    before_view = view.to_dict() if view is not None else None
    before_image = image.to_dict() if image is not None else None
    notes = []
    undo_depth = None
    if "dataset" in setup:
        name = setup["dataset"]
        options = DATASETS[name].options(seed=setup.get("data_seed", 0), n=setup.get("n", 600),
                                         centers=setup.get("centers", 4), spread=setup.get("spread", 1.0))
        explore.load_dataset(name, k=setup.get("k"), **options)
        # The model's history has no public depth; the length tells whether the learner has
        # edited since (then the whole state is restored instead of undoing one step).
        undo_depth = len(explore._undo)
    tab = setup.get("tab", "explore")
    if "algorithm" in setup or ("dataset" in setup and tab == "explore"):
        # A lesson on the canvas runs its own algorithm: k-means unless it names a variant, so a
        # learner coming from the soft k-means lesson does not step soft k-means in lesson 2.
        explore.set_algorithm(_EXPLORE_ALGORITHM[setup.get("algorithm", "kmeans")])
    params = {key: setup[key] for key in ("k", "init", "seed", "beta") if key in setup}
    if params:
        explore.set_params(**params)
    shown = {f"show_{key}": setup[key] for key in ("regions", "trails", "lines") if key in setup}
    if shown and view is not None:
        view.load_dict(shown, partial=True)
    tab = _PAGE.get(tab, tab)
    image_changes = {field_name: setup[key] for key, field_name in (("image_k", "k"), ("image_method", "method"))
                     if key in setup}
    if image_changes and image is not None:
        image.load_dict(image_changes, partial=True)
    to_open = setup.get("image")
    if to_open is not None and to_open not in SAMPLE_IMAGES:
        notes.append(f"The image {to_open!r} is not one of the samples ({', '.join(SAMPLE_IMAGES)}): "
                     "open it with File > Open image.")
        to_open = None

    def undo():
        data, arrays = before_explore
        if undo_depth is not None and len(explore._undo) == undo_depth and explore.can_undo:
            explore.undo()  # keeps the user's own undo history; restores the points and parameters
        if explore.to_dict()["params"] != data["params"] or explore.dataset != data["dataset"]:
            explore.load_dict(data, arrays)
        if view is not None:
            view.load_dict(before_view)
        if image is not None:
            image.load_dict(before_image)

    return Applied(undo, notes, tab, to_open)


def image_figures(outcome) -> ImageFigures:
    """The figures of an Image tab :class:`~kmeans_gui.state.image.Outcome`."""
    r = outcome.result
    return ImageFigures(r.method, int(r.n_colors), float(r.mse), float(r.psnr), float(r.seconds))


def lab_scores_of(lab) -> dict:
    """{case: {method: ARI}} of the cells a :class:`~kmeans_gui.state.lab.FailuresModel` has
    computed (cells scored by silhouette, without true groups, are left out)."""
    scores: dict = {}
    for (case, method), cell in lab.cells.items():
        if cell.score is not None and cell.score_kind == "ARI":
            scores.setdefault(case, {})[method] = float(cell.score)
    return scores


def facts_from(explore, image=None, image_runs: dict | None = None,
               available: frozenset = AVAILABLE_FEATURES, lab=None) -> Facts:
    """The :class:`~.checks.Facts` of the models now; ``image_runs`` is the latest figures per
    method on the image shown (the window keeps them as results arrive); ``lab`` the failures
    lab's model (FailuresModel)."""
    current = explore.current
    dataset = explore.dataset if isinstance(explore.dataset, dict) else {}
    name = dataset.get("name")
    true_k = dataset.get("centers")
    if true_k is None and name in _KNOWN_GROUPS:
        true_k = DATASETS[name].suggested_k
    runs = dict(image_runs or {})
    latest = None
    if image is not None and image.outcome is not None:
        latest = runs.get(image.outcome.result.method) or image_figures(image.outcome)
    params = explore.params
    soft = params.algorithm == "soft"
    return Facts(
        available, dataset=name, points=explore.points, k=params.k, seed=params.seed, init=params.init,
        final=current if current is not None and current.is_final else None, true_k=true_k,
        image_latest=latest, image_runs=runs, lab_scores=lab_scores_of(lab) if lab is not None else None,
        algorithm=params.algorithm, beta=params.beta if soft else None,
        responsibilities=getattr(current, "responsibilities", None) if soft else None,
        run_settings={"init": params.init, "max_iter": params.max_iter, "tol": params.tol},
    )
