"""Charts of the review with matplotlib's object API: SVG for the web, PNG for documents.

No pyplot: figures are plain objects, so nothing global is kept between requests and no
display backend is needed. DejaVu Sans ships with matplotlib and has every Vietnamese glyph.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

from thidua.common.numbers import format_vn

BAR = "#2f6f9f"
MEAN = "#c0392b"
TARGET = "#1e8449"
NOTE = "#7f8c8d"
LABEL_BOX = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
PNG_DPI = 150
WIDTH_IN = 6.3  # fits the 16.5 cm text width of an A4 page with 30/15 mm margins

# Fixed salt and no date: the same data gives byte-identical SVG (cacheable, diffable).
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "svg.hashsalt": "thidua",
    "svg.fonttype": "none",  # text stays text: searchable, and the browser has the glyphs
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def number(value: Decimal | float | None, decimals: int, language: str = "vi") -> str:
    if value is None:
        return "–"
    value = Decimal(str(value))
    if language == "en":
        return f"{value:,.{decimals}f}"
    return format_vn(value, decimals)


def with_measure(value: Decimal | float | None, measure: str, decimals: int, language: str) -> str:
    text = number(value, decimals, language)
    if value is None or not measure:
        return text
    return f"{text}%" if measure == "%" else f"{text} {measure}"


def member_chart(
    entry: dict, *, fmt: str = "svg", language: str = "vi", title: str | None = None
) -> bytes:
    """Members of one `review()` indicator entry as horizontal bars, the best on top."""
    ranking = entry["ranking"][::-1]
    names = [r["unit_name"] for r in ranking]
    values = [float(r["value"]) for r in ranking]
    decimals = entry["decimals"]
    with rc_context(STYLE), translation.override(language):
        fig = Figure(figsize=(WIDTH_IN, 0.23 * max(len(names), 3) + 1.4), layout="constrained")
        ax = fig.add_subplot()
        bars = ax.barh(names, values, color=BAR, height=0.62)
        for bar, value in zip(bars, values, strict=True):
            ax.annotate(
                number(value, decimals, language),
                (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                bbox=LABEL_BOX,
            )
        _reference_lines(ax, entry, language)
        _style_axes(ax, entry["measure"], decimals, language)
        _titles(fig, ax, entry, title, language)
        return _save(fig, fmt)


def _reference_lines(ax, entry: dict, language: str) -> None:
    measure, decimals = entry["measure"], entry["decimals"]
    if entry.get("mean") is not None:
        label = _("Bình quân cụm: %(v)s") % {
            "v": with_measure(entry["mean"], measure, max(decimals, 1), language)
        }
        ax.axvline(float(entry["mean"]), color=MEAN, linewidth=1.2, linestyle="--", label=label)
    threshold = entry.get("threshold") or {}
    if threshold.get("value") is not None:
        label = _("Mức giao ước: %(v)s") % {
            "v": with_measure(threshold["value"], measure, 0, language)
        }
        ax.axvline(
            float(threshold["value"]),
            color=TARGET,
            linewidth=1.2,
            linestyle=(0, (5, 3)),
            label=label,
        )
    if ax.get_legend_handles_labels()[0]:
        ax.figure.legend(loc="outside lower center", ncol=2, fontsize=8, frameon=False)


def _style_axes(ax, measure: str, decimals: int, language: str) -> None:
    ax.set_xlabel(measure, fontsize=8)
    ax.xaxis.set_major_formatter(NumberTicks(language))
    ax.tick_params(labelsize=8.5)
    ax.margins(x=0.1)
    ax.set_xlim(left=min(0, ax.get_xlim()[0]))


def _titles(fig: Figure, ax, entry: dict, title: str | None, language: str) -> None:
    if title is None:
        title = entry["name_en"] if language == "en" and entry.get("name_en") else entry["name"]
    if title:
        ax.set_title(title, loc="left", fontsize=10, fontweight="bold")
    if entry.get("illustrative"):
        ax.text(
            1.0,
            1.01,
            _("Số liệu minh họa"),
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=7,
            color=NOTE,
        )


def trend_chart(
    points: list[tuple[str, Decimal | None]],
    *,
    measure: str = "",
    decimals: int = 0,
    title: str = "",
    fmt: str = "svg",
    language: str = "vi",
) -> bytes:
    """A value over periods (labels in order); periods without data are left out."""
    shown = [(label, float(v)) for label, v in points if v is not None]
    with rc_context(STYLE), translation.override(language):
        fig = Figure(figsize=(WIDTH_IN, 2.8), layout="constrained")
        ax = fig.add_subplot()
        if shown:
            labels, values = zip(*shown, strict=True)
            ax.plot(labels, values, color=BAR, marker="o", linewidth=1.6)
            for x, y in zip(labels, values, strict=True):
                ax.annotate(
                    number(y, decimals, language),
                    (x, y),
                    xytext=(0, 6),
                    textcoords="offset points",
                    ha="center",
                    fontsize=8,
                    bbox=LABEL_BOX,
                )
            ax.margins(y=0.2)
        else:
            ax.text(0.5, 0.5, _("Chưa có số liệu"), ha="center", va="center", color=NOTE)
            ax.set_xticks([])
        ax.set_ylabel(measure, fontsize=8)
        ax.yaxis.set_major_formatter(NumberTicks(language))
        ax.tick_params(labelsize=8.5)
        if title:
            ax.set_title(title, loc="left", fontsize=10, fontweight="bold")
        return _save(fig, fmt)


class NumberTicks(Formatter):
    """Axis numbers in the language's format, all with the same decimals (7,0 7,5 8,0)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.decimals = 0

    def format_ticks(self, values) -> list[str]:
        self.decimals = max((_places(v) for v in values), default=0)
        return [self(v) for v in values]

    def __call__(self, x: float, pos=None) -> str:
        return number(Decimal(str(round(x, 6))), self.decimals, self.language)


def _places(x: float) -> int:
    exponent = Decimal(str(round(x, 6))).normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _save(fig: Figure, fmt: str) -> bytes:
    if fmt not in ("svg", "png"):
        raise ValueError(f"Unknown chart format: {fmt}")
    buffer = io.BytesIO()
    if fmt == "svg":
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    else:
        fig.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return buffer.getvalue()
