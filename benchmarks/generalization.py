"""How well extraction, attribution and the checks generalise to articles nobody tuned for.

Scores the development corpus (tests/corpus/, see its README) against its gold: money recall and
precision, burden precision, kind and period right on burden claims, planted news errors flagged,
and the share of flagged findings that are real. Score the holdout half only when a piece of work
is done: `python benchmarks/generalization.py --split holdout`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.corpus_scoring import score_split  # noqa: E402

COLUMNS = ["money_recall", "money_precision", "burden_precision", "kind_right", "period_right",
           "errors_flagged", "findings_real"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev", choices=["dev", "holdout", "holdout2"])
    ap.add_argument("--misses", action="store_true", help="list every miss (dev only)")
    args = ap.parse_args()
    per, total = score_split(args.split)
    print(f"{'set':<14}" + "".join(f"{c:>17}" for c in COLUMNS))
    for name, t in list(per.items()) + [("all", total)]:
        r = t.ratios()
        print(f"{name:<14}" + "".join(f"{r[c]:>17.2f}" for c in COLUMNS))
    print(f"\ncounts (all): money gold {total.money_gold}, found {total.money_found}; burden claims {total.burden_gold}; "
          f"planted errors {total.errors_planted}, flagged {total.errors_flagged} ({total.errors_flagged_as_error} as errors); "
          f"findings {total.findings}, real {total.findings_real}; low-confidence burden claims {total.period_unsure}")
    if args.misses:
        if args.split == "holdout2":
            print("(misses of a holdout half are not listed: it stays unread)")
        else:
            for m in total.misses:
                print(" | ".join(str(x) for x in m))
    return 0


if __name__ == "__main__":
    sys.exit(main())
