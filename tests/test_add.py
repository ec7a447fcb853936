"""``python -m costshare add``: five saved page layouts (wire service, Japanese daily, Korean
daily, blog, heavy sidebars), text files, a URL served on 127.0.0.1, and every refusal (each a
one-line error, nothing written)."""

from __future__ import annotations

import csv
import http.server
import shutil
import socket
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest

from costshare import add, paths
from costshare.add import AddError, DuplicateArticleError, add_article
from costshare.corpus import load_corpus
from costshare.extract import extract_claims
from tests.test_cli import assert_one_line_error, run

PAGES = Path(__file__).parent / "fixtures" / "pages"


@pytest.fixture
def seeds(tmp_path):
    """A copy of the project's seeds folder: adding never touches the real one."""
    target = tmp_path / "seeds"
    shutil.copytree(paths.SEEDS_DIR, target)
    return target


def manifest_rows(seeds: Path) -> list[dict[str, str]]:
    with open(seeds / "manifest.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("page,published,basis,outlet,language,first_words", [
    ("wire_service.html", "2021-12-21", "page metadata: <meta article:published_time>", "Example Wire", "en",
     "Japan agrees to pay Y1.06 trln"),
    ("japanese_daily.html", "2021-12-21", "page metadata: JSON-LD datePublished", "例示新聞", "ja", "在日米軍駐留経費"),
    ("korean_daily.html", "2021-03-10", "URL: '2021/03/10'", "예시일보", "ko", "한미 방위비분담금"),
    ("blog.html", "2021-03-12", "text: latest full date it mentions: 'March 12, 2021'", "", "en",
     "Why Seoul's share keeps growing"),
    ("heavy_sidebars.html", "2022-01-07", "page metadata: <meta pubdate>", "The Example Times", "en",
     "Tokyo's host-nation budget"),
])
def test_saved_page_layouts(seeds, page, published, basis, outlet, language, first_words):
    before = manifest_rows(seeds)
    added = add_article(str(PAGES / page), seeds)
    assert added.path.parent == seeds and added.path.name.startswith("005_")
    rows = manifest_rows(seeds)
    assert rows[:-1] == before
    row = rows[-1]
    assert row == {"file": added.path.name, "published": published, "date_basis": basis, "outlet": outlet,
                   "title": row["title"], "origin_language": language}
    assert row["title"] and added.path.read_text(encoding="utf-8").startswith(first_words)
    assert ("outlet: not found; left empty" in added.notes) == (outlet == "")
    # the new article loads with the rest, with the manifest's date
    article = next(a for a in load_corpus(seeds) if a.id == added.path.name)
    assert article.published.isoformat() == published and article.published_basis == "manifest"


def test_sidebars_footer_and_comments_stay_out_of_the_article(seeds):
    added = add_article(str(PAGES / "heavy_sidebars.html"), seeds)
    text = added.path.read_text(encoding="utf-8")
    for noise in ("NIKKEI", "Bitcoin", "1.4 billion", "sweepstakes", "$2.99", "555-0100", "Subscribe"):
        assert noise not in text
    article = next(a for a in load_corpus(seeds) if a.id == added.path.name)
    money = [(c.value, c.unit) for c in extract_claims(article) if c.rule.startswith("money")]
    assert money == [(Decimal(211 * 10**9), "JPY"), (Decimal(211 * 10**9), "JPY"),
                     (Decimal(1_055_100_000_000), "JPY"), (Decimal(201_700_000_000), "JPY")]
    blog = add_article(str(PAGES / "blog.html"), seeds)
    assert "$4.99" not in blog.path.read_text(encoding="utf-8")


def test_file_name_is_stable_for_the_same_text(seeds, tmp_path):
    first = add_article(str(PAGES / "wire_service.html"), seeds)
    other = tmp_path / "other_seeds"
    shutil.copytree(paths.SEEDS_DIR, other)
    again = add_article(str(PAGES / "wire_service.html"), other)
    assert first.path.name == again.path.name
    assert first.path.read_bytes() == again.path.read_bytes()


def test_same_text_twice_is_refused_by_hash(seeds, tmp_path):
    add_article(str(PAGES / "korean_daily.html"), seeds)
    state = snapshot(seeds)
    with pytest.raises(DuplicateArticleError, match="already in .* as 005_"):
        add_article(str(PAGES / "korean_daily.html"), seeds)
    # the same text saved as a text file, with Windows line ends and trailing blanks
    text = (seeds / manifest_rows(seeds)[-1]["file"]).read_text(encoding="utf-8")
    copy = tmp_path / "copy.txt"
    copy.write_bytes(text.replace("\n", "  \r\n").encode("utf-8"))
    with pytest.raises(DuplicateArticleError):
        add_article(str(copy), seeds)
    assert snapshot(seeds) == state


def test_an_existing_seed_is_refused(seeds):
    with pytest.raises(DuplicateArticleError, match="000_aec93f2efee30bcd.txt"):
        add_article(str(paths.SEEDS_DIR / "000_aec93f2efee30bcd.txt"), seeds)


def test_text_file_in_shift_jis(seeds, tmp_path):
    source = tmp_path / "budget.txt"
    body = "防衛省予算\n2021年12月24日、政府は在日米軍駐留経費の日本側負担として2022年度予算に2,110億円を計上した。" * 3
    source.write_bytes(body.encode("shift_jis"))
    added = add_article(str(source), seeds)
    row = manifest_rows(seeds)[-1]
    assert (row["published"], row["origin_language"], row["title"], row["outlet"]) == ("2021-12-24", "ja", "防衛省予算", "")
    assert row["date_basis"].startswith("text: latest full date")
    assert added.path.read_text(encoding="utf-8").startswith("防衛省予算\n")
    assert "outlet: not found; left empty" in added.notes


@pytest.mark.parametrize("name,content,fragment", [
    ("empty.html", None, "empty, not an article"),
    ("binary.html", None, "binary data"),
    ("no_main_text.html", None, "page has no main text"),
    ("short.txt", "Japan pays 200 billion yen.".encode(), "text is too short"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary"),
    ("blank.txt", b"   \n\n  ", "empty"),
])
def test_non_articles_are_refused_and_nothing_is_written(seeds, tmp_path, name, content, fragment):
    source = PAGES / name if content is None else tmp_path / name
    if content is not None:
        source.write_bytes(content)
    state = snapshot(seeds)
    with pytest.raises(AddError, match=fragment):
        add_article(str(source), seeds)
    assert snapshot(seeds) == state


def test_missing_source_and_seeds_folder(seeds, tmp_path):
    with pytest.raises(AddError, match="no such file"):
        add_article(str(tmp_path / "nope.html"), seeds)
    with pytest.raises(AddError, match="seeds folder not found"):
        add_article(str(PAGES / "blog.html"), tmp_path / "no_seeds")
    with pytest.raises(AddError, match="only http and https"):
        add_article("ftp://127.0.0.1/article.html", seeds)


def test_manifest_created_when_absent_and_its_columns_kept(tmp_path):
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    add_article(str(PAGES / "blog.html"), fresh)
    assert (fresh / "manifest.csv").read_text(encoding="utf-8").splitlines()[0] == ",".join(add.MANIFEST_HEADER)
    assert next((fresh).glob("000_*.txt"))
    custom = tmp_path / "custom"
    custom.mkdir()
    (custom / "manifest.csv").write_text("file,published,outlet,title,origin_language,notes", encoding="utf-8")
    add_article(str(PAGES / "blog.html"), custom)
    lines = (custom / "manifest.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "file,published,outlet,title,origin_language,notes"
    assert lines[1].startswith("000_") and lines[1].endswith(",en,")


# --- the URL path, against a server on 127.0.0.1 -------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the stdlib's name)
        if self.path.startswith("/slow"):
            time.sleep(2)
        if self.path.startswith("/news/2021/03/10/"):
            body = (PAGES / "blog.html").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
        elif self.path == "/image.png":
            body = b"\x89PNG\r\n\x1a\n" + bytes(200)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
        else:
            body = b"not found"
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_url_is_fetched_and_dated_by_its_path(seeds, server):
    # the blog page has no metadata date, so the date in its address comes before the text's
    added = add_article(f"{server}/news/2021/03/10/why-seouls-share.html", seeds)
    row = manifest_rows(seeds)[-1]
    assert (row["published"], row["date_basis"]) == ("2021-03-10", "URL: '2021/03/10'")
    assert added.path.read_text(encoding="utf-8").startswith("Why Seoul's share keeps growing")


def test_url_refusals(seeds, server):
    state = snapshot(seeds)
    with pytest.raises(AddError, match="answered 404"):
        add_article(f"{server}/missing.html", seeds)
    with pytest.raises(AddError, match="sent image/png"):
        add_article(f"{server}/image.png", seeds)
    with pytest.raises(AddError, match=r"no answer within 0.5 s"):
        add_article(f"{server}/slow/news/2021/03/10/a.html", seeds, timeout=0.5)
    assert snapshot(seeds) == state


def test_offline_is_one_clear_line(seeds):
    with socket.socket() as s:  # a port nobody listens on: what a machine without network meets
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    state = snapshot(seeds)
    proc = run("add", f"http://127.0.0.1:{port}/article.html", "--seeds", str(seeds), "--timeout", "2")
    assert_one_line_error(proc, "cannot connect")
    assert "save the page and add the file" in proc.stderr
    assert snapshot(seeds) == state


# --- the command line ----------------------------------------------------------------------------


def test_command_adds_and_says_what_is_missing(seeds):
    proc = run("add", str(PAGES / "blog.html"), "--seeds", str(seeds))
    assert proc.returncode == 0, proc.stderr
    assert "added " in proc.stdout and "published: 2021-03-12" in proc.stdout
    assert "outlet: (empty)" in proc.stdout
    assert proc.stderr.strip() == "costshare: outlet: not found; left empty; fill it in manifest.csv if you know it"
    again = run("add", str(PAGES / "blog.html"), "--seeds", str(seeds))
    assert_one_line_error(again, "the same text is already in")


def test_command_refuses_a_non_article(seeds):
    proc = run("add", str(PAGES / "no_main_text.html"), "--seeds", str(seeds))
    assert_one_line_error(proc, "no_main_text.html: the page has no main text")
    bad = run("add", str(PAGES / "blog.html"), "--seeds", str(seeds), "--timeout", "0")
    assert_one_line_error(bad, "--timeout")


def test_pages_in_legacy_encodings_and_the_same_text_in_another_encoding_is_a_duplicate(seeds, tmp_path):
    euc_kr = tmp_path / "korean_daily_euc_kr.html"
    page = (PAGES / "korean_daily.html").read_text(encoding="utf-8").replace('charset="utf-8"', 'charset="euc-kr"')
    euc_kr.write_bytes(page.encode("euc_kr"))
    sjis = tmp_path / "japanese_daily_no_charset.htm"
    sjis.write_bytes((PAGES / "japanese_daily.html").read_text(encoding="utf-8")
                     .replace('<meta charset="utf-8">', "").encode("shift_jis"))
    ko = add_article(str(euc_kr), seeds)
    ja = add_article(str(sjis), seeds)
    assert ko.path.read_text(encoding="utf-8").startswith("한미 방위비분담금 1조1833억원 합의\n")
    assert ja.path.read_text(encoding="utf-8").startswith("在日米軍駐留経費、5年で1兆551億円")
    assert [r["origin_language"] for r in manifest_rows(seeds)[-2:]] == ["ko", "ja"]
    with pytest.raises(DuplicateArticleError, match=ko.path.name):
        add_article(str(PAGES / "korean_daily.html"), seeds)
