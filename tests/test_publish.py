"""Publishing a render: the checks of reports/ before any work, the one-step publish, the keeping
of failed runs. Renders use the tiny notebooks of tests/fixtures/notebooks/."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from costshare import params as P
from costshare import publish, render
from costshare.errors import RenderError
from costshare.publish import FAILED_KEPT, ReportsError

NB = Path(__file__).resolve().parent / "fixtures" / "notebooks"
OK, BROKEN = NB / "ok.ipynb.json", NB / "broken.ipynb.json"


def run(reports: Path, notebooks, name: str = "t"):
    return render.render(P.validate({"name": name, "formats": "html"}), reports_dir=reports,
                         notebooks=notebooks, progress=False)


def state(reports: Path) -> dict[str, object]:
    out: dict[str, object] = {}
    for p in sorted(reports.rglob("*")):
        key = p.relative_to(reports).as_posix()
        out[key] = os.readlink(p) if p.is_symlink() else p.read_bytes() if p.is_file() else "dir"
    return out


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_reports_latest_not_a_link_is_refused_before_any_work(tmp_path, kind):
    reports = tmp_path / "reports_latest_is_a_" / kind
    run(reports, [OK])
    (reports / "latest").unlink()
    if kind == "file":
        (reports / "latest").write_text("a note someone saved here\n")
    else:
        (reports / "latest").mkdir()
    before = state(reports)
    with pytest.raises(ReportsError) as info:
        run(reports, [OK])
    message = str(info.value)
    assert info.value.exit_code == 2 and "\n" not in message
    assert f"{reports}/latest is a {kind}, not a link" in message
    after = state(reports)
    after.pop(".lock-t", None), before.pop(".lock-t", None)
    assert after == before, "nothing published, nothing kept, nothing moved"


def test_publish_that_fails_at_latest_leaves_everything_as_it_was(tmp_path, monkeypatch):
    reports = tmp_path / "reports_latest_cannot_be_replaced"
    run(reports, [OK])
    before = {k: v for k, v in state(reports).items() if not k.startswith(".failed")}
    real_replace = os.replace

    def failing_replace(src, dst, *a, **kw):
        if Path(dst).name == "latest":
            raise OSError(errno.EIO, "Input/output error", str(dst))
        return real_replace(src, dst, *a, **kw)

    monkeypatch.setattr(publish.os, "replace", failing_replace)
    with pytest.raises(RenderError) as info:
        run(reports, [OK])
    assert info.value.exit_code == 1 and "\n" not in str(info.value)
    assert "Input/output error" in str(info.value) and "nothing was published" in str(info.value)
    after = {k: v for k, v in state(reports).items() if not k.startswith(".failed")}
    assert after == before, "the previous run and latest are as they were"
    assert (reports / ".failed" / "t-1" / "briefing.html").is_file(), "the new run is kept for diagnosis"


def test_publish_without_renameat2_rolls_back_too(tmp_path, monkeypatch):
    reports = tmp_path / "reports_no_renameat2"
    run(reports, [OK])
    old_html = (reports / "t" / "briefing.html").read_bytes()
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    monkeypatch.setattr(publish.os, "symlink", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left on device")))
    with pytest.raises(RenderError, match="No space left on device"):
        run(reports, [OK])
    assert (reports / "t" / "briefing.html").read_bytes() == old_html
    assert os.readlink(reports / "latest") == "t"
    assert not [p for p in reports.iterdir() if ".old~" in p.name or p.name.startswith(".tmp~")]


def test_reports_read_only_fails_at_the_lock_in_one_line(tmp_path, monkeypatch):
    reports = tmp_path / "reports_read_only"
    reports.mkdir()
    real_open = os.open

    def read_only(path, flags, *a, **kw):
        if str(path).endswith(".lock-t"):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *a, **kw)

    monkeypatch.setattr(publish.os, "open", read_only)
    with pytest.raises(ReportsError) as info:
        run(reports, [OK])
    assert info.value.exit_code == 2 and "\n" not in str(info.value)
    assert "cannot write the lock .lock-t (Read-only file system)" in str(info.value)
    assert list(reports.iterdir()) == []


def test_reports_disk_full_when_keeping_a_failed_run_is_one_line(tmp_path, monkeypatch):
    reports = tmp_path / "reports_disk_full"

    def full(*a, **kw):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(publish, "_failed_folder", full)
    with pytest.raises(RenderError) as info:
        run(reports, [BROKEN])
    message = str(info.value)
    assert "\n" not in message and "broken on purpose" in message
    assert "the failed run could not be kept (No space left on device)" in message
    assert sorted(p.name for p in reports.iterdir()) == [".lock-t"], "no half-kept run, no temporary folder"


def test_failed_runs_beyond_the_last_few_are_removed(tmp_path):
    reports = tmp_path / "reports_many_failed_runs"
    for n in range(1, 8):
        (reports / ".failed" / f"t-{n}").mkdir(parents=True)
    (reports / ".failed" / "other-1").mkdir()
    with pytest.raises(RenderError, match=r"\.failed/t-8"):
        run(reports, [BROKEN])
    kept = sorted((p.name for p in (reports / ".failed").iterdir()), key=lambda n: (n.split("-")[0], int(n.split("-")[1])))
    assert kept == ["other-1"] + [f"t-{n}" for n in range(9 - FAILED_KEPT, 9)]
