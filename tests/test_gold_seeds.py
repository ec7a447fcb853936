"""The seeds scored against tests/gold/seed_claims.csv, a table written by reading the five
articles (not by running the extractor). Prints the scores the closing note reports."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from costshare import paths, pipeline
from costshare.scoring import score

GOLD = Path(__file__).parent / "gold" / "seed_claims.csv"


@pytest.fixture(scope="module")
def scored():
    gold = list(csv.DictReader(GOLD.open(encoding="utf-8")))
    result = pipeline.run(paths.SEEDS_DIR, reconcile=False)
    claims = pipeline.claims_rows(result.claims)
    return score(claims, gold)


def test_precision_and_recall_per_unit_type(scored):
    scores, _, extra, missed = scored
    for unit, s in scores.items():
        print(f"{unit:10} precision {s.precision:.3f} recall {s.recall:.3f} (tp {s.tp}, fp {s.fp}, fn {s.fn})")
    assert all(s.precision == 1.0 for s in scores.values()), extra
    assert all(s.recall == 1.0 for s in scores.values()), missed


def test_country_kind_period_accuracy(scored):
    _, accuracy, _, _ = scored
    print("attribution accuracy:", {k: round(v, 3) for k, v in accuracy.items()})
    assert accuracy["country"] == 1.0
    assert accuracy["kind"] == 1.0
    assert accuracy["period"] == 1.0
