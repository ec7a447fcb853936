"""The currency test suite (tests/fixtures/currency_suite/*.tsv) read and scored: shared by
tests/test_currency_suite.py (thresholds, one test per case) and benchmarks/currency_suite.py
(prints recall and precision per language)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from costshare.corpus import Article
from costshare.extract import Claim, extract_claims
from costshare.textnorm import normalize

SUITE_DIR = Path(__file__).resolve().parent / "fixtures" / "currency_suite"
LANGUAGES = ("en", "ja", "ko")


@dataclass(frozen=True)
class Case:
    lang: str
    line: int
    text: str
    expected: tuple[tuple[Decimal, str], ...]

    @property
    def id(self) -> str:
        return f"{self.lang}:{self.line}"


def load(lang: str) -> list[Case]:
    cases = []
    for n, raw in enumerate((SUITE_DIR / f"{lang}.tsv").read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        text, expected = raw.split("\t")
        amounts = () if expected.strip() == "-" else tuple(
            (Decimal(v), u) for v, u in (item.split() for item in expected.split("; "))
        )
        cases.append(Case(lang, n, text.replace("\\n", "\n"), amounts))
    return cases


def money_claims(text: str, lang: str) -> list[Claim]:
    article = Article(
        id="case.txt", text=text, published=None, published_basis="test", outlet="test", title="case",
        origin_language=lang, sha256="0", encoding="utf_8", in_manifest=True, norm=normalize(text),
    )
    return [c for c in extract_claims(article) if c.rule.startswith("money")]


def score_case(case: Case) -> tuple[int, int, int, list[Claim]]:
    """(true positives, false positives, false negatives, claims) of one case; an amount matches
    on exact value and currency."""
    claims = money_claims(case.text, case.lang)
    left = [(c.value, c.unit) for c in claims]
    tp = 0
    for amount in case.expected:
        if amount in left:
            left.remove(amount)
            tp += 1
    return tp, len(left), len(case.expected) - tp, claims


def score(lang: str) -> dict[str, float]:
    tp = fp = fn = 0
    for case in load(lang):
        t, p, n, _ = score_case(case)
        tp, fp, fn = tp + t, fp + p, fn + n
    return {
        "cases": len(load(lang)), "amounts": tp + fn, "tp": tp, "fp": fp, "fn": fn,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
    }
