"""Loading seeds: the bundled ones, the encodings users bring, and one fixture per bad input."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from costshare import paths
from costshare.corpus import MAX_ARTICLE_BYTES, SkippedFilesWarning, infer_published, load_corpus
from costshare.errors import CorpusError, InputError

FIXTURES = Path(__file__).parent / "fixtures"


def test_bundled_seeds_load_with_manifest_metadata():
    articles = load_corpus(paths.SEEDS_DIR)
    assert [a.id for a in articles] == sorted(p.name for p in paths.SEEDS_DIR.glob("*.txt"))
    assert len(articles) == 5
    by_id = {a.id: a for a in articles}
    a = by_id["003_2a945ef1e2907633.txt"]
    assert (a.published, a.outlet, a.origin_language, a.published_basis) == (
        dt.date(2021, 1, 31), "JoongAng Ilbo", "ko", "manifest")
    assert all(len(a.sha256) == 64 and a.in_manifest for a in articles)


def test_cp949_article_is_decoded():
    (a,) = load_corpus(FIXTURES / "seeds_cp949_article")
    assert a.encoding in ("cp949", "euc_kr") and "방위비" in a.text
    assert a.published == dt.date(2021, 3, 10) and a.published_basis.startswith("inferred")
    assert a.origin_language == "ko"


def test_shift_jis_article_is_decoded():
    (a,) = load_corpus(FIXTURES / "seeds_shift_jis_article")
    assert a.encoding in ("shift_jis", "cp932") and "駐留経費" in a.text
    assert a.published == dt.date(2021, 2, 17)
    assert a.origin_language == "ja"


def test_utf8_bom_is_removed_so_offsets_start_at_the_text():
    (a,) = load_corpus(FIXTURES / "seeds_utf8_bom_article")
    assert a.text.startswith("Japan pays")


def test_article_without_manifest_row_loads_with_inferred_date():
    articles = {a.id: a for a in load_corpus(FIXTURES / "seeds_article_without_manifest_row")}
    b = articles["b.txt"]
    assert not b.in_manifest and b.outlet == "unknown"
    assert b.published == dt.date(2021, 3, 10)
    assert "March 10, 2021" in b.published_basis


def test_article_without_any_date_says_so():
    (a,) = load_corpus(FIXTURES / "seeds_article_without_date")
    assert a.published is None and a.published_basis.startswith("unknown")


@pytest.mark.parametrize(
    "fixture,fragment",
    [
        ("seeds_binary_file", "photo.txt: binary file"),
        ("seeds_empty_file", "empty.txt: empty file"),
        ("seeds_manifest_row_without_file", "file 'missing.txt' is not in the seeds folder"),
        ("seeds_manifest_bad_date", "row 2, column published: '18/11/2020' is not a date"),
        ("seeds_manifest_missing_column", "missing column 'origin_language'"),
        ("seeds_manifest_duplicate_file", "listed twice"),
    ],
)
def test_bad_input_is_a_one_line_error_naming_the_file(fixture, fragment):
    with pytest.raises(CorpusError) as err:
        load_corpus(FIXTURES / fixture)
    message = str(err.value)
    assert fragment in message and "\n" not in message
    assert isinstance(err.value, InputError) and err.value.exit_code == 2


def test_missing_seeds_folder(tmp_path):
    with pytest.raises(CorpusError, match="seeds folder not found"):
        load_corpus(tmp_path / "nope")


def test_empty_seeds_folder(tmp_path):
    with pytest.raises(CorpusError, match="no articles found"):
        load_corpus(tmp_path)


def test_oversized_article_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "dump.txt"
    with open(big, "wb") as fh:
        fh.truncate(MAX_ARTICLE_BYTES + 1)  # sparse: no 5 MB written to disk
    with pytest.raises(CorpusError, match="too large for a news article"):
        load_corpus(tmp_path)


def test_undecodable_bytes_are_refused(tmp_path):
    (tmp_path / "x.txt").write_bytes(bytes(range(128, 256)) * 20 + b"\x01\x02\x03" * 200)
    with pytest.raises(CorpusError):
        load_corpus(tmp_path)


def test_dotfiles_and_readme_are_not_articles(tmp_path):
    shutil.copy(FIXTURES / "seeds_article_without_date" / "nodate.txt", tmp_path)
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    (tmp_path / "README.md").write_text("notes")
    assert [a.id for a in load_corpus(tmp_path)] == ["nodate.txt"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Talks on Oct. 6, 2020 and November 18, 2020.", dt.date(2020, 11, 18)),
        ("Published 2021-02-24 in Tokyo.", dt.date(2021, 2, 24)),
        ("On 7 January 2022 they signed.", dt.date(2022, 1, 7)),
        ("2021年3月31日に発効した。", dt.date(2021, 3, 31)),
        ("No date here at all.", None),
    ],
)
def test_infer_published(text, expected):
    assert infer_published(text)[0] == expected


# --------------------------------------------------------------------------- what is read at all


def _seeds_with(tmp_path: Path, name: str) -> Path:
    seeds = tmp_path / name
    shutil.copytree(FIXTURES / "seeds_article_without_manifest_row", seeds)
    return seeds


def test_seeds_link_to_a_secret_is_refused_in_one_line(tmp_path):
    secret = tmp_path / "secrets.txt"
    secret.write_text("Japan paid $9 billion. api_key=hunter2\n")
    seeds = _seeds_with(tmp_path, "seeds_link_to_a_secret")
    (seeds / "memo.txt").symlink_to(secret)
    with pytest.raises(CorpusError) as exc:
        load_corpus(seeds)
    assert "memo.txt: is a symbolic link" in str(exc.value) and "\n" not in str(exc.value)
    assert "hunter2" not in str(exc.value)


def test_seeds_link_to_etc_passwd_is_refused_even_under_another_suffix(tmp_path):
    seeds = _seeds_with(tmp_path, "seeds_link_to_etc_passwd")
    (seeds / "passwd").symlink_to("/etc/passwd")
    with pytest.raises(CorpusError, match="passwd: is a symbolic link"):
        load_corpus(seeds)


def test_seeds_manifest_that_is_a_link_is_refused(tmp_path):
    seeds = _seeds_with(tmp_path, "seeds_manifest_link")
    (seeds / "manifest.csv").rename(tmp_path / "elsewhere.csv")
    (seeds / "manifest.csv").symlink_to(tmp_path / "elsewhere.csv")
    with pytest.raises(CorpusError, match="manifest.csv: is a symbolic link"):
        load_corpus(seeds)


def test_seeds_editor_backups_do_not_double_count(tmp_path):
    seeds = _seeds_with(tmp_path, "seeds_editor_backups")
    for backup in ("a.txt~", "b.txt.orig", "#a.txt#"):
        shutil.copy(seeds / "a.txt", seeds / backup)
    with pytest.warns(SkippedFilesWarning, match=r"skipped 3 files .*'#a.txt#', 'a.txt~', 'b.txt.orig'"):
        articles = load_corpus(seeds)
    assert [a.id for a in articles] == ["a.txt", "b.txt"]


def test_seeds_stray_png_and_pdf_are_skipped_not_fatal(tmp_path):
    seeds = _seeds_with(tmp_path, "seeds_stray_png_and_pdf")
    (seeds / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (seeds / "report.pdf").write_bytes(b"%PDF-1.4\n\x00\x01")
    with pytest.warns(SkippedFilesWarning, match="'chart.png', 'report.pdf'"):
        assert [a.id for a in load_corpus(seeds)] == ["a.txt", "b.txt"]


def test_seeds_only_stray_files_is_no_articles(tmp_path):
    seeds = tmp_path / "seeds_only_a_png"
    seeds.mkdir()
    (seeds / "chart.png").write_bytes(b"\x89PNG")
    with pytest.warns(SkippedFilesWarning), pytest.raises(CorpusError, match="no articles found"):
        load_corpus(seeds)


def test_seeds_fifo_is_skipped_not_read(tmp_path):
    seeds = _seeds_with(tmp_path, "seeds_fifo_named_txt")
    os.mkfifo(seeds / "pipe.txt")  # reading it would block the render forever
    with pytest.warns(SkippedFilesWarning, match="'pipe.txt'"):
        assert [a.id for a in load_corpus(seeds)] == ["a.txt", "b.txt"]


@pytest.mark.parametrize("published", ["0001-01-01", "9999-12-31", "1900-06-01"])
def test_seeds_manifest_date_far_outside_the_data_is_input_error(tmp_path, published):
    seeds = _seeds_with(tmp_path, "seeds_manifest_date_year_1_or_9999")
    (seeds / "manifest.csv").write_text(f"file,published,outlet,title,origin_language\na.txt,{published},x,t,en\n")
    with pytest.raises(CorpusError, match=rf"row 2, column published: {published} is outside 1945-2035") as info:
        load_corpus(seeds)
    assert info.value.exit_code == 2
