"""costshare.narrative: key-findings sentences follow the records; a derived amount is never
quoted as a payment."""

from __future__ import annotations

import datetime as dt

from costshare import narrative, reference
from costshare import params as P


def test_korea_sentence_before_the_derived_years_quotes_the_projection():
    ref = reference.load()
    text = narrative.korea_sentence(ref, P.validate(), dt.date(2022, 1, 7))
    assert text.startswith("South Korea's SMA contribution for 2022 is 1.247 trillion won")
    assert "derived" not in text


def test_korea_sentence_after_the_derived_years_skips_them_and_says_so():
    ref = reference.load()
    text = narrative.korea_sentence(ref, P.validate(), dt.date(2025, 6, 1))
    # 2025 is compared with 2022, the last published year, not with the derived 2024
    assert text.startswith("South Korea's SMA contribution for 2025 is 1.403 trillion won, ")
    assert "above 2022 (1.247 trillion won)" in text
    assert "1.346" not in text and "1.290" not in text
    assert text.endswith("No published figure exists for 2023 and 2024; the charts draw values "
                         "derived from the agreement's rule, marked as derived.")


def _choices(pm):
    from costshare import compare

    return [compare.PerMember((o,), pm.years, pm.sma_share) for o in pm.outcomes]


def test_per_member_headline_states_a_direction_only_where_every_choice_agrees():
    """Each choice (year, exchange rate, scope, troop count) rendered alone gives its own
    direction; together they disagree, so the sentence gives the range and no winner."""
    from costshare import compare

    ref = reference.load()
    pm = compare.per_member(ref, P.validate())
    alone = {c.direction for c in _choices(pm)}
    assert {"Korea"} < alone | {"Korea"} and len(alone) > 1  # the choices disagree
    for one in _choices(pm):
        text = narrative.per_member_sentence(one)
        if one.direction == "Korea":
            assert "Korea pays more than Japan under every choice" in text
        elif one.direction == "Japan":
            assert "Japan pays more than Korea under every choice" in text
    text = narrative.per_member_sentence(pm)
    assert text.startswith("Which country pays more per US service member depends on the choices")
    assert "pays more than" not in text
    assert f"{abs((pm.low - 1) * 100):.0f}% below" in text and f"{(pm.high - 1) * 100:.0f}% above" in text
    # the choices that agree (one scope, one troop count, one year) do get a direction
    agreeing = compare.PerMember(tuple(o for o in pm.outcomes if o.choice.scope == "SMA items only"),
                                 pm.years, pm.sma_share)
    assert agreeing.direction == "Korea"
    assert "Korea pays more than Japan under every choice" in narrative.per_member_sentence(agreeing)


def test_growth_is_annualised_over_the_same_years_for_both():
    from costshare import compare

    g = compare.growth(reference.load(), P.validate())
    assert g.last - g.first == 10 and set(g.own) == {"Japan", "South Korea"}
    text = narrative.growth_sentence(g, P.validate())
    assert f"Over the same ten years ({g.first}–{g.last})" in text and "-fold" not in text
    assert f"{g.own['South Korea'] * 100:.1f}% a year in won" in text


def test_bottom_line_compares_estimates_with_estimates_and_says_what_comes_next():
    from costshare import pipeline

    lines = narrative.bottom_line(pipeline.run(P.validate().seeds_path), P.validate())
    assert 4 <= len(lines) <= 6
    japan = next(s for s in lines if s.startswith("Japan"))
    assert "both agreement figures" in japan and "FY2021" not in japan
    assert any(s.startswith("What comes next") and "31 March 2027" in s for s in lines)
