"""Chromium prints A4 from the CSS, and every way it can fail is one line."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from costshare import pdf
from costshare.errors import RenderError

needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed (make sysdeps)")
needs_poppler = pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed (make sysdeps)")

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
@page { size: A4; margin: 15mm; }
body { font-family: sans-serif; }
</style></head><body><h1>Burden 211.0</h1><p>Second line 4.6%</p></body></html>"""


def pdfinfo(path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


@needs_chromium
@needs_poppler
def test_prints_a4_from_css(tmp_path):
    html = tmp_path / "page.html"
    html.write_text(PAGE, encoding="utf-8")
    out = tmp_path / "page.pdf"
    pdf.print_pdf(html, out)
    info = pdfinfo(out)
    assert "(A4)" in info["Page size"]
    assert info["Pages"] == "1"
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Burden 211.0" in text and "4.6%" in text
    # --no-pdf-header-footer: no date and no file:// path printed on the page
    assert "file://" not in text and not re.search(r"\d{1,2}/\d{1,2}/\d{2,4}", text)


@needs_chromium
def test_pdf_differs_only_in_creation_date(tmp_path):
    html = tmp_path / "page.html"
    html.write_text(PAGE, encoding="utf-8")
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    pdf.print_pdf(html, a)
    pdf.print_pdf(html, b)
    strip = re.compile(rb"/(CreationDate|ModDate) \(D:[^)]*\)")
    assert strip.sub(b"", a.read_bytes()) == strip.sub(b"", b.read_bytes())


def test_missing_chromium_says_make_sysdeps(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    html = tmp_path / "page.html"
    html.write_text(PAGE, encoding="utf-8")
    with pytest.raises(RenderError) as info:
        pdf.print_pdf(html, tmp_path / "page.pdf")
    message = str(info.value)
    assert "make sysdeps" in message and "\n" not in message
    assert info.value.exit_code == 1


def test_missing_html(tmp_path):
    if shutil.which("chromium") is None:
        pytest.skip("chromium not installed")
    with pytest.raises(RenderError, match="no such HTML file"):
        pdf.print_pdf(tmp_path / "absent.html", tmp_path / "x.pdf")


def test_chromium_that_writes_nothing_is_one_line(monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'ERROR: something broke' >&2\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(pdf.shutil, "which", lambda name: str(fake))
    html = tmp_path / "page.html"
    html.write_text(PAGE, encoding="utf-8")
    with pytest.raises(RenderError) as info:
        pdf.print_pdf(html, tmp_path / "page.pdf")
    assert str(info.value) == "chromium did not write the PDF of page.html: ERROR: something broke"
    assert not (tmp_path / "page.pdf").exists()


def test_chromium_that_hangs_times_out(monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexec sleep 30\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(pdf.shutil, "which", lambda name: str(fake))
    html = tmp_path / "page.html"
    html.write_text(PAGE, encoding="utf-8")
    with pytest.raises(RenderError, match="did not print page.html within 1 s"):
        pdf.print_pdf(html, tmp_path / "page.pdf", timeout=1)
