"""``python -m costshare add SOURCE``: one article into seeds/, with its manifest row.

SOURCE is a saved web page (.html/.htm), a text file, or an http(s) URL. Fetching a URL is the one
network step of the product: it happens here and nowhere else (a render never fetches), with a
timeout, and fails with one line when the network is not there.

A page's main text, title and outlet come from trafilatura (boilerplate, navigation and sidebars
left out). The publication date is taken, in this order, from the page's metadata (meta tags,
JSON-LD, <time>), from a date in the URL, or from the latest full date the main text mentions, and
the manifest's ``date_basis`` says which. The language is detected (py3langid). A field nothing
supports is left empty and the command says so: nothing is invented.

Refused, with nothing written: a source that is empty, binary, too large, or a page with no main
text; a text whose hash matches an article already in the folder (the same text saved twice, even
with other line endings or trailing blanks).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from costshare import corpus, paths
from costshare.errors import InputError

#: Seconds to wait for a server: a scheduled run must not hang on a dead host.
FETCH_TIMEOUT = 20.0
#: Fewer visible characters than this is a stub, a paywall or a page of links, not an article.
MIN_TEXT_CHARS = 120
MANIFEST_HEADER = ("file", "published", "date_basis", "outlet", "title", "origin_language")
USER_AGENT = "costshare-add/1 (one article for a briefing)"


class AddError(InputError):
    """An article that cannot be added; nothing was written."""


class DuplicateArticleError(AddError):
    """The same text is already in the seeds folder."""


@dataclass
class Added:
    path: Path
    row: dict[str, str]
    notes: list[str] = field(default_factory=list)  # what was missing and left empty


@dataclass
class _Source:
    raw: bytes
    name: str  # the path or URL as the user gave it, for messages
    url: str | None  # the page's address, when known
    html: bool


def add_article(source: str, seeds_dir: str | Path = paths.SEEDS_DIR, *, timeout: float = FETCH_TIMEOUT) -> Added:
    """Add one article to ``seeds_dir``; raise AddError (nothing written) when it cannot be."""
    seeds = Path(seeds_dir)
    if not seeds.is_dir():
        raise AddError(f"{seeds}: seeds folder not found; create it or pass --seeds")
    src = _read_source(source, timeout)
    if not src.raw.strip():
        raise AddError(f"{src.name}: empty, not an article; nothing written")
    if src.html:
        text, meta = _from_page(src)
    else:
        text, meta = _from_text(src)
    text = _canonical_text(text)
    visible = len(re.sub(r"\s", "", text))
    if visible < MIN_TEXT_CHARS:
        what = "page has no main text" if src.html else "text is too short"
        raise AddError(
            f"{src.name}: the {what} ({visible} visible characters, at least {MIN_TEXT_CHARS} needed); "
            "not an article, nothing written"
        )
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = _existing_digests(seeds)
    if digest in existing:
        raise DuplicateArticleError(
            f"{src.name}: the same text is already in {seeds} as {existing[digest]}; nothing written"
        )

    published, basis = meta.pop("published"), meta.pop("date_basis")
    language = detect_language(text)
    name = f"{_next_index(seeds):03d}_{digest[:16]}.txt"
    row = {
        "file": name,
        "published": published.isoformat() if published else "",
        "date_basis": basis,
        "outlet": meta.get("outlet", ""),
        "title": meta.get("title", ""),
        "origin_language": language,
    }
    notes = [f"{k}: not found; left empty" for k in ("published", "outlet", "title", "origin_language") if not row[k]]
    _write(seeds, name, text, row)
    return Added(seeds / name, row, notes)


# --- reading the source ------------------------------------------------------------------------


def _read_source(source: str, timeout: float) -> _Source:
    scheme = urllib.parse.urlsplit(source).scheme.lower()
    if scheme in ("http", "https"):
        return _fetch(source, timeout)
    if scheme and len(scheme) > 1 and not Path(source).exists():
        raise AddError(f"{source}: only http and https addresses can be fetched; or save the page and add the file")
    path = Path(source)
    if not path.exists():
        raise AddError(f"{path}: no such file; give a saved page (.html), a text file or an http(s) URL")
    if not path.is_file():
        raise AddError(f"{path}: is a folder; give a saved page (.html), a text file or an http(s) URL")
    size = path.stat().st_size
    if size > corpus.MAX_ARTICLE_BYTES:
        raise AddError(f"{path}: {size / 1e6:.1f} MB is too large for a news article; nothing written")
    raw = path.read_bytes()
    html = path.suffix.lower() in (".html", ".htm", ".xhtml") or _looks_like_html(raw)
    return _Source(raw, str(path), None, html)


def _fetch(url: str, timeout: float) -> _Source:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,text/plain;q=0.9"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read(corpus.MAX_ARTICLE_BYTES + 1)
            final_url = response.geturl()
            ctype = response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        raise AddError(f"{url}: the server answered {exc.code} {exc.reason}; check the address") from None
    except (TimeoutError, OSError) as exc:  # URLError is an OSError; socket timeouts are TimeoutErrors
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError) or isinstance(exc, TimeoutError) or "timed out" in str(reason):
            why = f"no answer within {timeout:g} s"
        else:
            why = f"cannot connect ({reason})"
        raise AddError(
            f"{url}: {why}; check the address and the network, or save the page and add the file"
        ) from None
    if len(raw) > corpus.MAX_ARTICLE_BYTES:
        raise AddError(f"{url}: more than {corpus.MAX_ARTICLE_BYTES // (1024 * 1024)} MB, not a news article; nothing written")
    html = ctype in ("text/html", "application/xhtml+xml") or _looks_like_html(raw)
    if not html and not ctype.startswith("text/"):
        raise AddError(f"{url}: the server sent {ctype}, not a page or text; nothing written")
    return _Source(raw, url, final_url, html)


def _looks_like_html(raw: bytes) -> bool:
    head = raw[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]


# --- a page ------------------------------------------------------------------------------------


def _from_page(src: _Source) -> tuple[str, dict]:
    if b"\x00" in src.raw[:4096] and not src.raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise AddError(f"{src.name}: binary data, not a web page; nothing written")
    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(src.raw)
    if tree is None:
        raise AddError(f"{src.name}: cannot be read as a web page; nothing written")
    # the date's basis must be known, so the metadata is read before trafilatura prunes the tree
    meta_date = _metadata_date(tree)
    doc = trafilatura.bare_extraction(
        tree, url=src.url, with_metadata=True, include_comments=False, include_tables=True,
        favor_precision=True,
    )
    text = (doc.text or "") if doc is not None else ""
    title = _clean(doc.title) if doc is not None else ""
    outlet = _clean(doc.sitename) if doc is not None else ""
    if outlet and src.url and outlet == urllib.parse.urlsplit(src.url).hostname:
        outlet = ""  # trafilatura falls back to the host name: that names a server, not an outlet
    if title and text.startswith(title):
        text = text[len(title):].lstrip("\n")
    text = f"{title}\n{text}" if title else text
    page_url = src.url or (doc.url if doc is not None else None)  # a saved page names itself (canonical link)
    published, basis = meta_date if meta_date[0] else _url_date(page_url)
    if not published:
        published, basis = _text_date(text)
    return text, {"published": published, "date_basis": basis, "outlet": outlet, "title": title}


_META_DATE_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "date", "pubdate", "publishdate",
    "publish-date", "dc.date", "dc.date.issued", "dcterms.created", "sailthru.date", "parsely-pub-date",
    "article.published", "published_time", "cxenseparse:recs:publishtime",
)


def _metadata_date(tree) -> tuple[dt.date | None, str]:
    """The publication date the page's own metadata states, or (None, '')."""
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in _META_DATE_KEYS:
            day = _parse_date(meta.get("content") or "")
            if day:
                return day, f"page metadata: <meta {key}>"
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            for node in (item.get("@graph", [item]) if isinstance(item, dict) else []):
                day = _parse_date(str(node.get("datePublished", ""))) if isinstance(node, dict) else None
                if day:
                    return day, "page metadata: JSON-LD datePublished"
    for time_el in tree.iter("time"):
        if time_el.get("pubdate") is not None or (time_el.get("itemprop") or "").lower() == "datepublished":
            day = _parse_date(time_el.get("datetime") or "")
            if day:
                return day, "page metadata: <time pubdate>"
    return None, ""


_ISO_DAY = re.compile(r"((?:19|20)\d\d)-(\d\d)-(\d\d)")
_URL_DAY = re.compile(r"(?<!\d)((?:19|20)\d\d)[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?!\d)")


def _parse_date(value: str) -> dt.date | None:
    m = _ISO_DAY.search(value)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _url_date(url: str | None) -> tuple[dt.date | None, str]:
    if not url:
        return None, ""
    path = urllib.parse.urlsplit(url).path
    m = _URL_DAY.search(path)
    if not m:
        return None, ""
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), f"URL: {m.group(0)!r}"
    except ValueError:
        return None, ""


# --- a text file -------------------------------------------------------------------------------


def _from_text(src: _Source) -> tuple[str, dict]:
    try:
        text, _ = corpus.decode(Path(src.name), src.raw)
    except corpus.CorpusError as exc:
        raise AddError(f"{exc}; nothing written") from None
    text = text.lstrip("\ufeff")
    if corpus._looks_binary(text):
        raise AddError(f"{src.name}: binary data, not article text; nothing written")
    published, basis = _text_date(text)
    title = next((line.strip() for line in text.splitlines() if line.strip()), "")[:200]
    return text, {"published": published, "date_basis": basis, "outlet": "", "title": title}


def _text_date(text: str) -> tuple[dt.date | None, str]:
    published, cue = corpus.infer_published(text)
    if published is None:
        return None, "not found: no date in the page metadata, the URL or the text"
    return published, cue.replace("inferred from text", "text: latest full date it mentions")


# --- shared ------------------------------------------------------------------------------------


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language (py3langid); '' when the text has no letters."""
    if not re.search(r"\w", text):
        return ""
    import py3langid

    code, _ = py3langid.classify(text[:20000])
    return code


def _canonical_text(text: str) -> str:
    """The article as written to seeds/: Unix line ends, no trailing blanks, one final newline."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    body = "\n".join(lines).strip("\n")
    return body + "\n" if body else ""


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def _existing_digests(seeds: Path) -> dict[str, str]:
    """SHA-256 of every article's canonical text in the folder -> its file name."""
    out: dict[str, str] = {}
    if not seeds.is_dir():
        return out
    for p in sorted(seeds.iterdir()):
        if (p.is_symlink() or not p.is_file() or p.suffix.lower() not in corpus.ARTICLE_SUFFIXES
                or p.stat().st_size > corpus.MAX_ARTICLE_BYTES):
            continue
        try:
            text, _ = corpus.decode(p, p.read_bytes())
        except corpus.CorpusError:
            continue  # a broken file is the corpus's to report, not a duplicate
        digest = hashlib.sha256(_canonical_text(text.lstrip("\ufeff")).encode("utf-8")).hexdigest()
        out.setdefault(digest, p.name)
    return out


_INDEX = re.compile(r"^(\d+)_")


def _next_index(seeds: Path) -> int:
    numbers = [int(m.group(1)) for p in seeds.iterdir() if (m := _INDEX.match(p.name))]
    return max(numbers, default=-1) + 1


def _write(seeds: Path, name: str, text: str, row: dict[str, str]) -> None:
    """Write the article and append its row; on any failure remove what was written."""
    manifest = seeds / paths.MANIFEST_NAME
    header = list(MANIFEST_HEADER)
    prefix = ""
    if manifest.exists():
        current = manifest.read_bytes().decode("utf-8-sig")
        read = next(csv.reader(io.StringIO(current)), None)
        if read:
            header = read
            missing = [c for c in corpus.MANIFEST_COLUMNS if c not in header]
            if missing:
                raise AddError(f"{manifest}: missing column {missing[0]!r}; fix the header, nothing written")
        if current and not current.endswith("\n"):
            prefix = "\n"
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    if not manifest.exists() or manifest.stat().st_size == 0:
        writer.writeheader()
    writer.writerow({k: row.get(k, "") for k in header})
    target = seeds / name
    fd, tmp = tempfile.mkstemp(dir=seeds, prefix=".add-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, target)
        try:
            with open(manifest, "a", encoding="utf-8", newline="") as f:
                f.write(prefix + buf.getvalue())
        except OSError:
            target.unlink(missing_ok=True)
            raise
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def add_parser(sub) -> None:
    p = sub.add_parser("add", help="add an article (saved page, text file or URL) to the seeds folder")
    p.add_argument("source", help="a saved web page (.html/.htm), a text file, or an http(s) URL")
    p.add_argument("--seeds", default=str(paths.SEEDS_DIR), help="seeds folder (default: seeds/)")
    p.add_argument("--timeout", type=float, default=FETCH_TIMEOUT, help="seconds to wait for a URL (default 20)")
    p.set_defaults(func=_run)


def _run(args) -> int:
    import sys

    if args.timeout <= 0:
        raise AddError(f"--timeout: {args.timeout:g} must be a positive number of seconds")
    added = add_article(args.source, args.seeds, timeout=args.timeout)
    row = added.row
    print(f"added {paths.relative(added.path)}")
    print(f"  published: {row['published'] or '(empty)'}  [{row['date_basis']}]")
    for key in ("outlet", "title", "origin_language"):
        print(f"  {key}: {row[key] or '(empty)'}")
    for note in added.notes:
        print(f"costshare: {note}; fill it in {paths.MANIFEST_NAME} if you know it", file=sys.stderr)
    return 0
