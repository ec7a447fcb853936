"""Load a seeds folder into Articles: decoded text, manifest metadata, provenance hashes.

Users drop articles nobody has seen into seeds/, with or without a manifest row, in whatever
encoding their source used. Everything that can be read is read; everything that cannot gets a
one-line error naming the file and what to do.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from costshare import paths
from costshare.errors import CorpusError
from costshare.textnorm import NormText, normalize

#: A news article is tens of kilobytes; anything this large is a misplaced dump, not an article,
#: and would stall a scheduled render.
MAX_ARTICLE_BYTES = 5 * 1024 * 1024
MANIFEST_COLUMNS = ("file", "published", "outlet", "title", "origin_language")
#: Publication dates an article about US forces in Japan and Korea can have: from the first
#: occupation year to well past any agreement on record. Outside it a date is a typo (year 1,
#: 9999) that would only break the period arithmetic later. The end is params.MAX_YEAR.
PUBLISHED_YEARS = (1945, 2035)
#: Encodings seen in Korean and Japanese news copy, tried after UTF-8.
CANDIDATE_ENCODINGS = ["cp949", "euc_kr", "shift_jis", "cp932", "euc_jp", "utf_16", "cp1252"]
NOT_ARTICLES = {paths.MANIFEST_NAME.lower(), "readme.md", "readme.txt", "readme"}
#: What an article file is: plain text, as the README says and ``costshare add`` writes. Anything
#: else in the folder (an editor's backup ``a.txt~`` or ``a.orig``, a picture, a PDF) is skipped
#: and listed in a warning, so a stray file neither doubles claims nor stops a render.
ARTICLE_SUFFIXES = (".txt",)


class SkippedFilesWarning(UserWarning):
    """Files in a seeds folder that are not articles; they were not read."""


@dataclass(frozen=True)
class Article:
    id: str  # the file name, unique within a seeds folder
    text: str  # as decoded (BOM removed); claim offsets index into this
    published: dt.date | None
    published_basis: str  # 'manifest', 'inferred: ...', or 'unknown: ...'
    outlet: str
    title: str
    origin_language: str
    sha256: str  # of the file's bytes
    encoding: str
    in_manifest: bool
    norm: NormText = field(repr=False, compare=False, default=None)  # type: ignore[assignment]

    @property
    def n_chars(self) -> int:
        return len(self.text)


def load_corpus(seeds_dir: str | Path) -> list[Article]:
    """All articles of a seeds folder, sorted by file name."""
    seeds = Path(seeds_dir)
    files = article_files(seeds)
    manifest = read_manifest(seeds)
    names = {p.name for p in files}
    for name, row in manifest.items():
        if name not in names:
            raise CorpusError(
                f"{seeds / paths.MANIFEST_NAME} row {row['_row']}: file {name!r} is not in the "
                "seeds folder; add the file or remove the row"
            )
    return [_load_article(p, manifest.get(p.name)) for p in files]


def article_files(seeds: Path, warn: bool = True) -> list[Path]:
    """The article files of a seeds folder, sorted by name. Only regular files inside the folder
    are read: a symbolic link is refused (it could point at any file on the machine, whose text
    would then be published); files that are not articles are skipped with a warning."""
    if not seeds.exists():
        raise CorpusError(f"{seeds}: seeds folder not found; create it or pass --seeds/seeds_dir")
    if not seeds.is_dir():
        raise CorpusError(f"{seeds}: is a file, not a seeds folder")
    files, skipped = [], []
    for p in sorted(seeds.iterdir()):
        if p.is_symlink():
            raise CorpusError(f"{p}: is a symbolic link; seeds are read only from regular files in "
                              "the seeds folder: copy the article there or remove the link")
        if p.name.startswith(".") or p.name.lower() in NOT_ARTICLES:
            continue
        if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file():
            files.append(p)
        else:
            skipped.append(p.name)
    if skipped and warn:
        import warnings

        listed = ", ".join(repr(n) for n in skipped[:5]) + (f" and {len(skipped) - 5} more" if len(skipped) > 5 else "")
        warnings.warn(f"{seeds}: skipped {len(skipped)} file{'s' if len(skipped) > 1 else ''} that "
                      f"{'are' if len(skipped) > 1 else 'is'} not an article ({', '.join(ARTICLE_SUFFIXES)}): {listed}",
                      SkippedFilesWarning, stacklevel=3)
    if not files:
        raise CorpusError(f"{seeds}: no articles found; add .txt articles (and manifest.csv rows)")
    return files


def read_manifest(seeds: Path) -> dict[str, dict[str, str]]:
    """manifest.csv rows by file name; an absent manifest is allowed (dates are then inferred)."""
    path = seeds / paths.MANIFEST_NAME
    if not path.exists() and not path.is_symlink():
        return {}
    raw = _read_regular(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CorpusError(f"{path}: not UTF-8 text; save the manifest as UTF-8 CSV") from None
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in MANIFEST_COLUMNS if c not in header]
    if missing:
        raise CorpusError(
            f"{path}: missing column {missing[0]!r}; the header must have {', '.join(MANIFEST_COLUMNS)}"
        )
    rows: dict[str, dict[str, str]] = {}
    for n, row in enumerate(reader, start=2):  # row 1 is the header
        if None in row or any(v is None for v in row.values()):
            raise CorpusError(f"{path} row {n}: wrong number of fields; quote values that contain commas")
        name = (row["file"] or "").strip()
        if not name:
            raise CorpusError(f"{path} row {n}: empty file name")
        if "/" in name or "\\" in name or name.startswith("."):
            raise CorpusError(f"{path} row {n}: file {name!r} must be a plain file name in the seeds folder")
        if name in rows:
            raise CorpusError(
                f"{path} row {n}: file {name!r} is listed twice (first at row {rows[name]['_row']}); keep one row"
            )
        published = (row["published"] or "").strip()
        if published:
            try:
                day = dt.date.fromisoformat(published)
            except ValueError:
                raise CorpusError(
                    f"{path} row {n}, column published: {published[:40]!r} is not a date; write YYYY-MM-DD or leave it empty"
                ) from None
            if not PUBLISHED_YEARS[0] <= day.year <= PUBLISHED_YEARS[1]:
                raise CorpusError(
                    f"{path} row {n}, column published: {published} is outside {PUBLISHED_YEARS[0]}-"
                    f"{PUBLISHED_YEARS[1]}; write the article's publication date or leave it empty"
                )
        rows[name] = {**{k: (v or "").strip() for k, v in row.items()}, "_row": str(n)}
    return rows


def decode(path: Path, raw: bytes) -> tuple[str, str]:
    """Text and encoding name of an article file, or a CorpusError for binary/undecodable data."""
    if not raw.strip():
        raise CorpusError(f"{path}: empty file; remove it or paste the article text into it")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf_16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw[:4096]:
        raise CorpusError(f"{path}: binary file, not article text; remove it or save the article as .txt")
    try:
        return raw.decode("utf-8-sig"), "utf_8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=CANDIDATE_ENCODINGS).best()
    if best is None or _looks_binary(str(best)):
        raise CorpusError(
            f"{path}: cannot decode as text (not UTF-8, CP949/EUC-KR or Shift-JIS); re-save it as UTF-8"
        )
    text = str(best)
    if not _CJK.search(text):
        # A Western file with a stray byte (0xA5 = yen sign in cp1252) also decodes as Shift-JIS;
        # without any Korean or Japanese in the result, the Western reading is the plausible one.
        try:
            return raw.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return text, best.encoding


_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]")


def _looks_binary(text: str) -> bool:
    control = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t\f")
    return control > max(2, len(text[:4096]) // 100)


def _load_article(path: Path, row: dict[str, str] | None) -> Article:
    raw = _read_regular(path)
    text, encoding = decode(path, raw)
    if text.startswith("\ufeff"):
        text = text[1:]
    if _looks_binary(text):
        raise CorpusError(f"{path}: binary file, not article text; remove it or save the article as .txt")
    norm = normalize(text)
    if row is not None and row.get("published"):
        published: dt.date | None = dt.date.fromisoformat(row["published"])
        basis = "manifest"
    else:
        published, basis = infer_published(norm.text)
    return Article(
        id=path.name,
        text=text,
        published=published,
        published_basis=basis,
        outlet=(row or {}).get("outlet") or "unknown",
        title=(row or {}).get("title") or _first_line(text),
        origin_language=(row or {}).get("origin_language") or guess_language(text),
        sha256=hashlib.sha256(raw).hexdigest(),
        encoding=encoding,
        in_manifest=row is not None,
        norm=norm,
    )


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file in the seeds folder, refusing a symbolic link even if one
    replaced the file since the folder was listed (O_NOFOLLOW), and a file over the size limit."""
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if path.is_symlink():
            raise CorpusError(f"{path}: is a symbolic link; seeds are read only from regular files in "
                              "the seeds folder: copy the file there or remove the link") from None
        raise CorpusError(f"{path}: cannot be read ({exc.strerror}); check its permissions") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise CorpusError(f"{path}: is not a regular file; remove it from the seeds folder")
        if st.st_size > MAX_ARTICLE_BYTES:
            raise CorpusError(
                f"{path}: {st.st_size / 1e6:.1f} MB is too large for a news article "
                f"(limit {MAX_ARTICLE_BYTES // (1024 * 1024)} MB); split it or remove it"
            )
        return fh.read(MAX_ARTICLE_BYTES + 1)


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""


def guess_language(text: str) -> str:
    hangul = len(re.findall(r"[\uac00-\ud7a3]", text))
    kana = len(re.findall(r"[\u3040-\u30ff]", text))
    han = len(re.findall(r"[\u4e00-\u9fff]", text))
    letters = max(1, len(re.findall(r"\w", text)))
    if hangul / letters > 0.2:
        return "ko"
    if (kana + han) / letters > 0.2:
        return "ja" if kana else "zh"
    return "en"


_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_MONTH_RE = r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>0?[1-9]|1[0-2])-(?P<d>0?[1-9]|[12]\d|3[01])\b"),
    re.compile(_MONTH_RE + r"\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b", re.I),
    re.compile(r"\b(?P<d>[0-3]?\d)\s+" + _MONTH_RE + r",?\s+(?P<y>(?:19|20)\d\d)\b", re.I),
    re.compile(r"(?P<y>(?:19|20)\d\d)\s*(?:년|年)\s*(?P<m>1[0-2]|0?[1-9])\s*(?:월|月)\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*(?:일|日)"),
]


def infer_published(text: str) -> tuple[dt.date | None, str]:
    """A publication date for an article without a manifest date: the latest full date the text
    mentions (an article is published on or after every date it reports). Says which cue it used,
    or that there was none."""
    found: list[tuple[dt.date, str]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            g = m.groupdict()
            month = int(g["m"]) if g.get("m") else _MONTHS[g["mon"].lower().rstrip(".")]
            if not PUBLISHED_YEARS[0] <= int(g["y"]) <= PUBLISHED_YEARS[1]:
                continue
            try:
                found.append((dt.date(int(g["y"]), month, int(g["d"])), m.group(0)))
            except ValueError:
                continue
    if not found:
        return None, "unknown: no manifest row, no date in the text"
    day, cue = max(found)
    # short enough for a table cell; the README says the latest full date in the text is used
    return day, f"inferred from text: {cue.strip()!r}"
