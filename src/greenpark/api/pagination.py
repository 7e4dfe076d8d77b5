"""Pagination parameters shared by every list route (part of the published API contract).

The page size bounds appear in the OpenAPI schema, so they are fixed here, once, rather than
read from runtime settings.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

PAGE_SIZE_DEFAULT = 100
PAGE_SIZE_MAX = 1_000
OFFSET_MAX = 10_000_000

Limit = Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX, description=f"page size (at most {PAGE_SIZE_MAX})")]
Offset = Annotated[int, Query(ge=0, le=OFFSET_MAX, description="rows to skip")]
