"""costshare.moneyforms: CJK numeral chains, garbled scales, spelled-out and spoken English
amounts, minor units, the Reuters "Y", what "¥" means in a story; and through extract_claims,
offsets into the original text and rule names."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costshare import moneyforms as mf
from tests.currency_suite import money_claims

D = Decimal


@pytest.mark.parametrize("group,value", [
    ("6천 2백", 6200), ("천 2백", 1200), ("3백 20", 320), ("1천 345", 1345), ("二千百", 2100),
    ("一兆", 1), ("1,450", 1450), ("4.5", D("4.5")), ("二〇〇〇", 2000), ("七百", 700), ("천", 1000),
])
def test_group_value(group, value):
    assert mf.group_value(group) == D(value)


@pytest.mark.parametrize("chain,value,garbled", [
    ("1억 3천 5백만", 135_000_000, False), ("2万億", 2 * 10**12, False), ("1조 389억", 1_038_900_000_000, False),
    ("1兆551億", 1_055_100_000_000, False), ("2만 1천 345", 21_345, False), ("二千百億", 210_000_000_000, False),
    ("9억 2500억", 925_000_000, True), ("1조 2000조", 1_200_000_000_000, True),
])
def test_chain_value(chain, value, garbled):
    assert mf.chain_value(chain) == (D(value), garbled)


def test_chain_in_an_order_no_reading_saves_is_no_amount():
    assert mf.chain_value("5만 3억") is None
    assert mf.chain_value("1억 2만억") is None


def test_garbled_scales_are_read_as_meant_and_the_rule_says_so():
    (c,) = money_claims("한국은 9억 2500억 달러를 냈다.", "ko")
    assert (c.value, c.unit) == (D(925_000_000), "USD")
    assert "garbled" in c.rule and c.surface == "9억 2500억 달러"
    (c,) = money_claims("予算は9億2500億円だ。", "ja")
    assert "garbled" in c.rule and c.value == D(925_000_000)
    (c,) = money_claims("총액은 9억 2500만 달러다.", "ko")
    assert "garbled" not in c.rule


@pytest.mark.parametrize("tokens,value,spoken", [
    ("twelve", 12, False), ("two hundred and fifty", 250, False), ("a hundred", 100, False),
    ("seventeen million", 17_000_000, False), ("twenty five", 25, False),
    ("one point two trillion", 1_200_000_000_000, True), ("one point 05 trillion", 1_050_000_000_000, True),
    ("1.5 million", 1_500_000, False),
])
def test_words_value(tokens, value, spoken):
    assert mf.words_value(tokens.split()) == (D(value), spoken)


def test_words_that_make_no_number():
    assert mf.words_value(["and"]) is None
    assert mf.words_value(["one", "point"]) is None
    assert mf.words_value(["point", "fish"]) is None


@pytest.mark.parametrize("text,value,unit,rule", [
    ("Lunch came to twelve dollars and thirty cents.", "12.30", "USD", "money.spelled.with_cents"),
    ("A ticket costs 7 dollars 25 cents.", "7.25", "USD", "money.minor_unit.with_cents"),
    ("The presenter said one-point-two trillion yen.", "1200000000000", "JPY", "money.spoken_decimal"),
    ("The tip was twenty-five cents.", "0.25", "USD", "money.spelled"),
    ("Each sticker costs 50p at the shop.", "0.5", "GBP", "money.minor_unit"),
    ("The vendor charged 100 chinese yuan.", "100", "CNY", "money.named_currency"),
    ("Japan will pay Y1.06 trln.", "1060000000000", "JPY", "money.prefix.reuters_y"),
    ("The budget reached 1,5 billion euros.", "1500000000", "EUR", "money.suffix.comma_decimal"),
    ("古い文書では\\300と書かれた。", "300", "JPY", "money.cjk.backslash_yen"),
    ("運賃は4500円30銭だった。", "4500.3", "JPY", "money.cjk.sen"),
])
def test_each_claim_names_the_rule_that_read_it(text, value, unit, rule):
    (c,) = money_claims(text, "en")
    assert (c.value, c.unit) == (D(value), unit)
    assert c.rule == rule


def test_yen_sign_reads_as_yuan_only_in_a_china_story():
    assert mf.yen_sign_currency("In Beijing noodles cost ¥25 as the yuan weakens.")[0] == "CNY"
    assert mf.yen_sign_currency("Beijing, Shanghai and China: ¥25.") == ("JPY", "")  # no yuan named
    assert mf.yen_sign_currency("Japan and China: ¥25, as the yuan weakens.") == ("JPY", "")
    assert mf.yen_sign_currency("TOKYO -- Japan pays ¥211 billion. China has 1.4 billion people.") == ("JPY", "")
    assert mf.yen_sign_currency("A coffee costs ¥450.") == ("JPY", "")
    (c,) = money_claims("In Beijing a bowl of noodles costs ¥25, as China's yuan weakens.", "en")
    assert c.unit == "CNY" and "yuan" in c.rule


def test_offsets_point_into_the_original_text_across_line_breaks_and_full_width_digits():
    text = "Japan pays 1,0\n55.1 billion yen; 経費は２，０１７億\n円だ。"
    first, second = money_claims(text, "en")
    assert (first.value, second.value) == (D(1_055_100_000_000), D(201_700_000_000))
    assert text[first.start:first.end] == "1,0\n55.1 billion yen"
    assert text[second.start:second.end] == "２，０１７億\n円"
    assert first.rule.endswith(".linebreak")
    # Japanese wraps lines inside words: a break between 億 and 円 is layout, not a split number
    assert not second.rule.endswith(".linebreak")


def test_a_year_ending_a_line_is_not_glued_to_the_next_amount():
    claims = money_claims("The deal was struck in 2019.\n200 billion yen is the sum.", "en")
    assert [(c.value, c.unit) for c in claims] == [(D(200_000_000_000), "JPY")]
    claims = money_claims("2019\n2020\n1,000 yen", "en")
    assert [(c.value, c.unit) for c in claims] == [(D(1000), "JPY")]


@pytest.mark.parametrize("text", [
    "He lost ten pounds over the summer.", "Which one won the vote?", "The screen shows 1080p video.",
    "The meeting starts at 4p.m. sharp.", "関東一円で雨が降った。", "制度を一元化する。", "정부는 3원칙을 세웠다.",
    "It fell in Dayton dollars-wise.", "NY2 bln", "FY2021 bln yen",
])
def test_traps_are_not_money(text):
    assert money_claims(text, "en") == []


@settings(max_examples=200, deadline=None)
@given(oku=st.integers(1, 9999), man=st.integers(0, 9999), rest=st.integers(0, 9999),
       space=st.sampled_from(["", " "]), cur=st.sampled_from([("원", "KRW"), ("달러", "USD"), ("円", "JPY")]))
def test_cjk_chains_round_trip(oku, man, rest, space, cur):
    parts = [f"{oku}억"] + ([f"{man}만"] if man else []) + ([str(rest)] if rest else [])
    text = f"총액은 {space.join(parts)}{space}{cur[0]}이다."
    (c,) = money_claims(text, "ko")
    assert (c.value, c.unit) == (D(oku * 10**8 + man * 10**4 + rest), cur[1])


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 999_999))
def test_spelled_out_amounts_round_trip(n):
    (c,) = money_claims(f"He paid {_spell(n)} dollars.", "en")
    assert (c.value, c.unit) == (D(n), "USD")


_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _spell(n: int) -> str:
    if n >= 1000:
        return _spell(n // 1000) + " thousand" + (" " + _spell(n % 1000) if n % 1000 else "")
    if n >= 100:
        return _ONES[n // 100] + " hundred" + (" and " + _spell(n % 100) if n % 100 else "")
    if n >= 20:
        return _TENS[n // 10] + ("-" + _ONES[n % 10] if n % 10 else "")
    return _ONES[n]


def test_numerals_joined_by_and_are_two_amounts_not_a_sum():
    claims = money_claims("Seoul paid 1,193.3 billion won in 2021 and 1,247.2 billion won in 2022.", "en")
    assert [(c.value, c.unit) for c in claims] == [(D(1_193_300_000_000), "KRW"), (D(1_247_200_000_000), "KRW")]
    assert [c.surface for c in claims] == ["1,193.3 billion won", "1,247.2 billion won"]


# --- forms seen in the development corpus (each missed before) -------------------------------------

import datetime as _dt  # noqa: E402

from costshare.extract import extract_claims as _extract  # noqa: E402
from tests.test_extract import article as _article  # noqa: E402


@pytest.mark.parametrize(
    "text,surface,value,unit",
    [
        ("Japan pays 2,110 oku yen a year.", "2,110 oku yen", "211000000000", "JPY"),
        ("a total of 6 cho 6,852 oku yen", "6 cho 6,852 oku yen", "6685200000000", "JPY"),
        ("Korea will pay a total of 1 trillion 360.8 billion won.", "1 trillion 360.8 billion won", "1360800000000", "KRW"),
        ("Seoul will pay 1.0389 tln won this year.", "1.0389 tln won", "1038900000000", "KRW"),
        ("Trump wants $8 bil. a year.", "$8 bil", "8000000000", "USD"),
        ("年間25億～30億円を削減する。", "25億～30億円", "2500000000", "JPY"),
        ("from last year's 960.2 billion won (9,602 hundred million won)", "9,602 hundred million won", "960200000000", "KRW"),
        ("우리 돈으로 약 1조9천억원입니다.", "1조9천억원", "1900000000000", "KRW"),
        # a year before "to" is no range with the amount after it
        ("from 23.4 billion yen in fiscal 2022 to 13.3 billion yen in fiscal 2025", "13.3 billion yen", "13300000000", "JPY"),
    ],
)
def test_corpus_forms(text, surface, value, unit):
    claims = _extract(_article(text, _dt.date(2021, 1, 1)))
    assert (surface, value, unit) in [(c.surface, format(c.value, "f"), c.unit) for c in claims]


@pytest.mark.parametrize(
    "text,surface,value",
    [
        ("Japan paid l46.2 billion yen.", "l46.2 billion yen", "146200000000"),
        ("the $36O million contribution", "$36O million", "360000000"),
        ("２０１７憶円を負担する。", "２０１７憶円", "201700000000"),
    ],
)
def test_a_letter_printed_for_a_digit_is_read_and_named_garbled(text, surface, value):
    (c,) = [c for c in _extract(_article(text, _dt.date(2021, 1, 1))) if c.unit in ("JPY", "USD")]
    assert (c.surface, format(c.value, "f")) == (surface, value) and "garbled" in c.rule


def test_a_number_split_by_a_line_break_is_read_whole_and_named():
    text = "Seoul paid 24\n0 billion won; 내년 분담금은 1조\n2896억원이다. It paid 390 million\ndollars."
    claims = {c.surface: c for c in _extract(_article(text, _dt.date(2021, 1, 1)))}
    assert claims["24\n0 billion won"].value == 240_000_000_000 and claims["24\n0 billion won"].rule.endswith(".linebreak")
    assert claims["1조\n2896억원"].value == 1_289_600_000_000 and claims["1조\n2896억원"].rule.endswith(".linebreak")
    assert not claims["390 million\ndollars"].rule.endswith(".linebreak")  # wrapped text, not a split number
