"""Energy engine: load analytics, regression baselines with verified savings, and benchmarking.

Pure functions over DataFrames returning pydantic results; no file, store or environment access.
"""

from greenpark.energy.baseline import Baseline, Savings, avoided_energy, cooling_degree_days, cusum, fit_baseline
from greenpark.energy.benchmarking import TenantIntensity, benchmark, full_year_energy
from greenpark.energy.loads import LoadResult, LoadStats, UnusualDay, load_analytics

__all__ = [
    "Baseline",
    "LoadResult",
    "LoadStats",
    "Savings",
    "TenantIntensity",
    "UnusualDay",
    "avoided_energy",
    "benchmark",
    "cooling_degree_days",
    "cusum",
    "fit_baseline",
    "full_year_energy",
    "load_analytics",
]
