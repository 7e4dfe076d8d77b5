"""Charts for the report, drawn with matplotlib as inline SVG (no network, no JavaScript).

SVG keeps text as text (``svg.fonttype = 'none'``) so the charts stay small, sharp in
the PDF, and searchable. Each function takes plain data and labels already translated
and returns one ``<svg>`` string. Colours: one qualitative palette with enough
contrast on white.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import datetime as dt

import matplotlib.pyplot as plt
import numpy as np

PALETTE = ["#1b6e3a", "#2f7fc1", "#e0a526", "#c2452d", "#7b5ea7", "#4aa3a2", "#8c6d31", "#5f6b73"]
plt.rcParams.update(
    {
        "svg.fonttype": "none",
        # Japanese labels fall back to Noto Sans CJK JP (Debian's fonts-noto-cjk) glyph by glyph
        "font.family": ["DejaVu Sans", "Noto Sans CJK JP"],
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titleweight": "bold",
        "svg.hashsalt": "greenpark",  # deterministic ids
    }
)


def _svg(fig: plt.Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def stacked_bars(categories: Sequence[str], series: Mapping[str, Sequence[float]], ylabel: str, title: str = "") -> str:
    """Vertical bars of several series stacked per category (e.g. tCO2e by scope per month)."""
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    bottom = np.zeros(len(categories))
    for i, (label, values) in enumerate(series.items()):
        v = np.asarray(values, dtype=float)
        ax.bar(categories, v, bottom=bottom, label=label, color=PALETTE[i % len(PALETTE)], width=0.75)
        bottom += v
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(frameon=False, ncols=min(4, len(series)), loc="upper center", bbox_to_anchor=(0.5, -0.15))
    ax.tick_params(axis="x", labelrotation=45 if len(categories) > 12 else 0)
    return _svg(fig)


def horizontal_bars(labels: Sequence[str], values: Sequence[float], xlabel: str, title: str = "") -> str:
    """Ranked horizontal bars (e.g. tCO2e per tenant), largest on top."""
    order = np.argsort(np.asarray(values, dtype=float))
    height = max(2.0, 0.22 * len(labels) + 0.8)
    fig, ax = plt.subplots(figsize=(7.5, height))
    ax.barh([labels[i] for i in order], [values[i] for i in order], color=PALETTE[0])
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title)
    ax.tick_params(axis="y", labelsize=7)
    return _svg(fig)


def cost_curve(
    labels: Sequence[str],
    abatement_t: Sequence[float],
    cost_per_t: Sequence[float],
    xlabel: str,
    ylabel: str,
    title: str = "",
) -> str:
    """Marginal abatement cost curve: bar width = tCO2e/yr abated, height = cost per tonne, cheapest first."""
    order = np.argsort(np.asarray(cost_per_t, dtype=float), kind="stable")
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    x = 0.0
    for k, i in enumerate(order):
        w, h = float(abatement_t[i]), float(cost_per_t[i])
        ax.bar(x, h, width=w, align="edge", color=PALETTE[0] if h < 0 else PALETTE[3], edgecolor="white", linewidth=0.5)
        if w > 0.04 * max(1e-9, float(np.sum(abatement_t))):
            ax.text(
                x + w / 2,
                h,
                str(labels[i])[:22],
                rotation=90,
                fontsize=6,
                ha="center",
                va="bottom" if h >= 0 else "top",
            )
        x += w
        del k
    ax.axhline(0, color="#333", linewidth=0.8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return _svg(fig)


def wedges(
    years: Sequence[int],
    baseline: Sequence[float],
    reductions: Mapping[str, Sequence[float]],
    ylabel: str,
    target: Mapping[int, float] | None = None,
    target_label: str = "",
    title: str = "",
) -> str:
    """Roadmap wedges: remaining emissions line with the reduction wedges stacked above it, and the target."""
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    base = np.asarray(baseline, dtype=float)
    total_red = np.zeros(len(years))
    for v in reductions.values():
        total_red += np.asarray(v, dtype=float)
    remaining = base - total_red
    stack = [remaining] + [np.asarray(v, dtype=float) for v in reductions.values()]
    labels = ["—", *list(reductions.keys())]
    colours = ["#d9d9d9"] + [PALETTE[i % len(PALETTE)] for i in range(len(reductions))]
    ax.stackplot(years, *stack, labels=labels, colors=colours, alpha=0.9)
    if target:
        ty = sorted(target)
        ax.plot(ty, [target[y] for y in ty], "k--o", label=target_label, markersize=3)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    handles, lbls = ax.get_legend_handles_labels()
    ax.legend(
        handles[1:], lbls[1:], frameon=False, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=3
    )
    return _svg(fig)


def calendar(days: Sequence[str], status: Sequence[int], legend: Mapping[int, str], title: str = "") -> str:
    """A compliance calendar: one square per day, weeks as columns; status 0 ok, 1 exceedance, 2 fault, 3 no data."""
    colours = {0: "#1b6e3a", 1: "#c2452d", 2: "#e0a526", 3: "#bdbdbd"}
    dates = [dt.date.fromisoformat(d) for d in days]
    if not dates:
        fig, ax = plt.subplots(figsize=(7.5, 1.5))
        ax.axis("off")
        return _svg(fig)
    start = dates[0] - dt.timedelta(days=dates[0].weekday())
    fig, ax = plt.subplots(figsize=(7.5, 1.9))
    for d, s in zip(dates, status, strict=True):
        week = (d - start).days // 7
        ax.add_patch(plt.Rectangle((week, 6 - d.weekday()), 0.9, 0.9, color=colours.get(int(s), "#bdbdbd")))
    ax.set_xlim(0, (dates[-1] - start).days // 7 + 1)
    ax.set_ylim(0, 7)
    ax.set_aspect("equal")
    ax.axis("off")
    for k, (code, label) in enumerate(legend.items()):
        ax.add_patch(plt.Rectangle((k * 12, -1.6), 0.9, 0.9, color=colours[code], clip_on=False))
        ax.text(k * 12 + 1.3, -1.2, label, fontsize=7, va="center")
    if title:
        ax.set_title(title)
    return _svg(fig)
