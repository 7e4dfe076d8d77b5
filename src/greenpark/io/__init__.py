"""Readers and writers: the park folder (CSV, parquet, xlsx), validation and quarantine.

Every input is validated on the way in: a row is accepted or rejected with file,
line, field, value and reason, never dropped (rows read = accepted + rejected).

Public entry points: :func:`read_park_folder` (read and validate, no store) and
:func:`greenpark.io.importer.open_park` (import into a store once, then reuse).
"""

from greenpark.io.folder import ParkRead, read_park_folder
from greenpark.io.quarantine import FileCount

__all__ = ["FileCount", "ParkRead", "read_park_folder"]
