"""Reconciliation: each check on the seeds' known errors and on small crafted articles, and
articles whose every claim is right produce no finding at all."""

from __future__ import annotations

from decimal import Decimal

import pytest

from costshare import paths, pipeline
from costshare.reconcile import FINDING_COLUMNS, tolerance

MANIFEST = "file,published,outlet,title,origin_language\n"


@pytest.fixture(scope="module")
def seeds():
    return pipeline.run(paths.SEEDS_DIR)


def by_claim(result, surface, check):
    claim_ids = {c.id for c in result.claims if c.surface == surface}
    return [f for f in result.findings if f.check == check and set(f.claims.split(";")) & claim_ids]


def corpus(tmp_path, articles: dict[str, tuple[str, str]]):
    """articles: file -> (published, text)."""
    rows = [MANIFEST]
    for name, (published, text) in articles.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        rows.append(f"{name},{published},Test,T,en\n")
    (tmp_path / "manifest.csv").write_text("".join(rows), encoding="utf-8")
    return pipeline.run(tmp_path)


# --- the seeds' known errors ---------------------------------------------------------------------


def test_2017_billion_yen_is_a_dropped_decimal_point(seeds):
    (f,) = by_claim(seeds, "2017 billion yen", "magnitude")
    assert f.severity == "error" and "dropped decimal point" in f.message
    assert (f.suggested_value, f.suggested_unit) == (Decimal("201700000000"), "JPY")
    assert "JP-HNS_total-FY2021-1" in f.records


def test_193_billion_yen_is_a_dropped_digit_confirmed_by_its_won_restatement(seeds):
    (f,) = by_claim(seeds, "193 billion yen", "magnitude")
    assert f.severity == "error" and "dropped digit" in f.message and "2,126 billion" in f.message
    assert f.suggested_value == Decimal("199300000000")


def test_2_5_trillion_won_is_off_even_for_the_corrected_yen_amount(seeds):
    (f,) = by_claim(seeds, "2.5 trillion won", "currency_pair")
    assert f.severity == "error" and "2.15 trillion won" in f.message
    assert f.suggested_unit == "KRW" and abs(f.suggested_value / Decimal("2.15e12") - 1) < Decimal("0.01")


def test_stated_1_2_percent_fits_the_records_so_it_is_right_and_the_amounts_are_misprinted(seeds):
    # a finding that confirms a stated number is no error: the amounts' own findings are the errors
    (f,) = by_claim(seeds, "1.2%", "stated_change")
    assert f.severity == "info" and "is right" in f.message and "+1.2%" in f.message and "misprinted" in f.message
    assert f.mechanism == "misprinted_amounts"
    amounts = [by_claim(seeds, s, "magnitude")[0] for s in ("193 billion yen", "2017 billion yen")]
    assert all(a.severity == "error" for a in amounts)


def test_four_year_and_five_year_for_the_same_deal(seeds):
    (f,) = by_claim(seeds, "four-year", "agreement_term")
    assert f.severity == "error" and "five-year" in f.message and f.suggested_value == 5


def test_197_4_is_fy2019s_figure_given_as_fy2020(seeds):
    (f,) = by_claim(seeds, "197.4 billion yen", "magnitude")
    assert f.severity == "warning" and "FY2019" in f.message


def test_correct_seed_claims_get_no_error(seeds):
    for surface in ("200 billion yen", "$1.9 billion", "$1.82 billion", "2.15 trillion KRW", "9.2 trillion KRW",
                    "five-year", "one-year", "2,126 billion"):
        ids = {c.id for c in seeds.claims if c.surface == surface}
        errors = [f for f in seeds.findings if f.severity == "error" and f.claims.split(";")[0] in ids]
        assert errors == [], surface


def test_several_articles_reporting_fy2020_differently_is_info(seeds):
    (f,) = [f for f in seeds.findings if f.check == "cross_source"]
    assert f.severity == "info" and "FY2020" in f.message and "matches 000, 001" in f.message


def test_findings_have_the_documented_columns_and_stable_ids(seeds):
    again = pipeline.run(paths.SEEDS_DIR)
    assert [f.id for f in seeds.findings] == [f.id for f in again.findings]
    rows = pipeline.findings_rows(seeds.findings)
    assert all(list(r) == FINDING_COLUMNS for r in rows)
    assert all(r["severity"] in ("error", "warning", "info") for r in rows)


# --- crafted articles ----------------------------------------------------------------------------


def test_articles_where_every_claim_is_right_give_no_finding(tmp_path):
    result = corpus(tmp_path, {
        "jp.txt": ("2021-03-31",
                   "Japan will pay 201.7 billion yen in fiscal 2021, a 1.2% increase from 199.3 billion yen "
                   "in fiscal 2020, under a one-year extension. US forces in Japan number about 55,000 troops."),
        "kr.txt": ("2021-03-10",
                   "South Korea will pay 1,183.3 billion won in 2021, up 13.9% from 1,038.9 billion won in 2020, "
                   "under the six-year 11th SMA."),
        "jp2.txt": ("2021-12-22",
                    "Japan agreed a new five-year deal from 2022 and will pay about 1,055.1 billion yen in total, "
                    "around 211 billion yen ($1.85 billion) a year."),
    })
    assert result.claims, "the crafted articles must yield claims"
    assert [(f.check, f.message) for f in result.findings] == []


def test_restatement_off_by_a_power_of_ten(tmp_path):
    result = corpus(tmp_path, {"a.txt": ("2021-03-31", "Japan will pay 201.7 billion yen ($18 billion) in fiscal 2021.")})
    (f,) = [f for f in result.findings if f.check == "currency_pair"]
    assert f.severity == "error" and "factor of 10" in f.message
    assert f.suggested_value == Decimal("1800000000") and f.suggested_unit == "USD"


def test_korean_amount_ten_times_too_large(tmp_path):
    result = corpus(tmp_path, {"a.txt": ("2019-03-08", "South Korea will pay 10,389 billion won in 2019 under the SMA.")})
    (f,) = [f for f in result.findings if f.check == "magnitude"]
    assert f.severity == "error" and "10 times larger" in f.message
    assert f.suggested_value == Decimal("1038900000000")


def test_stated_change_between_amounts_that_fit_their_records_is_a_wrong_percentage(tmp_path):
    result = corpus(tmp_path, {"a.txt": ("2021-03-10",
                                         "South Korea will pay 1,183.3 billion won in 2021, up 20% from 1,038.9 billion won in 2020.")})
    (f,) = [f for f in result.findings if f.check == "stated_change"]
    assert f.severity == "error" and "+13.9%" in f.message and f.mechanism == "wrong_change"


def test_stated_change_that_fits_nothing_is_a_warning(tmp_path):
    # neither the amounts (off their records) nor the records fit 20%: cause unclear
    result = corpus(tmp_path, {"a.txt": ("2021-03-10",
                                         "South Korea will pay 1,120.5 billion won in 2021, up 20% from 1,010.5 billion won in 2020.")})
    (f,) = [f for f in result.findings if f.check == "stated_change"]
    assert f.severity == "warning" and "+10.9%" in f.message


def test_stated_change_beside_one_amount_is_checked_against_the_base_years_record(tmp_path):
    # "760 billion won this year, up 3.5 percent from last year": 2008's record is 741.5, so +2.5%
    result = corpus(tmp_path, {"a.txt": ("2009-01-15",
                                         "Seoul will pay 760 billion won this year, up 3.5 percent from last year.")})
    (f,) = [f for f in result.findings if f.check == "stated_change"]
    assert f.severity == "error" and "+2.5%" in f.message and "741.5" in f.message


def test_term_that_the_agreement_does_not_have(tmp_path):
    result = corpus(tmp_path, {"a.txt": ("2021-04-08", "South Korea signed the five-year 11th SMA on Thursday.")})
    (f,) = [f for f in result.findings if f.check == "agreement_term"]
    assert f.severity == "error" and "11th SMA" in f.message and f.suggested_value == 6


def test_unexplained_difference_is_a_note_with_the_record_not_an_alarm(tmp_path):
    result = corpus(tmp_path, {"a.txt": ("2021-03-31", "Japan will pay 230 billion yen in fiscal 2021.")})
    (f,) = [f for f in result.findings if f.check == "magnitude"]
    assert f.severity == "info" and "14.0% above" in f.message and f.mechanism == "unexplained"


def test_far_off_amount_with_no_mechanism_is_another_quantity_not_a_finding(tmp_path):
    # "More than ¥6.6 trillion had been spent on it by fiscal 2015" (the whole programme since 1978)
    result = corpus(tmp_path, {"a.txt": ("2016-01-25", "Japan paid 6.6 trillion yen by fiscal 2015.")})
    assert [f for f in result.findings if f.check == "magnitude"] == []


def test_no_record_for_a_gap_year_means_no_finding(tmp_path):
    result = corpus(tmp_path, {"a.txt": ("2025-06-01", "Japan will pay 500 billion yen in fiscal 2025.")})
    assert [f for f in result.findings if f.check == "magnitude"] == []


@pytest.mark.parametrize(
    "surface,qualifier,expected",
    [("200 billion yen", "", 0.025), ("197.4 billion yen", "", 0.00025), ("$1.9 billion", "", 0.0263),
     ("200 billion yen", "nearly", 0.055), ("1,055.1 billion yen", "", 0.0000474), ("1,000 billion yen", "", 0.05)],
)
def test_tolerance_follows_printed_precision(surface, qualifier, expected):
    class C:
        pass
    c = C()
    c.surface, c.qualifier = surface, qualifier
    assert tolerance(c) == pytest.approx(expected, rel=0.02)


def test_review_correct_multi_year_totals_and_lists_give_no_finding(tmp_path):
    result = corpus(tmp_path, {
        "ja.txt": ("2022-01-07", "日本は在日米軍の駐留経費として2022年度から5年間で1兆551億円を負担する。"),
        "span.txt": ("2022-01-07", "Japan will pay 1,055.1 billion yen in fiscal 2022-2026, or about 211 billion yen a year."),
        "list.txt": ("2021-03-10", "Korea will pay 1,038.9 billion won in 2020, 1,183.3 billion won in 2021 and 1,247.2 billion won in 2022."),
        "rose.txt": ("2021-03-10", "Korea's share rose to 1.18 trillion won, up 13.9 percent from 1.04 trillion won in 2020."),
        "verb.txt": ("2022-05-10", "Yoon Suk Yeol, who in 2022 won the presidency, backs the SMA with South Korea's 1.247 trillion won this year."),
    })
    assert [(f.check, f.message) for f in result.findings] == []


# --- articles nobody tuned for --------------------------------------------------------------------


def test_undated_article_does_not_stop_the_cross_source_check(tmp_path):
    # one article has no date and no date in its text: it was a TypeError in the cross-source check
    (tmp_path / "undated.txt").write_text("Japan paid $1.8 billion in fiscal 2020 for US troops.", encoding="utf-8")
    (tmp_path / "dated.txt").write_text("Japan paid 199.3 billion yen in fiscal 2020.", encoding="utf-8")
    (tmp_path / "other.txt").write_text("Japan paid 197 billion yen in fiscal 2020.", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(
        MANIFEST + "undated.txt,,Test,T,en\ndated.txt,2021-01-05,Test,T,en\nother.txt,2021-02-05,Test,T,en\n",
        encoding="utf-8")
    result = pipeline.run(tmp_path)
    assert {a.id for a in result.articles} == {"undated.txt", "dated.txt", "other.txt"}
    (spread,) = [f for f in result.findings if f.check == "cross_source"]
    assert "undated" not in spread.claims


def test_uncertain_period_is_listed_not_checked_never_a_false_alarm(tmp_path):
    # "2017 billion yen" with nothing but the publication date to date it: not an error, a note
    result = corpus(tmp_path, {"a.txt": ("2021-01-31", "Japan will pay 2017 billion yen.")})
    assert [f for f in result.findings if f.check == "magnitude"] == []
    (row,) = result.unchecked
    assert row["surface"] == "2017 billion yen" and row["reason"].startswith("period unclear")


def test_amount_in_another_scope_is_not_a_misprint(tmp_path):
    # FY2022's SMA items alone are not the HNS total: a claim matching another scope of its year is right
    result = corpus(tmp_path, {"a.txt": ("2022-06-01", "Japan's host-nation support totalled 205.6 billion yen in fiscal 2022.")})
    assert [f for f in result.findings if f.check == "magnitude" and f.severity != "info"] == []


def test_conversion_of_a_misprinted_amount_is_traced_back_to_it(tmp_path):
    result = corpus(tmp_path, {"a.txt": ("2019-02-10", "South Korea agreed to pay 10,389 billion won ($9.24 billion) in 2019.")})
    (mag,) = [f for f in result.findings if f.check == "magnitude"]
    (pair,) = [f for f in result.findings if f.check == "currency_pair"]
    assert mag.severity == "error" and mag.mechanism in ("power_of_ten", "dropped_decimal")
    assert pair.severity == "error" and pair.mechanism == "misprinted_conversion" and "as printed" in pair.message


def test_korean_eok_rendered_as_billion_is_named(tmp_path):
    (tmp_path / "a.txt").write_text("South Korea will pay 10,389 billion won in 2019.", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(MANIFEST + "a.txt,2019-02-10,Test,T,ko\n", encoding="utf-8")
    (f,) = [f for f in pipeline.run(tmp_path).findings if f.check == "magnitude"]
    assert f.mechanism == "native_unit_rendering" and "억" in f.message


def test_every_finding_names_its_mechanism(seeds):
    from costshare.reconcile import MECHANISMS

    assert seeds.findings and all(f.mechanism in MECHANISMS for f in seeds.findings)
