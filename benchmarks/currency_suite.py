"""Recall and precision of money extraction on the currency test suite, per language.

The suite (tests/fixtures/currency_suite/{en,ja,ko}.tsv) lists sentences in the forms the press
prints money in, each with every amount it states, and traps that state none. An amount counts as
found when a money claim has its exact value and currency. Prints a table; always exits 0.

Run: .venv/bin/python benchmarks/currency_suite.py [--misses]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.currency_suite import LANGUAGES, load, score, score_case  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every case read wrong")
    args = parser.parse_args()
    print(f"{'lang':5s} {'cases':>5s} {'amounts':>7s} {'tp':>4s} {'fp':>4s} {'fn':>4s} {'recall':>7s} {'precision':>9s}")
    for lang in LANGUAGES:
        s = score(lang)
        print(f"{lang:5s} {s['cases']:5d} {s['amounts']:7d} {s['tp']:4d} {s['fp']:4d} {s['fn']:4d} "
              f"{s['recall']:7.3f} {s['precision']:9.3f}")
        if args.misses:
            for case in load(lang):
                tp, fp, fn, claims = score_case(case)
                if fp or fn:
                    print(f"   {case.id} {case.text!r}: expected {case.expected}, got "
                          f"{[(str(c.value), c.unit, c.rule) for c in claims]}")
    print("bar: recall >= 0.95 and precision >= 0.98 in each language")
    return 0


if __name__ == "__main__":
    sys.exit(main())
