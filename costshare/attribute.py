"""Say whose burden a claim is, what kind of number it is, and which period it speaks of.

Each decision keeps the cue that made it (``Claim.cues``), so a reader of the claims table can
see why "2017 billion yen" became Japan / annual / FY2021: "country: 'Japan' in sentence; kind:
'contribution'; period: 'this year' (published 2021-01-31)".

Japan's fiscal year N runs from April N to March N+1 and is written FY N; Korea's SMA years are
calendar years. Relative phrases resolve against the article's publication date.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterable, Mapping

from costshare.corpus import Article
from costshare.extract import Claim

JAPAN, KOREA = "Japan", "South Korea"
KINDS = ("annual", "total", "demand", "increase_pct", "troops", "term", "other")

_COUNTRY_PATTERNS = [
    # case-insensitive: headlines are often in capitals ("SOUTH KOREA TO PAY $1BN")
    (JAPAN, re.compile(r"\b(?:Japan(?:ese)?|Tokyo|USFJ|Okinawa|Yokosuka|Iwakuni)\b|일본|日本|주일미군|在日米軍", re.I)),
    (KOREA, re.compile(r"(?<!North )(?<!N\. )\b(?:South\s+Korea(?:n)?|Korea(?:n)?(?![\s-]*(?:Peninsula|War)\b)|Seoul|ROK|USFK)\b|한국|韓国|주한미군|在韓米軍", re.I)),
]
_NORTH_KOREA = re.compile(r"\bNorth\s+Korea(?:n)?|\bPyongyang\b|\bDPRK\b", re.I)

_DEMAND = re.compile(r"\b(?:demand\w*|ask\w*|request\w*|seek\w*|sought|want\w*|press\w*|pressure\w*|call(?:s|ed)? for|insist\w*|push\w* for)\b", re.I)
_PAY = re.compile(r"\b(?:pays?|payments?|paid|paying|spend\w*|contribut\w*|burden|share|budget\w*|chips? in|covers?|host[- ]nation support|cost[- ]sharing|SMA|amount\w*|allocat\w*)\b|분담금|부담|思いやり予算|負担", re.I)
_PER_YEAR = re.compile(r"\b(?:a|per|each)\s+year\b|\bannual(?:ly)?\b|\byearly\b|/yr\b|\bthis year'?s?\b|\blast year'?s?\b|\bfiscal\s+(?:year\s+)?\d{4}\b(?!\s*[-–—/]\s*\d)|\bFY\s?\d{4}\b(?!\s*[-–—/]\s*(?:FY)?\d)", re.I)
_PER_YEAR_WORDS = re.compile(r"\b(?:a|per|each)\s+year\b|\bannual(?:ly)?\b|\byearly\b|/yr\b|매년|毎年|年間平均|연간", re.I)
_TOTAL = re.compile(
    r"\b(?:in total|totals?|in all|over (?:the )?(?:next )?(?:\w+ |\d+ )?(?:fiscal )?years|for the (?:\w+|\d+) (?:fiscal )?years"
    r"|(?:\w+|\d+)-year total|combined|cumulative|all told)\b|\d+\s?年間|\d+\s?년간", re.I)
_NOT_BURDEN = re.compile(
    r"\b(?:defen[cs]e budget|military budget|defen[cs]e spending|national defen[cs]e|Olympic\w*|Paralympic\w*|"
    r"COVID\w*|coronavirus|virus|vaccin\w*|infection\w*|GDP|stimulus|tariff\w*|trade deficit|Guam relocation)\b",
    re.I,
)
_INCREASE = re.compile(r"\b(?:increase\w*|rise|rose|raise\w*|hike\w*|up|grow\w*|growth|jump\w*|higher|boost\w*|more\s+than)\b|증가|인상|増", re.I)
_DECREASE = re.compile(r"\b(?:cut\w*|decrease\w*|reduc\w*|fall|fell|drop\w*|lower\w*|down|less\s+than)\b|감소|削減|減", re.I)
_TROOP_NOUN = re.compile(r"troops|soldiers|personnel|service|Marine|sailors|airmen|forces|servicemen|명", re.I)
_TROOP_MOVE = re.compile(r"\b(?:relocat\w*|mov(?:e|ing)\w*|transfer\w*|withdraw\w*|redeploy\w*|cut\w*|reduc\w*)\b", re.I)
_ALTERNATIVE = re.compile(r"(?:instead of|rather than|unlike|the usual|usual|every|planned for)\s+(?:a\s+|the\s+)?(?:usual\s+)?(?:\w+\s+)?$", re.I)
_EXPIRES_NEXT_MARCH = re.compile(r"\b(?:expire\w*|end\w*|run\w* out)\b[^.]*?\b(?:next March|March next year|in March)\b", re.I)
_THROUGH = re.compile(r"\b(?:through|until|till|to)\s+(?:fiscal\s+(?:year\s+)?|FY\s?)?(?P<y>20\d\d)\b", re.I)
_FY = re.compile(r"\b(?:fiscal\s+(?:year\s+)?|FY\s?|JFY\s?)(?P<y>(?:19|20)\d\d)\b|(?P<y2>(?:19|20)\d\d)\s*(?:fiscal year|年度|회계연도)|\bFY\s?(?P<y3>\d\d)\b", re.I)
_YEAR = re.compile(r"(?<![\d.,/-])(?P<y>(?:199|20[0-3])\d)(?![\d,.]*\s*(?:billion|trillion|million|yen|won|dollars|억|조))(?!-\d)")
_RELATIVE = re.compile(r"\b(?P<w>this|last|next|the previous|the coming|the current)\s+(?:fiscal\s+)?year'?s?\b|올해|작년|지난해|전년|내년|今年度?|昨年度?|前年度?|来年度?", re.I)
_RELATIVE_OFFSET = {"this": 0, "the current": 0, "last": -1, "the previous": -1, "next": 1, "the coming": 1,
                    "올해": 0, "작년": -1, "지난해": -1, "전년": -1, "내년": 1, "前年": -1, "前年度": -1, "今年": 0, "今年度": 0, "昨年": -1, "昨年度": -1, "来年": 1, "来年度": 1}
_NEGATED = re.compile(r"\b(?:unlikely|not|never|no longer|won't|cannot|can't)\b", re.I)
_FROM = re.compile(r"\b(?:from|starting(?: in)?|beginning(?: in)?)\s+(?:fiscal\s+(?:year\s+)?|FY\s?)?(?P<y>20\d\d)\b", re.I)
_PAST_DEAL = re.compile(r"\b(?:previously|reached|signed|concluded|had agreed)\b", re.I)
_NEW_DEAL = re.compile(r"\b(?:new|fresh|replacement|revised|next|tentative|provisional|temporar\w*|extension|extend\w*)\b", re.I)
_ORDINAL_SMA = re.compile(r"\b(?P<n>\d{1,2})(?:st|nd|rd|th)\b[^.]{0,40}?\b(?:SMA|agreement|special measures)", re.I)


def fiscal_year_of(day: dt.date) -> int:
    """Japan's fiscal year containing a date (FY2020 = 2020-04-01 .. 2021-03-31)."""
    return day.year if day.month >= 4 else day.year - 1


def _fmt(country: str, start: int, end: int | None = None) -> str:
    end = start if end is None else end
    if country == JAPAN:
        return f"FY{start}" if start == end else f"FY{start}-FY{end}"
    return str(start) if start == end else f"{start}-{end}"


class _Context:
    """What attribution needs of one article: its sentences and their country mentions."""

    def __init__(self, article: Article, claims: list[Claim]):
        from costshare.extract import split_sentences

        self.article = article
        self.text = article.norm.text
        self.sentences = split_sentences(self.text)
        self.mentions = [self._mentions(s.start, s.end) for s in self.sentences]
        counts: dict[str, int] = {}
        for ms in self.mentions:
            for _, c, _ in ms:
                counts[c] = counts.get(c, 0) + 1
        self.dominant = max(sorted(counts), key=counts.get) if counts else ""
        self.claims = claims

    def _mentions(self, start: int, end: int) -> list[tuple[int, str, str]]:
        chunk = self.text[start:end]
        north = [(m.start(), m.end()) for m in _NORTH_KOREA.finditer(chunk)]
        out = []
        for country, pattern in _COUNTRY_PATTERNS:
            for m in pattern.finditer(chunk):
                if any(a <= m.start() < b for a, b in north):
                    continue
                out.append((start + m.start(), country, m.group(0)))
        return sorted(out)

    def sentence(self, c: Claim) -> str:
        return self.sentences[c._sent].text if self.sentences else ""

    def sentence_raw(self, c: Claim) -> tuple[int, str]:
        s = self.sentences[c._sent]
        return s.start, self.text[s.start: s.end]


def attribute_article(article: Article, claims: list[Claim], agreements: Iterable[Mapping] = ()) -> list[Claim]:
    """Fill country, kind, period and cues of one article's claims, in place; returns them."""
    ctx = _Context(article, claims)
    by_id = {c.id: c for c in claims}
    agreements = list(agreements)
    # terms first: an amount takes the span of the deal its sentence describes, wherever it stands
    for c in sorted(claims, key=lambda c: c.unit != "years"):
        primary = by_id.get(c.restates)
        if primary is not None:
            c.country, c.kind, c.period = primary.country, primary.kind, primary.period
            c.cues = f"restates {primary.surface!r}: same country, kind and period"
            continue
        country, country_cue = _country(ctx, c)
        c.country = country
        kind, kind_cue = _kind(ctx, c)
        c.kind = kind
        period, period_cue = _period(ctx, c, agreements)
        c.period = period
        c.cues = "; ".join(x for x in (country_cue, kind_cue, period_cue) if x)
    return claims


def _country(ctx: _Context, c: Claim) -> tuple[str, str]:
    mentions = ctx.mentions[c._sent] if ctx.sentences else []
    before = [m for m in mentions if m[0] < c._nstart]
    after = [m for m in mentions if m[0] >= c._nend]
    if before:
        pos, country, word = before[-1]
        # "Korea-US SMA ..., the US-Japan SMA is updated every five years": the nearest mention wins
        return country, f"country: {word!r} before it in the sentence"
    if after:
        pos, country, word = after[0]
        return country, f"country: {word!r} after it in the sentence"
    # Outside the sentence: the sentence before (a noun, not "Korean negotiator"), then the
    # currency, then what the article is mostly about, then earlier sentences.
    if c._sent > 0:
        nouns = [m for m in ctx.mentions[c._sent - 1] if not _ADJECTIVE.fullmatch(m[2])]
        if nouns:
            return nouns[-1][1], f"country: {nouns[-1][2]!r} in the sentence before"
    if c.unit == "JPY":
        return JAPAN, "country: amount in yen"
    if c.unit == "KRW":
        return KOREA, "country: amount in won"
    if ctx.dominant:
        return ctx.dominant, f"country: the article is mostly about {ctx.dominant}"
    return "", "country: no cue"


_ADJECTIVE = re.compile(r"Japanese|Korean|South Korean", re.I)


def _kind(ctx: _Context, c: Claim) -> tuple[str, str]:
    sentence = ctx.sentence(c)
    if c.unit == "years":
        return "term", "kind: agreement term"
    if c.unit == "personnel":
        local = ctx.text[c._nstart: c._nend]
        if not _TROOP_NOUN.search(local) or re.search(r"employees|workers", local, re.I):
            return "other", "kind: people who are not US troops"
        if _TROOP_MOVE.search(sentence):
            m = _TROOP_MOVE.search(sentence)
            return "other", f"kind: troops being {m.group(0)!r}, not the force level"
        return "troops", "kind: US personnel stationed"
    if c.unit in ("percent", "percentage points"):
        window = ctx.text[max(0, c._nstart - 40): c._nend + 40]
        m = _INCREASE.search(window) or _DECREASE.search(window)
        if m:
            if _DECREASE.search(window) and not _INCREASE.search(window) and c.value > 0:
                c.value = -c.value  # "an 8.9% cut" is a change of -8.9%
            return "increase_pct", f"kind: {m.group(0)!r} near the percentage"
        return "other", "kind: a share, not a change"
    if _NOT_BURDEN.search(sentence):
        m = _NOT_BURDEN.search(sentence)
        return "other", f"kind: {m.group(0)!r} is not host-nation support"
    if c.unit == "ratio":
        if _DEMAND.search(sentence) or (c._sent > 0 and _DEMAND.search(ctx.sentences[c._sent - 1].text)):
            return "demand", "kind: multiple of the current level in a demand"
        return "other", "kind: a multiple"
    if c.unit not in ("USD", "JPY", "KRW"):
        return "other", f"kind: {c.unit} is not a currency of these agreements"
    if not c.country:
        return "other", "kind: no paying country"
    demand = _DEMAND.search(sentence)
    if demand:
        return "demand", f"kind: {demand.group(0)!r}"
    if c._sent > 0 and not _PAY.search(sentence.replace("amounted", "")):
        prev = _DEMAND.search(ctx.sentences[c._sent - 1].text)
        if prev:
            return "demand", f"kind: {prev.group(0)!r} in the sentence before"
    per_year = _nearest(_PER_YEAR, ctx, c)
    total = _nearest(_TOTAL, ctx, c)
    if not total and not _nearest(_PER_YEAR_WORDS, ctx, c) and c.country:
        span = _span(ctx.sentence_raw(c)[1], c.country)
        if span:
            # "¥1.06 trillion in FY2022-FY2026" with no "a year": the amount covers the span
            return "total", f"kind: {span[1].removeprefix('period: ')} with no per-year word"
    if total and (not per_year or total[0] < per_year[0]):
        return "total", f"kind: {total[1]!r}"
    if per_year:
        return "annual", f"kind: {per_year[1]!r}"
    pay = _PAY.search(sentence)
    if pay:
        return "annual", f"kind: {pay.group(0)!r}"
    if len(sentence) < 80:
        # a list item or table row ("- FY2019: ¥197.4 billion") takes its meaning from the heading
        for back in range(1, 5):
            i = c._sent - back
            if i < 0:
                break
            heading = ctx.sentences[i].text
            cue = _PAY.search(heading) or _PER_YEAR.search(heading)
            if cue:
                return "annual", f"kind: {cue.group(0)!r} in the heading {back} line{'s' if back > 1 else ''} above"
            if len(heading) >= 80:
                break
    return "other", "kind: no burden cue"


def _changed_amount(ctx: _Context, c: Claim) -> Claim | None:
    """The amount a stated change describes: "1.52 trillion won in 2026, up 8.3% from ...": the
    money claim before it in its sentence that is not the base ("から", "from")."""
    text = ctx.text
    for m in reversed([m for m in ctx.claims if m._sent == c._sent and m._nend <= c._nstart]):
        if m.unit in ("USD", "JPY", "KRW") and not m.restates and m.period and m.country == c.country:
            if re.match(r"\s*(?:から|より|보다|에서|대비)", text[m._nend: m._nend + 4]):
                continue
            return m
    return None


def _nearest(pattern: re.Pattern, ctx: _Context, c: Claim) -> tuple[int, str] | None:
    """The match of a cue nearest to the claim in its sentence: (distance, text). A cue with
    another amount between it and the claim belongs to that amount ("1,055.1 billion yen, or
    about 211 billion yen a year": "a year" is the 211's)."""
    s_start, raw = ctx.sentence_raw(c)
    # "211 billion yen ($1.85 billion) a year": the cue follows the restatement, not the amount
    tail = max([c._nend] + [r._nend for r in ctx.claims if r.restates == c.id]) - s_start
    at, end = c._nstart - s_start, tail
    others = [(o._nstart - s_start, o._nend - s_start) for o in ctx.claims
              if o._sent == c._sent and o is not c and o.restates != c.id and o.unit in ("USD", "JPY", "KRW")]
    best = None
    for m in pattern.finditer(raw):
        lo, hi = (end, m.start()) if m.start() >= end else (m.end(), at)
        if any(lo <= a and b <= hi for a, b in others):
            continue
        d = m.start() - end if m.start() >= end else at - m.end() if m.end() <= at else 0
        if best is None or d < best[0]:
            best = (max(d, 0), m.group(0))
    return best


def _period(ctx: _Context, c: Claim, agreements: list[Mapping]) -> tuple[str, str]:
    published = ctx.article.published
    country = c.country
    s_start, raw = ctx.sentence_raw(c)
    at = c._nstart - s_start
    if c.kind == "term":
        return _term_period(ctx, c, raw, at, agreements)
    if c.kind == "troops":
        if published:
            return str(published.year), f"period: troop level at publication ({published.isoformat()})"
        return "", "period: no publication date"
    if c.kind not in ("annual", "total", "demand", "increase_pct"):
        return "", ""
    if c.kind == "increase_pct":
        new = _changed_amount(ctx, c)
        if new is not None:
            return new.period, f"period: that of {new.surface!r}, the amount it changes"
    own = _OWN_YEAR.match(raw, max([c._nend] + [r._nend for r in ctx.claims if r.restates == c.id]) - s_start)
    if own and c.kind in ("annual", "total", "demand") and country:
        # "1.04 trillion won in 2020": the year right after an amount is its year
        fiscal = bool(own.group("fy")) or country == JAPAN
        return _fmt(JAPAN if fiscal and country == JAPAN else country, int(own.group("y"))), f"period: {own.group(0).strip()!r}"
    deal = next((t for t in ctx.claims if t._sent == c._sent and t.kind == "term" and t.period
                 and t.country == country), None)
    if deal is not None and c.kind in ("annual", "total"):
        # "a new five-year deal from 2022 ... 1,055.1 billion yen in total, 211 billion yen a year"
        return deal.period, f"period: the {deal.surface!r} deal in the sentence ({deal.period})"
    span = _span(raw, country) if c.kind in ("annual", "total") and country else None
    if span:
        return span
    through = _THROUGH.search(raw)
    if through and c.kind == "annual" and published and country:
        # "the contract, which runs through 2026, requires ... a year": a per-year amount over the
        # span from the (fiscal) year under way or about to begin
        end = int(through.group("y"))
        start = published.year if (country == JAPAN and published.month <= 3) else (
            fiscal_year_of(published) if country == JAPAN else published.year)
        if start <= end:
            return _fmt(country, start, end), f"period: {through.group(0)!r}, from the year of publication"
    end = at + (c._nend - c._nstart)
    explicit = _explicit_year(raw, at, end, country, _year_owners(ctx, c, s_start, raw))
    if c.kind == "demand":
        # a demand's year is stated or unknown; "a memoir published last year" dates the book
        return explicit[1:] if explicit else ("", "period: no year stated for the demand")
    relative = _relative_year(raw, at, end, c, published)
    candidates = [x for x in (explicit, relative) if x]
    if candidates:
        # "1.52 trillion won in 2026, up 8.3% from 1.40 trillion won due next year": nearest wins
        _, period, cue = min(candidates, key=lambda x: x[0])
        return period, cue
    if c.kind in ("annual", "total") and c._sent > 0:
        earlier = next((t for t in ctx.claims if t._sent == c._sent - 1 and t.kind == "term" and t.period
                        and t.country == country), None)
        if earlier is not None:
            return earlier.period, f"period: the {earlier.surface!r} deal in the sentence before ({earlier.period})"
    if c.kind == "annual" and published and country:
        fy = fiscal_year_of(published) if country == JAPAN else published.year
        return _fmt(country, fy), f"period: present tense at publication ({published.isoformat()})"
    if published is None:
        return "", "period: no year in the sentence and no publication date"
    return "", "period: no year cue"


_SPANS = [
    # FY2022-FY2026, fiscal 2022-2026, 2022-26, 2022–2026
    re.compile(r"\b(?:FY\s?|fiscal\s+(?:years?\s+)?)?(?P<a>(?:19|20)\d\d)\s*[-–—/]\s*(?:FY\s?)?(?P<b>(?:19|20)?\d\d)\b(?!-\d)", re.I),
    # from April 2022 to March 2027
    re.compile(r"\bfrom\s+(?:(?P<am>April|January)\s+)?(?P<a>(?:19|20)\d\d)\s+(?:to|through|until)\s+(?:(?P<bm>March|December)\s+)?(?P<b>(?:19|20)\d\d)\b", re.I),
    # 2022年度から5年間, 2026년부터 5년간
    re.compile(r"(?P<a>(?:19|20)\d\d)\s*(?:年度?|년)\s*(?:から|부터)\s*(?P<n>\d+)\s*(?:年間|년간)"),
    # over the five years through fiscal 2026
    re.compile(r"\b(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten)[- ]years?\b[^.;]{0,30}?\b(?:through|until|to)\s+(?:fiscal\s+(?:year\s+)?|FY\s?)?(?P<b>(?:19|20)\d\d)\b", re.I),
]
_WORD_N = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


def _span(raw: str, country: str) -> tuple[str, str] | None:
    """A multi-year period the sentence states, as (period, cue), or None."""
    for pattern in _SPANS:
        for m in pattern.finditer(raw):
            g = m.groupdict()
            n = g.get("n")
            years = int(n) if n and n.isdigit() else _WORD_N.get((n or "").lower())
            if g.get("a") is None:
                b = int(g["b"])
                a = b - years + 1
            else:
                a = int(g["a"])
                if g.get("b"):
                    b = int(g["b"]) if len(g["b"]) == 4 else a // 100 * 100 + int(g["b"])
                    if country == JAPAN and (g.get("bm") or "").lower() == "march":
                        b -= 1  # April 2022 to March 2027 is FY2022-FY2026
                else:
                    b = a + years - 1
            if a < b <= a + 30:
                return _fmt(country, a, b), f"period: {m.group(0)!r}"
    return None


def _distance(m: re.Match, at: int, end: int) -> int:
    return m.start() - end if m.start() >= end else max(at - m.end(), 0)


def _owned_by_other(m: re.Match, owner: dict[int, bool]) -> bool:
    """A year standing right after another amount ("1.04 trillion won in 2020") is that amount's."""
    return owner.get(m.start(), False)


def _year_owners(ctx: "_Context", c: Claim, s_start: int, raw: str) -> dict[int, bool]:
    """Start offsets (within the sentence) of years that directly follow a money claim, mapped to
    whether that claim is another one than ``c``."""
    owners: dict[int, bool] = {}
    for o in ctx.claims:
        if o._sent != c._sent or o.unit not in ("USD", "JPY", "KRW") or o.restates:
            continue
        tail = max([o._nend] + [r._nend for r in ctx.claims if r.restates == o.id]) - s_start
        m = _OWN_YEAR.match(raw, tail)
        if m:
            owners[m.start("y")] = o is not c
            owners[m.start("y") - len(m.group("fy") or "")] = o is not c
    return owners


_OWN_YEAR = re.compile(r"\s*(?:in|for|during)\s+(?P<fy>fiscal\s+(?:year\s+)?|FY\s?)?(?P<y>(?:19|20)\d\d)\b(?!\s*[-–—/]\s*(?:FY\s?)?\d)", re.I)


def _explicit_year(raw: str, at: int, end: int, country: str, raw_owner: dict[int, bool] | None = None) -> tuple[int, str, str] | None:
    raw_owner = raw_owner or {}
    best = None
    for m in _FY.finditer(raw):
        y = int(m.group("y") or m.group("y2") or 2000 + int(m.group("y3")))
        if _owned_by_other(m, raw_owner):
            continue
        d = _distance(m, at, end)
        if best is None or d < best[0]:
            best = (d, _fmt(JAPAN if country == JAPAN or not country else country, y), m.group(0))
    if best:
        return best[0], best[1], f"period: {best[2]!r}"
    for m in _YEAR.finditer(raw):
        # a year inside the claim's own surface ("2017 billion yen") is not a period cue
        if at <= m.start() < at + 20 and raw[m.end(): m.end() + 12].lstrip().lower().startswith(("billion", "trillion", "million")):
            continue
        if _owned_by_other(m, raw_owner):
            continue
        d = _distance(m, at, end)
        y = int(m.group("y"))
        if best is None or d < best[0]:
            best = (d, _fmt(country, y), m.group(0))
    if best:
        return best[0], best[1], f"period: {best[2]!r} in the sentence"
    return None


def _relative_year(raw: str, at: int, end: int, c: Claim, published: dt.date | None) -> tuple[int, str, str] | None:
    matches = list(_RELATIVE.finditer(raw))
    if not matches:
        return None
    m = min(matches, key=lambda m: _distance(m, at, end))
    distance = _distance(m, at, end)
    if published is None:
        return distance, "", "period: relative year but no publication date"
    if c.kind == "increase_pct":
        # "a 1.2% increase from last year's share": the change is of this year over last year
        return distance, _fmt(c.country, published.year), f"period: change to the year of publication ({published.isoformat()})"
    word = (m.group("w") or m.group(0)).lower()
    offset = _RELATIVE_OFFSET.get(word, 0)
    # Japanese budgets are named by the year they begin in: "this year's contribution" in
    # January 2021 is the FY2021 budget, the one under negotiation.
    return distance, _fmt(c.country, published.year + offset), f"period: {m.group(0)!r} (published {published.isoformat()})"


def _term_period(ctx: _Context, c: Claim, raw: str, at: int, agreements: list[Mapping]) -> tuple[str, str]:
    published = ctx.article.published
    years = int(c.value)
    alt = _ALTERNATIVE.search(raw[:at])
    if alt:
        return "", f"period: {alt.group(0).strip()!r}: a term not agreed"
    negated = _NEGATED.search(raw[max(0, at - 60): at])
    if negated:
        return "", f"period: {negated.group(0)!r}: a term ruled out"
    ordinal = _ORDINAL_SMA.search(raw)
    if ordinal and c.country == KOREA:
        for a in agreements:
            if a.get("country") == KOREA and str(a.get("number") or "") == ordinal.group("n"):
                s, e = int(str(a["term_start"])[:4]), int(str(a["term_end"])[:4])
                return _fmt(KOREA, s, e), f"period: {ordinal.group(0)!r} in the agreements record"
    if published is None or not c.country:
        return "", "period: no publication date or country"
    if ordinal:
        return "", f"period: {ordinal.group(0)!r} (no agreements record to date it)"
    if _EXPIRES_NEXT_MARCH.search(raw):
        march_year = published.year + (1 if published.month > 3 else 0)
        end = march_year - 1 if c.country == JAPAN else march_year
        return _fmt(c.country, end - years + 1, end), "period: current deal expiring next March"
    through = _THROUGH.search(raw)
    if through:
        end = int(through.group("y"))
        return _fmt(c.country, end - years + 1, end), f"period: {through.group(0)!r}"
    start_cue = _FROM.search(raw)
    if start_cue:
        start = int(start_cue.group("y"))
        return _fmt(c.country, start, start + years - 1), f"period: {start_cue.group(0)!r}"
    if _PAST_DEAL.search(raw):
        return "", f"period: {_PAST_DEAL.search(raw).group(0)!r}: an earlier deal, not dated"
    if _NEW_DEAL.search(raw) or re.search(r"\bagree\w*|\bdeal\b", raw, re.I):
        if c.country == JAPAN:
            start = published.year if published.month <= 3 else fiscal_year_of(published) + 1
        else:
            start = published.year + 1 if published.month >= 10 else published.year
        return _fmt(c.country, start, start + years - 1), f"period: a new deal from the next {('fiscal ' if c.country == JAPAN else '')}year after {published.isoformat()}"
    return "", "period: no cue"
