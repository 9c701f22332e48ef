"""The registry's statistics as a bar chart (SVG for the page), in the review charts' style."""

from __future__ import annotations

import io

from django.utils import translation
from matplotlib import rc_context
from matplotlib.figure import Figure

from thidua.reports.charts import BAR, LABEL_BOX, STYLE, WIDTH_IN, NumberTicks, number

MAX_BARS = 25


def statistics_chart(
    rows: list[tuple[str, int]], *, title: str, horizontal: bool, language: str = "vi"
) -> bytes:
    """Counts as bars: years stand (in order), awards and units lie (largest on top)."""
    with rc_context(STYLE), translation.override(language):
        if horizontal:
            fig = _horizontal(rows[:MAX_BARS][::-1], language)
        else:
            fig = _vertical(rows, language)
        fig.axes[0].set_title(title, loc="left", fontsize=10, fontweight="bold")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _horizontal(rows: list[tuple[str, int]], language: str) -> Figure:
    labels = [_short(label) for label, _n in rows]
    counts = [n for _label, n in rows]
    fig = Figure(figsize=(WIDTH_IN * 1.3, 0.26 * max(len(rows), 3) + 1.0), layout="constrained")
    ax = fig.add_subplot()
    bars = ax.barh(labels, counts, color=BAR, height=0.62)
    for bar, n in zip(bars, counts, strict=True):
        ax.annotate(
            number(n, 0, language),
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            bbox=LABEL_BOX,
        )
    ax.xaxis.set_major_formatter(NumberTicks(language))
    ax.margins(x=0.12)
    ax.tick_params(labelsize=8.5)
    return fig


def _vertical(rows: list[tuple[str, int]], language: str) -> Figure:
    labels = [label for label, _n in rows]
    counts = [n for _label, n in rows]
    fig = Figure(figsize=(WIDTH_IN * 1.3, 3.2), layout="constrained")
    ax = fig.add_subplot()
    ax.bar(labels, counts, color=BAR, width=0.7)
    ax.yaxis.set_major_formatter(NumberTicks(language))
    ax.tick_params(axis="x", labelsize=8, rotation=90 if len(rows) > 12 else 0)
    ax.tick_params(axis="y", labelsize=8.5)
    return fig


def _short(label: str, width: int = 48) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"
