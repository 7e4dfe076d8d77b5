"""Many parks side by side: the province's view and park-to-park benchmarking (issue 20).

:mod:`~greenpark.portfolio.side_by_side` holds the pure functions over the parks' assessments (the JSON of
:class:`greenpark.assess.Assessment`, as each park's own ``assess`` returns it): one row of headline figures and
intensities per park (:func:`park_row`), rankings and quartiles, province totals, Decree 06 tenants across parks
and outliers (:func:`side_by_side`). A dashboard calls these on assessments it already has.
:mod:`~greenpark.portfolio.cluster` runs ``assess`` for every park as a task on Dask distributed (a
``LocalCluster`` by default, a scheduler's address for a cluster) or one after the other, and returns each park's
outcome (its assessment, or failed with its reason).
"""

from greenpark.portfolio.side_by_side import METRICS, ParkOutcome, park_row, side_by_side

__all__ = ["METRICS", "ParkOutcome", "park_row", "side_by_side"]
