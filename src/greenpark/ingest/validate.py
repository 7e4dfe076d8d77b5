"""Adapter: validate a live batch exactly as the file import validates ``readings.csv``.

The rules live in :class:`greenpark.io.readings.ReadingsStage` (unknown meter, timestamp,
value, negative steps, duplicates, cumulative registers to intervals, unit conversion);
this module frames a batch as a sheet of that stage (the source ``http``, ``http-csv``
or ``mqtt`` as the file, the 1-based position in the batch as the line) and returns its
results. Cumulative meters follow the file rules per batch: a batch's first register
reading of a meter is the base of the next interval, so live cumulative meters should
send interval values or whole days.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from greenpark.io.quarantine import ProblemLog
from greenpark.io.readings import READING_COLUMNS, ReadingsStage
from greenpark.io.sources import LINE, Sheet
from greenpark.model import ParkData


def validate_batch(data: ParkData, raw: pd.DataFrame, source: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Typed, converted readings and the rejected rows of a raw batch.

    Parameters
    ----------
    data : the park (its meters, units and zone).
    raw : text columns meter_id, timestamp, value (None for a missing field).
    source : names the batch in the quarantine (``http``, ``http-csv``, ``mqtt``).

    Returns
    -------
    accepted : DataFrame with meter_id, ts (UTC interval start), value (kWh or m3).
    rejects : DataFrame with the quarantine columns (file, line, field, value, reason, raw).
    """
    frame = raw.reset_index(drop=True)[list(READING_COLUMNS)].astype(object)
    frame = frame.where(frame.notna(), "")
    frame[LINE] = np.arange(1, len(frame) + 1)
    problems = ProblemLog()
    with ReadingsStage(source, data.meters, data.park.timezone) as stage:
        stage.add(Sheet(source, frame, []))
        stage.finish(problems)
        accepted = stage.frame()
    return accepted, problems.rejects_frame()
