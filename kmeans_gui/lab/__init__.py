"""The lab: where k-means fails, what works instead, and how much the start matters.

Qt-free computation behind the Failures and Restarts views and the ``failures`` command:

- :mod:`.cases`: the failure cases (two moons, circles, anisotropic blobs, ...), each with its
  true groups and the k-means start that shows the failure.
- :mod:`.methods`: k-means (our engine) and the remedies from scikit-learn, one function each.
- :mod:`.failures`: the grid of cases x methods, scored and timed cell by cell.
- :mod:`.restarts`: many seeds of each initialisation on one data set, and what they add up to.

Long functions take ``progress(fraction, message)`` and ``should_stop()`` callables and raise
the engine's :class:`~kmeans_gui.engine.progress.Cancelled` when told to stop; import-linter
keeps Qt out of this package.
"""
