"""A meter's generated time series, as it will be written to ``readings.csv``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class MeterSeries:
    """One meter's rows: timestamps (ISO strings, park local time) and values in the meter's unit.

    ``decimals`` is the rounding applied to the values (kept so faults keep the format).
    """

    meter_id: str
    timestamps: np.ndarray
    values: np.ndarray
    decimals: int = 3

    def __len__(self) -> int:
        return len(self.values)
