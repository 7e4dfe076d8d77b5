"""What people read, in their language: message catalogues, the one fallback policy, the one number formatter.

The presentation layer (report, dashboard, CLI) imports this package; engines never do (they return numbers).

- :func:`translator` / :func:`catalogue`: messages from ``locales/<lang>.json`` (one file per language).
- :func:`format_number`, :func:`format_percent`, :func:`format_money`, :func:`format_date`, :func:`format_sig`:
  Babel (CLDR) formats of the language's locale.
- :func:`label`, :func:`phrase`: codes (routes, parameters, measures, sectors, rules ...) and engine sentences
  (notes, Decree 06 reasons, alert messages) in the reader's language (``labels.py``).
- :func:`reason_label`: a rejected row's reason (code and parameters) in the reader's language.
- :func:`symbiosis_explanation`: the sentence about a proposed symbiosis exchange.
- Strict mode (:func:`set_strict`, ``GREENPARK_I18N_STRICT=1``): a missing message key is an error.
"""

from greenpark.i18n.explain import material_label, route_label, symbiosis_explanation
from greenpark.i18n.labels import has_label, label, labels, phrase, reason_label, unit_label
from greenpark.i18n.messages import (
    LANG_COOKIE,
    LANGS,
    LOCALE_DIR,
    META_KEYS,
    SOURCE_LANG,
    STRICT_ENV,
    catalogue,
    check_lang,
    is_strict,
    languages,
    message,
    request_lang,
    set_strict,
    translator,
)
from greenpark.i18n.numbers import (
    MISSING,
    babel_locale,
    format_clock,
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_percent,
    format_sig,
    month_names,
    separators,
)

__all__ = [
    "LANGS",
    "LANG_COOKIE",
    "LOCALE_DIR",
    "META_KEYS",
    "MISSING",
    "SOURCE_LANG",
    "STRICT_ENV",
    "babel_locale",
    "catalogue",
    "check_lang",
    "format_clock",
    "format_date",
    "format_datetime",
    "format_money",
    "format_number",
    "format_percent",
    "format_sig",
    "has_label",
    "is_strict",
    "label",
    "labels",
    "languages",
    "material_label",
    "message",
    "month_names",
    "phrase",
    "reason_label",
    "request_lang",
    "route_label",
    "separators",
    "set_strict",
    "symbiosis_explanation",
    "translator",
    "unit_label",
]
