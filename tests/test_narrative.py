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
