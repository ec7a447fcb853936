"""Extraction on sentences written for these tests (not the seeds): every format the issue lists,
the traps that are not money, offsets, restatements, and a round-trip property test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costshare.corpus import Article
from costshare.extract import extract_claims, split_sentences, to_decimal
from costshare.textnorm import normalize


def article(text: str, published: dt.date | None = dt.date(2021, 3, 1), id: str = "t.txt") -> Article:
    return Article(
        id=id, text=text, published=published, published_basis="test", outlet="test", title="t",
        origin_language="en", sha256="0", encoding="utf_8", in_manifest=True, norm=normalize(text),
    )


def claims_of(text: str):
    return extract_claims(article(text))


def values(text: str) -> list[tuple[Decimal, str]]:
    return [(c.value, c.unit) for c in claims_of(text)]


D = Decimal

MONEY_FORMATS = [
    ("The deal costs $1.9 billion a year.", [(D(1_900_000_000), "USD")]),
    ("Seoul offered US$925.28 million for the year.", [(D("925280000"), "USD")]),
    ("Tokyo pays 200 billion yen in support.", [(D(200 * 10**9), "JPY")]),
    ("The budget holds ¥201.7 billion for this.", [(D(201_700_000_000), "JPY")]),
    ("The five-year total is ¥1,055.1 billion.", [(D(1_055_100_000_000), "JPY")]),
    ("Japan agreed to pay ¥1.06 trln over the period.", [(D(1_060_000_000_000), "JPY")]),
    ("It comes to 1.05 trillion yen ($9.2 billion) in all.", [(D(1_050_000_000_000), "JPY"), (D(9_200_000_000), "USD")]),
    ("Korea will pay 2.15 trillion KRW next year.", [(D(2_150_000_000_000), "KRW")]),
    ("Seoul's share rose to KRW 1.52 trillion.", [(D(1_520_000_000_000), "KRW")]),
    ("Seoul pays W1.2trn under the deal.", [(D(1_200_000_000_000), "KRW")]),
    ("Korea paid 1.04 trillion won in 2020.", [(D(1_040_000_000_000), "KRW")]),
    ("Trump wanted 8 billion dollars from Tokyo.", [(D(8_000_000_000), "USD")]),
    ("Singapore spent S$1.4 billion on the base.", [(D(1_400_000_000), "SGD")]),
    ("The total could reach one trillion yen.", [(D(10**12), "JPY")]),
    ("올해 분담금은 1조 389억 원이다.", [(D(1_038_900_000_000), "KRW")]),
    ("在日米軍駐留経費は2,017億円となった。", [(D(201_700_000_000), "JPY")]),
    ("5年間の総額は1兆551億円だ。", [(D(1_055_100_000_000), "JPY")]),
    ("주일미군 분담금은 2017억엔이다.", [(D(201_700_000_000), "JPY")]),
    ("The U.S. sought €2.5 million and £3 million.", [(D(2_500_000), "EUR"), (D(3_000_000), "GBP")]),
    ("Japan pays ￥２０１．７ billion this year.", [(D(201_700_000_000), "JPY")]),
]


@pytest.mark.parametrize("text,expected", MONEY_FORMATS, ids=[t for t, _ in MONEY_FORMATS])
def test_money_formats(text, expected):
    assert values(text) == expected


def test_range_of_amounts_is_one_claim_with_both_ends():
    (c,) = claims_of("Officials expect 210 billion yen to 220 billion yen a year.")
    assert (c.value, c.value_high, c.unit) == (D(210 * 10**9), D(220 * 10**9), "JPY")
    (c,) = claims_of("Officials expect 210 to 220 billion yen a year.")
    assert (c.value, c.value_high, c.unit) == (D(210 * 10**9), D(220 * 10**9), "JPY")


def test_range_of_percentages():
    (c,) = claims_of("Washington wants a raise of 10 percent to 20 percent.")
    assert (c.value, c.value_high, c.unit) == (D(10), D(20), "percent")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("About 55,000 troops are in Japan.", [(D(55000), "personnel")]),
        ("Seoul hosts 28,500 U.S. service members.", [(D(28500), "personnel")]),
        ("It marks a 1.2% increase over last year.", [(D("1.2"), "percent")]),
        ("Seoul agreed to a 13.9 per cent rise.", [(D("13.9"), "percent")]),
        ("The demand was four times the current level.", [(D(4), "ratio")]),
        ("Trump asked Japan to quadruple its payment.", [(D(4), "ratio")]),
        ("They signed a one-year deal.", [(D(1), "years")]),
        ("The five-year deal expires in March.", [(D(5), "years")]),
        ("Seoul and Washington agreed a six-year pact.", [(D(6), "years")]),
    ],
)
def test_personnel_percent_multiple_term(text, expected):
    assert values(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Talks were held on Oct. 15-16, 2020 in Washington.",  # dates
        "In 2019 and 2020 the talks stalled.",  # years
        "Tokyo recorded 570 new infections and 1,784 COVID-19 cases.",  # case counts
        "Call the embassy at +82-2-397-4114 or 02-397-4114.",  # phone numbers
        "The 10th SMA and the 11th SMA were short.",  # ordinals
        "The two-day talks ended on the 16th.",  # not a term
        "China has 1.4 billion people.",  # scaled but not money
        "He is 75 years old and served ten years ago.",  # ages, not terms
        "Model W1 and route 55 were mentioned in chapter 3.",  # model numbers
    ],
)
def test_not_claims(text):
    assert claims_of(text) == []


def test_bare_amount_takes_currency_from_restatements():
    text = (
        "Japan paid 150 billion yen (about 1.6 trillion won) in 2010. "
        "It paid 193 billion yen (approximately 2,126 billion) last year."
    )
    cs = claims_of(text)
    bare = cs[-1]
    assert (bare.value, bare.unit, bare.qualifier) == (D(2_126_000_000_000), "KRW", "approximately")
    assert bare.restates == cs[-2].id
    assert "restatement" in bare.rule


def test_restatement_in_parentheses_and_between_dashes():
    cs = claims_of("Japan pays $1.9 billion (200 billion yen) a year.")
    assert cs[1].restates == cs[0].id and cs[0].restates == ""
    cs = claims_of("Japan pays 200 billion yen — about $1.9 billion — a year.")
    assert cs[1].restates == cs[0].id and cs[1].qualifier == "about"


def test_two_amounts_in_one_sentence_are_not_restatements():
    cs = claims_of("Japan paid 199.3 billion yen in 2020 and 201.7 billion yen in 2021.")
    assert [c.restates for c in cs] == ["", ""]


@pytest.mark.parametrize(
    "text,qualifier",
    [
        ("Japan pays nearly 200 billion yen.", "nearly"),
        ("Japan pays about 200 billion yen.", "about"),
        ("Japan pays approximately 200 billion yen.", "approximately"),
        ("Japan pays around $1.82 billion.", "around"),
        ("Japan pays roughly 200 billion yen.", "roughly"),
        ("Japan pays some 200 billion yen.", "some"),
        ("Japan pays up to 200 billion yen.", "up to"),
        ("Japan pays more than 200 billion yen.", "more than"),
        ("Japan pays 200 billion yen.", ""),
    ],
)
def test_qualifiers(text, qualifier):
    (c,) = claims_of(text)
    assert c.qualifier == qualifier


def test_offsets_point_into_the_original_text_after_normalization():
    # a zero-width space and full-width digits: offsets must still index the original
    text = "Intro.\u200b Japan pays ￥２０１．７\u200b billion (about $1.9 billion)."
    a = article(text)
    cs = extract_claims(a)
    assert [text[c.start: c.end] for c in cs] == [c.surface for c in cs]
    assert cs[0].value == D(201_700_000_000) and cs[0].surface.startswith("￥")


def test_claim_ids_are_stable_and_unique():
    text = "Japan pays $1.9 billion. Korea pays $0.9 billion."
    first, second = claims_of(text), claims_of(text)
    assert [c.id for c in first] == [c.id for c in second]
    assert len({c.id for c in first}) == 2


def test_sentence_split_keeps_abbreviations_together():
    text = "The U.S. and Japan met on Oct. 15. They agreed.\nNext line"
    assert [s.text for s in split_sentences(text)] == [
        "The U.S. and Japan met on Oct. 15.", "They agreed.", "Next line",
    ]


def test_to_decimal():
    assert to_decimal("1,055.1") == D("1055.1")
    assert to_decimal("one") == D(1)
    assert to_decimal("half a") == D("0.5")
    assert to_decimal("five thousand") == D(5000)
    assert to_decimal("x") is None


# --- property: format a Decimal amount in each supported style, extract it back ------------------

SCALE_WORDS = {10**6: ["million", "mn"], 10**9: ["billion", "bn"], 10**12: ["trillion", "trn", "trln"]}
CURRENCY_STYLES = [
    ("USD", "${n} {s}"), ("USD", "US${n} {s}"), ("USD", "{n} {s} dollars"), ("JPY", "¥{n} {s}"),
    ("JPY", "{n} {s} yen"), ("KRW", "{n} {s} won"), ("KRW", "KRW {n} {s}"), ("KRW", "{n} {s} KRW"),
]


def _group(n: Decimal) -> str:
    whole, _, frac = format(n, "f").partition(".")
    return f"{int(whole):,}" + (f".{frac}" if frac else "")


@settings(max_examples=300, deadline=None)
@given(
    mantissa=st.decimals(min_value=D("0.01"), max_value=D("9999.99"), places=2),
    scale=st.sampled_from(sorted(SCALE_WORDS)),
    style=st.sampled_from(CURRENCY_STYLES),
    word=st.integers(0, 2),
    grouped=st.booleans(),
)
def test_property_formatted_amount_round_trips(mantissa, scale, style, word, grouped):
    mantissa = mantissa.normalize()
    words = SCALE_WORDS[scale]
    number = _group(mantissa) if grouped else format(mantissa, "f")
    unit, template = style
    text = f"Officials said the payment was {template.format(n=number, s=words[word % len(words)])} this year."
    cs = claims_of(text)
    assert len(cs) == 1, (text, cs)
    assert cs[0].unit == unit
    assert cs[0].value == mantissa * scale
    assert text[cs[0].start: cs[0].end] == cs[0].surface


@settings(max_examples=200, deadline=None)
@given(
    jo=st.integers(0, 9), eok=st.integers(0, 9999), cur=st.sampled_from([("원", "KRW"), ("엔", "JPY")]),
    space=st.booleans(),
)
def test_property_korean_numerals_round_trip(jo, eok, cur, space):
    if jo == 0 and eok == 0:
        return
    sep = " " if space else ""
    parts = ([f"{jo}조"] if jo else []) + ([f"{eok}억"] if eok else [])
    text = f"분담금은 {sep.join(parts)}{sep}{cur[0]}이다."
    (c,) = claims_of(text)
    assert (c.value, c.unit) == (D(jo) * 10**12 + D(eok) * 10**8, cur[1])


# --- reported by the throughput benchmark's trap sentences ----------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("주한미군 2만8천500명이 주둔하고 있다.", [(D(28500), "personnel")]),
        ("It marks a 13.9-percent increase.", [(D("13.9"), "percent")]),
        ("Seoul offered US$ 925 million for the year.", [(D(925_000_000), "USD")]),
        ("Japan pays ¥ 201.7 billion.", [(D(201_700_000_000), "JPY")]),
        ("He is a 25-year veteran of the State Department.", []),
        ("The yen hit a 10-year high against the won in the new deal talks.", []),
        ("Japan, a nation of 126 million, hosts the largest contingent of $1 billion worth of gear.", [(D(10**9), "USD")]),
        ("South Korea's population is 51.7 million. Seoul pays 1 trillion won.", [(D(10**12), "KRW")]),
        ("In 2019 troops left the base.", []),
    ],
)
def test_benchmark_traps(text, expected):
    assert values(text) == expected


def test_sentence_full_stop_is_not_part_of_the_surface():
    for text, surface in [("Seoul's share rose to KRW 1.52 trillion.", "KRW 1.52 trillion"), ("It paid $5 billion.", "$5 billion"),
                          ("It cost $900 mln.", "$900 mln")]:
        (c,) = claims_of(text)
        assert c.surface == surface


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Yoon Suk Yeol, who in 2022 won the presidency, backs the SMA.", []),
        ("Seoul pays Won 1.5 trillion a year.", [(D(1_500_000_000_000), "KRW")]),
        ("Korea paid 5,000 won per worker.", [(D(5000), "KRW")]),
    ],
)
def test_review_won_the_verb_and_won_the_prefix(text, expected):
    assert values(text) == expected


def test_review_em_dash_range():
    (c,) = claims_of("Japan will pay 210—220 billion yen a year.")
    assert (c.value, c.value_high) == (D(210 * 10**9), D(220 * 10**9))


def test_review_abbreviated_term_and_trailing_plus():
    assert values("Seoul and Washington agreed a 5-yr deal.") == [(D(5), "years")]
    (c,) = claims_of("Japan's host-nation support tops $1bn-plus a year.")
    assert (c.value, c.qualifier) == (D(10**9), "more than")


# --------------------------------------------------------------------------- adversarial articles (issue 10)

from costshare import extract as X  # noqa: E402
from costshare.errors import CorpusError  # noqa: E402


def _select_pairwise(matches):
    """The selection as it was: every match checked against every chosen one (quadratic)."""
    chosen = []
    for m in sorted(matches, key=lambda m: (-m.priority, -(m.end - m.start), m.start)):
        if all(m.end <= c.start or m.start >= c.end for c in chosen):
            chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 12), st.integers(0, 3)), max_size=40))
def test_select_keeps_what_the_pairwise_selection_kept(spans):
    matches = [X._Match(s, s + n, Decimal(1), "USD", "r", priority=p) for s, n, p in spans]
    assert [(m.start, m.end, m.priority) for m in X._select(list(matches))] == [
        (m.start, m.end, m.priority) for m in _select_pairwise(matches)]


def test_article_of_1900_dollar_amounts_in_one_sentence_quotes_it_once():
    claims = claims_of("$1 " * 1900)
    assert len(claims) == 1900
    assert all(c.sentence is claims[0].sentence for c in claims), "the sentence is built once, not per claim"


def test_article_of_more_dollar_amounts_than_the_limit_is_refused_in_one_line():
    with pytest.raises(CorpusError) as info:
        claims_of("$1 " * (X.MAX_CLAIMS_PER_ARTICLE + 1000))
    message = str(info.value)
    assert info.value.exit_code == 2 and "\n" not in message
    assert message.startswith(f"t.txt: more than {X.MAX_CLAIMS_PER_ARTICLE:,} numbers")


def test_article_of_5_mb_percent_signs_is_refused_before_the_rules_scan_it(monkeypatch):
    def no_rule(*args, **kwargs):
        raise AssertionError("a rule scanned the text")

    monkeypatch.setattr(X, "_money_matches", no_rule)
    with pytest.raises(CorpusError, match=f"more than {X.MAX_CLAIMS_PER_ARTICLE:,} numbers"):
        claims_of("1% " * (5 * 1024 * 1024 // 3 - 10))


def test_article_of_2400_yearly_table_lines_is_read_whole():
    # a long table is an article like any other: it was refused, and before that quadratic to attribute
    text = "".join(f"In FY{1990 + i % 36}, Japan paid {100 + i % 900}.5 billion yen.\n" for i in range(2400))
    assert len(claims_of(text)) == 2400


def test_bare_amounts_take_the_currency_earlier_in_their_long_sentence():
    text = "Japan paid 5 billion yen. The budget was " + ", ".join(f"{i} billion" for i in range(1, 400)) + "."
    claims = claims_of(text)
    assert len(claims) == 400
    assert {c.unit for c in claims} == {"JPY"}
    assert claims[1].rule == "money.bare(currency: most frequent currency of the article)"
