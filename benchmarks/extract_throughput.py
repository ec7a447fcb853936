"""Extraction throughput, peak memory and precision/recall on a synthetic corpus, with quantulum3
as a baseline.

The corpus (benchmarks/synthetic.py) is built in memory from ``random.Random(2026)``: 10,000
articles of 2-4 KB, each with 3-8 claims in every supported money style (and restatements),
personnel, percentages, multiples and terms, plus distractors that must not be extracted. Each
article carries its gold list, so precision and recall per unit type come from
``costshare.scoring.score``.

What is measured:
  * ``extract_claims`` over every article, wall time by ``time.perf_counter`` on ONE core (the
    extractor is single-threaded pure Python; nothing runs in parallel), as articles/s and MB/s of
    UTF-8 article text. No disk I/O: Articles are built (and normalized) before the clock starts.
  * Peak memory: the process's ``ru_maxrss`` after the build and the timed pass (before
    quantulum3 is imported), and the tracemalloc peak of extraction keeping every claim (as
    ``extract_corpus`` does). tracemalloc slows the regex engine ~12x, so the traced pass covers
    the first ``--trace`` articles (default 1,000) and its peak is extended linearly to the full
    count from the growth between its halves.
  * Where the time goes: each whole-text pattern of costshare.extract scanned alone.
  * quantulum3 ``parser.parse`` on the first ``--sample`` articles: import time, the lazy model
    load of its first parse, articles/s and MB/s, and precision/recall on the same gold after
    mapping its quantities to our units (see ``quantulum_claims``).

Targets: >= 2 MB/s and < 300 MB peak for the 10,000 articles; each is printed PASS or FAIL.
The script always exits 0 (it reports, it does not gate).

Run: .venv/bin/python benchmarks/extract_throughput.py [--articles N] [--sample N] [--trace N] [--traps P]
(--traps 0.3 adds plausible sentences costshare gets wrong, to show their effect; off by default.)
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import logging
import os
import re
import resource
import sys
import time
import tracemalloc
import warnings
from collections import Counter
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
for p in (HERE.parent, HERE):  # costshare and synthetic importable however the script is started
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

TARGET_MB_S = 2.0
TARGET_PEAK_MB = 300.0
UNIT_TYPES = ["money", "personnel", "percent", "ratio", "years"]
SCANNED = ["MONEY_PREFIXED", "MONEY_SUFFIXED", "MONEY_CJK", "MONEY_BARE", "PERCENT", "PERSONNEL",
           "PERSONNEL_KO", "MULTIPLE", "TERM"]


# --- helpers -------------------------------------------------------------------------------------


def maxrss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def claim_rows(claims) -> list[dict]:
    return [
        {"article": c.article, "value": c.value, "unit": c.unit, "surface": c.surface,
         "rule": c.rule, "sentence": c.sentence}
        for c in claims
    ]


@contextlib.contextmanager
def silenced():
    """No warnings, log records or prints from a library (quantulum3 warns about its classifier)."""
    sink = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        warnings.simplefilter("ignore")
        logging.disable(logging.CRITICAL)
        try:
            yield sink
        finally:
            logging.disable(logging.NOTSET)


# --- quantulum3 ----------------------------------------------------------------------------------

_QU_CURRENCY = [
    ("yen", "JPY"), ("won", "KRW"), ("yuan", "CNY"), ("renminbi", "CNY"), ("euro", "EUR"),
    ("pound", "GBP"), ("singapore", "SGD"), ("australian", "AUD"), ("canadian", "CAD"),
    ("hong kong", "HKD"), ("new taiwan", "TWD"), ("new zealand", "NZD"), ("rupee", "INR"),
    ("dollar", "USD"),
]
#: a personnel noun right after a dimensionless number ("28,500 U.S. troops")
_QU_PERSON_AFTER = re.compile(
    r"^\s*(?:(?:U\.S\.|US|American|USFK|USFJ|military|Marine|active-duty|Korean|Japanese)\s+){0,3}"
    r"(?:troops|soldiers|personnel|service\s?members|servicemembers|Marines|sailors|airmen|forces)\b",
    re.I,
)


def _qu_value(v: float) -> Decimal:
    """quantulum3's float to 12 significant digits, so 16739999999.999998 scores as 16.74 billion
    (a float artifact is not a parsing error)."""
    d = Decimal(format(float(v), ".12g"))
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


def quantulum_claims(article_id: str, text: str, quantities) -> tuple[list[dict], int]:
    """quantulum3 quantities as claim rows in our units, and how many could not be mapped.

    entity 'currency': the unit name ('dollar', 'united states dollar', 'japanese yen', 'south
    korean won', 'chinese yuan', ...) gives the ISO code; other currencies become 'money(other)'.
    unit 'percentage' / 'per cent' -> percent. entity 'time' with unit 'year' -> years.
    Dimensionless: a surface ending in 'times'/'fold' -> ratio; a personnel noun right after the
    number -> personnel. Everything else (bare numbers, dates, days, mis-read units) is unmapped
    and not scored, which spares quantulum3 the false positives of its unmapped quantities.
    Values are used as returned: quantulum3 already applies the scale word (1.9 billion ->
    1900000000.0)."""
    rows, unmapped = [], 0
    for q in quantities:
        name, entity = q.unit.name.lower(), q.unit.entity.name.lower()
        unit = None
        if entity == "currency":
            unit = next((code for key, code in _QU_CURRENCY if key in name), "money(other)")
        elif name in ("percentage", "percent", "per cent"):
            unit = "percent"
        elif entity == "time" and name == "year":
            unit = "years"
        elif entity == "dimensionless":
            if re.search(r"(?:times|fold)$", q.surface.strip(), re.I):
                unit = "ratio"
            elif _QU_PERSON_AFTER.match(text[q.span[1]: q.span[1] + 60]):
                unit = "personnel"
        if unit is None:
            unmapped += 1
            continue
        rows.append({"article": article_id, "value": _qu_value(q.value), "unit": unit, "surface": q.surface})
    return rows, unmapped


# --- report --------------------------------------------------------------------------------------


def print_scores(columns: list[tuple[str, dict, Counter]]) -> None:
    """One row per unit type; for each column (label, scores, gold counts): gold, tp, fp, fn, P, R."""
    types = UNIT_TYPES + sorted({t for _, s, _ in columns for t in s} - set(UNIT_TYPES))
    head = "  unit type     " + " | ".join(f"{label:^44}" for label, _, _ in columns)
    sub = "  " + " " * 14 + " | ".join(f"{'gold':>7} {'tp':>7} {'fp':>6} {'fn':>6} {'P':>6} {'R':>6}" for _ in columns)
    print(head)
    print(sub)
    for t in types:
        cells = []
        for _, scores, gold_n in columns:
            s = scores.get(t)
            if s is None:
                cells.append(f"{gold_n.get(t, 0):>7} {'-':>7} {'-':>6} {'-':>6} {'-':>6} {'-':>6}")
            else:
                cells.append(f"{gold_n.get(t, 0):>7} {s.tp:>7} {s.fp:>6} {s.fn:>6} {s.precision:>6.3f} {s.recall:>6.3f}")
        print(f"  {t:<14}" + " | ".join(cells))


def print_errors(label: str, gold: list[dict], extra: list[dict], missed: list[dict], show: int) -> None:
    """Recall per template for the templates with misses, and false positives by rule."""
    if not extra and not missed:
        print(f"  {label}: no false positives, no misses")
        return
    totals = Counter(g["template"] for g in gold)
    misses = Counter(g["template"] for g in missed)
    if missed:
        print(f"  {label}: missed gold by template (missed/total, example)")
        for template, n in misses.most_common(show):
            ex = next(g for g in missed if g["template"] == template)
            print(f"    {template:<32} {n:>6}/{totals[template]:<6} {ex['surface']!r} ({ex['article']})")
    if extra:
        print(f"  {label}: false positives by rule (count, example)")
        by_rule = Counter((c.get("rule", ""), c["unit"]) for c in extra)
        for (rule, unit), n in by_rule.most_common(show):
            ex = next(c for c in extra if c.get("rule", "") == rule and c["unit"] == unit)
            where = f" in {ex['sentence'][:70]!r}" if ex.get("sentence") else ""
            print(f"    {rule or unit:<32} {n:>6}  {ex['surface']!r} = {ex['value']} {unit}{where}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000, help="synthetic articles (default 10000)")
    ap.add_argument("--sample", type=int, default=300, help="articles given to quantulum3 (default 300; 0 skips it)")
    ap.add_argument("--traps", type=float, default=0.0,
                    help="share of articles that also get one known-hard sentence (synthetic.TRAPS); default 0")
    ap.add_argument("--trace", type=int, default=1000,
                    help="articles for the tracemalloc pass (default 1000; the peak is extended linearly)")
    ap.add_argument("--show", type=int, default=8, help="error lines per library (default 8)")
    args = ap.parse_args(argv)
    t_script = time.perf_counter()

    t = time.perf_counter()
    from costshare.extract import extract_claims
    from costshare.scoring import score, unit_type
    t_import_cs = time.perf_counter() - t

    import synthetic

    t = time.perf_counter()
    articles, gold = synthetic.build_corpus(args.articles, seed=2026, traps=args.traps)
    t_build = time.perf_counter() - t
    n_bytes = sum(len(a.text.encode("utf-8")) for a in articles)
    mb = n_bytes / 1e6
    gold_n = Counter(unit_type(g["unit"]) for g in gold)
    print(f"Synthetic corpus: {len(articles):,} articles, {mb:.2f} MB UTF-8 "
          f"({n_bytes / max(1, len(articles)) / 1024:.2f} KiB mean), {len(gold):,} gold claims, seed 2026"
          + (f", traps in ~{args.traps:.0%} of articles" if args.traps else "")
          + f"; built and normalized in memory in {t_build:.2f} s (outside the timed section)")
    print(f"Python {sys.version.split()[0]}; one process, one thread: extraction runs on ONE core "
          f"(this machine has {os.cpu_count()} CPUs)\n")

    # --- timed pass: extract_claims over every article, nothing else --------------------------
    gc.collect()
    t = time.perf_counter()
    per_article = [extract_claims(a) for a in articles]
    wall = time.perf_counter() - t
    rss = maxrss_mb()

    # --- traced pass: tracemalloc makes the regex engine ~12x slower (it traces the engine's
    # per-attempt buffers), so it runs on the first --trace articles, keeping their claims as
    # extract_corpus does; the peak is read at half and at the end, and extended linearly.
    traced = articles[: max(2, min(args.trace, len(articles)))]
    half = len(traced) // 2
    gc.collect()
    t = time.perf_counter()
    tracemalloc.start()
    kept = [extract_claims(a) for a in traced[:half]]
    peak_half = tracemalloc.get_traced_memory()[1]
    kept += [extract_claims(a) for a in traced[half:]]
    peak_end = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    t_traced = time.perf_counter() - t
    del kept
    gc.collect()
    slope = (peak_end - peak_half) / (len(traced) - half)  # bytes per further article
    traced_peak_mb = (peak_end + slope * (len(articles) - len(traced))) / 1e6

    # --- where the time goes: each pattern of costshare.extract alone over the first 1,000
    hot = articles[:1000]
    hot_mb = sum(len(a.text.encode("utf-8")) for a in hot) / 1e6
    import costshare.extract as E
    scans = []
    for name in SCANNED:  # the patterns extract_claims runs over the whole text
        pattern = getattr(E, name, None)
        if isinstance(pattern, re.Pattern):
            t = time.perf_counter()
            for a in hot:
                for _ in pattern.finditer(a.norm.text):
                    pass
            scans.append((time.perf_counter() - t, name))
    t = time.perf_counter()
    for a in hot:
        E.split_sentences(a.norm.text)
    scans.append((time.perf_counter() - t, "split_sentences()"))
    t = time.perf_counter()
    for a in hot:
        extract_claims(a)
    hot_wall = time.perf_counter() - t
    scans.sort(reverse=True)

    claims = [c for cs in per_article for c in cs]
    scores, _, extra, missed = score(claim_rows(claims), gold)

    # --- quantulum3 on a sample ---------------------------------------------------------------
    qu = None
    sample = articles[: max(0, min(args.sample, len(articles)))]
    if sample:
        t = time.perf_counter()
        with silenced() as sink:
            from quantulum3 import parser as qparser
        t_import_qu = time.perf_counter() - t
        t = time.perf_counter()
        with silenced() as sink2:
            qparser.parse("Japan pays $1.9 billion a year.")  # first parse loads its models
        t_first_qu = time.perf_counter() - t
        noise = len((sink.getvalue() + sink2.getvalue()).splitlines())
        ids = {a.id for a in sample}
        s_bytes = sum(len(a.text.encode("utf-8")) for a in sample)
        t = time.perf_counter()
        with silenced():
            parsed = [qparser.parse(a.text) for a in sample]
        qu_wall = time.perf_counter() - t
        rows, unmapped = [], 0
        for a, quantities in zip(sample, parsed):
            r, u = quantulum_claims(a.id, a.text, quantities)
            rows.extend(r)
            unmapped += u
        s_gold = [g for g in gold if g["article"] in ids]
        qu_scores, _, qu_extra, qu_missed = score(rows, s_gold)
        negative = sum(1 for r in rows if r["value"] < 0)
        abs_scores, *_ = score([{**r, "value": abs(r["value"])} for r in rows], s_gold)
        cs_sample_scores, *_ = score(claim_rows(c for cs in per_article[: len(sample)] for c in cs), s_gold)
        t = time.perf_counter()
        for a in sample:
            extract_claims(a)
        cs_sample_wall = time.perf_counter() - t
        qu = dict(import_s=t_import_qu, first_s=t_first_qu, noise=noise, n=len(sample), mb=s_bytes / 1e6,
                  wall=qu_wall, scores=qu_scores, extra=qu_extra, missed=qu_missed, gold=s_gold,
                  unmapped=unmapped, mapped=len(rows), negative=negative, abs_scores=abs_scores,
                  cs_scores=cs_sample_scores, cs_wall=cs_sample_wall)
    rss_end = maxrss_mb()

    # --- report -------------------------------------------------------------------------------
    print("Throughput (wall time of the parse/extract calls only)")
    print(f"  {'library':<12} {'articles':>8} {'MB':>7} {'wall s':>8} {'articles/s':>11} {'MB/s':>7}  import")
    print(f"  {'costshare':<12} {len(articles):>8,} {mb:>7.2f} {wall:>8.2f} {len(articles) / wall:>11,.0f} "
          f"{mb / wall:>7.2f}  {t_import_cs:.2f} s (costshare.extract + scoring)")
    if qu:
        print(f"  {'costshare':<12} {qu['n']:>8,} {qu['mb']:>7.2f} {qu['cs_wall']:>8.2f} "
              f"{qu['n'] / qu['cs_wall']:>11,.0f} {qu['mb'] / qu['cs_wall']:>7.2f}  (same sample as quantulum3)")
        print(f"  {'quantulum3':<12} {qu['n']:>8,} {qu['mb']:>7.2f} {qu['wall']:>8.2f} "
              f"{qu['n'] / qu['wall']:>11,.1f} {qu['mb'] / qu['wall']:>7.3f}  {qu['import_s']:.2f} s, "
              f"+ {qu['first_s']:.2f} s model load on first parse; {qu['noise']} lines of warnings silenced")
    print("\nTargets (the full corpus of costshare)")
    print(f"  throughput >= {TARGET_MB_S:g} MB/s            {mb / wall:8.2f} MB/s  {verdict(mb / wall >= TARGET_MB_S)}")
    basis = ("measured" if len(traced) == len(articles) else
             f"{peak_end / 1e6:.1f} MB measured on the first {len(traced):,} articles in {t_traced:.0f} s, "
             f"+{slope / 1e3:.2f} kB per further article")
    print(f"  tracemalloc peak < {TARGET_PEAK_MB:g} MB       {traced_peak_mb:8.1f} MB    "
          f"{verdict(traced_peak_mb < TARGET_PEAK_MB)}  (extraction, all claims kept; {basis})")
    print(f"  process maxrss < {TARGET_PEAK_MB:g} MB         {rss:8.1f} MB    "
          f"{verdict(rss < TARGET_PEAK_MB)}  (interpreter + corpus + claims, before quantulum3)")
    print(f"  (process maxrss at exit, with quantulum3 loaded: {rss_end:.1f} MB)")

    print(f"\nWhere the time goes (first {len(hot):,} articles: extract_claims {hot_wall:.2f} s; "
          "each pattern scanned alone)")
    for secs, name in scans[:5]:
        print(f"  {name:<20} {secs:6.2f} s  {secs / hot_wall:4.0%}  {hot_mb / secs:7.1f} MB/s")

    print("\nPrecision / recall per unit type (match on article, value, unit; costshare.scoring.score)")
    columns = [(f"costshare, {len(articles):,} articles", scores, gold_n)]
    if qu:
        s_gold_n = Counter(unit_type(g["unit"]) for g in qu["gold"])
        columns += [(f"costshare, first {qu['n']}", qu["cs_scores"], s_gold_n),
                    (f"quantulum3, first {qu['n']}", qu["scores"], s_gold_n)]
    print_scores(columns)
    if qu:
        m = qu["abs_scores"].get("money")
        print(f"  quantulum3: {qu['mapped']} quantities mapped, {qu['unmapped']} unmapped (not scored); "
              f"{qu['negative']} amounts negative ('(...)' read as accounting minus), money recall "
              f"{m.recall if m else 0:.3f} if signs were ignored")

    print("\nErrors")
    print_errors("costshare", gold, extra, missed, args.show)
    if qu:
        print_errors("quantulum3", qu["gold"], qu["extra"], qu["missed"], args.show)
    print(f"\nTotal script time {time.perf_counter() - t_script:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
