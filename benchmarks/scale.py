"""A year of coverage in one render: how time, size and memory grow with the number of articles.

Builds corpora of 5, 50, 500 and 5,000 articles deterministically from varied copies of the seeds
(each copy's numbers, dates and outlet shifted by its index, so that no two articles are the same
text), renders each (HTML and PDF) through the command line as a scheduler would, and prints one
row per size: wall time and the render's own stage times (run.json), the `extract` command alone,
the HTML size, the PDF's pages, and the peak memory of the render process and of its largest child
(a kernel or chromium). No timed test: the figures are printed, not asserted.

Usage: .venv/bin/python benchmarks/scale.py [--sizes 5,50,500,5000] [--formats html,pdf]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
PY = sys.executable


def build_corpus(n: int, dest: Path) -> None:
    """``n`` articles: the seeds in turn, the k-th copy with its amounts nudged by k tenths of a
    percent and its date moved k days on, so each article is its own text."""
    dest.mkdir(parents=True)
    rows = list(csv.DictReader((SEEDS / "manifest.csv").open(encoding="utf-8")))
    out = []
    for i in range(n):
        row = rows[i % len(rows)]
        k = i // len(rows)
        text = (SEEDS / row["file"]).read_text(encoding="utf-8")
        if k:
            text = re.sub(r"(\d+\.\d)(?=\s*(?:billion|trillion))",
                          lambda m: f"{float(m.group(1)) * (1 + k / 1000):.1f}", text)
            text += f"\n\n(Copy {k} of this report, as republished.)\n"
        name = f"{i:05d}_{row['file']}"
        (dest / name).write_text(text, encoding="utf-8")
        published = dt.date.fromisoformat(row["published"]) + dt.timedelta(days=k % 300)
        out.append({**row, "file": name, "published": published.isoformat(), "outlet": f"{row['outlet']} #{k}"})
    with (dest / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(out)


def pdf_pages(path: Path) -> int | None:
    try:
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    m = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return int(m.group(1)) if m else None


def measure(n: int, work: Path, formats: str) -> dict:
    seeds = work / f"seeds_{n}"
    build_corpus(n, seeds)
    out = work / f"extract_{n}"
    t0 = time.perf_counter()
    subprocess.run([PY, "-m", "costshare", "extract", "--seeds", str(seeds), "--out", str(out)],
                   cwd=ROOT, check=True, capture_output=True)
    extract_s = time.perf_counter() - t0
    reports = work / f"reports_{n}"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(
        [PY, "-m", "costshare", "render", "--params", "params/default.yaml", "--set", f"seeds_dir={seeds}",
         "--formats", formats, "--name", f"scale{n}", "--timeout", "3600", "--deadline", "7200"],
        cwd=ROOT, capture_output=True, text=True, env={**__import__("os").environ, "COSTSHARE_REPORTS_DIR": str(reports)})
    wall = time.perf_counter() - t0
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    row = {"articles": n, "extract_s": extract_s, "render_s": wall, "ok": proc.returncode == 0,
           "largest_child_mb": max(peak_children, before) / 1024}
    folder = reports / f"scale{n}"
    if not folder.exists():
        folder = ROOT / "reports" / f"scale{n}"
    run = folder / "run.json"
    if run.exists():
        meta = json.loads(run.read_text())
        row["stages"] = meta.get("stages", {})
        row["peak_rss_mb"] = meta.get("peak_rss_mb", {})
    html = folder / "briefing.html"
    row["html_mb"] = html.stat().st_size / 1e6 if html.exists() else None
    row["pdf_pages"] = pdf_pages(folder / "briefing.pdf") if (folder / "briefing.pdf").exists() else None
    if proc.returncode:
        row["error"] = (proc.stderr.strip().splitlines() or [""])[-1][:200]
    shutil.rmtree(ROOT / "reports" / f"scale{n}", ignore_errors=True)
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="5,50,500,5000")
    ap.add_argument("--formats", default="html,pdf")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="costshare-scale-") as tmp:
        work = Path(tmp)
        print(f"{'articles':>8} {'extract s':>10} {'render s':>9} {'html MB':>8} {'pdf pages':>9} {'child MB':>9}  stages (s)")
        for n in sizes:
            r = measure(n, work, args.formats)
            stages = ", ".join(f"{k} {v:.1f}" for k, v in (r.get("stages") or {}).items() if isinstance(v, (int, float)))
            print(f"{n:>8} {r['extract_s']:>10.1f} {r['render_s']:>9.1f} {r['html_mb'] or 0:>8.1f} "
                  f"{r['pdf_pages'] or 0:>9} {r['largest_child_mb']:>9.0f}  {stages}"
                  + (f"  FAILED: {r['error']}" if not r["ok"] else ""))
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
