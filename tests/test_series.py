"""costshare.series: the tables behind the charts, checked against the records and rates by hand.

Expected values come from data/reference/ and from costshare.money (itself checked against the
shipped ECB and CPI data in test_money.py): the conversions here must be the records' amounts at
those rates, gaps must stay NaN with a reason, and the sentences the charts and notebooks print
must be computed from the data.
"""

from __future__ import annotations

import math
import subprocess
import sys

import pandas as pd
import pytest

from costshare import money, paths, pipeline, reference
from costshare import params as P
from costshare import series as S

JP, KR = S.JAPAN, S.KOREA


@pytest.fixture(scope="module")
def extraction():
    return pipeline.run(paths.SEEDS_DIR, paths.REFERENCE_DIR)


@pytest.fixture(scope="module")
def ref(extraction):
    return extraction.reference


def row(frame: pd.DataFrame, country: str, year: int) -> pd.Series:
    found = frame[(frame["country"] == country) & (frame["year"] == year)]
    assert len(found) == 1, (country, year)
    return found.iloc[0]


# --------------------------------------------------------------------------------- burden series


def test_one_row_per_country_and_year_of_the_window(ref):
    p = P.validate(start_year=1991, end_year=2030)
    s = S.burden_series(ref, p)
    assert list(s.columns) == S.SERIES_COLUMNS
    assert len(s) == 2 * 40
    assert set(s["country"]) == {JP, KR}
    assert s.groupby("country")["year"].apply(list).map(lambda ys: ys == list(range(1991, 2031))).all()


def test_japan_in_yen_is_the_hns_total_record(ref):
    s = S.burden_series(ref, P.validate(currency="JPY"))
    r = row(s, JP, 2021)
    assert r["scope"] == "HNS_total"
    assert r["record_id"] == "JP-HNS_total-FY2021-1"
    assert r["period"] == "FY2021" and r["fiscal"]
    assert r["value"] == pytest.approx(201.7e9)
    assert r["x"] == 2021.75  # April 2021-March 2022: its middle


def test_japan_in_dollars_uses_the_fiscal_year_average(ref):
    s = S.burden_series(ref, P.validate(currency="USD"))
    rate = money.average_rate("JPY", "USD", 2021, fiscal=True)
    r = row(s, JP, 2021)
    assert r["rate_period"] == "FY2021 JPY->USD"
    assert r["value"] == pytest.approx(201.7e9 * rate.value)


def test_korea_early_years_exist_in_dollars_as_agreed(ref):
    s = S.burden_series(ref, P.validate(currency="USD"))
    r = row(s, KR, 1995)
    assert r["status"] == "value"
    assert r["value"] == pytest.approx(300e6)
    assert r["unit"] == "USD million"


def test_korea_before_1999_in_won_is_a_gap_with_a_note_not_a_guess(ref):
    s = S.burden_series(ref, P.validate(currency="KRW"))
    r = row(s, KR, 1995)
    assert r["status"] == "not converted"
    assert math.isnan(r["value"])
    assert "1999" in r["note"]
    assert row(s, KR, 1999)["status"] == "value"


def test_gaps_stay_gaps_with_the_reason(ref):
    s = S.burden_series(ref, P.validate())
    for year in (2025, 2026):
        r = row(s, JP, year)
        assert r["status"] == "gap" and math.isnan(r["value"]), year
        assert r["note"].startswith("GAP"), year
    assert row(s, KR, 2027)["note"].startswith("NOT YET DETERMINED")
    assert S.gap_years(s, JP)["gap"] == ["FY2025", "FY2026"]


def test_japan_is_drawn_from_fy1999_to_fy2024_on_one_basis_or_marked(ref):
    s = S.burden_series(ref, P.validate(currency="JPY", start_year=1999))
    japan = s[(s["country"] == JP) & s["year"].between(1999, 2024)]
    assert (japan["status"] == "value").all()  # every year has a drawn value
    assert S.line_gaps(s, JP) == ["FY2001", "FY2007", "FY2011", "FY2013", "FY2017", "FY2018",
                                  "FY2025", "FY2026"]
    assert S.drawn_apart(s, JP) == {"settled": ["FY2001"], "request": ["FY2007"],
                                    "draft budget": ["FY2011", "FY2017", "FY2018"],
                                    "derived": ["FY2013"]}
    assert S.weak_only(s, JP) == ["FY2007"]


def test_no_line_mixes_bases(ref):
    for overrides in ({}, {"currency": "JPY", "start_year": 1978, "real": True}, {"currency": "KRW"}):
        s = S.burden_series(ref, P.validate(overrides))
        line = s[s["drawn"] == "line"]
        for country, rows in line.groupby("country"):
            assert set(rows["basis_kind"]) == {reference.SERIES_BASIS[country]}, (country, overrides)
        # everything with a value is either on the line or drawn apart, never silently mixed in
        assert set(s.loc[s["status"] == "value", "drawn"]) <= set(S.DRAWN)
        off = s[s["drawn"].isin(["other basis", "derived"])]
        assert (off["basis_kind"] != off["country"].map(reference.SERIES_BASIS)).all()


def test_derived_values_are_drawn_as_derived(ref):
    s = S.burden_series(ref, P.validate())
    for country, year, amount in ((KR, 2023, 1289.6), (KR, 2024, 1346.3), (JP, 2013, 186.0)):
        r = row(s, country, year)
        assert r["amount"] == amount and r["drawn"] == "derived", (country, year)
    assert row(s, KR, 2025)["drawn"] == "line" and row(s, KR, 2022)["drawn"] == "line"


def test_constant_prices_deflate_with_cpi(ref):
    nominal = S.burden_series(ref, P.validate(currency="USD"))
    real = S.burden_series(ref, P.validate(currency="USD", real=True, base_year=2020))
    # the base year itself is unchanged; earlier years are worth more in 2020 dollars
    assert row(real, KR, 2020)["value"] == pytest.approx(row(nominal, KR, 2020)["value"])
    factor = money.cpi_factor(2010, 2020)
    assert row(real, KR, 2010)["value"] == pytest.approx(row(nominal, KR, 2010)["value"] * factor)
    # CPI-U ships to 2025: 2026 in constant prices is not converted, never extrapolated
    assert row(real, KR, 2026)["status"] == "not converted"


def test_one_country_alone(ref):
    s = S.burden_series(ref, P.validate(countries=["Korea"]))
    assert set(s["country"]) == {KR}


# --------------------------------------------------------------------------------- claims


@pytest.fixture(scope="module")
def claims(extraction):
    return S.claims_vs_records(extraction, P.validate())


def claim(claims: pd.DataFrame, surface: str, article: str) -> pd.Series:
    found = claims[(claims["surface"] == surface) & claims["article"].str.startswith(article)]
    assert len(found) == 1, (surface, article)
    return found.iloc[0]


def test_money_claims_of_the_seeds_with_their_records(claims):
    assert list(claims.columns) == S.CLAIM_COLUMNS
    assert len(claims) == 11
    assert set(claims["kind"]) <= {"annual", "total"}
    assert claims["record_id"].ne("").all()


def test_a_power_of_ten_slip_is_flagged_with_its_reading(claims):
    c = claim(claims, "2017 billion yen", "003")
    assert c["severity"] == "error"
    assert c["ratio"] == pytest.approx(10.0)
    assert c["suggested_text"] == "201.7 billion yen"
    assert c["suggested_value"] == pytest.approx(c["record_value"])


def test_a_right_claim_in_the_payers_currency_lands_on_the_record(claims):
    c = claim(claims, "200 billion yen", "000")
    assert c["severity"] == ""
    assert c["claim_value"] / c["record_value"] == pytest.approx(200 / 199.3)


def test_a_restatement_goes_back_to_yen_at_the_rate_of_its_day(claims):
    c = claim(claims, "$1.9 billion", "001")
    rate = money.rate_on("USD", "JPY", pd.Timestamp("2020-10-21").date())
    assert c["fx_date"] == rate.period
    assert c["claim_native"] == pytest.approx(1.9e9 * rate.value)
    assert c["native_currency"] == "JPY"
    assert c["ratio"] == pytest.approx(1.9e9 * rate.value / 199.3e9)


def test_a_per_year_figure_of_a_five_year_deal_is_compared_with_the_annual_average(claims):
    c = claim(claims, "$1.82 billion", "004")
    assert c["record_id"] == "JP-HNS_total-FY2022-FY2026-2"
    assert c["x_end"] - c["x"] == 5
    assert abs(c["ratio"] - 1) < 0.01


def test_claims_follow_the_countries_parameter(extraction):
    korea = S.claims_vs_records(extraction, P.validate(countries=["Korea"]))
    assert korea.empty  # the seeds state no Korean money claim


def test_claim_order_puts_each_restatement_after_its_claim(claims):
    ordered = S.claim_order(claims)
    ids = list(ordered["claim_id"])
    for r in ordered.itertuples():
        if r.restates:
            assert ids.index(r.claim_id) == ids.index(r.restates) + 1


# --------------------------------------------------------------------------------- agreements


def test_lapses_and_stopgaps(ref):
    a = S.agreements_timeline(ref).set_index(["country", "agreement"])
    eleventh = a.loc[(KR, "11th SMA")]
    assert eleventh["lapse_days"] == 609  # 1 Jan 2020 to entry into force 1 Sep 2021
    assert eleventh["lapse_basis"] == "in force"
    assert a.loc[(KR, "10th SMA")]["lapse_basis"] == "signed"  # entry into force not verified
    assert a.loc[(JP, "2008 SMA")]["lapse_days"] == 30  # April 2008
    assert a.loc[(JP, "2021 Protocol (one-year extension)")]["lapse_days"] == 0  # in force that day
    stopgaps = a[a["stopgap"]].index.tolist()
    assert stopgaps == [(JP, "2021 Protocol (one-year extension)"), (KR, "10th SMA")]
    assert not a.loc[(JP, "Next SMA (from JFY2027)")]["concluded"]
    assert a.loc[(JP, "1987 SMA")]["concluded"]


def test_events_get_a_kind(ref):
    e = S.events_timeline(ref)
    assert set(e["kind"]) <= set(S.EVENT_KINDS)
    by_event = dict(zip(e["event"], e["kind"]))
    assert by_event["11th SMA enters into force."] == "in force"
    assert e["date"].is_monotonic_increasing


# --------------------------------------------------------------------------------- per member


def test_per_member_uses_the_nearest_troop_count_within_two_years(ref):
    s = S.burden_series(ref, P.validate())
    t = S.per_member(s, ref)
    r = row(t, KR, 2022)
    assert r["troops_year"] == 2021 and r["troops"] == 28500
    assert r["value"] == pytest.approx(row(s, KR, 2022)["value"] / 28500)
    assert math.isnan(row(t, JP, 2005)["value"])  # 2000 and 2008 are 5 and 3 years away
    assert row(t, JP, 2020)["troops_year"] == 2019  # a tie takes the earlier count


def test_per_member_divides_one_basis_by_one_basis(ref):
    s = S.burden_series(ref, P.validate())
    t = S.per_member(s, ref)
    # official counts only: FY1999 takes the official 47,000 of 2000, not DoD's 42,962 of 1998
    assert row(t, JP, 1999)["troops"] == 47000
    assert set(t.loc[t["value"].notna(), "troops_basis"]) == {"official"}
    # a payment drawn apart from the line (derived, another basis) is not divided
    for country, year in ((KR, 2023), (KR, 2024), (JP, 2013), (JP, 2011)):
        r = row(t, country, year)
        assert math.isnan(r["value"]) and "drawn apart" in r["note"], (country, year)
    dod = S.per_member(s, ref, basis="DoD count")
    assert row(dod, KR, 2016)["troops"] == 24189


# --------------------------------------------------------------------------------- sentences


def test_burden_finding_is_computed(ref):
    jpy = P.validate(currency="JPY")
    text = S.burden_finding(S.burden_series(ref, jpy), jpy)
    assert text.startswith("Japan's payment fell from ¥276bn (FY1999) to ¥185bn (FY2014), then rose to ¥212bn (FY2024)")
    usd = P.validate(currency="USD")
    # growth as an annual rate, never a multiple over a window of its own length
    assert "Korea's grew 5.7% a year, from $0.15bn (1991) to $1.05bn (2026)" in S.burden_finding(S.burden_series(ref, usd), usd)
    own = P.validate()
    assert "Korea's grew 5.1% a year, from ₩0.39tn (1999) to ₩1.52tn (2026)" in S.burden_finding(S.burden_series(ref, own), own)


def test_timeline_finding_is_computed(ref):
    p = P.validate()
    text = S.timeline_finding(S.agreements_timeline(ref, p), p)
    assert text == "Korea went 20 months without an SMA in force (2020-21); one-year stopgaps: Japan FY2021, Korea 2019"
    jp = P.validate(countries=["Japan"])
    assert S.timeline_finding(S.agreements_timeline(ref, jp), jp).startswith("Japan went 30 days")


def test_key_numbers(ref, claims):
    k = S.key_numbers(ref, P.validate(), claims)
    assert k["japan_fy2022_26_avg_vs_fy2021_pct"] == pytest.approx((211 / 201.7 - 1) * 100)
    assert k["korea_2026_vs_2019_pct"] == pytest.approx((1519.2 / 1038.9 - 1) * 100)
    assert (k["japan_peak_period"], k["japan_low_period"]) == ("FY1999", "FY2014")
    assert k["longest_lapse_days"] == 609
    assert (k["claims_money"], k["claims_flagged"]) == (11, 4)
    only_korea = S.key_numbers(ref, P.validate(countries=["Korea"]))
    assert "japan_fy2021_jpy" not in only_korea and "korea_2019_krw" in only_korea


def test_short_money_and_compact_periods():
    assert S.short_money(2.756e11, "JPY") == "¥276bn"
    assert S.short_money(1.5192e12, "KRW") == "₩1.52tn"
    assert S.short_money(33512, "USD", per_member=True) == "$33.5k"
    assert S.compact_periods(["FY2011", "FY2013", "FY2017", "FY2018"]) == "FY2011, FY2013, FY2017-18"
    assert S.parse_period("FY2022-FY2026") == (2022, 2026)
    assert S.parse_period("soon") is None


def test_series_does_not_import_matplotlib():
    code = "import sys, costshare.series; assert 'matplotlib' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=paths.ROOT)


def test_small_amounts_never_reach_a_burden_chart(tmp_path):
    """A price in a burden story is attributed like any claim ("Japan will pay 20 dollars a year
    ... under the host-nation support deal" reads as annual), but it is no payment: it stays out
    of the claims the charts draw."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "small.txt").write_text(
        "Japan will pay 20 dollars a year for each soldier's lunch in fiscal 2022 under the host-nation support deal.\n"
        "Seoul pays 1.2 trillion won in 2021 for the SMA, while a coffee costs 4.5 달러 a year.\n"
        "Japan pays ¥2,000 a year in fiscal 2021 for each parking permit at the bases.\n",
        encoding="utf-8",
    )
    extraction = pipeline.run(seeds, paths.REFERENCE_DIR)
    small = [c for c in extraction.claims if c.kind in ("annual", "total") and not S.is_burden_sized(c.value, c.unit)]
    assert small, "the small amounts are claims attributed like any other"
    charted = S.claims_vs_records(extraction, P.validate(seeds_dir=str(seeds)))
    assert list(charted["surface"]) == ["1.2 trillion won"]
