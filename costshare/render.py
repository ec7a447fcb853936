"""``python -m costshare render``: execute the notebooks with one validated parameter set, merge them
into one briefing, write HTML and PDF, publish atomically.

A render, in order:

1. validate every parameter (an unknown key or a wrong type stops here: exit 2, nothing runs);
2. take the lock ``reports/.lock-<name>`` (a second render of the same name exits 3), check
   ``reports/`` (see costshare.publish) and clear what a killed run of that name left;
3. hash every input (seeds, reference data, notebooks, code, parameters, package versions);
   with ``--if-changed`` stop here when the fingerprint equals the last good run's;
4. extract and reconcile in this process (claims.csv, findings.csv, the key findings, as_of);
5. execute the notebooks with papermill *in this process*: one kernel each, up to one notebook
   per CPU at a time (they are independent), each kernel started and warmed up with its
   notebook's imports ahead of time; the resolved as_of is injected so all agree;
6. merge, export HTML (nbconvert, in process), print the PDF (Chromium), write run.json;
7. publish: the temporary folder ``reports/.tmp~<name>~*`` swaps atomically with
   ``reports/<name>``, then ``reports/latest`` is re-pointed.

A failure at any step after 4 moves the temporary folder (with the executed notebooks) to
``reports/.failed/<name>-<n>/`` and publishes nothing; SIGTERM, Ctrl-C or the overall deadline
(``--deadline``) removes it.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

from costshare import params as P
from costshare import paths
from costshare.errors import ParameterError, RenderDeadline, RenderError
from costshare.publish import Lock, check_reports, keep_failed, make_readable, make_reports, publish, workdir

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
KERNEL = "python3"
#: Environment the notebooks' kernels get on top of ours. COSTSHARE_FIGURES_DIR tells the chart
#: code where to save the charts of this run (the run folder's figures/).
FIGURES_ENV = "COSTSHARE_FIGURES_DIR"
#: Inline charts as SVG (vector: crisp in the PDF at any zoom); matplotlib's SVG ids and dates are
#: made deterministic in costshare.briefing.
KERNEL_ARGS = ["--InlineBackend.figure_formats=svg", "--InlineBackend.rc={'svg.hashsalt': 'costshare'}"]
#: Notebooks run at the same time (they are independent): one per CPU.
PARALLEL = os.cpu_count() or 1
#: Kernels started ahead of the notebooks that run: they boot and warm up meanwhile.
AHEAD = 1
#: Imported in every kernel before its notebook runs (into sys.modules only, not into the
#: notebook's namespace): libraries without display side effects that costshare imports lazily.
#: Not pyplot: importing it switches on the inline display of Figure objects, so it is warmed
#: only for a notebook that imports it itself or runs %matplotlib (see warm_modules).
WARM_ALWAYS = ("pandas", "costshare.pipeline", "costshare.reference", "costshare.reconcile",
               "costshare.money", "costshare.tables", "costshare.display")
#: Data that costshare caches per process (ECB rates, CPI-U), loaded while the kernel waits.
WARM_CACHES = (("costshare.money", "_converter"), ("costshare.money", "_cpi_annual"))
_IMPORT_LINE = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import[ \t]+\(?([\w ,\t]+)|import[ \t]+([\w., \t]+))", re.M)


def warm_modules(path: Path) -> list[str]:
    """What a notebook will import anyway: WARM_ALWAYS, its own import lines (``from a import b``
    gives a.b when b is a module, else a), and pyplot when it runs %matplotlib."""
    try:
        cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return list(WARM_ALWAYS)
    out = list(WARM_ALWAYS)
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = "".join(cell.get("source", ""))
        if re.search(r"^[ \t]*%matplotlib\b", source, re.M):
            out.append("matplotlib.pyplot")
        for m in _IMPORT_LINE.finditer(source):
            if m.group(1):
                names = [n.strip().split()[0] for n in m.group(2).split(",") if n.strip()]
                out += [f"{m.group(1)}.{n}" for n in names] + [m.group(1)]
            else:
                out += [n.strip().split()[0] for n in m.group(3).split(",") if n.strip()]
    return list(dict.fromkeys(x for x in out if x and not x.startswith(".")))


VERSIONED = ("pandas", "numpy", "matplotlib", "papermill", "nbconvert", "nbformat", "nbclient",
             "ipykernel", "jupyter_client", "CurrencyConverter", "cpi", "charset-normalizer", "PyYAML")
CELL_TIMEOUT = 600
#: The longest a whole render may take (extraction, notebooks, PDF), in seconds: a render stuck on
#: some input fails and frees its lock, so the next scheduled run is not turned away.
DEADLINE = 1800


# --------------------------------------------------------------------------- command line


def add_parser(subparsers) -> argparse.ArgumentParser:
    width = max(len(k) for k in P.FIELDS)
    lines = [f"  {k:<{width}}  {P.DOC[k]} (default: {_default_text(k)})" for k in P.FIELDS]
    epilog = (
        "parameters (in a --params YAML file or as --set key=value):\n" + "\n".join(lines) + "\n\n"
        "output: reports/NAME/ holds briefing.html, briefing.pdf, claims.csv, findings.csv, not_checked.csv, the\n"
        "executed notebooks, figures/ and run.json; reports/latest points to the newest good run.\n"
        "exit codes: 0 rendered or skipped, 1 render failed or ran past --deadline (executed\n"
        "notebook kept in reports/.failed/), 2 bad parameter or input or unusable reports/,\n"
        "3 another render of NAME is running, 130 Ctrl-C, 143 SIGTERM (nothing published)."
    )
    p = subparsers.add_parser(
        "render",
        help="render the briefing (HTML + PDF) into reports/NAME/",
        description="Execute the notebooks with one validated parameter set, merge them into one "
        "briefing and write it as HTML and PDF into reports/NAME/ (atomically: a failed run "
        "publishes nothing).",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--params", metavar="FILE", help="a named parameter set (YAML), e.g. params/default.yaml; "
                   "without it the defaults below")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override one parameter (repeatable), e.g. --set currency=JPY --set real=true")
    p.add_argument("--formats", metavar="LIST", help="html, pdf or html,pdf (the 'formats' parameter)")
    p.add_argument("--name", metavar="NAME", help="output folder under reports/ (the 'name' parameter)")
    p.add_argument("--if-changed", action="store_true",
                   help="skip the render when seeds, reference data, parameters and code are "
                   "unchanged since the last good run of NAME")
    p.add_argument("--timeout", default=str(CELL_TIMEOUT), metavar="SECONDS",
                   help=f"longest a notebook cell may run (default {CELL_TIMEOUT})")
    p.add_argument("--deadline", default=str(DEADLINE), metavar="SECONDS",
                   help=f"longest the whole render may run; past it the render stops, publishes "
                   f"nothing and exits 1 (default {DEADLINE})")
    p.set_defaults(func=command)
    return p


def _default_text(key: str) -> str:
    v = P.DEFAULTS[key]
    if v is None:
        return "empty"
    if isinstance(v, list):
        return ",".join(v)
    return str(v).lower() if isinstance(v, bool) else str(v)


def params_from_args(args: argparse.Namespace) -> P.Params:
    values = P.load_yaml(args.params) if args.params else {}
    values.update(P.parse_set(args.overrides))
    if args.formats is not None:
        values["formats"] = args.formats
    if args.name is not None:
        values["name"] = args.name
    return P.validate(values)


def without_iri_grammar() -> None:
    """jsonschema, imported with nbformat, compiles an IRI grammar (the optional rfc3987_syntax
    package: ~0.85 s, a fifth of a render) for a string format the notebook schema never uses.
    The render process blocks that optional import, the documented way (a None entry in
    sys.modules); jsonschema then has no 'iri' format checker, which nothing here asks for."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


def seconds(option: str, value: str) -> int:
    """A positive whole number of seconds, or a one-line ParameterError naming the option."""
    text = str(value).strip()
    if not re.fullmatch(r"\d{1,7}", text) or int(text) <= 0:
        raise ParameterError(f"{option} {value!r}: expected a positive whole number of seconds, e.g. {option} 600")
    return int(text)


def command(args: argparse.Namespace) -> int:
    timeout = seconds("--timeout", args.timeout)
    deadline = seconds("--deadline", args.deadline)
    params = params_from_args(args)  # before anything else runs
    without_iri_grammar()
    result = render(params, if_changed=args.if_changed, timeout=timeout, deadline=deadline)
    print(f"costshare: {result.message}", file=sys.stderr)
    return 0


# --------------------------------------------------------------------------- result and timing


@dataclasses.dataclass
class RenderResult:
    status: str  # "rendered" or "skipped"
    name: str
    folder: Path
    message: str
    stages: dict[str, float]
    run: dict  # run.json's content (the previous run's when skipped)


class Stages:
    """Wall time per stage, in order of execution."""

    def __init__(self):
        self.times: dict[str, float] = {}
        self.start = time.perf_counter()
        self.current = "start"

    @contextlib.contextmanager
    def __call__(self, name: str):
        t0 = time.perf_counter()
        if threading.current_thread() is threading.main_thread():
            self.current = name
        try:
            yield
        finally:
            self.times[name] = round(self.times.get(name, 0.0) + time.perf_counter() - t0, 3)

    @property
    def total(self) -> float:
        return round(time.perf_counter() - self.start, 3)


# --------------------------------------------------------------------------- inputs


def default_notebooks() -> list[Path]:
    return sorted(paths.NOTEBOOKS_DIR.glob(NOTEBOOK_GLOB))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _files(folder: Path, pattern: str = "*") -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob(pattern) if p.is_file() and not any(
        part.startswith(".") or part == "__pycache__" for part in p.relative_to(folder).parts))


def _group(files: list[Path], base: Path) -> dict:
    hashes = {p.relative_to(base).as_posix(): _sha256(p) for p in files}
    combined = hashlib.sha256("".join(f"{k}\0{v}\n" for k, v in hashes.items()).encode()).hexdigest()
    return {"files": len(hashes), "sha256": combined, "each": hashes}


def versions(formats=()) -> dict[str, str]:
    """The versions that shape the output: Python, the main libraries by name, a hash over every
    installed distribution and its version (any of them may change a table or a chart), and
    chromium's version when a PDF is printed."""
    from importlib import metadata

    out = {"python": sys.version.split()[0]}
    for dist in VERSIONED:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    installed = sorted({f"{(d.metadata['Name'] or '').lower()}=={d.version}" for d in metadata.distributions()})
    out["environment"] = (f"{len(installed)} distributions, sha256 "
                          + hashlib.sha256("\n".join(installed).encode()).hexdigest())
    if "pdf" in formats:
        from costshare import pdf

        out["chromium"] = pdf.version() or "not found"
    return out


def _seed_files(seeds: Path) -> list[Path]:
    """Exactly the files the corpus reads (articles and manifest): a link or a stray file is
    neither followed nor hashed; a seeds folder that cannot be read stops the render here."""
    from costshare.corpus import article_files

    files = article_files(seeds, warn=False)
    manifest = seeds / paths.MANIFEST_NAME
    if manifest.is_symlink() or manifest.exists() and not manifest.is_file():
        from costshare.corpus import read_manifest

        read_manifest(seeds)  # its one-line error
    return sorted(files + ([manifest] if manifest.is_file() else []))


def hash_inputs(params: P.Params, notebooks: list[Path]) -> dict:
    """Every input of a render with its SHA-256: what --if-changed compares."""
    package = Path(__file__).resolve().parent
    code = [p for p in _files(package) if p.suffix == ".py"]
    nb_hashes = {p.name: _sha256(p) for p in notebooks}
    return {
        "seeds": _group(_seed_files(params.seeds_path), params.seeds_path),
        # every file of the templates, whatever its kind (HTML, CSS, fonts, configuration)
        "templates": _group(_files(paths.TEMPLATES_DIR), paths.TEMPLATES_DIR),
        "reference": _group(_files(params.reference_path), params.reference_path),
        "notebooks": {"files": len(nb_hashes), "sha256": hashlib.sha256(
            json.dumps(nb_hashes, sort_keys=True).encode()).hexdigest(), "each": nb_hashes},
        "code": _group(code, package),
        "parameters": {"files": 1, "sha256": hashlib.sha256(
            json.dumps(params.to_notebook(), sort_keys=True).encode()).hexdigest()},
    }


def fingerprint(inputs: dict, versions_: dict) -> str:
    summary = {k: v["sha256"] for k, v in inputs.items()}
    summary["versions"] = versions_
    return hashlib.sha256(json.dumps(summary, sort_keys=True).encode()).hexdigest()


def check_notebooks(notebooks: list[Path]) -> None:
    """Each notebook exists, is a notebook, and has a cell tagged 'parameters' (papermill would
    only warn and inject at the top, where the defaults then overwrite the render's values)."""
    if not notebooks:
        raise RenderError(f"no notebooks {NOTEBOOK_GLOB} in {paths.relative(paths.NOTEBOOKS_DIR)}")
    for path in notebooks:
        try:  # plain JSON: importing nbformat costs ~1 s, and --if-changed may stop right after
            cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RenderError(f"{Path(path).name}: cannot read the notebook ({type(exc).__name__})") from None
        if not any(c.get("cell_type") == "code" and "parameters" in c.get("metadata", {}).get("tags", [])
                   for c in cells if isinstance(c, dict)):
            raise RenderError(f"{path.name}: no cell tagged 'parameters'; tag the cell that holds "
                              "the defaults (View > Cell metadata in JupyterLab)")


# --------------------------------------------------------------------------- lock and signals


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt(signum)  # the command line exits 128 + signum


@contextlib.contextmanager
def interruptible():
    """SIGTERM and SIGHUP raise KeyboardInterrupt like Ctrl-C, so the temporary folder is cleaned
    up by the same ``finally`` (only possible in the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.signal(s, _raise_interrupt) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


@contextlib.contextmanager
def signals_blocked():
    """No interruption between swapping the run folder in and moving reports/latest."""
    sigs = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGALRM}
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _copy_figures(src: Path, dest: Path) -> list[str]:
    """The default run's charts into the project's figures/ (PNG and SVG), each file atomically."""
    copied = []
    if not src.is_dir():
        return copied
    dest.mkdir(parents=True, exist_ok=True)
    for f in sorted(src.iterdir()):
        if f.suffix.lower() in (".png", ".svg") and f.is_file():
            tmp = dest / f".{f.name}.tmp"
            shutil.copyfile(f, tmp)
            os.replace(tmp, dest / f.name)
            copied.append(f.name)
    return copied


class Deadline:
    """The render's overall deadline: a timer that raises RenderDeadline in the main thread
    wherever it is (extraction, waiting for notebooks, printing), unless the run has already
    reached its publish step, which completes."""

    def __init__(self, seconds: float | None, name: str, stages: Stages):
        self.seconds, self.name, self.stages = seconds, name, stages
        self.armed = False

    def _expire(self, signum, frame):
        if self.armed:
            self.armed = False
            raise RenderDeadline(f"render {self.name} stopped: still running after its deadline of "
                                 f"{self.seconds:g} s (stage: {self.stages.current}); nothing was published, "
                                 "raise --deadline or look at the newest seeds")

    def __enter__(self):
        if self.seconds and threading.current_thread() is threading.main_thread():
            self.old = signal.signal(signal.SIGALRM, self._expire)
            self.armed = True
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def disarm(self) -> None:
        self.armed = False

    def __exit__(self, *exc):
        if hasattr(self, "old"):
            signal.setitimer(signal.ITIMER_REAL, 0)
            self.armed = False
            signal.signal(signal.SIGALRM, self.old)
        return False


# --------------------------------------------------------------------------- kernels


class Kernels:
    """One kernel per notebook, each started (and warmed) ahead of its notebook.

    The managers are jupyter_client's *async* ones, as nbclient expects: with them nbclient
    notices a kernel that died in the middle of a cell within a second (a blocking client would
    wait for its output forever). Our own short conversations with a kernel (warm-up, readiness)
    use a separate blocking client on the same connection.
    """

    def __init__(self, notebooks: list[Path], env: dict, work: Path):
        self.notebooks, self.count, self.env = notebooks, len(notebooks), env
        self.sockets = work / "k"  # short path: AF_UNIX limit
        self.sockets.mkdir(exist_ok=True)
        self.managers: dict[int, object] = {}
        self.warmers: dict[int, object] = {}
        self.closed = False
        self.lock = threading.RLock()

    def start(self, i: int):
        with self.lock:  # notebook threads start the next kernels
            if self.closed or i >= self.count or i in self.managers:
                return
            self._start(i)

    def _start(self, i: int) -> None:
        from jupyter_core.utils import run_sync

        km = _manager_class()(kernel_name=KERNEL, transport="ipc")
        km.ip = str(self.sockets / f"k{i}")
        km.connection_file = str(self.sockets / f"kernel-{i}.json")  # holds the kernel's key: not in the runtime dir
        self.managers[i] = km
        # working directory: the notebook's folder, as in JupyterLab
        run_sync(km.start_kernel)(extra_arguments=KERNEL_ARGS, env=self.env, cwd=str(self.notebooks[i].parent))

    def _client(self, km):
        from jupyter_client.blocking import BlockingKernelClient

        kc = BlockingKernelClient()
        kc.load_connection_info(km.get_connection_info())
        kc.start_channels()
        return kc

    def warm(self, i: int) -> None:
        """Send kernel i its notebook's imports (not waiting): they run before its first cell,
        while the notebook before it executes."""
        with self.lock:
            km = self.managers.get(i)
            if km is None or i in self.warmers or self.closed:
                return
            self._warm(i, km)

    def _warm(self, i: int, km) -> None:
        kc = self._client(km)
        code = ("def _costshare_warm():\n"
                "    import importlib\n"
                f"    for m in {warm_modules(self.notebooks[i])!r}:\n"
                "        try:\n            importlib.import_module(m)\n"
                "        except Exception:\n            pass\n"
                f"    for m, f in {WARM_CACHES!r}:\n"
                "        try:\n            getattr(importlib.import_module(m), f)()\n"
                "        except Exception:\n            pass\n"
                "_costshare_warm()\ndel _costshare_warm\n")
        kc.execute(code, silent=True, store_history=False)
        self.warmers[i] = kc

    def ready(self, i: int, timeout: float = 60) -> object:
        self.start(i)
        with self.lock:
            if self.closed:
                raise RenderError("the render was stopped")
            km = self.managers[i]
            kc = self.warmers.pop(i, None) or self._client(km)
        try:
            kc.wait_for_ready(timeout=timeout)
        except RuntimeError as exc:
            raise RenderError(f"the notebook kernel did not start: {_first_line(exc)}") from None
        finally:
            _close_client(kc)
        return km

    def _kill(self, km) -> None:
        for kc in getattr(km, "clients", []):  # nbclient leaves its client open when it does not own the manager
            _close_client(kc)
        process = getattr(getattr(km, "provisioner", None), "process", None)
        with contextlib.suppress(Exception):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=10)
        with contextlib.suppress(Exception):
            km.cleanup_connection_file()
        with contextlib.suppress(Exception):
            km._close_control_socket()  # noqa: SLF001 - what cleanup_resources does, without a loop
        with contextlib.suppress(Exception):
            km.context.destroy(linger=0)

    def stop(self, i: int) -> None:
        """A notebook is done: its kernel holds nothing we need, so it is killed, not asked."""
        with self.lock:
            km = self.managers.pop(i, None)
            kc = self.warmers.pop(i, None)
        if kc is not None:
            _close_client(kc)
        if km is not None:
            self._kill(km)

    def close(self) -> None:
        with self.lock:
            self.closed = True
            for i in list(self.managers):
                self.stop(i)
        shutil.rmtree(self.sockets, ignore_errors=True)

    def kill(self) -> None:
        """After an interrupt: kill every kernel process, and retire the event loop papermill ran
        in (it still holds the interrupted cell's tasks): its tasks are cancelled and it is
        closed, so its selector and socket pair do not pile up over many interrupted renders."""
        self.close()
        if threading.current_thread() is threading.main_thread():
            _retire_loop()


def _retire_loop() -> None:
    import asyncio
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # get_event_loop without a running loop
        try:
            loop = asyncio.get_event_loop()
        except RuntimeError:
            return
    if loop.is_running():
        return
    if not loop.is_closed():
        tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for t in tasks:
            t.cancel()
        if tasks:  # the kernels are dead: the cancelled tasks end at once
            with contextlib.suppress(BaseException):
                loop.run_until_complete(asyncio.wait(tasks, timeout=5))
        for t in asyncio.all_tasks(loop) | set(tasks):
            if t.done() and not t.cancelled():
                t.exception()  # retrieved: the kernel's death is the interrupt's doing, not news
        with contextlib.suppress(Exception):
            loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
    asyncio.set_event_loop(asyncio.new_event_loop())


_MANAGER = None


def _manager_class():
    """jupyter_client's AsyncKernelManager, remembering the clients made from it (nbclient's
    own), so that they are closed with their kernel."""
    global _MANAGER
    if _MANAGER is None:
        from jupyter_client.manager import AsyncKernelManager

        class TrackingKernelManager(AsyncKernelManager):
            def client(self, **kwargs):
                kc = super().client(**kwargs)
                self.__dict__.setdefault("clients", []).append(kc)
                return kc

        _MANAGER = TrackingKernelManager
    return _MANAGER


def _close_client(kc) -> None:
    with contextlib.suppress(Exception):
        kc.stop_channels()
    with contextlib.suppress(Exception):
        kc.context.destroy(linger=0)


def _kernel_env(figures: Path, work: Path) -> dict:
    env = dict(os.environ)
    env[FIGURES_ENV] = str(figures)
    env["TMPDIR"] = str(work)  # the kernels' temporary files go where the next run removes them
    env["PYTHONHASHSEED"] = "0"  # set and dict-of-set orders: the same in every run
    env["SOURCE_DATE_EPOCH"] = "946684800"  # matplotlib stamps SVG/PDF files with this, not the clock
    env.pop("JPY_PARENT_PID", None)
    return env


def _first_line(text: str) -> str:
    """The first line of a message, without colour codes or a closing full stop."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text)).strip()
    return text.splitlines()[0].rstrip(".") if text else ""


def execute(path: Path, out: Path, params: P.Params, km, timeout: int, progress: bool, position: int = 0) -> None:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        papermill.execute_notebook(
            str(path), str(out), parameters=params.to_notebook(), kernel_name=KERNEL,
            progress_bar={"desc": path.stem, "leave": False, "position": position} if progress else False,
            log_output=False, km=km, execution_timeout=timeout, start_timeout=60,
        )
    except PapermillExecutionError as exc:
        where = f"cell {exc.cell_index + 1}" + (f" (In [{exc.exec_count}])" if exc.exec_count else "")
        raise NotebookFailed(f"{path.name} {where}: {exc.ename}: {_first_line(exc.evalue)}",
                             "\n".join(exc.traceback or [])) from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - a dead kernel, a timeout: one line, kept notebook
        raise NotebookFailed(f"{path.name}{_running_cell(out)}: {type(exc).__name__}: {_first_line(exc)}",
                             traceback.format_exc()) from None


def execute_all(notebooks, tmp: Path, params: P.Params, kernels: Kernels, timeout: int, progress: bool,
                stages: Stages) -> list:
    """Run the notebooks, up to PARALLEL at a time (they are independent: each reads the inputs
    itself), every kernel started and warmed ahead. The first failure in notebook order is
    raised once all have stopped; the executed notebooks come back in notebook order."""
    import logging
    import queue

    import nbformat

    workers = max(1, min(len(notebooks), PARALLEL))
    todo: queue.Queue = queue.Queue()
    for i, path in enumerate(notebooks):
        todo.put((i, path))
    for j in range(min(len(notebooks), workers + AHEAD)):
        kernels.start(j)
        kernels.warm(j)
    ahead = iter(range(workers + AHEAD, len(notebooks)))
    errors: dict[int, BaseException] = {}
    lock = threading.Lock()

    def run_one(i: int, path: Path) -> None:
        with stages(f"kernel {path.stem}"):
            km = kernels.ready(i)
        with lock:
            j = next(ahead, None)
        if j is not None:  # one more kernel boots while this notebook runs
            kernels.start(j)
            kernels.warm(j)
        with stages(f"notebook {path.stem}"):
            execute(path, tmp / path.name, params, km, timeout, progress, position=i)
        kernels.stop(i)

    def worker() -> None:
        while not errors:  # after a failure no new notebook starts; running ones finish
            try:
                i, path = todo.get_nowait()
            except queue.Empty:
                return
            try:
                run_one(i, path)
            except Exception as exc:  # noqa: BLE001 - raised by the main thread, in notebook order
                errors[i] = exc

    def thread_worker() -> None:
        import asyncio

        try:
            worker()
        except asyncio.CancelledError:  # its kernel was killed by an interrupt of the render
            errors.setdefault(-1, RenderError("the render was stopped"))
        finally:  # the event loop nbclient made for this thread
            with contextlib.suppress(Exception):
                asyncio.get_event_loop().close()

    logger = logging.getLogger("papermill")
    level = logger.level
    # parameters are validated, and a failure becomes our one line: papermill's and nbclient's
    # own log lines (they share this logger) would only repeat it
    logger.setLevel(logging.CRITICAL + 1)
    try:
        if workers == 1:
            worker()
        else:
            # daemon threads: after SIGTERM the kernels are killed and the process may exit
            # without waiting for a thread still talking to one
            threads = [threading.Thread(target=thread_worker, name=f"notebook-{n}", daemon=True)
                       for n in range(workers)]
            for t in threads:
                t.start()
            try:
                for t in threads:
                    while t.is_alive():
                        t.join(0.2)  # short joins: SIGTERM, Ctrl-C and the deadline stay responsive
            except BaseException:
                # an interrupt: kill the kernels, so each thread's nbclient sees a dead kernel and
                # returns, closing its sockets and event loop; a thread left behind would hold them
                errors.setdefault(-1, RenderError("the render was stopped"))
                with signals_blocked():
                    kernels.kill()
                    until = time.monotonic() + 15
                    for t in threads:
                        t.join(max(0.0, until - time.monotonic()))
                raise
    finally:
        logger.setLevel(level)
    if errors:
        raise errors[min(errors)]
    executed = []
    for p in notebooks:
        nb = scrub_executed(nbformat.read(tmp / p.name, as_version=4))
        nbformat.write(nb, tmp / p.name)  # the published copy carries no clock time or absolute path
        executed.append((p.name, nb))
    return executed


#: papermill's run-specific metadata: wall-clock times and the absolute paths of this machine.
VOLATILE_PAPERMILL = ("start_time", "end_time", "duration", "input_path", "output_path")


def scrub_executed(nb):
    """Drop what makes two executions of the same inputs differ (timestamps, absolute paths);
    keep what a reader of the executed notebook needs (parameters, status, exceptions)."""
    meta = nb.metadata.get("papermill", {})
    for key in VOLATILE_PAPERMILL:
        meta.pop(key, None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id
        for key in VOLATILE_PAPERMILL:
            cell.metadata.get("papermill", {}).pop(key, None)
    return nb


def _running_cell(out: Path) -> str:
    """' cell 5 (In [4])': the last cell the kernel started, when it died or the cell timed out
    ('' if unknown)."""
    try:
        cells = json.loads(out.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return ""
    started = [(n, c.get("execution_count")) for n, c in enumerate(cells, start=1)
               if c.get("cell_type") == "code" and c.get("metadata", {}).get("papermill", {}).get("start_time")]
    if not started:
        return ""
    n, count = started[-1]
    return f" cell {n}" + (f" (In [{count}])" if count else "")


class NotebookFailed(RenderError):
    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.detail = re.sub(r"\x1b\[[0-9;]*m", "", detail)


# --------------------------------------------------------------------------- the render


def render(params: P.Params, *, notebooks: list[Path] | None = None, reports_dir: Path | None = None,
           if_changed: bool = False, timeout: int = CELL_TIMEOUT, progress: bool | None = None,
           figures_dir: Path | None | bool = True, deadline: float | None = DEADLINE) -> RenderResult:
    """Render one validated parameter set into reports_dir/<name>/ (see the module docstring).
    ``notebooks`` and ``reports_dir`` are for tests and the benchmark; ``figures_dir=True`` means
    the project's figures/ when the run is 'default' in the project's reports/."""
    if timeout is not None and timeout <= 0 or deadline is not None and deadline <= 0:
        raise ParameterError(f"timeout ({timeout}) and deadline ({deadline}) must be positive seconds")
    stages = Stages()
    reports = Path(reports_dir) if reports_dir is not None else paths.REPORTS_DIR
    make_reports(reports)
    folder = reports / params.name
    if folder.resolve().parent != reports.resolve():
        raise ParameterError(f"parameter name: {params.name!r} must stay inside {paths.relative(reports)}/")
    if figures_dir is True:
        figures_dir = paths.FIGURES_DIR if (params.name == "default" and reports.resolve() == paths.REPORTS_DIR.resolve()) else None
    notebooks = list(notebooks) if notebooks is not None else default_notebooks()
    progress = sys.stderr.isatty() if progress is None else progress

    lock = Lock(reports / f".lock-{params.name}")
    lock.acquire(params.name)
    work = None
    try:
        check_reports(reports, params.name)
        for stale in reports.glob(f".tmp~{params.name}~*"):  # left by a killed run of this name
            shutil.rmtree(stale, ignore_errors=True)
        work = workdir(reports, params.name)  # and the temporary state it left, removed here
        with interruptible(), Deadline(deadline, params.name, stages) as clock:
            return _render_locked(params, notebooks, reports, folder, if_changed, timeout, progress,
                                  figures_dir, stages, work, clock)
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
        lock.release()


def _render_locked(params, notebooks, reports, folder, if_changed, timeout, progress, figures_dir, stages,
                   work, clock):
    from costshare import changes as changes_mod

    with stages("inputs"):
        check_notebooks(notebooks)
        inputs = hash_inputs(params, notebooks)
        vers = versions(params.formats)
        fp = fingerprint(inputs, vers)
    previous = changes_mod.read_previous(folder)
    if if_changed and previous is not None and previous.run.get("fingerprint") == fp:
        msg = (f"render {params.name} skipped: seeds, reference data, parameters and code are unchanged "
               f"since the last good run ({paths.relative(folder)}, {previous.label})")
        return RenderResult("skipped", params.name, folder, msg, stages.times, previous.run)

    tmp = Path(tempfile.mkdtemp(prefix=f".tmp~{params.name}~", dir=reports))
    figures = tmp / "figures"
    figures.mkdir()
    kernels = Kernels(notebooks, _kernel_env(figures, work), work)
    try:
        with stages("kernel start"):
            kernels.start(0)  # the first kernel boots and imports while this process extracts
            kernels.warm(0)
        with stages("import papermill"):  # with nbformat and jsonschema: once per render
            import nbformat  # noqa: F401
            import papermill  # noqa: F401
        with stages("extract"):
            from costshare import narrative, pipeline, tables

            extraction = pipeline.run(params.seeds_path, params.reference_path)
            as_of = tables.as_of(params, extraction.articles)
            params = dataclasses.replace(params, as_of=as_of.isoformat() if as_of else None)
    except BaseException:
        kernels.kill()
        shutil.rmtree(tmp, ignore_errors=True)
        raise  # bad input (exit 2) or an interrupt: nothing ran, nothing to keep

    try:
        with stages("notebooks"):
            executed = execute_all(notebooks, tmp, params, kernels, timeout, progress, stages)
        kernels.close()

        with stages("tables"):
            from costshare.pipeline import CLAIM_COLUMNS, claims_rows, write_csv

            claim_rows = claims_rows(extraction.claims)
            finding_columns, finding_rows = _findings(extraction)
            write_csv(claim_rows, CLAIM_COLUMNS, tmp / "claims.csv")
            write_csv(finding_rows, finding_columns, tmp / "findings.csv")
            from costshare.reconcile import NOT_CHECKED_COLUMNS

            write_csv(extraction.unchecked, NOT_CHECKED_COLUMNS, tmp / "not_checked.csv")
            articles = changes_mod.article_rows(extraction.articles)
            diff = changes_mod.diff(previous, articles, claim_rows, finding_rows)

        with stages("merge"):
            from costshare import briefing

            run_info = {"fingerprint": fp, "inputs": {k: {kk: vv for kk, vv in v.items() if kk != "each"}
                                                      for k, v in inputs.items()}, "versions": vers}
            built = briefing.build(executed, extraction=extraction, params=params, as_of=as_of,
                                   key_findings=narrative.key_findings(extraction, params),
                                   changes=diff, run_info=run_info,
                                   replace={str(tmp): str(folder), paths.relative(tmp): paths.relative(folder),
                                            tmp.name: folder.name})
        with stages("html"):
            html_text = briefing.export_html(built.nb)
            html_path = tmp / "briefing.html"
            html_path.write_text(html_text, encoding="utf-8")
        if "pdf" in params.formats:
            from costshare import pdf

            with stages("pdf"):
                pdf.print_pdf(html_path, tmp / "briefing.pdf", workdir=work)
        if "html" not in params.formats:
            html_path.unlink()

        run = {
            "status": "ok",
            "name": params.name,
            "params": params.to_notebook(),
            "fingerprint": fp,
            "inputs": inputs,
            "versions": vers,
            "notebooks": [p.name for p in notebooks],
            "articles": articles,
            "counts": {"articles": len(extraction.articles), "claims": len(extraction.claims),
                       "findings": len(extraction.findings), "figures": len(built.figures)},
            "figures": [f"{label} {caption}" for label, caption in built.figures],
            "changes": diff.summary() if diff is not None else None,
            "notebook_warnings": built.warnings,
            "stages": stages.times,
            "total_seconds": stages.total,
            "peak_rss_mb": {
                "render": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "largest_child": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
            },
        }
        (tmp / "run.json").write_text(json.dumps(run, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

        make_readable(tmp)
        with stages("publish"), signals_blocked():
            clock.disarm()  # from here the run completes: a deadline no longer stops it half-way
            publish(tmp, folder, reports)
            tmp = None
            copied = _copy_figures(folder / "figures", figures_dir) if figures_dir else []
    except KeyboardInterrupt:
        kernels.kill()
        raise  # the finally below removes the temporary folder: nothing published, nothing kept
    except NotebookFailed as exc:
        dest = keep_failed(tmp, reports, params.name, str(exc), exc.detail)
        tmp = None
        raise RenderError(f"render {params.name} failed: {exc}; " + (
            f"executed notebook kept in {paths.relative(dest)}/" if isinstance(dest, Path) else dest)) from None
    except Exception as exc:
        if isinstance(exc, RenderError):
            reason = str(exc)
        elif isinstance(exc, OSError) and exc.strerror:
            reason = f"{type(exc).__name__}: {exc.strerror}" + (f": {paths.relative(exc.filename)}" if exc.filename else "")
        else:
            reason = f"{type(exc).__name__}: {_first_line(exc)}"
        if tmp is None:  # the publish step completed; only copying the charts into figures/ failed
            raise RenderError(f"render {params.name} published {paths.relative(folder)}/, but copying its "
                              f"charts into figures/ failed: {reason}") from None
        dest = keep_failed(tmp, reports, params.name, reason, traceback.format_exc())
        tmp = None
        raise RenderError(f"render {params.name} failed: {reason}; " + (
            f"kept in {paths.relative(dest)}/" if isinstance(dest, Path) else dest) + "; nothing was published") from None
    finally:
        kernels.close()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

    what = ", ".join(params.formats)
    extra = ""
    if diff is not None:
        n = sum(diff.summary().values())
        extra = "; no change since the previous run" if n == 0 else f"; {n} changes since the previous run"
    if copied:
        extra += f"; {len(copied)} chart files copied to {paths.relative(figures_dir)}/"
    msg = f"rendered {paths.relative(folder)}/ ({what}) in {stages.total:.1f} s{extra}"
    return RenderResult("rendered", params.name, folder, msg, stages.times, run)


def _findings(extraction):
    try:
        from costshare.reconcile import FINDING_COLUMNS
    except ImportError:
        return ["id", "check", "severity", "message", "claims", "records", "suggested_value", "suggested_unit"], []
    from costshare.pipeline import findings_rows

    return FINDING_COLUMNS, findings_rows(extraction.findings)
