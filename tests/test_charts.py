"""costshare.charts: image baselines (pytest-mpl) and what each parameter does to each chart.

The ``mpl_image_compare`` tests return figures built from the real reference data and seeds; with
``--mpl`` (set in pytest.ini) pytest-mpl compares them with tests/baseline/<test name>.png within
an RMS tolerance. Regenerate the baselines after a deliberate change with
    .venv/bin/python -m pytest tests/test_charts.py --mpl-generate-path=tests/baseline
and look at every image before committing it.

The parameter tests read the Figure's artists (axis labels, line data, limits, texts), not pixels,
so they say exactly what changed.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import matplotlib
import numpy as np
import pytest

from costshare import charts, paths, pipeline, reference
from costshare import params as P
from costshare import series as S

BASELINE = Path(__file__).parent / "baseline"
TOLERANCE = 2  # RMS, in 0-255 levels: fonts and anti-aliasing only, not a moved line
compare = pytest.mark.mpl_image_compare(baseline_dir="baseline", tolerance=TOLERANCE,
                                        style="default", savefig_kwargs={"dpi": charts.DPI})


@pytest.fixture(scope="module")
def extraction():
    return pipeline.run(paths.SEEDS_DIR, paths.REFERENCE_DIR)


def tables(extraction, **overrides):
    p = P.validate(overrides)
    ref = extraction.reference
    s = S.burden_series(ref, p)
    return {
        "params": p,
        "series": s,
        "claims": S.claims_vs_records(extraction, p),
        "agreements": S.agreements_timeline(ref, p),
        "events": S.events_timeline(ref, p),
        "per_member": S.per_member(s, ref),
    }


def burden(extraction, **overrides):
    t = tables(extraction, **overrides)
    return charts.burden_chart(t["series"], t["params"], t["claims"], t["agreements"])


def tracks(extraction, **overrides):
    t = tables(extraction, **overrides)
    return charts.agreements_chart(t["agreements"], t["events"], t["params"])


def per_member(extraction, **overrides):
    t = tables(extraction, **overrides)
    return charts.per_member_chart(t["per_member"], t["params"], extraction.reference)


def claims(extraction, **overrides):
    t = tables(extraction, **overrides)
    return charts.claims_chart(t["claims"], t["params"])


BUILDERS = {"burden": burden, "tracks": tracks, "per_member": per_member, "claims": claims}


# --------------------------------------------------------------------------------- baselines


@compare
def test_burden_chart(extraction):
    return burden(extraction)


@compare
def test_burden_chart_korea_alone_constant_won(extraction):
    return burden(extraction, countries=["Korea"], currency="KRW", real=True, base_year=2015)


@compare
def test_agreements_chart(extraction):
    return tracks(extraction)


@compare
def test_per_member_chart(extraction):
    return per_member(extraction)


@compare
def test_claims_chart(extraction):
    return claims(extraction)


def test_the_image_comparison_really_runs(pytestconfig):
    """Without --mpl pytest-mpl compares nothing and passes silently: pytest.ini must keep it,
    and every baseline must exist."""
    if pytestconfig.getoption("--mpl-generate-path"):
        pytest.skip("generating baselines, not comparing")
    assert pytestconfig.getoption("--mpl"), "pytest.ini lost --mpl: chart baselines are not compared"
    compared = [name for name, obj in globals().items()
                if name.startswith("test_") and hasattr(obj, "pytestmark")
                and any(m.name == "mpl_image_compare" for m in obj.pytestmark)]
    assert len(compared) == 5
    for name in compared:
        assert (BASELINE / f"{name}.png").is_file(), f"no baseline for {name}"


# --------------------------------------------------------------------------------- helpers


def lines_by_label(ax):
    return {line.get_label(): line for line in ax.get_lines() if not line.get_label().startswith("_")}


def series_line(ax, country: str):
    """A country's line (its gid: 'line|<country>|<basis>')."""
    found = [line for line in ax.get_lines() if str(line.get_gid()).startswith(f"line|{country}|")]
    assert len(found) == 1, country
    return found[0]


def ydata(line) -> np.ndarray:
    return np.asarray(line.get_ydata(), dtype=float)


def texts(fig) -> list[str]:
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
    return out


def title(fig) -> str:
    return fig.texts[0].get_text().replace("\n", " ")


# --------------------------------------------------------------------------------- §4 parameters


def test_currency_changes_the_unit_and_the_values(extraction):
    usd, jpy = burden(extraction, currency="USD"), burden(extraction, currency="JPY")
    ax_usd, ax_jpy = usd.axes[0], jpy.axes[0]
    assert ax_usd.get_ylabel().startswith("US$ billion")
    assert ax_jpy.get_ylabel().startswith("¥ (yen) billion")
    japan = ydata(series_line(ax_jpy, S.JAPAN))
    assert 201.7 in np.round(japan, 1)  # FY2021 as the record gives it
    assert 201.7 not in np.round(ydata(series_line(ax_usd, S.JAPAN)), 1)
    krw = per_member(extraction, currency="KRW")
    assert krw.axes[0].get_ylabel().startswith("₩ (won) million")
    assert any("₩" in t for t in texts(krw))  # its end labels


def test_real_and_base_year_change_the_values_and_the_label(extraction):
    nominal = burden(extraction, currency="USD")
    real = burden(extraction, currency="USD", real=True, base_year=2020)
    real15 = burden(extraction, currency="USD", real=True, base_year=2015)
    assert "nominal" in nominal.axes[0].get_ylabel()
    assert "constant 2020 prices" in real.axes[0].get_ylabel()
    assert "constant 2015 prices" in real15.axes[0].get_ylabel()
    k_nom, k_real, k_15 = (ydata(series_line(f.axes[0], S.KOREA)) for f in (nominal, real, real15))
    i2010, i2020 = 2010 - 1991, 2020 - 1991
    assert k_real[i2020] == pytest.approx(k_nom[i2020])  # the base year is unchanged
    assert k_real[i2010] > k_nom[i2010]  # 2010 dollars are worth more in 2020 dollars
    assert k_15[i2010] < k_real[i2010]
    assert "CPI-U" in real.texts[2].get_text()  # the source line names the deflator
    assert "CPI-U" not in nominal.texts[2].get_text()


@pytest.mark.parametrize("kind", ["burden", "tracks", "per_member"])
def test_start_and_end_year_set_the_time_axis(extraction, kind):
    fig = BUILDERS[kind](extraction, start_year=2005, end_year=2022)
    assert fig.axes[0].get_xlim() == (2005, 2023)  # 1 January 2005 to 31 December 2022
    lo, hi = BUILDERS[kind](extraction, currency="USD").axes[0].get_xlim()
    assert 1991 <= lo and hi <= 2031


@pytest.mark.parametrize("kind", ["burden", "per_member"])
def test_axes_are_cropped_to_the_years_with_data(extraction, kind):
    """The window asks for 1991-2030; the axis runs over the years that have a value."""
    t = tables(extraction)
    frame = t["series"] if kind == "burden" else t["per_member"]
    years = frame.loc[frame["value"].notna(), "year"]
    assert BUILDERS[kind](extraction).axes[0].get_xlim() == (years.min(), years.max() + 1)
    assert years.max() < 2030


def test_the_window_also_narrows_what_is_drawn_and_said(extraction):
    fig = burden(extraction, currency="USD", start_year=2005, end_year=2022)
    korea = series_line(fig.axes[0], S.KOREA)
    assert len(korea.get_xdata()) == 18
    assert "(2005)" in title(fig) and "(2022)" in title(fig)


@pytest.mark.parametrize("kind", ["burden", "per_member"])
def test_one_country_alone_draws_one_series(extraction, kind):
    fig = BUILDERS[kind](extraction, countries=["South Korea"])
    labels = list(lines_by_label(fig.axes[0]))
    assert len(labels) == 1 and labels[0].startswith("Korea")
    assert "Japan" not in title(fig)


def test_one_country_alone_in_the_tracks_and_the_claims(extraction):
    fig = tracks(extraction, countries=["Japan"])
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["Japan"]
    assert title(fig).startswith("Japan went 30 days without an SMA in force (2008)")
    empty = claims(extraction, countries=["South Korea"])
    assert any("Nothing to compare" in t for t in texts(empty))


# --------------------------------------------------------------------------------- content


def test_gaps_are_drawn_as_gaps(extraction):
    fig = burden(extraction)
    japan = series_line(fig.axes[0], S.JAPAN)
    x, y = np.asarray(japan.get_xdata()), ydata(japan)
    for year in (2025, 2026):
        assert math.isnan(y[list(x).index(year + 0.75)]), year
    assert any("Gaps (no source states the amount" in t for t in texts(fig))


def _drawn_points(fig):
    """(kind, country, basis) -> [(x, y)] of the lines and markers the burden chart draws."""
    out = {}
    for line in (line for ax in fig.axes for line in ax.get_lines()):
        gid = str(line.get_gid())
        if gid.count("|") == 2:
            kind, country, basis = gid.split("|")
            pts = [(float(a), float(b)) for a, b in zip(line.get_xdata(), line.get_ydata())
                   if not math.isnan(float(b))]
            out[(kind, country, basis)] = (line, pts)
    return out


@pytest.mark.parametrize("overrides", [{}, {"currency": "JPY", "start_year": 1978, "real": True},
                                       {"countries": ["South Korea"], "currency": "KRW"}])
def test_no_chart_line_mixes_bases(extraction, overrides):
    t = tables(extraction, **overrides)
    fig = charts.burden_chart(t["series"], t["params"], t["claims"], t["agreements"])
    s = t["series"]
    for (kind, country, basis), (line, pts) in _drawn_points(fig).items():
        if kind == "weak":  # rings around points drawn by the other artists
            continue
        scale, _ = S.unit_scale(S.currency_of(t["params"], country))
        rows = s[(s["country"] == country) & s["value"].notna()]
        # every drawn point is a series value of the artist's one basis
        for x, y in pts:
            match = rows[(rows["x"] == x)]
            assert len(match) == 1 and match["value"].iloc[0] / scale == pytest.approx(y)
            assert match["basis_kind"].iloc[0] == basis, (kind, country, x)
        if kind == "line":
            assert basis == reference.SERIES_BASIS[country]
        else:  # drawn apart: markers only, never joined to each other or to the line
            assert line.get_linestyle() in ("None", "none", "")
    # and every value of the window is drawn by exactly one artist
    drawn = sum(len(p) for (k, _, _), (_, p) in _drawn_points(fig).items() if k != "weak")
    assert drawn == int(s["value"].notna().sum())


def test_derived_values_are_drawn_as_derived(extraction):
    fig = burden(extraction)
    points = _drawn_points(fig)
    korea = points[("derived", S.KOREA, "derived")][1]
    assert [round(x, 2) for x, _ in korea] == [2023.5, 2024.5]
    assert ("derived", S.JAPAN, "derived") in points
    # the line itself skips them, and the word "derived" stands under them
    line_x = [x for x, _ in points[("line", S.KOREA, "agreement")][1]]
    assert 2023.5 not in line_x and 2024.5 not in line_x
    assert sum(t.get_text() == "derived" for ax in fig.axes for t in ax.texts) == 2  # one per run
    assert any("Derived, not read in any source: Japan FY2013; Korea 2023-24" in t.replace("\n", " ")
               for t in texts(fig))


def test_weak_only_points_are_ringed(extraction):
    fig = burden(extraction, currency="JPY", start_year=1978)
    rings = {c: pts for (k, c, _), (_, pts) in _drawn_points(fig).items() if k == "weak"}
    assert sorted(round(x - 0.75) for x, _ in rings[S.JAPAN]) == [1979, 1985, 1990, 2007]
    assert any("Ringed, resting only on a weak source: Japan FY1979, FY1985, FY1990, FY2007"
               in t.replace("\n", " ") for t in texts(fig))


def test_flagged_claims_are_crosses_labelled_with_their_reading(extraction):
    fig = burden(extraction)
    ax = fig.axes[0]
    crosses = [line for line in ax.get_lines() if line.get_marker() == "x"]
    assert {matplotlib.colors.to_hex(line.get_color()).upper() for line in crosses} == {
        charts.FLAG_COLORS["error"], charts.FLAG_COLORS["warning"]}
    off_scale = [line for line in ax.get_lines() if line.get_marker() == "^"]
    assert len(off_scale) == 1  # "2017 billion yen" is ten times the axis
    notes = [t.get_text() for t in ax.texts]
    assert any("2017 billion yen" in t and "read 201.7 billion yen" in t for t in notes)
    assert any("193 billion yen" in t and "read 199.3 billion yen" in t for t in notes)


def test_every_chart_has_a_finding_units_and_a_source_line(extraction):
    for kind, build in BUILDERS.items():
        fig = build(extraction)
        assert fig.get_figwidth() == charts.WIDTH and fig.dpi == charts.DPI, kind
        assert any(t.startswith("Sources: ") for t in texts(fig)), kind
        assert fig.texts[0].get_fontweight() == "bold", kind
    assert title(burden(extraction)).startswith("Japan's payment fell from ¥276bn (FY1999)")
    assert title(burden(extraction, currency="USD")).startswith("Japan's payment fell from $2.47bn (FY1999)")
    # the per-member comparison reverses with the choices: the title says so instead of a winner
    assert "depends on the year, exchange rate, scope and troop count" in title(per_member(extraction))
    assert "Korea pays" not in title(per_member(extraction))
    assert title(claims(extraction)).startswith("4 of 11 money claims")


def test_money_axes_start_at_zero(extraction):
    for fig in (burden(extraction), per_member(extraction), burden(extraction, currency="USD")):
        for ax in fig.axes:
            if ax.get_ylabel():  # the money panels, not the agreement strip
                assert ax.get_ylim()[0] == 0


def test_charts_default_to_own_currencies_in_two_panels(extraction):
    for fig in (burden(extraction), per_member(extraction)):
        labels = [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()]
        assert len(labels) == 2 and labels[0].startswith("¥ (yen)") and labels[1].startswith("₩ (won)")
    one = burden(extraction, currency="USD")
    assert [ax.get_ylabel() for ax in one.axes if ax.get_ylabel()][0].startswith("US$ billion")


def _print_text_width_inches() -> float:
    """The text width of the printed briefing, from the stylesheet: A4 less its page margins."""
    css = (paths.TEMPLATES_DIR / "briefing" / "static" / "briefing.css").read_text()
    margins = re.search(r"@page\s*{[^}]*?margin:\s*([\d.]+)mm\s+([\d.]+)mm\s+([\d.]+)mm\s+([\d.]+)mm", css, re.S)
    assert margins, "briefing.css: no @page margin"
    assert re.search(r"@media print\s*{.*figure\.chart img\s*{[^}]*width:\s*100%", css, re.S), \
        "charts no longer span the text width in print"
    return (210 - float(margins.group(2)) - float(margins.group(4))) / 25.4


@pytest.mark.parametrize("overrides", [{}, {"currency": "USD"}, {"countries": ["Japan"], "currency": "JPY"}])
def test_every_chart_text_prints_at_7_5_pt_or_more(extraction, overrides):
    """A chart printed across the text width scales by width / figure width: every text of every
    chart (titles, ticks, labels, legends, notes, annotations) stays at 7.5 pt or more on paper."""
    import matplotlib.text

    scale = _print_text_width_inches()
    for kind, build in BUILDERS.items():
        fig = build(extraction, **overrides)
        factor = scale / fig.get_figwidth()
        small = [(t.get_text()[:30], round(t.get_fontsize() * factor, 2))
                 for t in fig.findobj(matplotlib.text.Text)
                 if t.get_visible() and t.get_text().strip() and t.get_fontsize() * factor < charts.MIN_PRINT_PT - 1e-9]
        assert not small, (kind, small)


@pytest.mark.parametrize("overrides", [{}, {"currency": "KRW", "real": True}, {"countries": ["Japan"]}])
def test_no_text_leaves_the_figure(extraction, overrides):
    """Titles, notes and labels wrapped to the A4 width: nothing is cut at the edges."""
    for kind, build in BUILDERS.items():
        fig = build(extraction, **overrides)
        renderer = fig._get_renderer()
        width, height = fig.bbox.width, fig.bbox.height
        for t in [*fig.texts, *(t for ax in fig.axes for t in ax.texts),
                  *(lab for ax in fig.axes for lab in ax.get_yticklabels())]:
            if not t.get_text() or not t.get_visible():
                continue
            box = t.get_window_extent(renderer)
            assert box.x0 >= -1 and box.x1 <= width + 1, (kind, t.get_text()[:40])
            assert box.y0 >= -1 and box.y1 <= height + 1, (kind, t.get_text()[:40])


def test_charts_touch_no_global_state(extraction):
    import matplotlib.pyplot as plt

    before = dict(matplotlib.rcParams)
    open_before = plt.get_fignums()
    for build in BUILDERS.values():
        build(extraction)
    assert plt.get_fignums() == open_before  # no pyplot figure: nothing to leak or show
    after = dict(matplotlib.rcParams)
    assert {k for k in before if before[k] != after[k]} == set()


def test_save_writes_png_and_svg_byte_for_byte_the_same(extraction, tmp_path):
    fig = burden(extraction)
    first = charts.save(fig, "burden", tmp_path / "a")
    second = charts.save(burden(extraction), "burden", tmp_path / "b")
    assert [p.name for p in first] == ["burden.png", "burden.svg"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    svg = first[1].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg
    assert b"Matplotlib" not in first[0].read_bytes()
    assert not list((tmp_path / "a").glob(".*"))  # no temporary file left behind


def test_save_defaults_to_the_figures_folder(extraction, tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "FIGURES_DIR", tmp_path / "run" / "figures")
    written = charts.save(per_member(extraction), "per_member")
    assert written[0].parent == tmp_path / "run" / "figures"
