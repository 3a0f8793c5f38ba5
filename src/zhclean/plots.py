"""Figures of a cleaned corpus: removed spans by reason, page length before and after, Han
share, duplicate cluster sizes.

Each function takes the frame of `zhclean.frame.clean_frame` (or of an output folder read by
`zhclean.report.read_output`) and returns a matplotlib `Figure`, built without pyplot so nothing
global is configured; Jupyter shows it, `figure_png` embeds it in a page. matplotlib comes with
the ``explore`` extra and is imported only here, when a figure is drawn.
"""
from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING, Any

from zhclean.errors import MissingExtra
from zhclean.frame import cluster_sizes, reason_counts

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure


# --- plots --------------------------------------------------------------------------------


def _figure(width: float = 7.0, height: float = 3.6) -> "Figure":
    try:
        from matplotlib.figure import Figure
    except ImportError as err:
        raise MissingExtra("explore", "plots", "matplotlib") from err
    return Figure(figsize=(width, height), layout="constrained")


def _thousands(axis: Any) -> None:
    """Whole-number ticks with thousands separators (12,000) on a count axis."""
    from matplotlib.ticker import FuncFormatter

    axis.get_major_locator().set_params(integer=True)
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:,.0f}"))


def plot_reasons(frame_or_counts: Any, title: str = "Removed spans by reason",
                 unit: str = "spans") -> "Figure":
    """Horizontal bars: removed spans (or, with ``unit="pages"``, rejected pages) per reason
    code, coloured by kind."""
    from zhclean.render import kind_colour

    counts = (reason_counts(frame_or_counts) if hasattr(frame_or_counts, "columns")
              else dict(frame_or_counts))
    counts = dict(sorted(dict(counts).items(), key=lambda kv: kv[1]))
    fig = _figure(7.0, max(2.0, 0.32 * len(counts) + 1.0))
    ax = fig.add_subplot()
    if not counts:
        ax.text(0.5, 0.5, "nothing removed", ha="center", va="center")
        ax.set_axis_off()
    else:
        names = list(counts)
        ax.barh(names, list(counts.values()), color=[kind_colour(n.rsplit(".", 1)[-1]) for n in names],
                edgecolor="#4b5563", linewidth=0.5)
        _thousands(ax.xaxis)
        ax.set_xlabel(unit)
    ax.set_title(title)
    return fig


def plot_lengths(frame: "pd.DataFrame") -> "Figure":
    """Histograms of page length (characters) before and after cleaning, log-spaced bins."""
    import numpy as np

    fig = _figure()
    ax = fig.add_subplot()
    before = np.asarray(frame["chars_before"], dtype=float)
    after = np.asarray(frame["chars_after"], dtype=float)
    both = np.concatenate([before, after])
    both = both[both > 0]
    low, top = (both.min(), both.max()) if both.size else (1.0, 10.0)
    bins = np.geomspace(low / 1.1, max(top * 1.1, low * 10), 30)
    ax.hist(before[before > 0], bins=bins, alpha=0.55, label="before", color="#9ca3af")
    ax.hist(after[after > 0], bins=bins, alpha=0.75, label="after", color="#2563eb")
    ax.set_xscale("log")
    _thousands(ax.yaxis)
    ax.set_xlabel("characters per page (pages left empty not shown)")
    ax.set_ylabel("pages")
    ax.set_title("Page length before and after cleaning")
    ax.legend()
    return fig


def plot_han_share(frame: "pd.DataFrame") -> "Figure":
    """Histogram of the Han share of the clean text (pages with text only)."""
    fig = _figure()
    ax = fig.add_subplot()
    shares = frame.loc[frame["chars_after"] > 0, "han_share"]
    ax.hist(shares, bins=20, range=(0.0, 1.0), color="#059669")
    ax.set_xlabel("Han characters / non-space characters (clean text)")
    _thousands(ax.yaxis)
    ax.set_ylabel("pages")
    ax.set_title("Han share")
    return fig


def plot_cluster_sizes(frame: "pd.DataFrame") -> "Figure":
    """Bars: how many duplicate clusters have 2, 3, ... pages."""
    sizes = cluster_sizes(frame)
    fig = _figure(6.0, 3.0)
    ax = fig.add_subplot()
    if sizes.empty:
        ax.text(0.5, 0.5, "no duplicate clusters", ha="center", va="center")
        ax.set_axis_off()
    else:
        ax.bar([f"{s:,}" for s in sizes.index], sizes.to_numpy(), color="#7c3aed")
        _thousands(ax.yaxis)
        ax.set_xlabel("pages in cluster")
        ax.set_ylabel("clusters")
    ax.set_title("Duplicate cluster sizes")
    return fig


def figure_png(fig: "Figure", dpi: int = 96) -> str:
    """The figure as a base64 PNG ``data:`` URI, for a self-contained page."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
