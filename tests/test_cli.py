"""The command line as a user runs it, on hostile and broken input: a one-line error naming the
file or parameter, exit code 2, and nothing written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from costshare import paths, pipeline

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args, cwd=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COSTSHARE_")}
    return subprocess.run([sys.executable, "-m", "costshare", *args], capture_output=True, text=True,
                          cwd=cwd or paths.ROOT, env=env, timeout=120)


def assert_one_line_error(proc, fragment: str, code: int = 2):
    assert proc.returncode == code, proc.stderr
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("costshare: error: "), proc.stderr
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in proc.stderr


def test_extract_writes_claims_and_findings(tmp_path):
    proc = run("extract", "--seeds", "seeds", "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    claims = (tmp_path / "out" / "claims.csv").read_text(encoding="utf-8").splitlines()
    findings = (tmp_path / "out" / "findings.csv").read_text(encoding="utf-8").splitlines()
    assert claims[0].startswith("id,article,start,end,sentence,surface,value")
    assert len(claims) > 30 and len(findings) > 5
    assert "5 articles" in proc.stderr


@pytest.mark.parametrize(
    "fixture,fragment",
    [
        ("seeds_binary_file", "photo.txt: binary file"),
        ("seeds_empty_file", "empty.txt: empty file"),
        ("seeds_manifest_row_without_file", "'missing.txt' is not in the seeds folder"),
        ("seeds_manifest_bad_date", "column published: '18/11/2020' is not a date"),
        ("seeds_manifest_missing_column", "missing column 'origin_language'"),
        ("seeds_manifest_duplicate_file", "listed twice"),
    ],
)
def test_broken_seeds(tmp_path, fixture, fragment):
    out = tmp_path / "out"
    proc = run("extract", "--seeds", str(FIXTURES / fixture), "--out", str(out))
    assert_one_line_error(proc, fragment)
    assert not out.exists()


def test_missing_and_empty_seeds_folder(tmp_path):
    assert_one_line_error(run("extract", "--seeds", str(tmp_path / "nope"), "--out", str(tmp_path / "o")), "seeds folder not found")
    (tmp_path / "empty").mkdir()
    assert_one_line_error(run("extract", "--seeds", str(tmp_path / "empty"), "--out", str(tmp_path / "o")), "no articles found")


def test_50_mb_article_is_refused_quickly(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(FIXTURES / "seeds_article_without_date", seeds)
    with open(seeds / "dump.txt", "wb") as fh:
        chunk = b"Japan pays 200 billion yen a year. " * 30000  # ~1 MB of real text, repeated
        for _ in range(50):
            fh.write(chunk)
    proc = run("extract", "--seeds", str(seeds), "--out", str(tmp_path / "out"))
    assert_one_line_error(proc, "dump.txt: 52.5 MB is too large for a news article")


@pytest.mark.parametrize("fixture,claim", [("seeds_cp949_article", "1조 1833억 원"), ("seeds_shift_jis_article", "2017億円")])
def test_korean_and_japanese_encodings(tmp_path, fixture, claim):
    proc = run("extract", "--seeds", str(FIXTURES / fixture), "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert claim in (tmp_path / "claims.csv").read_text(encoding="utf-8")


def test_markup_in_an_article_is_data(tmp_path):
    proc = run("extract", "--seeds", str(FIXTURES / "seeds_script_in_article"), "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "claims.csv").read_text(encoding="utf-8")
    assert "200 billion yen" in text and "<script>" in text  # kept verbatim in the CSV; escaped in HTML


def test_reference_csv_with_a_bad_row(tmp_path):
    ref = tmp_path / "reference"
    shutil.copytree(paths.REFERENCE_DIR, ref)
    lines = (ref / "korea_sma.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = lines[5].replace("KRW billion", "KRW bn", 1) if "KRW billion" in lines[5] else lines[5].replace("USD million", "USD mn", 1)
    (ref / "korea_sma.csv").write_text("".join(lines), encoding="utf-8")
    proc = run("extract", "--seeds", "seeds", "--out", str(tmp_path / "out"), "--reference", str(ref))
    assert_one_line_error(proc, "korea_sma.csv row 5, column unit")
    assert not (tmp_path / "out").exists()


def test_out_that_is_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    assert_one_line_error(run("extract", "--seeds", "seeds", "--out", str(tmp_path / "f")), "must be a folder")


def test_works_from_another_working_directory(tmp_path):
    proc = run("extract", "--seeds", str(paths.SEEDS_DIR), "--out", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr


def test_file_name_with_control_and_bidi_characters_is_shown_escaped(tmp_path):
    seeds = tmp_path / "seeds_file_name_with_escape_codes"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Japan paid 201.7 billion yen in FY2021.\n")
    (seeds / "clear\x1b[2J\u202etxt.exe.txt").write_bytes(b"")  # clears the screen, then reverses the line
    proc = subprocess.run([sys.executable, "-m", "costshare", "extract", "--seeds", str(seeds), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, cwd=paths.ROOT)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert "clear\\x1b[2J\\u202etxt.exe.txt: empty file" in lines[0]
    assert "\x1b" not in proc.stderr and "\u202e" not in proc.stderr


def test_sources_show_a_bidi_override_in_a_file_name_escaped(tmp_path):
    from costshare import briefing
    from costshare import params as P

    seeds = tmp_path / "seeds_file_name_with_bidi_override"
    seeds.mkdir()
    (seeds / "memo\u202etxt.exe.txt").write_text("Japan paid 201.7 billion yen in FY2021.\n")
    section = briefing.articles_appendix(pipeline.run(seeds))
    assert "memo\\u202etxt.exe.txt" in section and "\u202e" not in section
