"""Thresholds of the meter plausibility rules (VEE), read from reference table ``quality/vee_rules``.

Below io and store, so the readings stage (``greenpark.io.plausibility``) and the store's coverage query read
the same rows.
"""

from __future__ import annotations

from functools import lru_cache

from greenpark.errors import MissingFactorError
from greenpark.reference import load_table

RULES_TABLE = "quality/vee_rules"


@lru_cache(maxsize=64)
def vee_rule(rule_id: str, parameter: str) -> float:
    """A threshold of a plausibility rule (reference table ``quality/vee_rules``).

    Raises
    ------
    MissingFactorError
        No such row; the message lists the rows the table has.
    """
    df = load_table(RULES_TABLE)
    row = df[(df["rule_id"] == rule_id) & (df["parameter"] == parameter)]
    if row.empty:
        known = ", ".join(f"{r}.{p}" for r, p in zip(df["rule_id"], df["parameter"], strict=True))
        raise MissingFactorError(f"no row {rule_id}.{parameter} in reference table {RULES_TABLE}; known: {known}")
    return float(row["value"].iloc[0])
