"""Charts as SVG with matplotlib's Agg backend: no display, no browser library."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.ticker import FuncFormatter  # noqa: E402

from thidua.common.numbers import format_measure, format_vn  # noqa: E402

_PROLOG = re.compile(r"^.*?(?=<svg)", re.S)
BAR = "#2f6f9f"
MEAN = "#c0392b"


def ranking_svg(entry: dict, title: str, mean_label: str) -> str:
    """A horizontal bar per member, best on top, with the cluster mean as a line."""
    # Text stays text in the SVG: the page's font draws it, and it can be read and searched.
    with plt.rc_context({"svg.fonttype": "none", "font.family": "sans-serif"}):
        return _ranking_svg(entry, title, mean_label)


def _ranking_svg(entry: dict, title: str, mean_label: str) -> str:
    ranking = entry["ranking"]
    names = [r["unit_name"] for r in ranking][::-1]
    values = [float(r["value"]) for r in ranking][::-1]
    decimals = entry["decimals"]
    fig, ax = plt.subplots(figsize=(7.5, 0.38 * max(len(names), 3) + 1.1))
    bars = ax.barh(names, values, color=BAR, height=0.62)
    for bar, value in zip(bars, values, strict=True):
        ax.annotate(
            format_vn(Decimal(str(value)), decimals),
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8.5,
        )
    if entry.get("mean") is not None:
        mean = float(entry["mean"])
        label = format_measure(entry["mean"], entry["measure"], decimals)
        ax.axvline(mean, color=MEAN, linewidth=1.2, linestyle="--", label=f"{mean_label} {label}")
        ax.legend(
            loc="lower right",
            bbox_to_anchor=(1.0, 1.0),
            frameon=False,
            fontsize=8.5,
            borderaxespad=0.2,
        )
    _style(ax, title, entry["measure"], decimals)
    return _to_svg(fig)


def _style(ax, title: str, measure: str, decimals: int) -> None:
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_xlabel(measure, fontsize=9)
    ax.xaxis.set_major_formatter(FuncFormatter(_tick))
    ax.tick_params(labelsize=9)
    ax.margins(x=0.12)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _tick(x: float, _pos) -> str:
    value = Decimal(str(round(x, 6))).normalize()
    exponent = value.as_tuple().exponent
    return format_vn(value, -exponent if isinstance(exponent, int) and exponent < 0 else 0)


def _to_svg(fig) -> str:
    buffer = io.StringIO()
    fig.tight_layout()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    # Without the XML prolog the same text is a valid SVG file and can be swapped into a page.
    return _PROLOG.sub("", buffer.getvalue(), count=1)
