"""The render command: what a briefing holds, and every failure path of a scheduled run.

Failure paths use the tiny notebooks of tests/fixtures/notebooks/ (a render of one small notebook
takes about two seconds). The end-to-end checks (marked ``e2e``) share one render of the real
notebooks on a copy of the seeds, made once per session.
"""

from __future__ import annotations

import csv
import fcntl
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from costshare import narrative, paths, pipeline, render
from costshare import params as P
from costshare.errors import CorpusError, ParameterError, RenderBusyError, RenderError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NB = FIXTURES / "notebooks"
OK, BROKEN, NO_PARAMETERS, SLOW, DIES = (
    NB / f"{n}.ipynb.json" for n in ("ok", "broken", "no_parameters", "slow", "dies"))
SECTIONS = ("bottom-line", "news-checks", "appendix")
APPENDIX_PARTS = ("appendix-articles", "sources", "methods", "run-metadata")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]

needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed (make sysdeps)")


def run(reports: Path, notebooks, name: str = "t", formats: str = "html", seeds: Path | None = None, **kw):
    values = {"name": name, "formats": formats}
    if seeds is not None:
        values["seeds_dir"] = str(seeds)
    return render.render(P.validate(values), reports_dir=reports, notebooks=notebooks, progress=False, **kw)


def leftovers(reports: Path) -> list[str]:
    return sorted(p.name for p in reports.iterdir() if p.name.startswith((".tmp~", ".latest~")))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def seeds(tmp_path):
    copy = tmp_path / "seeds"
    shutil.copytree(paths.SEEDS_DIR, copy)
    return copy


# --------------------------------------------------------------------------- a good run


def test_good_run_publishes_atomically(tmp_path):
    reports = tmp_path / "reports"
    result = run(reports, [OK])
    folder = reports / "t"
    assert result.status == "rendered" and result.folder == folder
    for name in ("briefing.html", "claims.csv", "findings.csv", "run.json", "ok.ipynb.json", "figures/line.svg", "figures/line.png"):
        assert (folder / name).is_file(), name
    assert not (folder / "briefing.pdf").exists(), "formats=html writes no PDF"
    assert os.readlink(reports / "latest") == "t"
    assert leftovers(reports) == []
    run_json = json.loads((folder / "run.json").read_text())
    assert run_json["status"] == "ok" and run_json["params"]["as_of"] == "2022-01-07"
    assert {"kernel ok.ipynb", "notebook ok.ipynb", "extract", "merge", "html"} <= set(run_json["stages"])
    assert set(run_json["inputs"]["seeds"]["each"]) == {p.name for p in paths.SEEDS_DIR.iterdir()}
    # the resolved as_of is what the notebook received
    executed = (folder / "ok.ipynb.json").read_text()
    assert "as_of=2022-01-07" in executed
    page = (folder / "briefing.html").read_text()
    assert "plt.subplots" not in page and "jp-InputArea-editor" not in page, "no code in a briefing"
    assert "Chart 1." in page and "A straight line through three points." in page
    # the notebook's "Parameters" section is left out; run metadata has its own
    assert re.findall(r"<h[1-6][^>]*>Parameters</h[1-6]>", page) == ['<h4 id="run-parameters">Parameters</h4>']


def test_a_second_good_run_replaces_the_first(tmp_path):
    reports = tmp_path / "reports"
    run(reports, [OK])
    first = (reports / "t" / "run.json").read_text()
    run(reports, [OK])
    assert (reports / "t" / "run.json").read_text() != first  # its finishing time differs
    assert leftovers(reports) == [] and os.readlink(reports / "latest") == "t"
    page = (reports / "t" / "briefing.html").read_text()
    assert 'id="what-changed"' in page and "Nothing changed" in page


def test_default_run_copies_its_charts(tmp_path):
    figures = tmp_path / "figures"
    run(tmp_path / "reports", [OK], name="default", figures_dir=figures)
    assert sorted(p.name for p in figures.iterdir()) == ["line.png", "line.svg"]


def test_charts_stay_in_the_run_folder_outside_the_project_reports(tmp_path, monkeypatch):
    figures = tmp_path / "project-figures"
    monkeypatch.setattr(paths, "FIGURES_DIR", figures)
    run(tmp_path / "reports", [OK], name="default")  # figures_dir=True: only for the project's reports/
    assert not figures.exists()


# --------------------------------------------------------------------------- failure paths


def test_failing_cell_keeps_notebook_and_publishes_nothing(tmp_path):
    reports = tmp_path / "reports"
    run(reports, [OK])
    before = snapshot(reports / "t")
    with pytest.raises(RenderError) as info:
        run(reports, [OK, BROKEN])
    message = str(info.value)
    assert info.value.exit_code == 1 and "\n" not in message
    assert "broken.ipynb.json" in message and "ValueError: broken on purpose" in message
    assert "cell 5 (In [4])" in message  # counted as in the executed notebook (with the injected cell)
    failed = reports / ".failed" / "t-1"
    assert failed.name in message
    kept = json.loads((failed / "broken.ipynb.json").read_text())
    assert any(o.get("ename") == "ValueError" for c in kept["cells"] for o in c.get("outputs", []))
    assert "broken on purpose" in (failed / "reason.txt").read_text()
    assert snapshot(reports / "t") == before, "the published run is untouched"
    assert os.readlink(reports / "latest") == "t"
    assert leftovers(reports) == []
    with pytest.raises(RenderError, match=r"\.failed/t-2"):
        run(reports, [BROKEN])


def test_dead_kernel_fails_at_once(tmp_path):
    reports = tmp_path / "reports"
    start = time.monotonic()
    with pytest.raises(RenderError) as info:
        run(reports, [DIES])
    assert time.monotonic() - start < 30, "a dead kernel is noticed, not waited for"
    assert re.search(r"dies.ipynb.json cell 5( \(In \[4\]\))?: DeadKernelError", str(info.value)), str(info.value)
    assert (reports / ".failed" / "t-1" / "dies.ipynb.json").is_file()
    assert not (reports / "t").exists() and leftovers(reports) == []


def test_cell_timeout_fails_the_run(tmp_path):
    reports = tmp_path / "reports"
    with pytest.raises(RenderError, match=r"slow.ipynb.json cell 4( \(In \[3\]\))?: CellTimeoutError: .* after 2 seconds;") as info:
        run(reports, [SLOW], timeout=2)
    assert "\n" not in str(info.value)
    assert (reports / ".failed" / "t-1" / "slow.ipynb.json").is_file()
    assert _kernels_in(NB) == []


def test_notebook_without_parameters_cell_stops_before_running(tmp_path):
    reports = tmp_path / "reports"
    with pytest.raises(RenderError, match="no_parameters.ipynb.json: no cell tagged 'parameters'") as info:
        run(reports, [OK, NO_PARAMETERS])
    assert "\n" not in str(info.value)
    assert sorted(p.name for p in reports.iterdir()) == [".lock-t"]


def test_bad_seeds_exit_2_and_leave_nothing(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    reports = tmp_path / "reports"
    with pytest.raises(CorpusError) as info:
        run(reports, [OK], seeds=empty)
    assert info.value.exit_code == 2
    assert sorted(p.name for p in reports.iterdir()) == [".lock-t"]


def test_missing_chromium_fails_the_run_and_publishes_nothing(tmp_path, monkeypatch):
    from costshare import pdf

    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    reports = tmp_path / "reports"
    with pytest.raises(RenderError, match="make sysdeps") as info:
        run(reports, [OK], formats="html,pdf")
    assert "\n" not in str(info.value)
    assert not (reports / "t").exists() and not (reports / "latest").exists()
    assert (reports / ".failed" / "t-1" / "ok.ipynb.json").is_file()


def test_lock_keeps_a_second_render_of_the_same_name_out(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    with open(reports / ".lock-t", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(RenderBusyError) as info:
            run(reports, [OK])
        assert info.value.exit_code == 3 and "another render of 't' is running" in str(info.value)
        assert "\n" not in str(info.value)
        assert not (reports / "t").exists()
        run(reports, [OK], name="u")  # another name renders meanwhile
    assert (reports / "u" / "briefing.html").is_file()
    assert os.readlink(reports / "latest") == "u"


def test_name_cannot_reach_outside_reports(tmp_path):
    unchecked = P.Params(name="../escaped")  # bypasses validate(): render checks again
    with pytest.raises(ParameterError, match="must stay inside"):
        render.render(unchecked, reports_dir=tmp_path / "reports", notebooks=[OK])
    assert not (tmp_path / "escaped").exists()


def test_if_changed_skips_and_what_changed_lists_the_difference(tmp_path, seeds):
    reports = tmp_path / "reports"
    run(reports, [OK], seeds=seeds)
    published = snapshot(reports / "t")
    skipped = run(reports, [OK], seeds=seeds, if_changed=True)
    assert skipped.status == "skipped"
    assert "unchanged since the last good run" in skipped.message and "\n" not in skipped.message
    assert snapshot(reports / "t") == published
    # a new article with one new claim
    (seeds / "005_new.txt").write_text(
        "Japan will pay 211 billion yen a year in host-nation support from FY2022, officials said "
        "on Jan. 7, 2022.\n", encoding="utf-8")
    with (seeds / "manifest.csv").open("a", encoding="utf-8") as fh:
        fh.write("005_new.txt,2022-01-08,test,Test Wire,A new article,en\n")
    result = run(reports, [OK], seeds=seeds, if_changed=True)
    assert result.status == "rendered"
    assert result.run["changes"]["new_articles"] == 1 and result.run["changes"]["new_claims"] >= 1
    page = (reports / "t" / "briefing.html").read_text()
    section = page[page.index('id="what-changed"'):page.index('id="sources"')]
    assert "005_new.txt" in section and "A new article" in section and "211 billion yen" in section
    assert result.run["params"]["as_of"] == "2022-01-08"


def test_sigterm_mid_render_removes_everything(tmp_path):
    reports = tmp_path / "reports"
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from costshare import render, params as P
        try:
            render.render(P.validate({{"name": "t", "formats": "html"}}), reports_dir=Path({str(reports)!r}),
                          notebooks=[Path({str(SLOW)!r})], progress=False)
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            sys.exit(130)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=str(paths.ROOT)))
    try:
        deadline = time.monotonic() + 60
        while not list(reports.glob(".tmp~t~*/figures/started")):
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, "the slow notebook never started"
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130 and "interrupted" in err
    assert sorted(p.name for p in reports.iterdir()) == [".lock-t"], "nothing published, nothing kept"
    time.sleep(0.5)
    assert _kernels_in(NB) == [], "the kernel was shut down"


def _kernels_in(folder: Path) -> list[int]:
    """ipykernel processes whose working directory is folder."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes()
            if b"ipykernel" in cmd and Path(os.readlink(proc / "cwd")) == folder:
                pids.append(int(proc.name))
        except OSError:
            continue
    return pids


# --------------------------------------------------------------------------- end to end


@pytest.fixture(scope="session")
def e2e(tmp_path_factory):
    """One render of the real notebooks (HTML + PDF) on a copy of the seeds, shared by the checks."""
    root = tmp_path_factory.mktemp("e2e")
    seeds = root / "seeds"
    shutil.copytree(paths.SEEDS_DIR, seeds)
    params = P.validate({"seeds_dir": str(seeds), "formats": "html,pdf" if shutil.which("chromium") else "html"})
    reports = root / "reports"
    result = render.render(params, reports_dir=reports, progress=False)
    folder = result.folder
    extraction = pipeline.run(seeds, params.reference_path)
    return SimpleNamespace(root=root, params=params, reports=reports, folder=folder, result=result,
                           html=(folder / "briefing.html").read_text(encoding="utf-8"),
                           run=json.loads((folder / "run.json").read_text()), extraction=extraction,
                           notebooks=render.default_notebooks())


def _normalize(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split())


@pytest.mark.e2e
def test_e2e_has_no_code(e2e):
    assert "jp-InputArea-editor" not in e2e.html and "cm-editor" not in e2e.html
    assert "<script" not in e2e.html.lower()
    text = html.unescape(e2e.html)
    for path in e2e.notebooks:
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] != "code":
                continue
            for line in "".join(cell["source"]).splitlines():
                line = line.strip()
                if len(line) > 15 and "(" in line and not line.startswith("#"):
                    assert line not in text, f"code shown: {line}"


@pytest.mark.e2e
def test_e2e_every_chart_inline_and_numbered(e2e):
    images = re.findall(r"<img\b[^>]*\bsrc=\"([^\"]*)\"", e2e.html)
    assert all(src.startswith("data:image/") for src in images)
    assert not re.search(r"<link\b|@import|url\((?!data:)|src=\"(?!data:)", e2e.html)
    charts = sum(
        1 for name in e2e.run["notebooks"]
        for c in json.loads((e2e.folder / name).read_text())["cells"]
        for o in c.get("outputs", [])
        if any(m in o.get("data", {}) for m in ("image/svg+xml", "image/png"))
    )
    numbers = re.findall(r'<span class="figure-number">Chart (\d+)\.</span>', e2e.html)
    assert [int(n) for n in numbers] == list(range(1, charts + 1))
    assert len(images) == charts


@pytest.mark.e2e
def test_e2e_every_section_present(e2e):
    toc = e2e.html[e2e.html.index('<nav aria-label="Contents"'):e2e.html.index("</nav>")]
    for anchor in SECTIONS:
        assert f'id="{anchor}"' in e2e.html and f'href="#{anchor}"' in toc, anchor
    for path in e2e.notebooks:
        source = json.loads(path.read_text())["cells"][0]["source"]
        title = re.match(r"#\s+(.+)", "".join(source)).group(1).strip()
        assert title in html.unescape(e2e.html), title
    for anchor in APPENDIX_PARTS:
        assert f'<details class="appendix" id="{anchor}"' in e2e.html, anchor
    assert e2e.params.title in html.unescape(e2e.html) and "News read through 7 January 2022" in e2e.html
    assert "exchange rates through" in e2e.html and "records through 2026" in e2e.html
    for article in e2e.extraction.articles:
        assert f'id="article-{article.id.replace(".", "-")}"' in e2e.html  # sources: every article


@pytest.mark.e2e
def test_e2e_key_numbers(e2e):
    sentences = narrative.key_findings(e2e.extraction, dataclass_replace(e2e.params, as_of="2022-01-07"))
    assert any(s.startswith("Japan ") for s in sentences) and any(s.startswith("South Korea's") for s in sentences)
    section = html.unescape(e2e.html[e2e.html.index('id="bottom-line"'):e2e.html.index("</ul>", e2e.html.index('id="bottom-line"'))])
    for sentence in sentences:
        assert f"<li>{sentence}</li>" in section, sentence
    counts = e2e.run["counts"]
    assert counts["articles"] == len(e2e.extraction.articles) and counts["claims"] == len(e2e.extraction.claims)
    box = e2e.html[e2e.html.index('class="news-box"'):e2e.html.index("</aside>")]
    assert f"{counts['claims']} numbers read in {counts['articles']} articles" in box
    findings = list(csv.DictReader((e2e.folder / "findings.csv").open(encoding="utf-8")))
    errors = sum(1 for f in findings if f["severity"] == "error")
    warnings = sum(1 for f in findings if f["severity"] == "warning")
    assert f"<strong>{errors}</strong> errors" in box and f"<strong>{warnings}</strong> warning" in box


def dataclass_replace(params, **changes):
    import dataclasses

    return dataclasses.replace(params, **changes)


@pytest.mark.e2e
@needs_chromium
def test_e2e_pdf_carries_the_key_numbers(e2e):
    pdf = e2e.folder / "briefing.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    text = _normalize(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    sentences = narrative.key_findings(e2e.extraction, dataclass_replace(e2e.params, as_of="2022-01-07"))
    for sentence in sentences:
        for number in re.findall(r"\d[\d,.]*\d%?|\d%?", sentence):
            assert number in text, f"{number} (from: {sentence[:60]}…) missing in the PDF"
    for anchor_title in ("The bottom line", "Where things stand", "What the news got wrong", "Appendix",
                         "Sources, with their grades", "Methods", "Run metadata"):
        assert anchor_title in text


@pytest.mark.e2e
def test_e2e_run_json(e2e):
    r = e2e.run
    assert r["params"]["as_of"] == "2022-01-07" and r["fingerprint"]
    for path in e2e.notebooks:
        assert f"kernel {path.stem}" in r["stages"] and f"notebook {path.stem}" in r["stages"]
        assert path.name in r["inputs"]["notebooks"]["each"]
    assert {"extract", "merge", "html"} <= set(r["stages"])
    assert {"python", "pandas", "papermill", "nbconvert"} <= set(r["versions"])
    assert (e2e.folder / "claims.csv").read_text().splitlines()[0].startswith("id,article,start")
    assert os.readlink(e2e.reports / "latest") == "default"


@pytest.mark.e2e
def test_e2e_html_is_deterministic(e2e):
    """A second render of the same inputs into the same (empty) place gives the same bytes."""
    first = (e2e.folder / "briefing.html").read_bytes()
    aside = e2e.root / "reports-first"
    e2e.reports.rename(aside)
    try:
        again = render.render(e2e.params, reports_dir=e2e.reports, progress=False)
        assert (again.folder / "briefing.html").read_bytes() == first
    finally:
        shutil.rmtree(e2e.reports, ignore_errors=True)
        aside.rename(e2e.reports)


def open_in_chromium(page_path: Path, screenshot: Path) -> SimpleNamespace:
    """Load a file in headless Chromium; record requests, console errors and dialogs."""
    sync_api = pytest.importorskip("playwright.sync_api")
    seen = SimpleNamespace(requests=[], errors=[], dialogs=[])
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("request", lambda r: seen.requests.append(r.url))
            page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: seen.errors.append(str(exc)))
            page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
            page.goto(page_path.as_uri(), wait_until="load")
            page.wait_for_timeout(300)
            page.screenshot(path=str(screenshot), full_page=False)
        finally:
            browser.close()
    artifacts = os.environ.get("COSTSHARE_TEST_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, Path(artifacts) / screenshot.name)
    return seen


@pytest.mark.e2e
@needs_chromium
def test_e2e_offline_in_a_browser(e2e):
    page = e2e.folder / "briefing.html"
    seen = open_in_chromium(page, e2e.root / "briefing-screenshot.png")
    assert [u for u in seen.requests if u != page.as_uri() and not u.startswith("data:")] == []
    assert seen.errors == [] and seen.dialogs == []
    assert (e2e.root / "briefing-screenshot.png").stat().st_size > 10_000


@pytest.mark.e2e
@needs_chromium
def test_e2e_script_in_article_is_text(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(FIXTURES / "seeds_script_in_article", seeds)
    params = P.validate({"seeds_dir": str(seeds), "formats": "html", "name": "xss"})
    result = render.render(params, reports_dir=tmp_path / "reports", progress=False)
    page = result.folder / "briefing.html"
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text.lower()
    assert "&lt;script&gt;alert(" in text
    seen = open_in_chromium(page, tmp_path / "xss-screenshot.png")
    assert seen.dialogs == [] and seen.errors == []
    assert [u for u in seen.requests if u != page.as_uri() and not u.startswith("data:")] == []


# --------------------------------------------------------------------------- merging, without kernels


def test_merge_numbers_charts_and_drops_code_and_volatile_ids():
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from costshare import briefing

    svg = ('<svg><metadata><dc:date>2026-11-22T03:00:00</dc:date></metadata>'
           '<clipPath id="p0123456789"/><use xlink:href="#m9876543210"/></svg>')
    nb = new_notebook(cells=[
        new_markdown_cell("# 02 · Title\n\nIntro."),
        new_markdown_cell("## Parameters\n\nReplaced by the render."),
        new_code_cell("x = 1", metadata={"tags": ["parameters"]}, outputs=[new_output("stream", name="stdout", text="x")]),
        new_markdown_cell("## Chart 7: the line\n\nText."),
        new_code_cell("fig", outputs=[
            new_output("stream", name="stdout", text="saved: reports/.tmp~default~abc/figures/a.svg\n"),
            new_output("display_data", data={"image/svg+xml": svg, "text/plain": "<Figure>"}),
            new_output("display_data", data={"text/markdown": "**Chart 7. A _rising_ line of HNS_total.**"}),
            new_output("stream", name="stderr", text="UserWarning: noisy\n"),
        ]),
        new_code_cell("df", outputs=[new_output("execute_result", execution_count=3, data={
            "text/html": '<style>#T_ab12c_row0 {color: red}</style><table id="T_ab12c"><tr><td>&lt;b&gt;</td></tr></table>'})]),
        new_code_cell("fig2", metadata={"caption": "Set in the cell's metadata."},
                      outputs=[new_output("display_data", data={"image/png": "iVBORw0KGgo="})]),
    ])
    charts, warnings = briefing.Charts(), []
    sanitizer = briefing.Sanitizer({"reports/.tmp~default~abc": "reports/default"})
    cells, appendix, _news = briefing.notebook_cells(nb, 2, charts, sanitizer, warnings)
    assert appendix == []
    assert charts.listing == [("Chart 1.", "A _rising_ line of HNS_total."), ("Chart 2.", "Set in the cell's metadata.")]
    assert warnings == ["UserWarning: noisy"]
    assert all(c.source == "" for c in cells if c.cell_type == "code"), "code is dropped, not only hidden"
    assert cells[0].source.startswith("## 02 · Title"), "a notebook's title becomes a section"
    assert not any("Parameters" in c.source for c in cells if c.cell_type == "markdown")
    outputs = [o for c in cells if c.cell_type == "code" for o in c.outputs]
    assert outputs[0].text == "saved: reports/default/figures/a.svg\n"
    image = outputs[1].data["image/svg+xml"]
    assert "dc:date" not in image and 'id="p0000000001"' in image and "#m0000000002" in image
    assert not any("text/markdown" in o.get("data", {}) for o in outputs), "the caption moved under the chart"
    table = outputs[2].data["text/html"]
    assert "T_ab12c" not in table and "#T_s1_row0" in table and 'id="T_s1"' in table
    assert '<table class="keep"' in table and "&lt;b&gt;" in table


def test_cells_tagged_appendix_move_to_the_appendix():
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from costshare import briefing

    nb = new_notebook(cells=[
        new_markdown_cell("## Claims"),
        new_code_cell("t", outputs=[new_output("stream", name="stdout", text="main\n")]),
        new_markdown_cell("## Provenance", metadata={"tags": ["appendix"]}),
        new_code_cell("p", metadata={"tags": ["appendix"]}, outputs=[new_output("stream", name="stdout", text="detail\n")]),
    ])
    cells, appendix, _news = briefing.notebook_cells(nb, 1, briefing.Charts(), briefing.Sanitizer(), [])
    assert [c.cell_type for c in cells] == ["markdown", "code"] and cells[1].outputs[0].text == "main\n"
    assert appendix[0].source.startswith("### Provenance") and appendix[1].outputs[0].text == "detail\n"


def test_headings_get_unique_ids_and_a_table_of_contents():
    from costshare import briefing

    body = (f'<nav class="toc"><h2 class="toc-title">Contents</h2>{briefing.TOC_MARK}</nav>'
            '<h2 id="Claims">Claims</h2><h3 id="Claims">Claims</h3><h2 id="data-quality">Data quality</h2>')
    out = briefing.finish_html(body)
    assert '<h2 id="claims">' in out and '<h3 id="claims-2">' in out and '<h2 id="data-quality">' in out
    toc = out[out.index("<ol>"):out.index("</nav>")]
    assert toc == '<ol><li><a href="#claims">Claims</a></li><li><a href="#data-quality">Data quality</a></li></ol>'


def test_key_findings_are_computed_and_follow_the_countries():
    extraction = pipeline.run(paths.SEEDS_DIR, paths.REFERENCE_DIR)
    both = narrative.key_findings(extraction, P.validate({}))
    japan = next(s for s in both if s.startswith("Japan"))
    records = extraction.reference.records
    avg = records[(records["record_id"].str.startswith("JP-HNS_total-FY2022-FY2026")) & (records["measure"] == "annual_avg")]
    before = records[(records["record_id"].str.startswith("JP-HNS_total-FY2016-FY2020")) & (records["measure"] == "annual_avg")]
    change = (avg["amount"].iloc[0] / before["amount"].iloc[0] - 1) * 100
    # an agreement's estimate against the agreement before it, not against one year's budget
    assert f"{change:.1f}% above the 189.3 billion yen a year of the agreement before it" in japan
    assert "FY2021" not in japan
    korea_only = narrative.key_findings(extraction, P.validate({"countries": "korea"}))
    assert not any(s.startswith("Japan") or "Japan's" in s for s in korea_only)
    assert any(s.startswith("South Korea's") for s in korea_only)
    assert not any(re.search(r"\bnan\b", s, re.I) for s in both + korea_only)


def test_changes_between_two_runs():
    from costshare import changes

    previous = changes.Previous(Path("."), {"status": "ok", "params": {"as_of": "2022-01-07"}, "fingerprint": "f" * 64,
                                            "articles": [{"id": "a.txt", "sha256": "1"}, {"id": "b.txt", "sha256": "2"}]},
                                claims=[{"id": "a:1", "surface": "200 billion yen", "value": "200000000000", "unit": "JPY"},
                                        {"id": "b:5", "surface": "5 years", "value": "5", "unit": "years"}],
                                findings=[{"id": "f1", "severity": "error", "message": "old"}])
    diff = changes.diff(previous, [{"id": "a.txt", "sha256": "1"}, {"id": "b.txt", "sha256": "9"}, {"id": "c.txt", "sha256": "3"}],
                        [{"id": "a:1", "surface": "201.7 billion yen", "value": "201700000000", "unit": "JPY"},
                         {"id": "c:0", "surface": "$1.9 billion", "value": "1900000000", "unit": "USD"}],
                        [{"id": "f2", "severity": "warning", "message": "new"}])
    assert [a["id"] for a in diff.new_articles] == ["c.txt"] and [a["id"] for a in diff.changed_articles] == ["b.txt"]
    assert [c["id"] for c in diff.new_claims] == ["c:0"] and [c["id"] for c in diff.removed_claims] == ["b:5"]
    assert diff.changed_claims[0].fields == ("surface", "value")
    assert [f["id"] for f in diff.new_findings] == ["f2"] and [f["id"] for f in diff.resolved_findings] == ["f1"]
    assert changes.diff(None, [], [], []) is None
    assert changes.read_previous(Path("/nonexistent")) is None


# --------------------------------------------------------------------------- deadline, kill -9, options


def test_render_stuck_past_its_deadline_exits_1_in_one_line_and_frees_the_lock(tmp_path):
    reports = tmp_path / "reports"
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from costshare import cli, paths, render
        paths.REPORTS_DIR = Path({str(reports)!r})
        render.default_notebooks = lambda: [Path({str(SLOW)!r})]
        sys.exit(cli.main(["render", "--name", "t", "--formats", "html", "--deadline", "6"]))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(paths.ROOT)))
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1 and len(lines) == 1, proc.stderr
    assert re.search(r"render t stopped: still running after its deadline of 6 s \(stage: (kernel|notebook) slow.ipynb\); "
                     "nothing was published", lines[0]), lines[0]
    assert sorted(p.name for p in reports.iterdir()) == [".lock-t"], "nothing published, nothing kept"
    run(reports, [OK])  # the lock is free
    assert (reports / "t" / "briefing.html").is_file()


def test_render_stuck_in_extraction_stops_at_the_deadline(tmp_path, monkeypatch):
    def stuck(*args, **kwargs):  # an article that extraction cannot finish
        while True:
            time.sleep(0.05)

    monkeypatch.setattr(pipeline, "run", stuck)
    reports = tmp_path / "reports"
    with pytest.raises(render.RenderDeadline, match=r"deadline of 2 s \(stage: extract\)") as info:
        run(reports, [OK], deadline=2)
    assert info.value.exit_code == 1
    assert sorted(p.name for p in reports.iterdir()) == [".lock-t"]
    time.sleep(0.5)
    assert _kernels_in(NB) == [], "the kernel started ahead was killed"


def test_kill_9_leaves_kernel_keys_and_profiles_only_until_the_next_run(tmp_path):
    reports, tmpdir = tmp_path / "reports", tmp_path / "tmpdir"
    tmpdir.mkdir()
    env = dict(os.environ, PYTHONPATH=str(paths.ROOT), TMPDIR=str(tmpdir))
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from costshare import render, params as P
        render.render(P.validate({{"name": "t", "formats": "html"}}), reports_dir=Path({str(reports)!r}),
                      notebooks=[Path({str(SLOW)!r})], progress=False)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not list(reports.glob(".tmp~t~*/figures/started")):
            assert proc.poll() is None and time.monotonic() < deadline, "the slow notebook never started"
            time.sleep(0.1)
        proc.kill()
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    (work,) = tmpdir.iterdir()  # everything of the run is in one folder
    assert work.name.startswith("costshare-") and work.name.endswith("-t")
    assert list(work.glob("k/kernel-*.json")), "the kernel's connection file (its key) is in it"
    again = [sys.executable, "-c", script.replace("SLOW", "OK").replace(str(SLOW), str(OK))]
    subprocess.run(again, env=env, check=True, timeout=120, capture_output=True)
    assert list(tmpdir.iterdir()) == [], "the next run of the name removed the killed run's state and its own"
    assert not list(reports.glob(".tmp~*")) and (reports / "t" / "briefing.html").is_file()


@pytest.mark.parametrize("option, value", [("--timeout", "0"), ("--timeout", "-5"), ("--deadline", "0"),
                                           ("--deadline", "-1"), ("--timeout", "ten")])
def test_timeout_zero_or_negative_is_refused_in_one_line(option, value):
    proc = subprocess.run([sys.executable, "-m", "costshare", "render", option, value], capture_output=True,
                          text=True, cwd=paths.ROOT, timeout=60)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert f"{option} {value!r}: expected a positive whole number of seconds" in lines[0]


# --------------------------------------------------------------------------- --if-changed sees every input


class _Dist:
    def __init__(self, name, version):
        self.metadata, self.version = {"Name": name}, version


def test_if_changed_notices_an_upgraded_package_outside_the_named_ones(tmp_path, monkeypatch):
    from importlib import metadata

    reports = tmp_path / "reports"
    first = run(reports, [OK]).run["versions"]["environment"]
    assert run(reports, [OK], if_changed=True).status == "skipped"
    installed = list(metadata.distributions())
    monkeypatch.setattr(metadata, "distributions", lambda: installed + [_Dist("fonttools", "99.0")])
    result = run(reports, [OK], if_changed=True)
    assert result.status == "rendered", "a package the render imports indirectly changed"
    assert result.run["versions"]["environment"] != first


def test_if_changed_notices_another_chromium(tmp_path, monkeypatch):
    from costshare import pdf

    reports = tmp_path / "reports"
    monkeypatch.setattr(pdf, "version", lambda: "Chromium 1.0")
    monkeypatch.setattr(pdf, "print_pdf", lambda html, out, **kw: Path(out).write_bytes(b"%PDF-1.4\n"))
    run(reports, [OK], formats="html,pdf")
    assert run(reports, [OK], formats="html,pdf", if_changed=True).status == "skipped"
    monkeypatch.setattr(pdf, "version", lambda: "Chromium 2.0")
    result = run(reports, [OK], formats="html,pdf", if_changed=True)
    assert result.status == "rendered" and result.run["versions"]["chromium"] == "Chromium 2.0"


def test_if_changed_notices_a_template_file_of_any_kind(tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(paths.TEMPLATES_DIR, templates)
    monkeypatch.setattr(paths, "TEMPLATES_DIR", templates)
    reports = tmp_path / "reports"
    run(reports, [OK])
    assert run(reports, [OK], if_changed=True).status == "skipped"
    (templates / "briefing" / "static" / "print.html").write_text("<p>a partial the template may include</p>\n")
    assert run(reports, [OK], if_changed=True).status == "rendered"
    (templates / "briefing" / "static" / "briefing.css").write_text("body { color: red }\n")
    assert run(reports, [OK], if_changed=True).status == "rendered"


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_interrupted_renders_do_not_pile_up_sockets(tmp_path):
    """Each interrupted render used to leave an event loop (a selector and a socket pair) behind:
    a long test run or a long-lived process ended in 'ZMQError: Too many open files'."""
    import threading

    reports = tmp_path / "reports"
    counts = []
    for _ in range(3):
        with pytest.raises(render.RenderDeadline):
            run(reports, [SLOW, OK], deadline=3)
        until = time.monotonic() + 20
        while threading.active_count() > 1 and time.monotonic() < until:
            time.sleep(0.1)
        counts.append(_open_fds())
    assert counts[2] <= counts[0], counts


# --------------------------------------------------------------------------- long tables stay whole


@pytest.mark.e2e
def test_briefing_with_220_claims_shows_every_claim_in_every_table(tmp_path):
    """pandas cut any frame of more than 60 rows to 10 ("67 rows x 8 columns"): the claims table
    and both appendix tables silently dropped claims."""
    seeds = tmp_path / "seeds_220_claims"
    seeds.mkdir()
    lines = [f"In FY{1990 + n % 30}, Japan paid {100 + n}.5 billion yen in host-nation support for US forces."
             for n in range(220)]
    (seeds / "long.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (seeds / "manifest.csv").write_text("file,published,outlet,title,origin_language\n"
                                        "long.txt,2021-03-01,Test Wire,A long table,en\n")
    reports = tmp_path / "reports"
    notebook = paths.NOTEBOOKS_DIR / "01_extract_claims.ipynb"
    result = run(reports, [notebook], seeds=seeds)
    assert result.run["counts"]["claims"] == 220
    page = (reports / "t" / "briefing.html").read_text()
    assert not re.search(r"\d+ rows × \d+ columns", page), "no table is cut"
    # more claims than the briefing lists: every one in claims.csv, the page says where
    assert 'id="appendix-claims"' in page and "claims.csv" in page
    claims_csv = (reports / "t" / "claims.csv").read_text()
    for n in range(220):
        assert f"{100 + n}.5 billion yen" in claims_csv, n
    # a table too long for a reader says how many rows it has and where they all are
    assert "220" in page


def test_sigterm_through_the_command_line_exits_143_in_one_line(tmp_path):
    reports = tmp_path / "reports"
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from costshare import cli, paths, render
        paths.REPORTS_DIR = Path({str(reports)!r})
        render.default_notebooks = lambda: [Path({str(SLOW)!r})]
        sys.exit(cli.main(["render", "--name", "t", "--formats", "html"]))
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=str(paths.ROOT)))
    try:
        deadline = time.monotonic() + 60
        while not list(reports.glob(".tmp~t~*/figures/started")):
            assert proc.poll() is None and time.monotonic() < deadline, "the slow notebook never started"
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 143 and err.strip() == "costshare: interrupted; nothing was published", err
    assert sorted(p.name for p in reports.iterdir()) == [".lock-t"]


def _pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


@pytest.mark.e2e
@needs_chromium
def test_e2e_body_fits_six_pages_and_page_one_answers(e2e):
    """Before the "Appendix" heading at most six A4 pages; page one holds the bottom line, the
    status table and the news box."""
    pages = _pdf_pages(e2e.folder / "briefing.pdf")
    first_appendix = next(i for i, p in enumerate(pages) if re.search(r"^\s*Appendix\s*$", p, re.M))
    # The default briefing's body keeps to six pages (test_e2e_body_fits_six_pages...). At 300 articles
    # the body is measured at 8 (longer worst-case messages push "What the news got wrong" on):
    # bounded, but over the six-page budget, which issue 15 still has to bring back.
    assert first_appendix <= 8, f"the body runs to page {first_appendix}"
    one = pages[0]
    assert "The bottom line" in one and "Where things stand" in one and "What the news got wrong" in one
    assert "31 March 2027" in one and "1.519 trillion won" in one
    # the appendix folds in the HTML; each table appears once
    assert e2e.html.count('<details class="appendix"') >= 4
    assert e2e.html.count('class="wide findings"') == 2  # the worst in the body, all in the appendix
    assert "HNS_total" not in "".join(re.findall(r"<th[^>]*>(.*?)</th>", e2e.html))  # words, not codes


@pytest.mark.e2e
@needs_chromium
def test_briefing_size_does_not_grow_with_the_corpus(tmp_path):
    """300 articles (the seeds copied 60 times, in a temporary folder): the HTML stays under a
    few MB, the body within its six pages, and the claims live in claims.csv, not in the page."""
    seeds = tmp_path / "seeds_copied_sixty_times"
    seeds.mkdir()
    rows = list(csv.DictReader((paths.SEEDS_DIR / "manifest.csv").open(encoding="utf-8")))
    out = []
    for k in range(60):
        for r in rows:
            name = f"{k:03d}_{r['file']}"
            shutil.copyfile(paths.SEEDS_DIR / r["file"], seeds / name)
            out.append({**r, "file": name})
    with (seeds / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(out)
    params = P.validate({"seeds_dir": str(seeds), "name": "large"})
    result = render.render(params, reports_dir=tmp_path / "reports", figures_dir=None, progress=False)
    page = (result.folder / "briefing.html").read_text(encoding="utf-8")
    assert result.run["counts"]["articles"] == 300
    assert len(page.encode()) < 3_000_000
    assert page.count('class="wide articles"') == 1 and page.count("<tr id=\"article-") == 300
    assert "claims.csv" in page and 'id="appendix-claims"' in page  # every number: in claims.csv
    pages = _pdf_pages(result.folder / "briefing.pdf")
    first_appendix = next(i for i, p in enumerate(pages) if re.search(r"^\s*Appendix\s*$", p, re.M))
    # The default briefing's body keeps to six pages (test_e2e_body_fits_six_pages...). At 300 articles
    # the body is measured at 8 (longer worst-case messages push "What the news got wrong" on):
    # bounded, but over the six-page budget, which issue 15 still has to bring back.
    assert first_appendix <= 8
