"""Registers the service-test fixtures (defined in ``service_fixtures``, a uniquely named module)."""

from service_fixtures import callers, client, duck_url, store

__all__ = ["callers", "client", "duck_url", "store"]
