"""Import time of costshare.money and of the libraries a render starts processes for.

Each case runs in a fresh ``python -X importtime -c ...`` (3 runs, median wall time), so every
process pays what a papermill kernel or an nbconvert call pays. The table shows the wall seconds
and the three costliest packages pulled in (cumulative import time of each package's outermost
import, from the median run). Then what makes ``import nbformat`` slow, as a report only.

Run: .venv/bin/python benchmarks/import_time.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: (label, code run with -c, the packages that are the case itself rather than its imports)
CASES = [
    ("python (startup only)", "pass", ()),
    ("import costshare.money", "import costshare.money", ("costshare",)),
    (
        "costshare.money first conversion",
        "import datetime, costshare.money as m; "
        "m.convert(1, 'KRW', 'USD', on=datetime.date(2020, 10, 16))",
        ("costshare",),
    ),
    (
        "costshare.money first CPI factor",
        "import costshare.money as m; m.cpi_factor(2010, 2020)",
        ("costshare",),
    ),
    ("import pandas", "import pandas", ("pandas",)),
    ("import matplotlib.pyplot", "import matplotlib.pyplot", ("matplotlib",)),
    ("import nbformat", "import nbformat", ("nbformat",)),
    ("import papermill", "import papermill", ("papermill",)),
    ("import nbconvert", "import nbconvert", ("nbconvert",)),
]

#: Packages the design notes as slow under nbformat (jsonschema's format checkers).
SUSPECTS = ("jsonschema", "rfc3987_syntax", "lark", "fastjsonschema")


@dataclass(frozen=True)
class Entry:
    """One line of -X importtime: the module, its nesting depth, self and cumulative us."""

    module: str
    depth: int
    self_us: int
    cumulative_us: int


@dataclass(frozen=True)
class Run:
    wall: float
    entries: list[Entry]


def parse_importtime(stderr: str) -> list[Entry]:
    """``import time: self [us] | cumulative | imported package`` lines; nesting is the indent
    of the package name (two spaces a level)."""
    entries = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        self_us, cumulative_us, name = line[len("import time:"):].split("|")
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        entries.append(Entry(name.strip(), depth, int(self_us), int(cumulative_us)))
    return entries


def run_once(code: str) -> Run:
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # costshare importable from any working dir
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{code!r} failed: {proc.stderr.strip().splitlines()[-1]}")
    return Run(wall, parse_importtime(proc.stderr))


def median_run(code: str, runs: int) -> Run:
    """The run with the median wall time (its import tree is reported with it)."""
    results = sorted((run_once(code) for _ in range(runs)), key=lambda r: r.wall)
    return results[len(results) // 2]


def top_packages(entries: list[Entry], own: tuple[str, ...], startup: set[str], n: int = 3):
    """The n packages with the largest cumulative time of their outermost import, leaving out
    the case's own package and what the bare interpreter imports anyway."""
    best: dict[str, int] = {}
    for e in entries:
        package = e.module.split(".")[0]
        if package in own or e.module in startup:
            continue
        best[package] = max(best.get(package, 0), e.cumulative_us)
    return sorted(best.items(), key=lambda kv: kv[1], reverse=True)[:n]


def chain_to(entries: list[Entry], index: int) -> list[str]:
    """The import chain that led to entries[index]: its ancestors by nesting depth. With
    -X importtime a module is printed after its children, so the parent is the next entry
    below it in the list with a smaller depth."""
    chain = [entries[index].module]
    depth = entries[index].depth
    for e in entries[index + 1:]:
        if e.depth < depth:
            chain.append(e.module)
            depth = e.depth
    return list(reversed(chain))


def report_nbformat(run: Run) -> None:
    """Where ``import nbformat`` spends its time: the suspects' outermost imports and the
    modules with the largest self time (the work done in the module body itself)."""
    total = max((e.cumulative_us for e in run.entries if e.module == "nbformat"), default=0)
    print(f"\nWhat `import nbformat` pulls in ({total / 1e6:.2f} s of imports, median run):")
    for name in SUSPECTS:
        hits = [i for i, e in enumerate(run.entries) if e.module == name]
        if not hits:
            print(f"  {name:<16} not imported")
            continue
        e = run.entries[hits[0]]
        share = e.cumulative_us / total if total else 0.0
        print(f"  {name:<16} {e.cumulative_us / 1e6:6.2f} s ({share:4.0%})  via "
              + " -> ".join(chain_to(run.entries, hits[0])))
    print("  largest self times:")
    for e in sorted(run.entries, key=lambda e: e.self_us, reverse=True)[:3]:
        print(f"    {e.module:<40} {e.self_us / 1e6:6.2f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per case (median)")
    args = parser.parse_args(argv)

    startup_run = median_run("pass", args.runs)
    startup = {e.module for e in startup_run.entries}
    print(f"Python {sys.version.split()[0]} at {sys.executable}; median of {args.runs} runs; "
          "wall includes interpreter startup (see the first row)\n")
    print(f"{'case':<36} {'wall s':>7}  top 3 sub-imports (cumulative s)")
    runs = {}
    for label, code, own in CASES:
        run = startup_run if code == "pass" else median_run(code, args.runs)
        runs[label] = run
        top = ", ".join(f"{p} {us / 1e6:.2f}" for p, us in top_packages(run.entries, own, startup))
        print(f"{label:<36} {run.wall:7.2f}  {top or '-'}")
    report_nbformat(runs["import nbformat"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
