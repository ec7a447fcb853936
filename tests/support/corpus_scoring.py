"""Score the pipeline on the development corpus (tests/corpus/): claims against gold.csv, findings
against errors.csv. Used by tests/test_generalization.py (the dev half) and by
benchmarks/generalization.py (either half, with a per-claim report).

A gold row matches a claim when the claim's span overlaps the gold surface's place in the article
and the value and unit agree. Burden claims are those whose gold kind is annual, total, demand or
increase_pct. A finding (error or warning) is real when its first claim is one errors.csv plants.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MONEY = {"USD", "JPY", "KRW", "EUR", "GBP", "CNY", "SGD", "AUD", "CAD", "HKD", "TWD", "NZD", "INR"}
BURDEN = {"annual", "total", "demand", "increase_pct"}


def folders(split: str) -> list[Path]:
    base = CORPUS / split
    return sorted(p for p in base.iterdir() if (p / "gold.csv").exists()) if base.exists() else []


def _rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [dict(r) for r in csv.DictReader(fh)]


def _dec(text) -> Decimal | None:
    try:
        return Decimal(str(text).replace(",", "").strip()).normalize()
    except (InvalidOperation, ValueError):
        return None


@dataclass
class Tally:
    money_gold: int = 0
    money_found: int = 0
    money_claims: int = 0
    money_claims_true: int = 0
    burden_pred: int = 0  # money claims the tool calls annual/total/demand
    burden_pred_true: int = 0
    burden_gold: int = 0  # matched gold burden claims (any unit)
    kind_right: int = 0
    period_right: int = 0
    period_unsure: int = 0  # of the burden claims, attributed with low confidence
    errors_planted: int = 0
    errors_flagged: int = 0
    errors_flagged_as_error: int = 0
    findings: int = 0
    findings_real: int = 0
    misses: list = field(default_factory=list)

    def add(self, other: "Tally") -> None:
        for k, v in vars(other).items():
            if isinstance(v, int):
                setattr(self, k, getattr(self, k) + v)
            else:
                getattr(self, k).extend(v)

    def ratios(self) -> dict[str, float]:
        div = lambda a, b: a / b if b else 1.0  # noqa: E731
        return {
            "money_recall": div(self.money_found, self.money_gold),
            "money_precision": div(self.money_claims_true, self.money_claims),
            "burden_precision": div(self.burden_pred_true, self.burden_pred),
            "kind_right": div(self.kind_right, self.burden_gold),
            "period_right": div(self.period_right, self.burden_gold),
            "errors_flagged": div(self.errors_flagged, self.errors_planted),
            "findings_real": div(self.findings_real, self.findings),
        }


def _place(text: str, surface: str, nth: int) -> tuple[int, int] | None:
    at = -1
    for _ in range(nth + 1):
        at = text.find(surface, at + 1)
        if at < 0:
            return None
    return at, at + len(surface)


def score_folder(folder: Path, extraction) -> Tally:
    """Tally one writer's folder against an Extraction of its seeds."""
    t = Tally()
    texts = {a.id: a.text for a in extraction.articles}
    claims_by_article = defaultdict(list)
    for c in extraction.claims:
        claims_by_article[c.article].append(c)
    gold = _rows(folder / "gold.csv")
    errors = _rows(folder / "errors.csv")
    seen: dict[tuple, int] = defaultdict(int)
    matched: dict[str, dict] = {}  # claim id -> gold row
    gold_claim: dict[int, object] = {}
    for i, g in enumerate(gold):
        key = (g["article"], g["surface"])
        nth = seen[key]
        seen[key] += 1
        place = _place(texts.get(g["article"], ""), g["surface"], nth)
        g["_place"] = place
        if place is None:
            t.misses.append(("gold surface not in article", g["article"], g["surface"]))
            continue
        value = _dec(g["value"])
        best = None
        for c in claims_by_article[g["article"]]:
            if c.id in matched or not (c.start < place[1] and place[0] < c.end):
                continue
            # a cut printed as an amount ("23億円減") is the amount; its sign is the kind's business
            same = value is None or Decimal(c.value).normalize() == value or (
                g["unit"] in MONEY and abs(Decimal(c.value)).normalize() == abs(value))
            if c.unit == g["unit"] and same:
                best = c
                break
        if best is not None:
            matched[best.id] = g
            gold_claim[i] = best
    for i, g in enumerate(gold):
        c = gold_claim.get(i)
        if g["unit"] in MONEY:
            t.money_gold += 1
            if c is not None:
                t.money_found += 1
            elif g.get("_place"):
                t.misses.append(("money missed", g["article"], g["surface"]))
        if g["kind"] in BURDEN and c is not None:
            t.burden_gold += 1
            if c.kind == g["kind"]:
                t.kind_right += 1
            else:
                t.misses.append(("kind", g["article"], g["surface"], f"{c.kind} != {g['kind']}", c.cues))
            if (c.period or "") == (g["period"] or ""):
                t.period_right += 1
            else:
                t.misses.append(("period", g["article"], g["surface"], f"{c.period!r} != {g['period']!r}", c.cues))
            if getattr(c, "confidence", "") == "low":
                t.period_unsure += 1
    for c in extraction.claims:
        if c.unit not in MONEY:
            continue
        t.money_claims += 1
        g = matched.get(c.id)
        if g is not None:
            t.money_claims_true += 1
        else:
            t.misses.append(("money false claim", c.article, c.surface))
        if c.kind in ("annual", "total", "demand"):
            t.burden_pred += 1
            if g is not None and g["kind"] in ("annual", "total", "demand"):
                t.burden_pred_true += 1
    # planted errors -> claim ids
    # errors.csv names a misprint by its surface only: where the surface is printed more than once
    # ("3.4%" right in one sentence, wrong in the next), every claim printed so stands for it
    planted: dict[str, dict] = {}
    planted_claims: list[tuple[dict, list[str]]] = []
    for e in errors:
        text = texts.get(e["article"], "")
        places, at = [], text.find(e["surface"])
        while at >= 0:
            places.append((at, at + len(e["surface"])))
            at = text.find(e["surface"], at + 1)
        t.errors_planted += 1
        if not places:
            t.misses.append(("error surface not in article", e["article"], e["surface"]))
            continue
        ids = [c.id for c in claims_by_article[e["article"]] if any(c.start < b and a < c.end for a, b in places)]
        if not ids:
            t.misses.append(("planted error not extracted", e["article"], e["surface"]))
            continue
        planted_claims.append((e, ids))
        for i in ids:
            planted[i] = e
    flagged: dict[str, str] = {}
    for f in extraction.findings:
        if f.severity not in ("error", "warning"):
            continue
        ids = f.claims.split(";")
        t.findings += 1
        # a finding is about its first claim: a restatement wrongly called off does not become real
        # because the amount it restates is a planted misprint
        hit = ids[0] if ids[0] in planted else None
        if hit is not None:
            t.findings_real += 1
            flagged.setdefault(hit, f.severity)
            if f.severity == "error":
                flagged[hit] = "error"
        else:
            t.misses.append(("false alarm", f.check, f.severity, f.message[:160]))
    for e, ids in planted_claims:
        hit = [flagged[i] for i in ids if i in flagged]
        if hit:
            t.errors_flagged += 1
            t.errors_flagged_as_error += "error" in hit
        else:
            t.misses.append(("error not flagged", e["article"], e["surface"], e["mechanism"]))
    return t


def score_split(split: str, verbose: bool = False) -> tuple[dict[str, Tally], Tally]:
    from costshare import pipeline

    per: dict[str, Tally] = {}
    total = Tally()
    for folder in folders(split):
        extraction = pipeline.run(folder / "seeds")
        t = score_folder(folder, extraction)
        per[folder.name] = t
        total.add(t)
    return per, total


def burden_false(folder: Path, extraction) -> list[tuple]:
    """Money claims called burden (annual/total/demand) whose gold says otherwise: for tuning."""
    out = []
    texts = {a.id: a.text for a in extraction.articles}
    gold = _rows(folder / "gold.csv")
    for c in extraction.claims:
        if c.unit not in MONEY or c.kind not in ("annual", "total", "demand"):
            continue
        g = next((g for g in gold if g["article"] == c.article and g["surface"] in texts[c.article][max(0, c.start - 5): c.end + 5]), None)
        if g is None or g["kind"] not in ("annual", "total", "demand"):
            out.append((c.article, c.surface, c.kind, g["kind"] if g else "no gold", c.cues[-90:]))
    return out
