"""Trust: new articles flow through a render as a user expects; hostile and broken input through
the command line as users run it; renders are deterministic and leak nothing about the machine."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from costshare import params as P
from costshare import paths, render
from tests.test_new_articles import seeds_with_new_articles

FIXTURES = Path(__file__).parent / "fixtures"


def cli(*args, timeout=180) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COSTSHARE_")}
    return subprocess.run([sys.executable, "-m", "costshare", *args], capture_output=True, text=True,
                          cwd=paths.ROOT, env=env, timeout=timeout)


@pytest.fixture(autouse=True)
def no_stray_locks():
    """Renders refused by these tests may leave an (empty, reusable) lock file: remove it."""
    yield
    for name in ("hostile-test", "sigint-test"):
        (paths.REPORTS_DIR / f".lock-{name}").unlink(missing_ok=True)


def published_state() -> dict[str, object]:
    """What a user sees in reports/: folders, the latest link and the briefings' bytes."""
    reports = paths.REPORTS_DIR
    state = {"entries": sorted(p.name for p in reports.iterdir() if not p.name.startswith((".lock", ".failed")))}
    if (reports / "latest").is_symlink():
        state["latest ->"] = os.readlink(reports / "latest")
    for p in sorted(reports.glob("*/briefing.html")):
        if not p.parent.is_symlink():
            state[p.parent.name] = p.read_bytes()
    return state


# --- new articles ----------------------------------------------------------------------------------


@pytest.mark.e2e
def test_new_articles_flow_into_claims_findings_charts_and_what_changed(tmp_path):
    reports = tmp_path / "reports"
    seeds = tmp_path / "seeds"
    shutil.copytree(paths.SEEDS_DIR, seeds)
    values = {"seeds_dir": str(seeds), "formats": "html", "name": "trust"}
    first = render.render(P.validate(values), reports_dir=reports, progress=False)
    before = (first.folder / "briefing.html").read_text(encoding="utf-8")
    shutil.rmtree(seeds)
    seeds_with_new_articles(seeds)
    second = render.render(P.validate(values), reports_dir=reports, progress=False)
    page = (second.folder / "briefing.html").read_text(encoding="utf-8")

    changes = second.run["changes"]
    assert changes["new_articles"] == 6 and changes["new_claims"] >= 15 and changes["new_findings"] >= 1
    section = page[page.index('id="what-changed"'):page.index('id="sources"')]
    for name in ("100_korea_12th_sma_won.txt", "101_japan_budget_yen_sjis.txt", "102_tables_and_lists.txt",
                 "103_no_burden_figure.txt", "104_wrong_conversion.txt", "105_undated_no_manifest.txt"):
        assert name in section
    assert "1.5192 trillion won" in section and "$19 billion" in section
    quality = page[page.index('id="news-checks"'):]
    assert "$19 billion" in quality and "factor of 10" in quality
    assert "no manifest row, no date in the text" in page  # how the undated article's date was read
    # the charts take the new claims and records: the claims chart counts them, the burden chart shows the wrong conversion
    count = lambda html: int(re.search(r"of (\d+) money claims", html).group(1))
    assert count(page) > count(before)
    assert second.run["params"]["as_of"] == "2024-10-04"  # the newest article now sets the date


# --- hostile and broken input, through the command line ------------------------------------------------


def broken_seeds(tmp_path: Path, case: str) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(paths.SEEDS_DIR, seeds)
    if case == "binary":
        (seeds / "scan.txt").write_bytes(b"%PDF-1.7\n\x00\x01\x02" + bytes(range(256)) * 8)
    elif case == "empty":
        (seeds / "blank.txt").write_bytes(b"")
    elif case == "50mb":
        with open(seeds / "dump.txt", "wb") as fh:
            for _ in range(50):
                fh.write(b"Japan pays 200 billion yen a year. " * 30000)
    elif case == "manifest-missing-column":
        text = (seeds / "manifest.csv").read_text(encoding="utf-8").replace(",origin_language", "", 1)
        (seeds / "manifest.csv").write_text(text, encoding="utf-8")
    elif case == "manifest-duplicate":
        rows = (seeds / "manifest.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        (seeds / "manifest.csv").write_text("".join(rows + rows[1:2]), encoding="utf-8")
    elif case == "manifest-bad-date":
        text = (seeds / "manifest.csv").read_text(encoding="utf-8").replace("2020-11-11", "11 Nov 2020", 1)
        (seeds / "manifest.csv").write_text(text, encoding="utf-8")
    return seeds


@pytest.mark.parametrize(
    "case,fragment",
    [
        ("binary", "scan.txt: binary file"),
        ("empty", "blank.txt: empty file"),
        ("50mb", "dump.txt: 52.5 MB is too large"),
        ("manifest-missing-column", "missing column 'origin_language'"),
        ("manifest-duplicate", "listed twice"),
        ("manifest-bad-date", "'11 Nov 2020' is not a date"),
    ],
)
def test_broken_seeds_through_render(tmp_path, case, fragment):
    before = published_state()
    proc = cli("render", "--set", f"seeds_dir={broken_seeds(tmp_path, case)}", "--name", "hostile-test")
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and fragment in lines[0], proc.stderr
    assert published_state() == before, "nothing published, earlier reports untouched"
    assert not (paths.REPORTS_DIR / "hostile-test").exists()


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["--set", "colour=blue"], "unknown parameter 'colour'"),
        (["--set", "start_year=nineteen"], "parameter start_year: expected a whole number"),
        (["--set", "real=maybe"], "parameter real: expected true or false"),
        (["--set", "start_year=2020", "--set", "end_year=2010"], "start_year (2020) is after end_year (2010)"),
        (["--set", "currency=EUR"], "parameter currency: 'EUR' is not one of own, USD, JPY, KRW"),
        (["--set", "countries=France"], "unknown country 'France'"),
        (["--name", "../outside"], "parameter name: '../outside' must be a plain folder name"),
    ],
)
def test_bad_parameters_through_render(args, fragment):
    before = published_state()
    proc = cli("render", *args)
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and fragment in lines[0], proc.stderr
    assert published_state() == before
    assert not (paths.ROOT / "outside").exists()


def test_reference_csv_with_a_bad_row_through_render(tmp_path):
    ref = tmp_path / "reference"
    shutil.copytree(paths.REFERENCE_DIR, ref)
    lines = (ref / "japan_hns.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",275.6,", ",two hundred,", 1) if ",275.6," in lines[3] else lines[3]
    (ref / "japan_hns.csv").write_text("".join(lines), encoding="utf-8")
    before = published_state()
    proc = cli("render", "--set", f"reference_dir={ref}", "--name", "hostile-test")
    assert proc.returncode == 2 and "japan_hns.csv row 3, column amount" in proc.stderr, proc.stderr
    assert published_state() == before


@pytest.mark.e2e
def test_readable_but_hostile_articles_render_safely(tmp_path):
    """CP949, Shift-JIS and an article with markup and a script render; the markup is shown as
    text in HTML and PDF and never runs."""
    seeds = tmp_path / "seeds"
    shutil.copytree(paths.SEEDS_DIR, seeds)
    for fixture in ("seeds_cp949_article", "seeds_shift_jis_article", "seeds_script_in_article"):
        for f in (FIXTURES / fixture).glob("*.txt"):
            shutil.copy(f, seeds)
    reports = tmp_path / "reports"
    formats = "html,pdf" if shutil.which("chromium") else "html"
    result = render.render(P.validate({"seeds_dir": str(seeds), "formats": formats, "name": "h"}),
                           reports_dir=reports, progress=False)
    claims = (result.folder / "claims.csv").read_text(encoding="utf-8")
    assert "1조 1833억 원" in claims and "2017億円" in claims
    page = (result.folder / "briefing.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert" in page and "<script>alert" not in page
    if "pdf" in formats:
        text = subprocess.run(["pdftotext", "-layout", str(result.folder / "briefing.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "<script>alert" in " ".join(text.split()) or "<script>" in text


@pytest.mark.e2e
def test_sigint_mid_render_publishes_nothing_and_a_later_run_works(tmp_path):
    name = "sigint-test"
    before = published_state()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COSTSHARE_")}
    proc = subprocess.Popen([sys.executable, "-m", "costshare", "render", "--name", name, "--formats", "html"],
                            cwd=paths.ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not list(paths.REPORTS_DIR.glob(f".tmp~{name}~*/*.ipynb")):
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, "the render never started a notebook"
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130 and "nothing was published" in err, err
    assert published_state() == before
    assert not list(paths.REPORTS_DIR.glob(f".tmp~{name}~*")) and not (paths.REPORTS_DIR / name).exists()
    try:
        again = cli("render", "--name", name, "--formats", "html")
        assert again.returncode == 0, again.stderr
        assert (paths.REPORTS_DIR / name / "briefing.html").exists()
    finally:
        shutil.rmtree(paths.REPORTS_DIR / name, ignore_errors=True)
        (paths.REPORTS_DIR / f".lock-{name}").unlink(missing_ok=True)
        link = paths.REPORTS_DIR / "latest"
        if "latest ->" in before:
            link.unlink(missing_ok=True)
            link.symlink_to(before["latest ->"])
        elif link.is_symlink() and os.readlink(link) == name:
            link.unlink()


# --- determinism ---------------------------------------------------------------------------------------

LEAKS = {
    "absolute path": re.compile(r"(?:/work/|/tmp/|/root/|/home/|/var/folders/)"),
    "memory address": re.compile(r"\b0x[0-9a-fA-F]{6,}\b"),
}


@pytest.mark.e2e
def test_two_renders_are_identical_and_leak_nothing(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(paths.SEEDS_DIR, seeds)
    params = P.validate({"seeds_dir": str(seeds), "formats": "html", "name": "d"})
    first = render.render(params, reports_dir=tmp_path / "a", progress=False).folder
    second = render.render(params, reports_dir=tmp_path / "b", progress=False).folder
    for name in ("claims.csv", "findings.csv", "briefing.html", "01_extract_claims.ipynb",
                 "02_burden_over_time.ipynb", "03_japan_vs_korea.ipynb"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    today = time.strftime("%Y-%m-%d", time.gmtime())
    for f in sorted(first.rglob("*")):
        if not f.is_file() or f.suffix == ".png":
            continue
        # the seeds folder given as a parameter is echoed where parameters are shown: not a leak
        text = f.read_text(encoding="utf-8", errors="replace").replace(str(seeds), "SEEDS")
        for what, pattern in LEAKS.items():
            assert not pattern.search(text), f"{f.name}: {what}: {pattern.search(text).group(0)}"
        assert today not in text, f"{f.name}: today's date"
    run = json.loads((first / "run.json").read_text())
    assert "finished_at" not in run and run["params"]["as_of"] == "2022-01-07"
