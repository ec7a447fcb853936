"""Render time: each stage of a whole render, total and peak memory, beside a floor measured in the
same run.

The floor is what any render of this kind pays at least: papermill (its command line, a fresh
process) on a notebook that only imports pandas and matplotlib, plus one Chromium print of a blank
page. The target is a whole render within 3x that floor.

Each render runs in a fresh ``python -c`` process (interpreter start and imports count) into a
temporary reports folder; the table shows the median run's stages, from its run.json. The
notebooks run several at a time (one per CPU): their kernel-ready waits and executions are shown
indented under "notebooks" and overlap. Memory is
sampled every 20 ms over the whole process tree (render, kernels, Chromium): the peak of the sum,
and the largest single process. Then what each process imports: the render process, and one
kernel per notebook (ipykernel plus the notebook's own import lines), each measured in a fresh
``python -X importtime`` process.

Run: .venv/bin/python benchmarks/render_time.py [--runs N] [--params params/default.yaml]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from costshare import paths  # noqa: E402

TARGET = 3.0
ENV = dict(os.environ, PYTHONPATH=str(ROOT))
#: Packages worth naming when a process imports them (the design notes nbformat's schema stack).
WATCH = ("nbformat", "jsonschema", "rfc3987_syntax", "papermill", "nbconvert", "pandas", "matplotlib",
         "ipykernel", "currency_converter", "cpi", "costshare")


# --------------------------------------------------------------------------- process tree memory


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            stat = (p / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(p.name))
    return tree


def _rss_kb(pid: int) -> int:
    """Proportional set size (shared pages split between the processes that share them, so the
    sum over Chromium's processes is not inflated); VmRSS where smaps_rollup is unavailable."""
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1])
        except OSError:
            continue
    return 0


class TreeMemory(threading.Thread):
    """Peak memory (PSS) of a process and all its descendants (sum), and of the largest one."""

    def __init__(self, pid: int, every: float = 0.02):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.peak_sum = self.peak_one = 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            tree, todo, rss = _children(), [self.pid], []
            while todo:
                pid = todo.pop()
                rss.append(_rss_kb(pid))
                todo.extend(tree.get(pid, []))
            self.peak_sum = max(self.peak_sum, sum(rss))
            self.peak_one = max(self.peak_one, max(rss, default=0))
            self.stop.wait(self.every)


def timed(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess, TreeMemory]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, **kw)
    mem = TreeMemory(proc.pid)
    mem.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    mem.stop.set()
    mem.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} ... failed:\n{err.strip()[-2000:]}")
    return wall, subprocess.CompletedProcess(cmd, proc.returncode, out, err), mem


# --------------------------------------------------------------------------- the floor


def floor(work: Path) -> dict[str, float]:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from costshare import pdf

    nb = new_notebook(cells=[new_code_cell("import pandas\nimport matplotlib.pyplot")],
                      metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}})
    src = work / "floor.ipynb"
    nbformat.write(nb, src)
    papermill_s, _, _ = timed([sys.executable, "-m", "papermill", str(src), str(work / "floor-out.ipynb"),
                               "--no-progress-bar", "--log-level", "ERROR"], cwd=work)
    blank = work / "blank.html"
    blank.write_text("<!DOCTYPE html><html><head><style>@page { size: A4 }</style></head><body></body></html>")
    start = time.perf_counter()
    pdf.print_pdf(blank, work / "blank.pdf")
    chromium_s = time.perf_counter() - start
    return {"papermill, notebook importing pandas + matplotlib": papermill_s,
            "chromium print of a blank page": chromium_s}


# --------------------------------------------------------------------------- the render


RENDER = """
import json, sys
from pathlib import Path
from costshare import params as P, render
render.without_iri_grammar()  # as the command does
values = P.load_yaml({params!r})
values["name"] = "bench"
r = render.render(P.validate(values), reports_dir=Path({reports!r}), progress=False)
print(json.dumps({{"stages": r.stages, "total": r.run["total_seconds"]}}))
"""


def one_render(work: Path, params: Path, n: int) -> dict:
    reports = work / f"reports-{n}"
    wall, proc, mem = timed([sys.executable, "-c", RENDER.format(params=str(params), reports=str(reports))])
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"wall": wall, "stages": data["stages"], "in_render": data["total"],
            "peak_sum_mb": mem.peak_sum / 1024, "peak_one_mb": mem.peak_one / 1024}


# --------------------------------------------------------------------------- imports per process


def importtime(code: str) -> tuple[float, dict[str, float], set[str]]:
    """Wall seconds, cumulative seconds of the outermost import of each top-level package, and
    the set of all modules imported, for ``python -X importtime -c code``."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True,
                          text=True, env=ENV, cwd=ROOT)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        return wall, {}, set()
    top: dict[str, float] = {}
    modules = set()
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        module = name.strip()
        if int(cumulative) >= 1000:  # a blocked or absent optional import shows up as a few us
            modules.add(module)
        package = module.split(".")[0]
        top[package] = max(top.get(package, 0.0), int(cumulative) / 1e6)
    return wall, top, modules


KERNEL_RUN = """
import json, os, sys
import ipykernel.kernelapp  # what every kernel imports before the first cell
os.chdir({cwd!r})
ns = {{"__name__": "__main__"}}
for source in json.loads({cells!r}):
    # IPython magics are not plain Python: %matplotlib inline becomes what it imports
    source = "\\n".join("import matplotlib.pyplot" if line.lstrip().startswith("%matplotlib")
                         else ("pass" if line.lstrip().startswith(("%", "!")) else line)
                         for line in source.splitlines())
    try:
        exec(compile(source, "<cell>", "exec"), ns)
    except Exception as exc:
        print(f"cell failed outside a kernel: {{type(exc).__name__}}", file=sys.stderr)
        break
"""


def kernel_code(path: Path) -> str:
    """The notebook's code cells run in order, as its kernel runs them (imports included, also
    the ones done lazily inside costshare's functions)."""
    cells = ["".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
             if c["cell_type"] == "code"]
    return KERNEL_RUN.format(cwd=str(path.parent), cells=json.dumps(cells))


def report_imports() -> None:
    from costshare import render

    cases = [("render process", "from costshare import render; render.without_iri_grammar(); "
              "import costshare.cli, costshare.pipeline, costshare.briefing, costshare.changes, "
              "costshare.narrative, costshare.reference, costshare.reconcile, jupyter_client.manager, "
              "papermill, nbconvert")]
    for nb in render.default_notebooks():
        cases.append((f"kernel {nb.stem}", kernel_code(nb)))
    print("\nWhat each process imports (a fresh `python -X importtime` each; a kernel runs its "
          "notebook's code cells; wall includes the work):")
    print(f"  {'process':<34} {'wall s':>7}  heaviest packages (cumulative import s); [watched]")
    for label, code in cases:
        wall, top, modules = importtime(code)
        heavy = sorted(((k, v) for k, v in top.items() if k not in ("encodings", "site")),
                       key=lambda kv: kv[1], reverse=True)[:4]
        watched = [w for w in WATCH if any(m == w or m.startswith(w + ".") for m in modules)]
        print(f"  {label:<34} {wall:7.2f}  " + ", ".join(f"{k} {v:.2f}" for k, v in heavy)
              + f"; [{', '.join(watched)}]")
    print("  nbformat and jsonschema load in the render process only (kernels execute code, they never "
          "read notebooks);\n  rfc3987_syntax (jsonschema's IRI grammar, ~0.85 s) is not loaded at all: "
          "see costshare.render.without_iri_grammar.")


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="renders (median reported)")
    parser.add_argument("--params", default=str(paths.PARAMS_DIR / "default.yaml"))
    parser.add_argument("--no-imports", action="store_true", help="skip the import report")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="costshare-bench-") as tmp:
        work = Path(tmp)
        floors = [floor(work) for _ in range(args.runs)]
        floor_parts = {k: statistics.median(f[k] for f in floors) for k in floors[0]}
        floor_total = sum(floor_parts.values())
        runs = sorted((one_render(work, Path(args.params), n) for n in range(args.runs)), key=lambda r: r["wall"])
        median = runs[len(runs) // 2]

    print(f"Render of {Path(args.params).name}: median of {args.runs} runs, each a fresh process; "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}\n")
    print(f"  {'stage':<40} {'s':>6}")
    stages = median["stages"]
    startup = median["wall"] - median["in_render"]
    print(f"  {'python start + costshare imports':<40} {startup:6.2f}")
    # per-notebook stages run inside "notebooks", several at a time: shown indented, not summed
    nested = {k: v for k, v in stages.items() if re.match(r"(kernel|notebook) \d", k)}
    for name, s in stages.items():
        if name in nested:
            continue
        print(f"  {name:<40} {s:6.2f}")
        if name == "notebooks":
            for sub, t in nested.items():
                print(f"    {sub:<38} {t:6.2f}")
    other = median["in_render"] - sum(v for k, v in stages.items() if k not in nested)
    print(f"  {'(between stages)':<40} {other:6.2f}")
    print(f"  {'total (wall, whole process)':<40} {median['wall']:6.2f}   runs: "
          + ", ".join(f"{r['wall']:.2f}" for r in sorted(runs, key=lambda r: r["wall"])))
    print(f"  {'peak memory, process tree (sum)':<40} {median['peak_sum_mb']:6.0f} MB")
    print(f"  {'peak memory, largest single process':<40} {median['peak_one_mb']:6.0f} MB")
    print("\nFloor (median of the same number of runs):")
    for k, v in floor_parts.items():
        print(f"  {k:<52} {v:6.2f}")
    print(f"  {'floor':<52} {floor_total:6.2f}")
    ratio = median["wall"] / floor_total
    verdict = "within" if ratio <= TARGET else "OVER"
    print(f"\nRender / floor = {ratio:.2f}x ({verdict} the {TARGET:.0f}x target)")
    if not args.no_imports:
        report_imports()
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
