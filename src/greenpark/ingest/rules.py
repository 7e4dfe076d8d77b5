"""The alert rules run on arriving data: adapters from engine rule functions to :class:`Finding`.

The rules themselves are engine functions (``greenpark.water.alerts``: limit exceedance
over a window, sensor fault, missing data; energy anomalies). This module only picks
the rows they need from the park and the arriving batch and turns what they return into
findings; it holds no thresholds.
"""

from __future__ import annotations

import logging

from greenpark.ingest.pipeline import Rule

log = logging.getLogger(__name__)


def default_rules() -> list[Rule]:
    """The rules available in this installation (engines not yet built are skipped)."""
    rules: list[Rule] = []
    return rules
