"""Articles in styles the seeds do not have, added to the bundled seeds as a user would: each
flows into claims and findings as a reader of the briefing would expect."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from costshare import paths, pipeline

NEW = Path(__file__).parent / "fixtures" / "new_articles"


def seeds_with_new_articles(folder: Path) -> Path:
    shutil.copytree(paths.SEEDS_DIR, folder)
    for f in NEW.glob("*.txt"):
        shutil.copy(f, folder)
    extra = (NEW / "manifest.extra.csv").read_text(encoding="utf-8").splitlines(keepends=True)[1:]
    with open(folder / "manifest.csv", "a", encoding="utf-8") as fh:
        fh.writelines(extra)
    return folder


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return pipeline.run(seeds_with_new_articles(tmp_path_factory.mktemp("s") / "seeds"))


def claims_of(result, prefix):
    return [c for c in result.claims if c.article.startswith(prefix)]


def findings_about(result, prefix):
    return [f for f in result.findings if f.claims.split(";")[0].startswith(prefix)]


def test_won_led_report_on_the_12th_sma_is_read_and_consistent(result):
    read = {(c.surface, c.unit, c.country, c.kind, c.period) for c in claims_of(result, "100")}
    assert ("1.5192 trillion won", "KRW", "South Korea", "annual", "2026") in read
    assert ("1.4028 trillion won", "KRW", "South Korea", "annual", "2025") in read
    assert ("8.3%", "percent", "South Korea", "increase_pct", "2026") in read
    assert ("five-year", "years", "South Korea", "term", "2026-2030") in read
    assert findings_about(result, "100") == []  # every number in it is right


def test_japanese_language_budget_story_in_shift_jis(result):
    claims = {c.surface: c for c in claims_of(result, "101")}
    assert claims["2124億円"].value == Decimal("212400000000")
    assert (claims["2124億円"].period, claims["2112億円"].period) == ("FY2024", "FY2023")
    assert claims["0.6%"].kind == "increase_pct"
    assert findings_about(result, "101") == []  # 2112 -> 2124 is +0.6%, and both match the records


def test_figures_in_lists_and_tables_take_their_meaning_from_the_heading(result):
    read = [(c.value, c.unit, c.country, c.kind, c.period) for c in claims_of(result, "102")]
    assert read == [
        (Decimal("197400000000"), "JPY", "Japan", "annual", "FY2019"),
        (Decimal("199300000000"), "JPY", "Japan", "annual", "FY2020"),
        (Decimal("201700000000"), "JPY", "Japan", "annual", "FY2021"),
        (Decimal("1038900000000"), "KRW", "South Korea", "annual", "2019"),
        (Decimal("1183300000000"), "KRW", "South Korea", "annual", "2021"),
    ]
    assert findings_about(result, "102") == []


def test_story_without_a_burden_figure_adds_an_article_and_no_claim(result):
    assert "103_no_burden_figure.txt" in {a.id for a in result.articles}
    assert claims_of(result, "103") == []


def test_wrong_conversion_is_caught_with_the_reading(result):
    (f,) = findings_about(result, "104")
    assert (f.check, f.severity, f.suggested_value, f.suggested_unit) == ("currency_pair", "error", Decimal("1900000000"), "USD")


def test_article_without_date_says_none_could_be_inferred(result):
    (a,) = [a for a in result.articles if a.id.startswith("105")]
    assert a.published is None and "no date in the text" in a.published_basis
    (c,) = claims_of(result, "105")
    assert c.period == "" and "no publication date" in c.cues
