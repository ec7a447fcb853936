"""Time per KB of extraction and of the whole pipeline (costshare.pipeline.run: load, extract,
attribute, reconcile) on adversarial articles, at a few sizes, to show where the cost grows
faster than the text.

The articles are the red-team's (issue 10), built deterministically (no randomness at all):

- dollars:  "$1 $1 $1 ..."                   one money claim every 3 bytes, one sentence
- percents: "1% 1% 1% ..."                   one percent claim every 3 bytes, one sentence
- table:    "In FY1990, Japan paid 100.5 billion yen in host-nation support." one line a year
- bare:     "The budget was 1 billion, 2 billion, ..." bare amounts resolved from context
- prose:    a news paragraph with four claims, repeated (a long but ordinary article)

Each kind is measured at claim counts up to the per-article limit
(costshare.extract.MAX_CLAIMS_PER_ARTICLE), and once at just under 5 MB, where the article is
refused with a one-line error: the time printed is the time to that refusal. Linear cost shows as
a flat "ms/KB" column; a column that doubles with the size is quadratic.

Usage: .venv/bin/python benchmarks/adversarial.py [--quick]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from costshare import pipeline  # noqa: E402
from costshare.corpus import load_corpus  # noqa: E402
from costshare.errors import CorpusError  # noqa: E402
from costshare.extract import MAX_CLAIMS_PER_ARTICLE, extract_claims  # noqa: E402

FIVE_MB = 5 * 1024 * 1024 - 1024
PROSE = ("Japan agreed on Jan. 7, 2022 to pay 1.055 trillion yen over five years for US forces, about "
         "211 billion yen a year, up 5.4% from the 201.7 billion yen of FY2021. Officials said the "
         "deal, reached after talks in Tokyo, covers utilities, base workers and training. ")


def dollars(n: int) -> str:
    return "$1 " * n


def percents(n: int) -> str:
    return "1% " * n


def table(n: int) -> str:
    return "".join(f"In FY{1990 + i % 36}, Japan paid {100 + i % 900}.5 billion yen in host-nation support.\n"
                   for i in range(n))


def bare(n: int) -> str:
    return "Japan paid 5 billion yen. The budget was " + ", ".join(f"{1 + i % 999} billion" for i in range(n)) + ".\n"


def prose(n: int) -> str:
    return PROSE * max(1, n // 4)


KINDS = {"dollars": dollars, "percents": percents, "table": table, "bare": bare, "prose": prose}


def _to_size(build, size: int) -> str:
    """The article of this kind closest to ``size`` bytes from below."""
    unit = len(build(400).encode()) / 400
    text = build(int(size / unit))
    while len(text.encode()) > size:
        text = text[: -max(1, len(text) // 100)]
    return text


def measure(kind: str, text: str, folder: Path) -> tuple[int, float, float, str]:
    """(claims, extraction seconds, pipeline seconds, note) for one article."""
    seeds = folder / f"seeds_{kind}_{len(text)}"
    seeds.mkdir()
    (seeds / f"{kind}.txt").write_text(text, encoding="utf-8")
    (seeds / "manifest.csv").write_text("file,published,outlet,title,origin_language\n"
                                        f"{kind}.txt,2021-03-01,bench,{kind},en\n", encoding="utf-8")
    (article,) = load_corpus(seeds)
    t0 = time.perf_counter()
    try:
        claims = len(extract_claims(article))
    except CorpusError as exc:
        return 0, time.perf_counter() - t0, float("nan"), "refused: " + str(exc).split(";")[0].split(": ", 1)[1]
    t_extract = time.perf_counter() - t0
    t0 = time.perf_counter()
    pipeline.run(seeds)
    return claims, t_extract, time.perf_counter() - t0, ""


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    counts = (250, 500, 1000) if quick else (250, 500, 1000, 1900)
    print(f"per-article limit: {MAX_CLAIMS_PER_ARTICLE:,} claims; pipeline = load + extract + attribute + reconcile")
    print(f"{'article':<9} {'KB':>8} {'claims':>7} {'extract s':>10} {'ms/KB':>8} {'pipeline s':>11} {'ms/KB':>8}  note")
    with tempfile.TemporaryDirectory(prefix="costshare-adversarial-") as tmp:
        folder = Path(tmp)
        for kind, build in KINDS.items():
            texts = [build(n) for n in counts] + [_to_size(build, FIVE_MB)]
            for text in texts:
                kb = len(text.encode()) / 1024
                claims, t_ex, t_pipe, note = measure(kind, text, folder)
                pipe = f"{t_pipe:11.2f} {1000 * t_pipe / kb:8.2f}" if t_pipe == t_pipe else f"{'-':>11} {'-':>8}"
                print(f"{kind:<9} {kb:8.1f} {claims:7d} {t_ex:10.3f} {1000 * t_ex / kb:8.3f} {pipe}  {note}",
                      flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
