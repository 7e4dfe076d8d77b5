"""Charts for the report, drawn with matplotlib as inline SVG (no network, no JavaScript): the same drawing in the
HTML page and in the PDF.

SVG keeps text as text (``svg.fonttype = 'none'``) so the charts stay small, sharp in the PDF and searchable.
Each function takes plain data, labels already translated and ``fmt`` (the report language's number formatter,
so the axes read '10.000' in Vietnamese and never carry an offset such as '1e8'), and returns one ``<svg>``
string. The marks a reader compares carry an SVG id (matplotlib ``set_gid``): ``macbar-<measure>`` for a bar of
the cost curve, ``wedge-<group>`` for a wedge of the roadmap, ``scope-<n>`` for a series of the monthly bars,
``day-<YYYY-MM-DD>`` for a day of the compliance calendar, so a test reads the drawn data back from the SVG.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

Fmt = Callable[[float], str]
PALETTE = ["#1b6e3a", "#2f7fc1", "#e0a526", "#c2452d", "#7b5ea7", "#4aa3a2", "#8c6d31", "#5f6b73"]
#: one colour per measure group (cost curve and roadmap); the remaining emissions are grey
GROUP_COLOURS = {
    "solar": "#e0a526",
    "fuel_switch": "#8c6d31",
    "heat": "#c2452d",
    "electrical_efficiency": "#2f7fc1",
    "wwtp": "#4aa3a2",
}
REMAINING = "#cfd6d1"
#: compliance calendar: 0 compliant, 1 exceedance, 2 sensor fault, 3 no data
DAY_COLOURS = {0: "#1b6e3a", 1: "#c2452d", 2: "#e0a526", 3: "#d9d9d9"}
plt.rcParams.update(
    {
        "svg.fonttype": "none",
        "font.family": ["DejaVu Sans", "Noto Sans CJK JP"],
        "font.size": 8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titleweight": "bold",
        "axes.formatter.useoffset": False,
        "svg.hashsalt": "greenpark",  # deterministic ids
    }
)


def group_colour(group: str, k: int = 0) -> str:
    """The colour of a measure group (a palette colour for a group the table does not know)."""
    return GROUP_COLOURS.get(group, PALETTE[k % len(PALETTE)])


def _svg(fig: plt.Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _axis(axis: matplotlib.axis.Axis, fmt: Fmt) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt(v)))


def stacked_bars(
    categories: Sequence[str], series: Mapping[str, Sequence[float]], ylabel: str, fmt: Fmt, title: str = ""
) -> str:
    """Vertical bars of several series stacked per category (e.g. tCO2e by scope per month); series ``k`` has
    the SVG id ``scope-<k>``."""
    fig, ax = plt.subplots(figsize=(7.2, 3.0))
    bottom = np.zeros(len(categories))
    for i, (label, values) in enumerate(series.items()):
        v = np.asarray(values, dtype=float)
        bars = ax.bar(categories, v, bottom=bottom, label=label, color=PALETTE[i % len(PALETTE)], width=0.75)
        for b in bars:
            b.set_gid(f"scope-{i}")
        bottom += v
    ax.set_ylabel(ylabel)
    _axis(ax.yaxis, fmt)
    if title:
        ax.set_title(title)
    ax.legend(frameon=False, ncols=min(4, len(series)), loc="upper center", bbox_to_anchor=(0.5, -0.1))
    return _svg(fig)


def horizontal_bars(labels: Sequence[str], values: Sequence[float], xlabel: str, fmt: Fmt, title: str = "") -> str:
    """Ranked horizontal bars (e.g. tCO2e per tenant), largest on top; labels are shown whole."""
    order = np.argsort(np.asarray(values, dtype=float), kind="stable")
    height = max(1.6, 0.2 * len(labels) + 0.7)
    fig, ax = plt.subplots(figsize=(7.2, height))
    ax.barh([labels[i] for i in order], [values[i] for i in order], color=PALETTE[0])
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_locator(MaxNLocator(6))
    _axis(ax.xaxis, fmt)
    if title:
        ax.set_title(title)
    ax.tick_params(axis="y", labelsize=7)
    return _svg(fig)


@dataclass(frozen=True)
class MacBar:
    """One bar of the cost curve: a measure summed over its tenants."""

    code: str  # the measure's code (SVG id macbar-<code>)
    number: int  # the number printed on the bar and in the table under the chart
    group: str  # measure group code (colour)
    abatement_tco2e: float  # bar width
    cost_k_vnd_per_tco2e: float  # bar height, thousand VND per tCO2e


def cost_curve(
    bars: Sequence[MacBar], group_labels: Mapping[str, str], xlabel: str, ylabel: str, fmt: Fmt, title: str = ""
) -> str:
    """Marginal abatement cost curve: bar width = tCO2e/yr abated, height = cost per tonne (thousand VND), the
    cheapest tonne first from the left; a cost below zero (the measure pays for itself) is drawn below the axis.
    Each bar carries its number (the table under the chart names it) and the colour of its group (the legend)."""
    bars = sorted(bars, key=lambda b: b.cost_k_vnd_per_tco2e)
    fig, ax = plt.subplots(figsize=(7.2, 3.8))
    total = sum(b.abatement_tco2e for b in bars) or 1.0
    lo = min([0.0, *(b.cost_k_vnd_per_tco2e for b in bars)])
    hi = max([0.0, *(b.cost_k_vnd_per_tco2e for b in bars)])
    span = (hi - lo) or 1.0
    x = 0.0
    placed: list[tuple[float, float, int]] = []  # label x-extent and tier, to keep numbers from overlapping
    label_w = 0.028 * total
    for k, b in enumerate(bars):
        w, h = b.abatement_tco2e, b.cost_k_vnd_per_tco2e
        (rect,) = ax.bar(x, h, width=w, align="edge", color=group_colour(b.group, k), edgecolor="white", linewidth=0.4)
        rect.set_gid(f"macbar-{b.code}")
        centre = x + w / 2
        tier = 0
        while any(abs(centre - c) < label_w and t == tier and (y >= 0) == (h >= 0) for c, y, t in placed):
            tier += 1
        placed.append((centre, h, tier))
        offset = 0.035 * span * (1 + 1.3 * tier)
        ax.text(
            centre,
            h + offset if h >= 0 else h - offset,
            str(b.number),
            fontsize=7,
            ha="center",
            va="bottom" if h >= 0 else "top",
        )
        x += w
    ax.axhline(0, color="#333", linewidth=0.8)
    ax.set_xlim(0, total * 1.01)
    deepest = max((t for _, _, t in placed), default=0)
    ax.set_ylim(lo - 0.08 * span * (1 + 1.3 * deepest), hi + 0.08 * span * (1 + 1.3 * deepest))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_locator(MaxNLocator(7))
    _axis(ax.xaxis, fmt)
    _axis(ax.yaxis, fmt)
    groups = list(dict.fromkeys(b.group for b in bars))
    handles = [Patch(color=group_colour(g, k), label=group_labels.get(g, g)) for k, g in enumerate(groups)]
    ax.legend(handles=handles, frameon=False, ncols=min(3, len(handles)), loc="upper center",
              bbox_to_anchor=(0.5, -0.14))  # fmt: skip
    if title:
        ax.set_title(title)
    return _svg(fig)


def wedges(
    years: Sequence[int],
    remaining: Sequence[float],
    reductions: Mapping[str, Sequence[float]],
    labels: Mapping[str, str],
    bau: Sequence[float],
    target_path: Sequence[tuple[int, float]],
    ylabel: str,
    fmt: Fmt,
    remaining_label: str,
    bau_label: str,
    target_label: str,
    title: str = "",
) -> str:
    """Roadmap wedges: the emissions left with the roadmap (grey), one wedge per measure group stacked on them
    up to business as usual, and the target line (baseline to each target year's cap). Wedge ``g`` has the SVG
    id ``wedge-<g>``; its thickness in a year is that group's abatement."""
    fig, ax = plt.subplots(figsize=(7.2, 3.6))
    ys = np.asarray(years, dtype=float)
    base = np.asarray(remaining, dtype=float)
    polys = ax.stackplot(ys, base, color=REMAINING, labels=[remaining_label])
    polys[0].set_gid("wedge-remaining")
    bottom = base.copy()
    for k, (g, v) in enumerate(reductions.items()):
        top = bottom + np.asarray(v, dtype=float)
        poly = ax.fill_between(ys, bottom, top, color=group_colour(g, k), label=labels.get(g, g), linewidth=0)
        poly.set_gid(f"wedge-{g}")
        bottom = top
    ax.plot(ys, np.asarray(bau, dtype=float), color="#333", linewidth=1.0, linestyle=":", label=bau_label)
    if target_path:
        tx, ty = zip(*target_path, strict=True)
        ax.plot(tx, ty, "k--o", label=target_label, markersize=3, linewidth=1.2)
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, max(float(np.max(bau)) if len(bau) else 0.0, *(v for _, v in target_path), 1.0) * 1.05)
    ax.set_xlim(ys[0], ys[-1])
    first, last = int(ys[0]), int(ys[-1])
    ticks = sorted({first, last, *(x for x, _ in target_path), *range(first + 5 - first % 5, last, 5)})
    ax.set_xticks([x for k, x in enumerate(ticks) if k == 0 or x - ticks[k - 1] >= 3 or x in (last,)])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: str(int(v))))
    _axis(ax.yaxis, fmt)
    if title:
        ax.set_title(title)
    ax.legend(frameon=False, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=3)
    return _svg(fig)


def compliance_calendar(
    year: int, status: Mapping[dt.date, int], month_labels: Sequence[str], legend: Mapping[int, str], title: str = ""
) -> str:
    """A compliance calendar: one row per month (labelled), one column per day of the month (1-31 labelled), a
    square per day coloured by its status (0 compliant, 1 exceedance, 2 sensor fault, 3 no data; a day missing
    from ``status`` is 'no data'). Day ``d`` has the SVG id ``day-<d ISO>``."""
    fig, ax = plt.subplots(figsize=(7.2, 2.9))
    for m in range(1, 13):
        for d in range(1, _calendar.monthrange(year, m)[1] + 1):
            day = dt.date(year, m, d)
            s = int(status.get(day, 3))
            r = Rectangle((d - 0.5, 11.5 - m), 1.0, 1.0, facecolor=DAY_COLOURS.get(s, DAY_COLOURS[3]),
                          edgecolor="white", linewidth=1.2)  # fmt: skip
            r.set_gid(f"day-{day.isoformat()}")
            ax.add_patch(r)
    ax.set_xlim(0.4, 31.6)
    ax.set_ylim(-0.6, 11.6)
    ax.set_yticks(range(12), [month_labels[11 - k] for k in range(12)])
    ax.set_xticks(range(1, 32), [str(d) for d in range(1, 32)])
    ax.tick_params(axis="both", length=0, labelsize=6.5)
    ax.xaxis.set_ticks_position("top")
    for side in ("left", "bottom", "top", "right"):
        ax.spines[side].set_visible(False)
    handles = [Patch(color=DAY_COLOURS[k], label=v) for k, v in legend.items()]
    ax.legend(handles=handles, frameon=False, ncols=len(handles), loc="upper center", bbox_to_anchor=(0.5, 0.0),
              fontsize=7)  # fmt: skip
    if title:
        ax.set_title(title)
    return _svg(fig)
