"""Score extracted claims against a hand-written gold table: precision and recall per unit type,
and the accuracy of country, kind and period on the claims both agree on. Used by the gold test
and by the extraction benchmark."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

MONEY = {"USD", "JPY", "KRW", "EUR", "GBP", "CNY", "SGD", "AUD", "CAD", "HKD", "TWD", "NZD", "INR"}


def unit_type(unit: str) -> str:
    return "money" if unit in MONEY else unit


@dataclass
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def _key(article: str, value, unit: str) -> tuple:
    return (article, Decimal(str(value)).normalize(), unit)


def score(claims: list[dict], gold: list[dict]) -> tuple[dict[str, Score], dict[str, float], list, list]:
    """Match by (article, value, unit) as a multiset. Returns per-unit-type scores, attribute
    accuracies over matched pairs, and the unmatched claims and gold rows (for a readable failure)."""
    remaining: dict[tuple, list[dict]] = defaultdict(list)
    for g in gold:
        remaining[_key(g["article"], g["value"], g["unit"])].append(g)
    tp, fp, fn = Counter(), Counter(), Counter()
    pairs, extra = [], []
    for c in claims:
        k = _key(c["article"], c["value"], c["unit"])
        if remaining.get(k):
            # pair with the gold row of the same surface when there are several equal values
            rows = remaining[k]
            i = next((j for j, g in enumerate(rows) if g.get("surface") == c.get("surface")), 0)
            pairs.append((c, rows.pop(i)))
            tp[unit_type(c["unit"])] += 1
        else:
            fp[unit_type(c["unit"])] += 1
            extra.append(c)
    missed = [g for rows in remaining.values() for g in rows]
    for g in missed:
        fn[unit_type(g["unit"])] += 1
    types = sorted(set(tp) | set(fp) | set(fn))
    scores = {t: Score(tp[t], fp[t], fn[t]) for t in types}
    accuracy = {}
    for field in ("country", "kind", "period"):
        checked = [(c, g) for c, g in pairs if field in g]
        ok = sum(1 for c, g in checked if (c.get(field) or "") == (g.get(field) or ""))
        accuracy[field] = ok / len(checked) if checked else 1.0
    return scores, accuracy, extra, missed
