"""Time expressions in English, Japanese and Korean, found and resolved (costshare.times)."""

from __future__ import annotations

import datetime as dt

import pytest

from costshare.times import JAPAN, KOREA, find_times, format_period, parse_period, resolve


def one(text, taken=()):
    (t,) = find_times(text, list(taken))
    return t


@pytest.mark.parametrize(
    "text,first,last,fiscal",
    [
        ("in fiscal 2020", 2020, 2020, True),
        ("FY23", 2023, 2023, True),
        ("2020年度", 2020, 2020, True),
        ("99年度", 1999, 1999, True),
        ("令和4年度", 2022, 2022, True),
        ("平成元年", 1989, 1989, False),
        ("2014년도", 2014, 2014, True),
        ("FY2022-FY2026", 2022, 2026, True),
        ("2022-26", 2022, 2026, False),
        ("2021~2025년", 2021, 2025, False),
        ("from 2014 to 2018", 2014, 2018, False),
        ("2022年度から5年間", 2022, 2026, True),
        ("2026년부터 5년간", 2026, 2030, False),
        ("the five years through fiscal 2026", 2022, 2026, True),
        ("from April 2022 to March 2027", 2022, 2026, False),
        ("in the late 1990s", 1995, 1999, False),
        ("1990年代後半", 1995, 1999, False),
    ],
)
def test_absolute_years_and_spans(text, first, last, fiscal):
    t = one(text)
    assert (t.first, t.last, t.fiscal) == (first, last, fiscal), t


def test_a_four_digit_amount_is_not_a_year():
    text = "2,017億円、2017 billion yen"
    taken = [(0, text.index("億円") + 2), (text.index("2017 b"), len(text))]
    assert find_times(text, taken) == []


@pytest.mark.parametrize(
    "text,country,published,year",
    [
        ("this year", JAPAN, dt.date(2021, 1, 31), 2021),  # the budget being decided in January
        ("this fiscal year", JAPAN, dt.date(2021, 1, 31), 2020),  # the fiscal year being paid
        ("今年度", JAPAN, dt.date(2021, 1, 31), 2020),
        ("来年度", JAPAN, dt.date(2021, 12, 24), 2022),
        ("昨年度", JAPAN, dt.date(2021, 6, 1), 2020),
        ("올해", KOREA, dt.date(2021, 3, 10), 2021),
        ("내년", KOREA, dt.date(2021, 3, 10), 2022),
        ("지난해", KOREA, dt.date(2021, 3, 10), 2020),
        ("작년", KOREA, dt.date(2021, 3, 10), 2020),
    ],
)
def test_relative_years_resolve_against_publication(text, country, published, year):
    t = resolve(one(text), country, published)
    assert t.first == year


def test_the_previous_year_counts_from_the_year_the_sentence_speaks_of():
    t = one("the previous year")
    assert resolve(t, KOREA, dt.date(2021, 3, 10), sentence_year=2019).first == 2018


def test_comparison_bases_are_marked():
    assert one("前年比13.9%増").comparison
    assert one("up 8.2% from the previous year").comparison
    assert one("전년 대비 8.2% 증가").comparison
    assert not one("Japan will pay 211 billion yen over 2022-26").comparison


def test_without_a_publication_date_a_relative_year_stays_unresolved():
    assert resolve(one("last year"), JAPAN, None) is None


def test_period_words_round_trip():
    assert format_period(JAPAN, 2022, 2026) == "FY2022-FY2026" and parse_period("FY2022-FY2026") == (2022, 2026)
    assert format_period(KOREA, 2021) == "2021" and parse_period("2021") == (2021, 2021)
    assert parse_period("") is None
