"""The ``ghg`` engine: greenhouse-gas inventory and emission-reduction MRV."""

from greenpark.ghg.grid import GridFactor, grid_factor
from greenpark.ghg.gwp import DEFAULT_GWP_SET, gwp_value

__all__ = ["DEFAULT_GWP_SET", "GridFactor", "grid_factor", "gwp_value"]
