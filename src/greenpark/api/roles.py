"""Who may do what: the permission table of the four roles, as data.

A permission is ``<resource>:<action>``. The table is the single source for the
route dependencies (:func:`greenpark.api.deps.allow`), for ``docs/service.md`` and for
the role-matrix test. Scope is separate from permission: a tenant holding
``readings:read`` still reads only its own meters (see :class:`greenpark.api.deps.ParkScope`).
"""

from __future__ import annotations

from greenpark.api.accounts import Role

PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.operator: frozenset(
        {
            "park:read",
            "overview:read",
            "tenants:read",
            "meters:read",
            "readings:read",
            "readings:write",
            "wastewater:write",
            "quarantine:read",
            "alerts:read",
            "alerts:write",
            "inventory:read",
            "water:read",
            "waste:read",
            "solar:read",
            "energy:read",
            "plan:read",
            "eip:read",
            "reports:read",
            "reports:write",
            "users:admin",
            "province:read",
        }
    ),
    # everything about its own tenant; nothing park-wide that would reveal another tenant (so no reports: a report
    # holds every tenant)
    Role.tenant: frozenset(
        {
            "park:read",
            "overview:read",
            "tenants:read",
            "meters:read",
            "readings:read",
            "alerts:read",
            "inventory:read",
            "solar:read",
            "waste:read",
        }
    ),
    # read-only compliance and inventories, and the reports the operator ran (no report of its own: no reports:write),
    # of every park of its province (scope: Principal.reaches), and the province's parks side by side
    Role.authority: frozenset(
        {
            "province:read",
            "park:read",
            "overview:read",
            "tenants:read",
            "alerts:read",
            "inventory:read",
            "water:read",
            "waste:read",
            "eip:read",
            "reports:read",
        }
    ),
    # ingest only, its own meters
    Role.device: frozenset({"readings:write", "wastewater:write"}),
}


def allowed(role: Role, permission: str) -> bool:
    """True when ``role`` holds ``permission``."""
    return permission in PERMISSIONS[role]
