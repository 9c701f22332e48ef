"""Charts of the review with matplotlib's object API: SVG for the web, PNG for documents.

No pyplot: figures are plain objects, so nothing global is kept between requests and no
display backend is needed. DejaVu Sans ships with matplotlib and has every Vietnamese glyph.

Cost (a 20-member chart took ~0.2 s, most of a review .docx): text dominates, since matplotlib
shapes every string with libraqm and hints every glyph, ~1 ms per member name, once to measure
it and once to draw it. So the member chart is laid out once from its measured labels (`_fit`)
instead of by the constrained layout engine, which draws the figure an extra time and measures
everything again; the text is measured with the renderer that draws it (its cache keeps the
metrics), and the charts of one document share one figure and renderer (`chart_figure`), so a
member's name is measured once per document. PNGs are written as RGB at zlib level 1.
"""

from __future__ import annotations

import io
import threading
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from matplotlib import rc_context, rcParams
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.ticker import Formatter
from PIL import Image

from thidua.common.numbers import format_vn, measure_label

BAR = "#2f6f9f"
MEAN = "#c0392b"
TARGET = "#1e8449"
NOTE = "#7f8c8d"
LABEL_BOX = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
# Shown 15 cm wide in the document: about 160 dpi on paper. Figures are measured at this dpi
# for SVG too (written in points): hinted at 72 dpi, small text measures ~10% too wide.
PNG_DPI = 150
FORMATS = ("svg", "png")
PNG_LEVEL = 1  # zlib: as small as level 6 for flat colours, in less time
WIDTH_IN = 6.3  # fits the 16.5 cm text width of an A4 page with 30/15 mm margins
EDGE_PT = 3.0  # space kept free along the figure's edges (the constrained layout's pad)
VALUE_OFFSET_PT = 3.0  # between a bar's end and its value
NOTE_PAD_PT = 3.0  # between the axes and the note "Số liệu minh họa"

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
    if measure == "%":
        return f"{text}%"
    with translation.override(language):
        return f"{text} {measure_label(measure)}"


def chart_figure() -> Figure:
    """A figure on an Agg canvas, for `member_chart(figure=)`.

    The charts of one document drawn in turn on one figure share its renderer, whose cache
    keeps the metrics of their texts: the members' names are measured once, not per chart.
    """
    with rc_context(STYLE):
        fig = Figure(figsize=(WIDTH_IN, 3), dpi=PNG_DPI)
    FigureCanvasAgg(fig)
    return fig


_threads = threading.local()


def thread_figure() -> Figure:
    """This thread's figure for the web's charts, one request after another: its renderer keeps
    the metrics of the names it measured, so the next chart of the same members does not
    measure them again (the review chart of 20 members: ~100 → ~70 ms)."""
    figure = getattr(_threads, "figure", None)
    if figure is None:
        figure = _threads.figure = chart_figure()
    return figure


def member_chart(
    entry: dict,
    *,
    fmt: str = "svg",
    language: str = "vi",
    title: str | None = None,
    figure: Figure | None = None,
) -> bytes:
    """Members of one `review()` indicator entry as horizontal bars, the best on top.

    `figure` (from `chart_figure()`) is cleared and drawn on; without it a new one is used.
    """
    ranking = entry["ranking"][::-1]
    names = [r["unit_name"] for r in ranking]
    values = [float(r["value"]) for r in ranking]
    decimals = entry["decimals"]
    with rc_context(STYLE), translation.override(language):
        fig = figure if figure is not None else chart_figure()
        fig.clear()
        fig.set_size_inches(WIDTH_IN, 0.23 * max(len(names), 3) + 1.4)
        ax = fig.add_subplot()
        bars = ax.barh(names, values, color=BAR, height=0.62)
        labels = [
            ax.annotate(
                number(value, decimals, language),
                (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                xytext=(VALUE_OFFSET_PT, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                bbox=LABEL_BOX,
            )
            for bar, value in zip(bars, values, strict=True)
        ]
        legend = _reference_lines(ax, entry, language)
        _style_axes(ax, entry["measure"], decimals, language)
        heading = _titles(ax, entry, title, language)
        _fit(fig, ax, values, labels, legend, heading)
        return _save(fig, fmt)


def _reference_lines(ax, entry: dict, language: str) -> Legend | None:
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
    if not ax.get_legend_handles_labels()[0]:
        return None
    # On the figure's bottom edge; `_fit` keeps the room for it under the axis.
    return ax.figure.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 0),
        ncol=2,
        fontsize=8,
        frameon=False,
        borderaxespad=EDGE_PT / 8,
    )


def _style_axes(ax, measure: str, decimals: int, language: str) -> None:
    with translation.override(language):
        ax.set_xlabel(measure_label(measure), fontsize=8)
    ax.xaxis.set_major_formatter(NumberTicks(language))
    ax.tick_params(labelsize=8.5)
    ax.margins(x=0.1)
    ax.set_xlim(left=min(0, ax.get_xlim()[0]))


def _titles(ax, entry: dict, title: str | None, language: str) -> list[tuple[Text, float]]:
    """The title (left) and the note on illustrative figures (right) above the axes, each with
    its distance to the axes in points."""
    if title is None:
        title = entry["name_en"] if language == "en" and entry.get("name_en") else entry["name"]
    heading = []
    if title:
        text = ax.set_title(title, loc="left", fontsize=10, fontweight="bold")
        heading.append((text, rcParams["axes.titlepad"]))
    if entry.get("illustrative"):
        note = ax.annotate(
            _("Số liệu minh họa"),
            (1.0, 1.0),
            xycoords="axes fraction",
            xytext=(0, NOTE_PAD_PT),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=7,
            color=NOTE,
        )
        heading.append((note, NOTE_PAD_PT))
    return heading


def _fit(fig: Figure, ax, values: list[float], labels: list[Text], legend, heading: list) -> None:
    """Place the axes so that names, values, axis, legend and titles fit in the figure.

    Left: the longest member name and the ticks. Bottom: the tick numbers, the measure and
    the legend. Top: the title or note. Right: the values past the longest bars (the axes
    narrows, the x range stays).
    """
    renderer = fig.canvas.get_renderer()
    pt = fig.dpi / 72  # pixels per point
    width, height = fig.bbox.width, fig.bbox.height
    edge = EDGE_PT * pt
    names = max((t.get_window_extent(renderer).width for t in ax.get_yticklabels()), default=0)
    left = edge + names + (rcParams["ytick.major.pad"] + rcParams["ytick.major.size"]) * pt
    left = min(left, 0.6 * width)  # a very long name is cut at the edge, not the bars squeezed

    tick_height = renderer.get_text_width_height_descent(
        "lp", ax.xaxis.get_major_ticks(1)[0].label1.get_fontproperties(), ismath=False
    )[1]
    bottom = edge + tick_height + (rcParams["xtick.major.pad"] + rcParams["xtick.major.size"]) * pt
    if ax.xaxis.label.get_text():
        bottom += ax.xaxis.label.get_window_extent(renderer).height + ax.xaxis.labelpad * pt
    if legend is not None:  # below the measure, on the figure's edge
        bottom += legend.get_window_extent(renderer).height + edge
    top = edge + max(
        (t.get_window_extent(renderer).height + pad * pt for t, pad in heading), default=0
    )

    # A value stands right of its bar: the axes narrows until the widest one ends in the figure.
    room = width - left - edge  # the axes' width with nothing past its right end
    low, high = ax.get_xlim()
    right = 0.0
    for value, label in zip(values, labels, strict=True):
        share = (value - low) / (high - low) if high > low else 0.0
        need = VALUE_OFFSET_PT * pt + label.get_window_extent(renderer).width
        if share > 0:  # share * (room - right) + need <= room
            right = max(right, room - (room - need) / share)
    right = min(right, room / 2)
    fig.subplots_adjust(
        left=left / width,
        right=1 - (edge + right) / width,
        bottom=bottom / height,
        top=1 - top / height,
    )
    # A tick number at an end of the axis (0 when every value is negative) stands half past it.
    ticks = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
    # (the labels include those of the locator's ticks just outside the axis, never drawn)
    ticks = [b for b in ticks if ax.bbox.x0 - 1 <= (b.x0 + b.x1) / 2 <= ax.bbox.x1 + 1]
    if ticks:
        past_left = edge - min(b.x0 for b in ticks)
        past_right = max(b.x1 for b in ticks) - (width - edge)
        if past_left > 0 or past_right > 0:
            fig.subplots_adjust(
                left=(left + max(past_left, 0)) / width,
                right=1 - (edge + right + max(past_right, 0)) / width,
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
        fig = chart_figure()
        fig.set_size_inches(WIDTH_IN, 2.8)
        fig.set_layout_engine("constrained")
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
    """SVG through savefig; PNG drawn on the figure's Agg canvas and written as RGB (the
    figure is opaque: an alpha channel is a quarter more to compress for nothing)."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown chart format: {fmt}")
    buffer = io.BytesIO()
    if fmt == "svg":
        fig.savefig(buffer, format="svg", metadata={"Date": None})
        return buffer.getvalue()
    canvas = fig.canvas
    canvas.draw()
    rgba = Image.frombuffer(
        "RGBA", canvas.get_width_height(physical=True), canvas.buffer_rgba(), "raw", "RGBA", 0, 1
    )
    rgba.convert("RGB").save(buffer, format="png", dpi=(fig.dpi, fig.dpi), compress_level=PNG_LEVEL)
    return buffer.getvalue()
