"""The Choose k tab's model: sweep settings, the result shown, results cached per data and settings.

"Tutorial's curve" (``tutorial_curve``) adds the "K-Means from Scratch" tutorial's own elbow: ONE
random run per k from its seed 42, beside the best of several k-means++ runs per k, so a learner
sees how runs stuck in poor local minima bend the tutorial's curve. It is turned on by itself when
one of the tutorial's datasets is loaded (:meth:`ChooseKModel.follow_tutorial_data`).

Qt-free. The sweep runs over the Explore model's points (``points_from``, an AppState);
:func:`sweep_task` is the work itself, a plain function the tab runs on a worker thread.
Events: ``max_k``, ``n_seeds``, ``gap_reference``, ``changed`` (settings), ``result`` (the result shown changed),
``partial`` (one more k of a running sweep finished).
"""

from __future__ import annotations

import numpy as np

from ..engine.gap import GAP_REFERENCES
from ..engine.inits import INIT_NAMES
from ..engine.progress import Cancelled
from ..engine.sweep import SweepResult, sweep_k
from .events import Event, EventedModel, Field, boolean, one_of, whole_number
from .params import MAX_K
from .words import SWEEP_NO_POINTS, sweep_init_fallback

__all__ = ["ChooseKModel", "sweep_task", "sweep_settings", "MAX_CACHE", "TUTORIAL_SEED", "GAP_REFS"]

MAX_CACHE = 8
#: The tutorial's default seed: its elbow curve is one run per k from it.
TUTORIAL_SEED = 42
#: Reference data sets for the gap statistic: enough for a usable s_k, few enough to stay quick.
GAP_REFS = 5
#: Initialisations a sweep can repeat for every k and seed: the engine's, all of them (placing
#: centres by hand cannot be repeated).
SWEEP_INITS = INIT_NAMES
#: Settings added after sessions were first saved: a session without them opens with their defaults.
LATER_SETTINGS = ("gap_reference",)


def sweep_settings(params) -> tuple[dict, str | None]:
    """The Explore panel's init, max_iter and tol as ``sweep_k`` keywords, and a note when the
    init cannot be used (another algorithm than Lloyd's, or centres placed by hand). With the
    Gaussian mixture chosen, its covariance type comes too (``gmm_covariance``: the BIC per k)."""
    init, note = params.init, None
    if params.algorithm != "lloyd" or init not in SWEEP_INITS:
        note = sweep_init_fallback(params.algorithm, init)
        init = "k-means++"
    settings = {"init": init, "max_iter": int(params.max_iter), "tol": float(params.tol)}
    if params.algorithm == "gmm":
        settings["gmm_covariance"] = params.covariance
    return settings, note


def sweep_task(ctx, X, k_values, n_seeds, tutorial_seed=None, settings=None) -> SweepResult:
    """Fit every k in ``k_values`` with ``n_seeds`` seeds (``settings``: init, max_iter, tol for
    ``sweep_k``), the gap statistic, and the tutorial's one run per k from ``tutorial_seed`` if
    given; fits go to ``ctx.set_partial``."""
    try:
        return sweep_k(X, k_values, n_seeds, random_state=0, tutorial_seed=tutorial_seed, gap_refs=GAP_REFS,
                       progress=ctx.set_progress, should_stop=lambda: ctx.cancelled, on_fit=ctx.set_partial,
                       **(settings or {}))
    except Cancelled:
        ctx.check_cancelled()  # the runner's own "cancelled" path, not a failure
        raise


class ChooseKModel(EventedModel):
    """Settings of the sweep, and its results for the points of ``points_from``.

    Parameters
    ----------
    points_from : AppState
        Whose ``points`` and ``data_version`` the sweep uses.
    """

    max_k = Field(10, whole_number(2, MAX_K), "try k = 1 .. max_k")
    n_seeds = Field(3, whole_number(1, 20), "runs per k (side panel's init); mean and spread are shown")
    tutorial_curve = Field(False, boolean, "also draw the tutorial's elbow (one random run per k, seed 42)")
    gap_reference = Field("box", one_of(*GAP_REFERENCES),
                          "the gap statistic's reference data: uniform over the data's bounding box, "
                          "or over the box of its principal components")

    def __init__(self, points_from, **values):
        super().__init__(**values)
        for name in ("result", "partial"):
            setattr(self.events, name, Event(name))
        self.points_from = points_from
        self.result: SweepResult | None = None
        self.partial: list = []
        self._cache: dict[tuple, SweepResult] = {}
        self._running_key: tuple | None = None

    def validate_dict(self, data, arrays: dict | None = None, *, partial: bool = False) -> dict:
        if isinstance(data, dict) and not partial:
            data = {**{name: self.fields()[name].default for name in LATER_SETTINGS}, **data}
        return super().validate_dict(data, arrays, partial=partial)

    # ------------------------------------------------------------------ reading
    def settings_key(self) -> tuple:
        return (self.points_from.data_version, self.max_k, self.n_seeds, self.tutorial_curve,
                tuple(sorted(self._sweep_keywords().items())))

    def _sweep_keywords(self) -> dict:
        """The side panel's settings for ``sweep_k``, and this tab's own (the gap's reference)."""
        return {**sweep_settings(self.points_from.params)[0], "gap_reference": self.gap_reference}

    def init_note(self) -> str | None:
        """Why the sweep does not use the side panel's initialisation, or None when it does."""
        return sweep_settings(self.points_from.params)[1]

    def cached(self) -> SweepResult | None:
        """The result for the current points and settings, if computed before."""
        return self._cache.get(self.settings_key())

    def sweep_args(self) -> tuple:
        """(X, k_values, n_seeds, tutorial_seed, settings) for :func:`sweep_task` (settings: the
        side panel's init, max_iter, tol and mixture, and the gap's reference); ValueError when
        there are no points."""
        X = np.array(self.points_from.points)  # a private copy: the worker must not see later edits
        n = X.shape[0]
        if n == 0:
            raise ValueError(SWEEP_NO_POINTS)
        return (X, range(1, min(self.max_k, n) + 1), self.n_seeds, TUTORIAL_SEED if self.tutorial_curve else None,
                self._sweep_keywords())

    # ------------------------------------------------------------------ changing
    def show(self, result: SweepResult | None) -> None:
        self.result = result
        self.events.result.emit()

    def begin(self) -> None:
        """A sweep for the current settings starts: its fits arrive through :meth:`add_fit`."""
        self.partial = []
        self._running_key = self.settings_key()

    def add_fit(self, fit) -> None:
        self.partial.append(fit)
        self.events.partial.emit()

    def finish(self, result: SweepResult) -> None:
        """The running sweep ended with ``result``: cache it and show it."""
        if self._running_key is not None:
            self.store(self._running_key, result)
        self._running_key = None
        self.show(result)

    def abandon(self) -> None:
        """The running sweep failed or was cancelled."""
        self._running_key = None

    def store(self, key: tuple, result: SweepResult) -> None:
        self._cache[key] = result
        while len(self._cache) > MAX_CACHE:
            self._cache.pop(next(iter(self._cache)))

    def compute_now(self) -> SweepResult:
        """Sweep on this thread (snapshots and scripts); cached results are reused."""
        key = self.settings_key()
        if key not in self._cache:
            X, k_values, n_seeds, tutorial_seed, settings = self.sweep_args()
            self.store(key, sweep_k(X, k_values, n_seeds, random_state=0, tutorial_seed=tutorial_seed,
                                    gap_refs=GAP_REFS, **settings))
        self.show(self._cache[key])
        return self.result

    def follow_tutorial_data(self) -> None:
        """Loading one of the tutorial's datasets turns the tutorial's curve on (it can be turned off)."""
        state = self.points_from
        name = str((state.dataset or {}).get("name", ""))
        if state.points_change == "replace" and name.startswith("tutorial-"):
            self.tutorial_curve = True

    def forget_other_data(self) -> None:
        """The points changed: drop results of other data, and the result shown."""
        version = self.points_from.data_version
        self._cache = {key: r for key, r in self._cache.items() if key[0] == version}
        self.show(None)
