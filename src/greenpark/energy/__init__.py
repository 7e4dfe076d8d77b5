"""Energy engine: load analytics, regression baselines with verified savings, and benchmarking.

Pure functions over DataFrames returning pydantic results; no file, store or environment access.
"""

from greenpark.energy.loads import LoadResult, LoadStats, UnusualDay, load_analytics

__all__ = ["LoadResult", "LoadStats", "UnusualDay", "load_analytics"]
