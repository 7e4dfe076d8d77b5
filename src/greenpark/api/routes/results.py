"""Engine results for a period (inventory, water compliance, waste, solar, plan), scoped to the caller.

Each route calls the engine's public function; none computes anything itself.
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["results"])
