"""Helpers that build tiny wastewater frames and plants in code for the water engine tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from greenpark.model import Wwtp

ZONE = "Asia/Ho_Chi_Minh"


def local(ts: str) -> pd.Timestamp:
    """A park-local wall-clock time as a UTC timestamp."""
    return pd.Timestamp(ts, tz=ZONE).tz_convert("UTC")


def analyser(
    parameter: str,
    start: str,
    values: list[float] | np.ndarray,
    point: str = "outlet",
    wwtp_id: str = "W1",
    step: str = "5min",
) -> pd.DataFrame:
    """Analyser rows every ``step`` from local time ``start``."""
    t = pd.date_range(local(start), periods=len(values), freq=step)
    return pd.DataFrame(
        {
            "wwtp_id": wwtp_id,
            "timestamp": t,
            "point": point,
            "parameter": parameter,
            "value": np.asarray(values, dtype=float),
            "unit": "mg/l",
            "method": "analyser",
            "censored": False,
        }
    )


def lab(rows: list[tuple[str, str, str, float, bool]], wwtp_id: str = "W1") -> pd.DataFrame:
    """Lab rows from (local time, point, parameter, value, censored)."""
    return pd.DataFrame(
        {
            "wwtp_id": wwtp_id,
            "timestamp": [local(r[0]) for r in rows],
            "point": [r[1] for r in rows],
            "parameter": [r[2] for r in rows],
            "value": [float(r[3]) for r in rows],
            "unit": "mg/l",
            "method": "lab",
            "censored": [r[4] for r in rows],
        }
    )


def wwtp(**kw) -> Wwtp:
    base = dict(
        wwtp_id="W1",
        name="Central WWTP",
        capacity_m3_per_day=4000,
        treatment="aerobic_well_managed",
        standard="QCVN40:2011",
        column="A",
        kq=0.9,
        kf=1.0,
    )
    base.update(kw)
    return Wwtp(**base)
