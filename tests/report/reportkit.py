"""Reading a rendered report back: the text of its HTML tables, the words of its PDF (pdfplumber), the marks of
its SVG charts (their matplotlib gids and the axis ticks that give them a scale).

Nothing here uses greenpark: the tests compare what the report shows with what a reader (or a PDF viewer)
would find.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pdfplumber

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
# a line may break after a hyphen, a slash or a dash, before an opening bracket (UAX #14) and between any two CJK
# characters: both sides of a comparison are cut there, so a word wrapped inside a table cell is still found
_BREAK_AFTER = re.compile(r"([-/–])")
_BREAK_BEFORE = re.compile(r"([\[(])")
_CJK = re.compile(r"([\u3000-\u30ff\u3400-\u9fff\uff00-\uffef])")


def tokens(text: str) -> list[str]:
    """The words of ``text`` cut where a line may break."""
    return _CJK.sub(r" \1 ", _BREAK_BEFORE.sub(r" \1", _BREAK_AFTER.sub(r"\1 ", text))).split()


class _Cells(HTMLParser):
    """The text of every th/td of every table (a <br> is a space)."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, str]] = []  # (th|td, text)
        self._stack: list[tuple[str, list[str]]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("svg", "style", "script"):
            self._skip += 1
        elif tag in ("th", "td") and not self._skip:
            self._stack.append((tag, []))
        elif tag == "br" and self._stack:
            self._stack[-1][1].append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("svg", "style", "script"):
            self._skip -= 1
        elif tag in ("th", "td") and self._stack and not self._skip:
            kind, parts = self._stack.pop()
            self.cells.append((kind, " ".join("".join(parts).split())))

    def handle_data(self, data: str) -> None:
        if self._stack and not self._skip:
            self._stack[-1][1].append(data)


def table_cells(html: str) -> list[tuple[str, str]]:
    """Every table cell of the HTML page as (th|td, its text), in document order."""
    p = _Cells()
    p.feed(html)
    return [c for c in p.cells if c[1]]


def pdf_words(path: Path) -> list[list[dict]]:
    """The words of each page of the PDF (upright text; a chart's rotated axis title is left out)."""
    pages = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            upright = page.filter(lambda o: o.get("object_type") != "char" or o.get("upright", True))
            words = upright.extract_words(x_tolerance=1.5, y_tolerance=2)
            for w in words:
                w["page_width"], w["page_height"] = float(page.width), float(page.height)
            pages.append(words)
    return pages


def missing_from_pdf(html: str, pages: list[list[dict]]) -> Counter:
    """The words of the HTML tables that the PDF holds fewer times than the tables do (empty: none lost)."""
    shown = Counter(t for _, text in table_cells(html) for t in tokens(text))
    found = Counter(t for words in pages for w in words for t in tokens(w["text"]))
    return shown - found


def off_page(pages: list[list[dict]]) -> list[tuple[int, str]]:
    """Words printed (partly) beyond the page's edge: (page number, word)."""
    return [
        (k + 1, w["text"])
        for k, words in enumerate(pages)
        for w in words
        if w["x0"] < -0.5 or w["x1"] > w["page_width"] + 0.5 or w["bottom"] > w["page_height"] + 0.5
    ]


def overlapping(pages: list[list[dict]], share: float = 0.2) -> list[tuple[int, str, str]]:
    """Pairs of words whose boxes overlap by more than ``share`` of the smaller box: (page, word, word)."""
    out = []
    for k, words in enumerate(pages):
        ws = sorted(words, key=lambda w: w["top"])
        for i, a in enumerate(ws):
            for b in ws[i + 1 :]:
                if b["top"] >= a["bottom"]:
                    break
                dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
                dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
                if dx <= 0 or dy <= 0:
                    continue
                small = min(
                    (a["x1"] - a["x0"]) * (a["bottom"] - a["top"]), (b["x1"] - b["x0"]) * (b["bottom"] - b["top"])
                )
                if dx * dy > share * small:
                    out.append((k + 1, a["text"], b["text"]))
    return out


def page_text(pages: list[list[dict]], k: int) -> str:
    """Page ``k`` (1-based) as one line of words."""
    return " ".join(w["text"] for w in pages[k - 1])


# -- SVG --------------------------------------------------------------------------------------------------------


def svgs(html: str) -> list[ET.Element]:
    """Every inline <svg> of the page, parsed."""
    return [ET.fromstring(m) for m in re.findall(r"<svg.*?</svg>", html, flags=re.S)]


def svg_with(html: str, gid_prefix: str) -> ET.Element:
    """The one chart holding an element whose id starts with ``gid_prefix``."""
    found = [s for s in svgs(html) if any(e.get("id", "").startswith(gid_prefix) for e in s.iter())]
    assert len(found) == 1, f"{len(found)} charts with {gid_prefix}*"
    return found[0]


def path_points(group: ET.Element) -> list[tuple[float, float]]:
    """The vertices of the first path under ``group`` (SVG user units; y grows downwards)."""
    path = next(group.iter(f"{SVG}path"))
    nums = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", path.get("d", ""))]
    return list(zip(nums[0::2], nums[1::2], strict=True))


def by_id(svg: ET.Element, prefix: str) -> dict[str, ET.Element]:
    """The chart's elements whose id starts with ``prefix``, by the rest of their id."""
    return {e.get("id")[len(prefix) :]: e for e in svg.iter() if e.get("id", "").startswith(prefix)}


def axis_scale(svg: ET.Element, axis: str, parse: Callable[[str], float]) -> tuple[float, float]:
    """(data units per SVG unit, the data value at SVG coordinate 0) of the x or y axis, from two tick marks and
    their printed labels (``parse`` reads a label as the reader would)."""
    ticks = []
    for g in svg.iter(f"{SVG}g"):
        if not re.fullmatch(rf"{axis}tick_\d+", g.get("id", "")):
            continue
        use = next(g.iter(f"{SVG}use"), None)
        text = "".join(next(g.iter(f"{SVG}text")).itertext()).strip()
        if use is None or not text:
            continue
        ticks.append((float(use.get("x" if axis == "x" else "y")), parse(text)))
    (p1, v1), (p2, v2) = ticks[0], ticks[-1]
    per = (v2 - v1) / (p2 - p1)
    return per, v1 - p1 * per


def fill(el: ET.Element) -> str:
    """The fill colour of a patch (from its path's style)."""
    path = next(el.iter(f"{SVG}path"))
    m = re.search(r"fill:\s*(#[0-9a-fA-F]{6})", path.get("style", ""))
    return m.group(1).lower() if m else ""


def texts(svg: ET.Element) -> list[str]:
    """Every text the chart prints."""
    return ["".join(t.itertext()).strip() for t in svg.iter(f"{SVG}text")]
