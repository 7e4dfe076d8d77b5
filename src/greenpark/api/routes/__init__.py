"""One router per resource; :mod:`greenpark.api` mounts them under ``/api/v1``."""
