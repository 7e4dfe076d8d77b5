"""Sentences about engine results, written from their numbers in the reader's language.

Engines return numbers; the wording lives in the catalogues (``symbiosis.*`` keys) and the numbers go through
the one formatter, so the report, the dashboard and the CLI say the same thing in every language.
"""

from __future__ import annotations

from typing import Any

from greenpark.i18n.labels import has_label, label
from greenpark.i18n.messages import translator
from greenpark.i18n.numbers import format_number


def material_label(material: str, lang: str) -> str:
    """A symbiosis material's name in ``lang`` (the catalogue's ``material.<name>``); a material the park names
    itself (no label in English either) is shown as given."""
    key = material.strip().lower()
    return label("material", key, lang) if has_label("material", key) else material


def route_label(route: str, lang: str) -> str:
    """A waste route's name in ``lang`` (the catalogue's ``route.<code>``)."""
    return label("route", route.strip().lower(), lang)


def _get(match: Any, name: str) -> Any:
    return match[name] if isinstance(match, dict) else getattr(match, name)


def symbiosis_explanation(match: Any, lang: str) -> str:
    """One line explaining a proposed exchange (a ``SymbiosisMatch`` or its JSON dict) in ``lang``.

    The net benefit per year is the yearly benefit less the set-up cost annualised by the engine
    (``setup_vnd_per_yr``); both the yearly and the one-off set-up figures are shown.
    """
    t = translator(lang)
    q = float(_get(match, "quantity_t_per_year"))
    route = _get(match, "giver_current_route")
    return t(
        "symbiosis.explanation",
        giver=_get(match, "giver"),
        taker=_get(match, "taker"),
        material=material_label(str(_get(match, "material")), lang),
        per_month=format_number(q / 12, lang, 1),
        quantity=format_number(q, lang),
        net=format_number(_get(match, "net_benefit_vnd") / 1e6, lang),
        benefit=format_number(_get(match, "benefit_vnd_per_t") / 1e3, lang),
        value=format_number(_get(match, "value_to_taker_vnd_per_t") / 1e3, lang),
        outlet=format_number(_get(match, "giver_outlet_vnd_per_t") / 1e3, lang),
        transport=format_number(_get(match, "transport_vnd_per_t") / 1e3, lang),
        preparation=format_number(_get(match, "preparation_vnd_per_t") / 1e3, lang),
        setup=format_number(_get(match, "setup_vnd_per_yr") / 1e6, lang, 1),
        setup_cost=format_number(_get(match, "setup_cost_vnd") / 1e6, lang),
        setup_life=format_number(_get(match, "setup_life_years"), lang),
        avoided=format_number(_get(match, "avoided_tco2e"), lang, 1),
        today=t("symbiosis.today", route=route_label(route, lang)) if route else "",
        recycled=t("symbiosis.already_recycled") if _get(match, "giver_recycles") else "",
    )
