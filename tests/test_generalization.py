"""Articles nobody tuned the rules for: the development half of tests/corpus/ scored against its gold.

A regression floor, not a target: each figure was measured on the dev half when the rules were last
changed (benchmarks/generalization.py prints them all, and the holdout half's). A change that makes
extraction, attribution or the checks worse on real-style coverage fails here.
"""

from __future__ import annotations

import pytest

from tests.support.corpus_scoring import score_split

FLOORS = {
    "money_recall": 0.97,
    "money_precision": 0.97,
    "burden_precision": 0.85,
    "kind_right": 0.86,
    "period_right": 0.65,
    "errors_flagged": 0.90,
    "findings_real": 0.95,
}


@pytest.fixture(scope="module")
def dev():
    per, total = score_split("dev")
    assert len(per) == 4, "the dev corpus has four writers' folders"
    return total


@pytest.mark.parametrize("measure", sorted(FLOORS))
def test_dev_half_stays_at_its_measured_level(dev, measure):
    ratios = dev.ratios()
    assert ratios[measure] >= FLOORS[measure], (measure, round(ratios[measure], 3))


def test_no_false_alarm_on_the_dev_half(dev):
    alarms = [m for m in dev.misses if m[0] == "false alarm"]
    assert alarms == []
