"""Finding English left in a Vietnamese or Japanese page (the report, the dashboard).

What a reader sees is the page's text: every text node outside <script>/<style>, the title and aria labels, and
the charts' SVG <text>. Not checked, each for a stated reason:

- elements marked as quotations of a source, ``class="cite"`` (a factor's bibliographic source is quoted as
  published, as a Japanese or Vietnamese report quotes an English standard), and as identifiers,
  ``translate="no"`` (a factor's stable name, a meter id);
- the park folder's file names and column headers (``greenpark.io.schema``: ``meters.csv``, ``timestamp``,
  ``meter_id``; a reject's reason names the file and column of the user's data);
- unit symbols that greenpark knows (``greenpark.units.known_units``: ``m3/day``, ``ug/l``; a rejected unit's
  reason lists them) and a value quoted from the user's file in a reason (``'kWhh'``);
- the whitelist below: units, chemical formulae, standards and their symbols (QCVN 40's Cmax), acronyms and
  names of organisations, tools and file names that are written in Latin letters in Vietnamese and Japanese
  technical writing too;
- the page's proper names (park, tenants, WWTP, province): passed in by the test from the data.

In Japanese any remaining word in Latin letters is English. In Vietnamese (written in Latin letters) a word is
English when it is an English word of the English catalogue that the Vietnamese catalogue never uses, or a
common English function word; a snake_case code (``co_processing``) is flagged in both.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from greenpark.i18n import LOCALE_DIR
from greenpark.io.schema import FILES, columns, park_files
from greenpark.units import known_units

WHITELIST = frozenset(
    """
    kWh MWh GWh kWp MWp kW MW tCO2e tCO2 CO2e CO2 CH4 N2O NH4 NH4-N N2O-N TOE toe VND JPY USD m3 m³ mg Pt-Co MPN Bq pH
    degC l ml h t kg km Wp COD BOD5 BOD TSS SS MCF Bo S GHI WMO PV EVN QCVN IPCC ISO GHG Protocol ASHRAE IPMVP CUSUM NPV
    IRR LCOE HTML PDF JSON CSV DCC Ineichen pvlib Linke PVGIS-SARAH3 PVGIS SARAH3 TMY Global Solar Atlas Solargis NASA
    POWER greenpark quarantine assessment.json tenants.csv decree06_listed QĐ-TTg ND-CP NĐ-CP QD-TTg BCT TT-BTNMT
    BTNMT Kq Kf GL AR4 AR5 AR6 R2 R² CV RMSE NMBE LED HID VSD DO jrc re.jrc.ec.europa.eu pvg_tools power.larc.nasa.gov
    solar climate_monthly waste route_fees.csv symbiosis_values.csv route_fees symbiosis_values Table biogas compost
    Dong Nai Kobe Long Thanh SBV Vietcombank x TJ Gg kgCO2e kgCH4 kgCOD kgN kgN2O-N kgN2O tC bar m A B Z Cmax Cmin
    UNIDO GIZ GWP
    """.split()  # noqa: SIM905 (a word list reads better as text)
)  # fmt: skip
FUNCTION_WORDS = frozenset(
    "the and of for with from not per year below above is are by to in on at or this that its their no none".split()  # noqa: SIM905
)
_CODE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
_LATIN = "A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ"  # Latin letters with Vietnamese diacritics
_LATIN_WORD = re.compile(rf"[{_LATIN}][{_LATIN}0-9'’\-._]*[{_LATIN}0-9]|[{_LATIN}]")
_ROMAN = re.compile(r"[IVX]+")
# identifiers of the user's own files: the park folder's file names and column headers
_COLUMN_HEADERS = {c.lower() for f in FILES for c in columns(f)} | {f.lower() for f in park_files()}
_QUOTED = re.compile(r"'[^'\s]{1,40}'")  # a value quoted from the user's file in a reason ('kWhh'): data
_UNITS = re.compile(  # a known unit symbol standing alone (not inside a word or a longer symbol)
    "|".join(rf"(?<![\w/]){re.escape(u)}(?![\w/])" for u in sorted(known_units(), key=len, reverse=True))
)


class _Text(HTMLParser):
    """The reader-visible text of a page, without quoted sources and identifiers."""

    SKIP_TAGS = frozenset({"script", "style", "metadata"})  # metadata: an SVG's RDF (creator, format)
    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "col", "area", "base", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: is it skipped?
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name in ("title", "aria-label", "placeholder", "alt"):
            if a.get(name) and not (self.stack and self.stack[-1]):
                self.texts.append(a[name] or "")
        if tag in self.VOID:
            return
        skipped = (
            (bool(self.stack) and self.stack[-1])
            or tag in self.SKIP_TAGS
            or "cite" in (a.get("class") or "").split()
            or a.get("translate") == "no"
        )
        self.stack.append(skipped)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if data.strip() and not (self.stack and self.stack[-1]):
            self.texts.append(data.strip())


def visible_texts(html: str) -> list[str]:
    """The text nodes a reader sees (see the module docstring for what is left out)."""
    p = _Text()
    p.feed(html)
    return p.texts


def _catalogue_words(lang: str) -> set[str]:
    cat = json.loads((Path(LOCALE_DIR) / f"{lang}.json").read_text(encoding="utf-8"))
    words: set[str] = set()
    for text in cat.values():
        words |= {w.lower() for w in re.findall(r"[A-Za-zÀ-ỹ]+", re.sub(r"\{\w+\}", " ", text))}
    return words


def english_words(lang: str) -> set[str]:
    """Words that mark a Vietnamese text as English: words of the English catalogue (3+ letters) that the
    Vietnamese catalogue never uses, and common English function words."""
    vi = _catalogue_words(lang)
    return {w for w in _catalogue_words("en") if len(w) >= 3 and w not in vi} | FUNCTION_WORDS


def english_left(texts: list[str], lang: str, proper_names: set[str] = frozenset()) -> list[str]:
    """The texts (with the offending words) that still hold English in a page of ``lang`` ('vi' or 'ja')."""
    allowed = {w.lower() for w in WHITELIST} | _COLUMN_HEADERS
    names: set[str] = set()
    for name in proper_names:
        names |= {w.lower().strip(".,()") for w in re.split(r"[\s/]+", name) if w}
    allowed |= names
    english = english_words("vi") if lang == "vi" else None
    found = []
    for text in texts:
        text = _UNITS.sub(" ", _QUOTED.sub(" ", text))
        bad = [c for c in _CODE.findall(text) if c.lower() not in allowed]
        for word in _LATIN_WORD.findall(text):
            w = word.lower().strip(".-'’")
            if not w or w in allowed or re.fullmatch(r"[a-z]?\d[\w.\-]*", w):
                continue  # ids such as T05, WWTP1, 40:2011 pieces
            if re.fullmatch(r"[A-Z]{1,4}\d+[A-Z0-9]*", word) or _ROMAN.fullmatch(word):
                continue  # tenant, meter and WWTP ids (T05, WWTP1, M101); roman numerals (Appendix II)
            if any(n.startswith(w) for n in names):
                continue  # a proper name cut short to fit a chart's axis
            if lang == "ja" or (english is not None and w in english):
                bad.append(word)
        if bad:
            found.append(f"{text!r}: {sorted(set(bad))}")
    return found
