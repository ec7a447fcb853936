"""Say whose burden a claim is, what kind of number it is, and which period it speaks of.

Each decision keeps the cue that made it (``Claim.cues``), so a reader of the claims table can
see why "2017 billion yen" became Japan / annual / FY2021: "country: 'Japan' in sentence; kind:
'contribution'; period: 'this year' (published 2021-01-31)".

Japan's fiscal year N runs from April N to March N+1 and is written FY N; Korea's SMA years are
calendar years. Relative phrases resolve against the article's publication date.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from typing import Iterable, Mapping

from costshare.corpus import Article
from costshare.extract import Claim
from costshare.times import JAPAN, KOREA, TimeExpr, current_year, find_times, fiscal_year_of, format_period, resolve

MONEY_UNITS = ("USD", "JPY", "KRW")
KINDS = ("annual", "total", "demand", "increase_pct", "troops", "term", "other")

_COUNTRY_PATTERNS = [
    # case-insensitive: headlines are often in capitals ("SOUTH KOREA TO PAY $1BN")
    (JAPAN, re.compile(r"\b(?:Japan(?:ese)?|Tokyo|USFJ|Okinawa|Yokosuka|Iwakuni)\b|일본|日本|주일미군|在日米軍|日米|防衛省", re.I)),
    # a Korean article names its own country "우리나라" or "우리 정부" as often as "한국"
    (KOREA, re.compile(r"(?<!North )(?<!N\. )\b(?:South\s+Korea(?:n)?|Korea(?:n)?(?![\s-]*(?:Peninsula|War)\b)|Seoul|ROK|USFK)\b"
                       r"|한국|韓国|주한미군|在韓米軍|한미|우리나라|우리\s?정부|우리\s?측|韓米", re.I)),
]
_NORTH_KOREA = re.compile(r"\bNorth\s+Korea(?:n)?|\bPyongyang\b|\bDPRK\b", re.I)

_DEMAND = re.compile(r"\b(?:demand\w*|ask\w*|request\w*|seek\w*|sought|want\w*|press\w*|pressure\w*|call(?:s|ed)? for|insist\w*|push\w* for)\b", re.I)
_PAY = re.compile(r"\b(?:pays?|payments?|paid|paying|spend\w*|contribut\w*|burden|share|budget\w*|chips? in|covers?|host[- ]nation support|cost[- ]sharing|SMA|amount\w*|allocat\w*|shoulder\w*|bear\w*|funding|support|omoiyari|sympathy budget|special measures agreement|add(?:s|ed)? up to|cost(?:s|ing)?)\b"
                  r"|분담금|분담|부담|방위비|지급|예산|총액|思いやり予算|負担|経費|予算|計上|支出|拠出|同盟強靱化|特別協定|分担", re.I)
#: a pay word that is not "amounted" (which a demand's sentence may use: "it amounted to $8 billion")
_PAY_NOT_AMOUNTED = re.compile(r"(?!amounted)(?:" + _PAY.pattern + ")", re.I)
_PER_YEAR = re.compile(r"\b(?:a|per|each)\s+year\b|\bannual(?:ly)?\b|\byearly\b|/yr\b|\bthis year'?s?\b|\blast year'?s?\b|\bfiscal\s+(?:year\s+)?\d{4}\b(?!\s*[-–—/]\s*\d)|\bFY\s?\d{4}\b(?!\s*[-–—/]\s*(?:FY)?\d)", re.I)
_PER_YEAR_WORDS = re.compile(r"\b(?:a|per|each|every)\s+year\b|\beach\s+of\s+the\s+\w+\s+years\b|\bannual(?:ly)?\b|\byearly\b|/yr\b|\ban\s+average\s+of\b|\bon\s+average\b|\bper\s+annum\b"
                             r"|매년|연평균|연간|한\s?해|毎年|年平均|年間平均|(?<![\d０-９])年間|単年度", re.I)
_TOTAL = re.compile(
    r"\b(?:in total|totals?|in all|over (?:the )?(?:next )?(?:\w+ |\d+ )?(?:fiscal )?years|for the (?:\w+|\d+) (?:fiscal )?years"
    r"|for (?:\w+|\d+) (?:fiscal )?years|in (?:\w+|\d+) years|(?:\w+|\d+)-year total|combined|cumulative|all told|altogether)\b"
    r"|\d+\s?年間?で|\d+\s?년간\s?총|累計", re.I)
# "総額", "총액" is any sum: a multi-year total only beside a span or a multi-year term
_SUM_WORD = re.compile(r"総額|総計|合計|총액|총\s|\btotal(?:ling|ing)?\s+of\b", re.I)
_INCREASE = re.compile(r"\b(?:increase\w*|rise|rises|rising|rose|raise\w*|hike\w*|up|grow\w*|growth|jump\w*|higher|boost\w*|more\s+than|more)\b"
                       r"|증가|인상|증액|늘어|늘린|늘려|늘었|늘고|오른|오르|올리|올려|올랐|상승|増|引き上げ|上げ|伸び|上回", re.I)
_DECREASE = re.compile(r"\b(?:cut\w*|decrease\w*|reduc\w*|fall|falls|fell|drop\w*|lower\w*|down|less\s+than|less)\b|감소|삭감|감액|줄어|줄인|줄였|削減|減|下回|引き下げ", re.I)
_SHARE_FROM_TO = re.compile(r"\b(?:from|to)\s+(?:about\s+|around\s+|some\s+|nearly\s+)?$", re.I)
_SHARE_TO = re.compile(r"\s*(?:to|から)\s*(?:about\s+|around\s+|約)?\d+(?:\.\d+)?\s?(?:%|percent)|\s*から約?\d+(?:\.\d+)?%|\s*에서\s*\d+(?:\.\d+)?%", re.I)
_CHANGE_BY = re.compile(r"\bby\s+(?:at\s+least\s+|about\s+|around\s+|some\s+|nearly\s+|more\s+than\s+|up\s+to\s+)?$", re.I)
_TROOP_NOUN = re.compile(r"troops|soldiers|personnel|service|Marine|sailors|airmen|forces|servicemen|명", re.I)
_TROOP_MOVE = re.compile(r"\b(?:relocat\w*|mov(?:e|ing)\w*|transfer\w*|withdraw\w*|redeploy\w*|cut\w*|reduc\w*)\b", re.I)
_ALTERNATIVE = re.compile(r"(?:instead of|rather than|unlike|the usual|usual|every|planned for)\s+(?:a\s+|the\s+)?(?:usual\s+)?(?:\w+\s+)?$", re.I)
_EXPIRES_NEXT_MARCH = re.compile(r"\b(?:expire\w*|end\w*|run\w* out)\b[^.]*?\b(?:next March|March next year|in March)\b", re.I)
_THROUGH = re.compile(r"\b(?:through|until|till|to)\s+(?:fiscal\s+(?:year\s+)?|FY\s?)?(?P<y>20\d\d)\b", re.I)
_NEGATED = re.compile(r"\b(?:unlikely|not|never|no longer|won't|cannot|can't)\b", re.I)
_FROM = re.compile(r"\b(?:from|starting(?: in)?|beginning(?: in)?)\s+(?:fiscal\s+(?:year\s+)?|FY\s?)?(?P<y>20\d\d)\b", re.I)
_PAST_DEAL = re.compile(r"\b(?:previously|reached|signed|concluded|had agreed)\b", re.I)
_NEW_DEAL = re.compile(r"\b(?:new|fresh|replacement|revised|next|tentative|provisional|temporar\w*|extension|extend\w*)\b", re.I)
_ORDINAL_SMA = re.compile(r"\b(?P<n>\d{1,2})(?:st|nd|rd|th)\b[^.]{0,40}?\b(?:SMA|agreement|special measures)", re.I)


_fmt = format_period
__all__ = ["attribute_article", "fiscal_year_of", "JAPAN", "KOREA", "KINDS"]


class _Context:
    """What attribution needs of one article, indexed once: its sentences, their country mentions,
    time expressions and claims (so that no step scans the whole article per claim)."""

    def __init__(self, article: Article, claims: list[Claim]):
        from costshare.extract import split_sentences

        self.article = article
        self.text = article.norm.text
        #: the publication date, or for an undated article a date guessed from the latest year its
        #: text names (for reading "this year"; the checks that need a date still leave it out)
        self.published, self.date_guess = article.published, ""
        self.sentences = split_sentences(self.text)
        self.mentions = [self._mentions(s.start, s.end) for s in self.sentences]
        counts: dict[str, int] = {}
        for ms in self.mentions:
            for _, c, _ in ms:
                counts[c] = counts.get(c, 0) + 1
        self.dominant = max(sorted(counts), key=counts.get) if counts else ""
        self.claims = claims
        self.by_sent: dict[int, list[Claim]] = {}
        self.restated_by: dict[str, list[Claim]] = {}
        for c in claims:
            self.by_sent.setdefault(c._sent, []).append(c)
            if c.restates:
                self.restated_by.setdefault(c.restates, []).append(c)
        # amounts, percentages and head counts are not years ("2,017億円", "2017 billion yen")
        taken = [(c._nstart, c._nend) for c in claims if c.unit not in ("years", "ratio")]
        starts = [s.start for s in self.sentences]
        self.times_by_sent: dict[int, list[TimeExpr]] = {}
        for t in find_times(self.text, taken):
            i = max(bisect.bisect_right(starts, t.start) - 1, 0)
            self.times_by_sent.setdefault(i, []).append(t)
        self.burden_story = len(_BURDEN_NOUN.findall(self.text)) >= 2
        self._spans: dict = {}
        self._matches: dict = {}
        self._owners: dict = {}
        self._first: dict = {}
        self._ordinals: set | None = None
        if self.published is None:
            years = [t.first for ts in self.times_by_sent.values() for t in ts
                     if t.first is not None and t.relative is None and not t.is_span and t.first <= 2035]
            if years:
                self.published = dt.date(max(years), 7, 1)
                self.date_guess = f"undated: read as mid-{max(years)}, the latest year its text names"
        #: the deal the article is about, per country: (period, cue), filled as terms are attributed
        self.deals: dict[str, list[tuple[str, str]]] = {}

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

    def tail(self, c: Claim) -> int:
        """Where the claim and its restatements end: "211 billion yen ($1.85 billion) a year"."""
        return max([c._nend] + [r._nend for r in self.restated_by.get(c.id, ())])

    def amounts(self, sent: int, percent: bool = False) -> list[Claim]:
        units = MONEY_UNITS + (("percent", "percentage points") if percent else ())
        return [o for o in self.by_sent.get(sent, ()) if o.unit in units and not o.restates]

    def spans(self, sent: int, units: tuple[str, ...] = MONEY_UNITS) -> tuple[list[int], list[Claim]]:
        """The sentence's claims of those units in text order, with their starts (for bisect): every
        "is another amount in between" question is answered from these, not by a scan."""
        key = (sent, units)
        cached = self._spans.get(key)
        if cached is None:
            claims = [o for o in self.by_sent.get(sent, ()) if o.unit in units]
            cached = self._spans[key] = ([o._nstart for o in claims], claims)
        return cached

    def amount_between(self, c: Claim, lo: int, hi: int, units: tuple[str, ...] = MONEY_UNITS) -> bool:
        """Whether another amount (not ``c``, not a restatement of it) stands wholly within [lo, hi)."""
        starts, claims = self.spans(c._sent, units)
        i = bisect.bisect_left(starts, lo)
        while i < len(claims) and claims[i]._nstart < hi:
            o = claims[i]
            if o is not c and o.restates != c.id and o._nend <= hi:
                return True
            i += 1
        return False

    def matches(self, pattern: re.Pattern, sent: int) -> tuple[list[int], list[re.Match]]:
        key = (pattern.pattern, sent)
        cached = self._matches.get(key)
        if cached is None:
            s = self.sentences[sent]
            found = list(pattern.finditer(self.text, s.start, s.end))
            cached = self._matches[key] = ([m.start() for m in found], found)
        return cached

    def first(self, pattern: re.Pattern, sent: int | None) -> re.Match | None:
        """The first match of a cue in a sentence (its folded text), or in the whole article for
        ``sent=None``; cached, as every claim of a long sentence asks the same question."""
        key = (pattern.pattern, sent)
        if key not in self._first:
            text = self.text if sent is None else (self.sentences[sent].text if self.sentences else "")
            self._first[key] = pattern.search(text)
        return self._first[key]

    def clause(self, c: Claim) -> tuple[str, str]:
        """The text that governs an amount: from the previous amount (or the sentence start) to it,
        and from it (past its restatements) to the next amount or the end of the sentence."""
        s = self.sentences[c._sent]
        starts, claims = self.spans(c._sent, MONEY_UNITS + ("percent",))
        i = bisect.bisect_left(starts, c._nstart)
        lo = s.start
        for o in reversed(claims[max(0, i - 3): i]):
            if o is not c and o.restates != c.id and o._nend <= c._nstart:
                lo = max(lo, o._nend)
                break
        tail = self.tail(c)
        hi = s.end
        for o in claims[i: i + 8]:
            if o is not c and o.restates != c.id and o._nstart >= c._nend:
                hi = min(hi, o._nstart)
                break
        return self.text[lo: c._nstart], self.text[tail: max(hi, tail)]


def attribute_article(article: Article, claims: list[Claim], agreements: Iterable[Mapping] = ()) -> list[Claim]:
    """Fill country, kind, period, confidence and cues of one article's claims, in place."""
    ctx = _Context(article, claims)
    ctx.agreements = list(agreements)
    by_id = {c.id: c for c in claims}
    agreements = list(agreements)
    # terms first: an amount takes the span of the deal its sentence describes, wherever it stands
    for c in sorted(claims, key=lambda c: (c.unit != "years", c._nstart)):
        primary = by_id.get(c.restates)
        if primary is not None:
            c.country, c.kind, c.period, c.confidence = primary.country, primary.kind, primary.period, primary.confidence
            c.cues = f"restates {primary.surface!r}: same country, kind and period"
            continue
        country, country_cue = _country(ctx, c)
        c.country = country
        kind, kind_cue = _kind(ctx, c)
        c.kind = kind
        period, period_cue, confidence = _period(ctx, c, agreements)
        if ctx.date_guess and period and any(w in period_cue for w in ("publi", ctx.published.isoformat(), "record")):
            period_cue += f" ({ctx.date_guess})"
            confidence = "low"
        c.period = period
        c.confidence = confidence if c.kind in _CHECKED_KINDS else ""
        if getattr(c, "_unsure_kind", False):
            c.confidence = "low"
        if c.kind == "term" and period and c.country:
            ctx.deals.setdefault(c.country, []).append((period, f"the {c.surface!r} deal of the article ({period})"))
        c.cues = "; ".join(x for x in (country_cue, kind_cue, period_cue) if x)
    for c in claims:
        if c.restates and c.restates in by_id:
            p = by_id[c.restates]
            c.country, c.kind, c.period, c.confidence = p.country, p.kind, p.period, p.confidence
    return claims


_CHECKED_KINDS = ("annual", "total", "demand", "increase_pct", "troops", "term")


def _country(ctx: _Context, c: Claim) -> tuple[str, str]:
    if not c.restates and c.unit in ("JPY", "KRW"):
        # a primary amount in yen is Japan's money and one in won Korea's, whatever country stands nearby
        # ("Seoul's 944.1 billion won, against Japan's ...")
        return (JAPAN, "country: amount in yen") if c.unit == "JPY" else (KOREA, "country: amount in won")
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

# what an amount is, from the words that govern it (its clause), in three languages
_COMPONENT = re.compile(
    r"\b(?:utilit(?:y|ies)|labou?r(?:\s+costs?)?|wages?|salar(?:y|ies)|payroll|workers'?\s+pay|facilit(?:y|ies)|"
    r"construction|FIP|training\s+(?:relocation|equipment)|relocation\s+of\s+training|logistic\w*|"
    r"military\s+construction|welfare|electricity|gas\s+and\s+water|water\s+and\s+gas|heating|fuel|furlough\w*|"
    r"(?:broader|overall|whole)\s+total|related\s+to\s+U\.?S\.?\s+forces|realignment)\b|"
    r"光熱水料|光熱費|労務費|人件費|給与|施設整備|提供施設|訓練移転|訓練資機材|福利費|福利厚生|電気|水道|"
    r"인건비|군사\s?건설|군수\s?지원|건설비|광열|군사건설비|미집행|전기료|수도료", re.I)
_INCREMENT_BEFORE = re.compile(
    r"(?:\b(?:up|down|rise|increase|decrease|jump|hike|cut|reduction|boost)\s+(?:of|by)\s+(?:about\s+|some\s+|nearly\s+|around\s+)?"
    r"|\b(?:up|down)\s+(?:about\s+|some\s+|nearly\s+|around\s+)?|\b(?:an?\s+)?(?:extra|additional|another)\s+|\bby\s+(?:about\s+|some\s+)?)$",
    re.I)
_INCREMENT_SUBJECT = re.compile(r"\b(?:the\s+)?(?:increase|rise|hike|cut|reduction|savings?)\b(?:(?!\bfrom\b)[^.,;]){0,40}\b(?:comes?\s+to|amounts?\s+to|is|was|totals?)\s+(?:about\s+|some\s+)?$|늘어나는\s*금액은\s*$|増加額は\s*$|増額分は\s*$|인상분은\s*$|증액분은\s*$", re.I)
_INCREMENT_AFTER = re.compile(
    r"^\s*(?:\(.{0,30}?\)\s*)?(?:more|less|higher|lower|increase|rise|hike|jump|boost|cut|reduction|above|below|"
    r"増|減|増え|減っ|の増|の減|증가|감소|늘어|줄어|증액|감액|인상(?!된|한|하여|해)|많|적|上回|下回)", re.I)
_NOT_BURDEN = re.compile(
    r"\b(?:defen[cs]e\s+(?:budget|spending|outlays?)|military\s+budget|national\s+defen[cs]e|Olympic\w*|Paralympic\w*|"
    r"COVID\w*|coronavirus|vaccin\w*|GDP|stimulus|tariff\w*|trade\s+(?:deficit|surplus)|Guam\s+relocation|realignment|"
    r"SACO|arms\s+(?:purchases?|sales?)|weapons?|fighter|missile|budget\s+request\s+of\s+the\s+Pentagon)\b|"
    r"防衛費|防衛予算|防衛関係費|国防費|国防予算|再編|五輪|一般会計|歳出|税収|国債|"
    r"국방\s?예산|국방비|방위력\s?개선비|무기|전투기|올림픽|본예산|정부\s?예산", re.I)
_DEMAND_BEFORE = re.compile(
    r"\b(?:demand\w*|ask\w*|request\w*|seek\w*|sought|want\w*|press\w*\s+(?:\w+\s+){0,3}(?:for|to)|call(?:s|ed)?\s+for|"
    r"insist\w*|push\w*\s+for|proposed?|proposal|hike\s+to|raise\s+(?:it\s+)?to|wish\w*|bill\w*|charg\w*)\b", re.I)
_DEMAND_AFTER = re.compile(
    r"^\s*(?:\(.{0,30}?\)\s*)?(?:,\s*)?(?:(?:a\s+year|annually|per\s+year|each\s+year)\s+)?(?:demand\w*|ask\w*|request\w*|sought|wanted|that\s+(?:Trump|Washington|the\s+U\.?S\.?)|"
    r"Trump|Washington\s+(?:wants|wanted|demanded|sought)|the\s+U\.?S\.?\s+(?:wants|wanted|demanded|sought))|"
    r"^[^.。、,]{0,15}?(?:を|へ|に|을|를|으로|로|の)[^.。、,]{0,12}?(?:要求|求め|要請|요구|요청|청구)", re.I)
_US_SUBJECT = re.compile(r"\b(?:Trump|Washington|the\s+U\.?S\.?|United\s+States|American\s+(?:side|negotiators?|officials?)|Pentagon|Bolton|Esper|Pompeo)\b|米国|米側|トランプ|미국|미\s?측|트럼프", re.I)
#: "Seoul should be paying $10 billion a year" said by a US official: what the US wants
_HYPOTHETICAL_PAY = re.compile(r"\b(?:should|ought\s+to|must|has\s+to|have\s+to|would\s+have\s+to)\s+(?:be\s+)?(?:pay\w*|contribut\w*|shoulder\w*)\b", re.I)
_US_POSSESSIVE = re.compile(r"\b(?:Trump|Washington|the\s+U\.?S\.?|America|the\s+Pentagon)(?:'s|’s)\s+(?:\w+\s+){0,2}$|트럼프(?:의|가)\s*$|トランプ(?:氏)?の\s*$", re.I)
_BURDEN_NOUN = re.compile(r"\b(?:host[- ]nation\s+support|cost[- ]sharing|special\s+measures\s+agreement|SMA|burden[- ]sharing|sympathy\s+budget|omoiyari|"
                          r"(?:troop|defen[cs]e|stationing|basing)\s+costs?|cost\s+of\s+(?:keeping|stationing|hosting|maintaining)|share\s+(?:the|of\s+the)\s+(?:bill|cost))\b|분담금|방위비|思いやり予算|駐留経費|同盟強靱化", re.I)
_HOST_OFFER = re.compile(r"\b(?:offer\w*|counter-?offer\w*|propos\w*)\b|提示|제시|제안", re.I)


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
        if _SHARE_FROM_TO.search(ctx.text[max(0, c._nstart - 20): c._nstart]) or _SHARE_TO.match(ctx.text[c._nend: c._nend + 20]):
            return "other", "kind: a share, before and after ('from ... to ...')"
        window = ctx.text[max(0, c._nstart - 40): c._nend + 40]
        m = _INCREASE.search(window) or _DECREASE.search(window)
        if not m and _CHANGE_BY.search(ctx.text[max(0, c._nstart - 30): c._nstart]):
            # "would have raised its payment for the U.S. military presence by at least 13%"
            clause = ctx.text[max(ctx.sentences[c._sent].start, c._nstart - 120): c._nstart]
            m = _INCREASE.search(clause) or _DECREASE.search(clause)
        if m:
            if _DECREASE.search(window) and not _INCREASE.search(window) and c.value > 0:
                c.value = -c.value  # "an 8.9% cut" is a change of -8.9%
            return "increase_pct", f"kind: {m.group(0)!r} near the percentage"
        return "other", "kind: a share, not a change"
    before, after = ctx.clause(c)
    near_before, near_after = before[-60:], after[:40]
    not_burden = _NOT_BURDEN.search(near_before + " " + near_after)
    if not_burden and not_burden.start() < len(near_before):
        # "국방비 증가율이 반영되는 2024년 분담금은 1조3천억원": the burden noun nearer the amount wins
        last_bad = [m.end() for m in _NOT_BURDEN.finditer(near_before)][-1]
        if any(m.start() > last_bad for m in _BURDEN_NOUN.finditer(near_before)) and not _NOT_BURDEN.search(near_after):
            not_burden = None
    if not_burden:
        return "other", f"kind: {not_burden.group(0)!r} is not host-nation support"
    if c.unit == "ratio":
        if ctx.first(_DEMAND, c._sent) or (c._sent > 0 and ctx.first(_DEMAND, c._sent - 1)):
            return "demand", "kind: multiple of the current level in a demand"
        if ctx.first(_US_SUBJECT, c._sent) and (ctx.first(_PAY, c._sent) or ctx.first(_INCREASE, c._sent)):
            # "Trump's $10 billion would be nearly nine times what Seoul pays", "a fivefold jump"
            return "demand", "kind: multiple of the current level the US wants"
        return "other", "kind: a multiple"
    if c.unit not in MONEY_UNITS:
        return "other", f"kind: {c.unit} is not a currency of these agreements"
    if not c.country:
        return "other", "kind: no paying country"
    size = _beyond_burden(c)
    if size:
        return "other", f"kind: {size}"
    inc = _INCREMENT_BEFORE.search(before[-40:]) or _INCREMENT_AFTER.match(after) or _INCREMENT_SUBJECT.search(before[-70:])
    if inc:
        return "other", f"kind: {inc.group(0).strip()!r}: an increment, not the payment"
    component = _component(before[-80:], after[:30])
    if component and not _TOTAL_OF_ALL.search(before[-110:] + after[:40]):
        return "other", f"kind: {component.group(0)!r}: one item of the payment"
    demand = (_DEMAND_BEFORE.search(before[-120:]) or _DEMAND_AFTER.search(after[:60]) or _US_POSSESSIVE.search(before[-40:])
              or (_HYPOTHETICAL_PAY.search(before[-60:]) and (ctx.first(_US_SUBJECT, c._sent)
                                                              or c._sent > 0 and ctx.first(_US_SUBJECT, c._sent - 1))))
    if demand and not (_HOST_OFFER.fullmatch(demand.group(0).strip()) and not _US_SUBJECT.search(before)):
        return "demand", f"kind: {demand.group(0).strip()!r}"
    if not ctx.first(_PAY_NOT_AMOUNTED, c._sent) and c._sent > 0:
        prev = ctx.first(_DEMAND, c._sent - 1)
        if prev:
            return "demand", f"kind: {prev.group(0)!r} in the sentence before"
    per_year = _nearest(_PER_YEAR, ctx, c)
    total = _nearest(_TOTAL, ctx, c)
    if not total and not _nearest(_PER_YEAR_WORDS, ctx, c) and c.country:
        span = _governing_span(ctx, c)
        if span is not None:
            # "¥1.06 trillion in FY2022-FY2026" with no "a year": the amount covers the span
            return "total", f"kind: {span.text!r} with no per-year word"
    if not total and not _nearest(_PER_YEAR_WORDS, ctx, c):
        deal = next((t for t in ctx.by_sent.get(c._sent, ()) if t.unit == "years" and t.value > 1 and t is not c), None)
        governing = _governing_time(ctx, c)
        starts = governing is None or re.search(r"\b(?:from|starting(?:\s+in)?|beginning(?:\s+in)?)\s+$", ctx.text[max(0, governing[0].start - 16): governing[0].start], re.I)
        if deal is not None and starts and _UNDER_DEAL.search(ctx.text[ctx.sentences[c._sent].start: c._nstart]):
            # "a new five-year agreement under which Tokyo will pay 946.5 billion yen from fiscal 2016"
            return "total", f"kind: the {deal.surface!r} deal with no per-year word"
    if not total and not per_year:
        sum_word = _nearest(_SUM_WORD, ctx, c)
        published = ctx.published
        now = current_year(c.country, published) if published else 0
        multi = any(t.is_span and t.anchor != "historical" for t in _sentence_times(ctx, c)) or any(
            t.unit == "years" and t.value > 1 for t in ctx.by_sent.get(c._sent, ())) or any(
            t.first >= now - 1 for t in _article_spans(ctx))
        if sum_word and multi:
            return "total", f"kind: {sum_word[1]!r} over several years"
    if total and (not per_year or total[0] < per_year[0]):
        return "total", f"kind: {total[1]!r}"
    if per_year:
        return "annual", f"kind: {per_year[1]!r}"
    pay = ctx.first(_PAY, c._sent)
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
    if ctx.burden_story and c.unit in MONEY_UNITS:
        # an amount with no cue of its own in an article about the burden is most likely a payment;
        # said with low confidence, so no check relies on it
        c._unsure_kind = True
        return "annual", "kind: an amount in a burden story, no cue in its sentence"
    return "other", "kind: no burden cue"


def _component(before: str, after: str):
    """The item an amount pays for ("utilities", "労務費", "인건비"), unless a word for the whole payment
    stands nearer to the amount ("its host-nation support, which covers utilities, is X")."""
    items = list(_COMPONENT.finditer(before))
    if items:
        last = items[-1]
        if not any(m.start() > last.end() for m in _BURDEN_NOUN.finditer(before)):
            return last
    return _COMPONENT.search(after)


_UNDER_DEAL = re.compile(r"\b(?:under\s+which|under\s+the\s+(?:new\s+)?(?:deal|agreement|pact)|the\s+(?:deal|agreement|pact)\s+(?:calls\s+for|requires|sets))\b|協定で|합의로|협정에\s?따라", re.I)
#: more than any host-nation payment, total or demand could be, even misprinted tenfold, per currency:
#: Japan's largest year was ¥275.6bn (FY1999), Korea's ₩1.52tn (2026), the largest demand $10bn a
#: year. Above this an amount is another budget (a defence budget, the national budget). Small
#: amounts stay possible burden figures: a misprint can make a payment a hundred times too small.
_BURDEN_CEILING = {"JPY": 4e12, "KRW": 2e13, "USD": 3e10}


def _beyond_burden(c: Claim) -> str:
    if float(c.value) > _BURDEN_CEILING.get(c.unit, float("inf")):
        return f"{c.surface!r} is far beyond any host-nation payment: another budget"
    return ""


_TOTAL_OF_ALL = re.compile(r"\b(?:includ\w*|covering|covers|such as|including|amount\w*\s+to|add(?:s|ed)?\s+up\s+to|a\s+total\s+of|in\s+all|combined|together)\b|を含む|포함|합쳐|合わせ", re.I)


_CAP = re.compile(r"\b(?:capped\s+at|caps?\s+(?:of|at)|no\s+more\s+than|not\s+(?:to\s+)?exceed(?:ing)?|up\s+to|at\s+most|ceiling\s+of|limited\s+to)\s+(?:about\s+)?$|상한|上限", re.I)


def _comparison_of(ctx: _Context, c: Claim) -> TimeExpr | None:
    """The comparison base a stated change is measured from: the nearest one in its sentence that no
    other percentage stands closer to."""
    comps = [t for t in _sentence_times(ctx, c) if t.comparison and not t.is_span]
    if not comps:
        return None
    pcts = [o for o in ctx.by_sent.get(c._sent, ()) if o.unit in ("percent", "percentage points")]

    def gap(o: Claim, t: TimeExpr) -> int:
        return t.start - o._nend if t.start >= o._nend else o._nstart - t.end if t.end <= o._nstart else 0

    for t in sorted(comps, key=lambda t: abs(gap(c, t))):
        if min(pcts, key=lambda o: abs(gap(o, t))) is c:
            return t
    return None


def _changed_amount(ctx: _Context, c: Claim) -> Claim | None:
    """The amount a stated change describes: "1.52 trillion won in 2026, up 8.3% from ...": the
    money claim before it in its sentence that is not the base ("から", "from"); else the one it
    rises to ("rises 13.9% to 1.1833 trillion won", "8.3% 늘어난 1조5192억원"); else the last
    payment of the sentence before."""
    text = ctx.text

    def usable(m: Claim) -> bool:
        return (m.unit in MONEY_UNITS and not m.restates and bool(m.period) and m.country == c.country
                and m.kind in ("annual", "total"))

    for m in reversed([m for m in ctx.by_sent.get(c._sent, ()) if m._nend <= c._nstart]):
        if usable(m):
            if re.match(r"\s*\)?\s*(?:から|より|보다|에서|대비)", text[m._nend: m._nend + 5]):
                continue
            return m
    for m in [m for m in ctx.by_sent.get(c._sent, ()) if m._nstart >= c._nend]:
        if usable(m) and not re.search(r"\bfrom\s+(?:\S+\s+){0,3}$", text[max(0, m._nstart - 30): m._nstart], re.I):
            return m
    return None


def _changed_amount_before(ctx: _Context, c: Claim) -> Claim | None:
    """The last payment of the sentence before ("Korea will pay 1.18 trillion won. That is 13.9% more.")."""
    if c._sent > 0:
        prev = [m for m in ctx.by_sent.get(c._sent - 1, ()) if m.unit in MONEY_UNITS and not m.restates
                and m.period and m.country == c.country and m.kind in ("annual", "total")]
        if prev:
            return prev[-1]
    return None


def _nearest(pattern: re.Pattern, ctx: _Context, c: Claim) -> tuple[int, str] | None:
    """The match of a cue nearest to the claim in its sentence: (distance, text). A cue with
    another amount between it and the claim belongs to that amount ("1,055.1 billion yen, or
    about 211 billion yen a year": "a year" is the 211's). Only the nearest match on each side can
    win: if another amount blocks it, it blocks every match further out as well."""
    starts, found = ctx.matches(pattern, c._sent)
    if not found:
        return None
    at, end = c._nstart, ctx.tail(c)
    best = None
    i = bisect.bisect_right(starts, at)
    # matches starting at or before the claim: the one ending last before it, or one overlapping it
    for m in reversed(found[max(0, i - 4): i]):
        if m.end() > at:
            return 0, m.group(0)  # the cue overlaps the claim ("this year's 2017 billion")
        if not ctx.amount_between(c, m.end(), at):
            best = (at - m.end(), m.group(0))
        break
    j = bisect.bisect_left(starts, at + 1)
    for m in found[j:]:
        if m.start() < end:
            return 0, m.group(0)
        if not ctx.amount_between(c, end, m.start()):
            d = m.start() - end
            if best is None or d < best[0]:
                best = (d, m.group(0))
        break
    return best


# --- period ---------------------------------------------------------------------------------------

_OWN_AFTER = re.compile(r"\s*(?:\(\s*|,\s*)?(?:in|for|during|of)?\s*$", re.I)
_OWN_BEFORE_CJK = re.compile(
    r"^\s*(?:の|에|은|는|에는|の\s*予算は?|예산은?|분담금은?|負担額は|総額は|:|,|at|was|is|stood\s+at|came\s+to|수준\s*\(|水準\s*\(|level\s*\()?\s*$"
    r"|^\s*(?:の)?\s*(?:予算|当初予算|予算案|負担額?|経費|분담금|예산|방위비\s?분담금)\s*(?:では|には|は|で|に|が|은|는|에는|이|으로|로)?\s*$"
    r"|^'?s?\s*(?:share|contribution|budget|payment|burden|amount|figure|total|spending|outlay|bill)\s+(?:of|was|is|stood\s+at|at|came\s+to)\s*$", re.I)
_PRESENT_PAY = re.compile(r"\b(?:pays|is\s+paying|spends|covers|shoulders|contributes|bears|provides)\b|負担している|負担する|부담하고|부담한다|내고\s*있", re.I)


def _sentence_times(ctx: _Context, c: Claim) -> list[TimeExpr]:
    return ctx.times_by_sent.get(c._sent, [])


def _owner(ctx: _Context, t: TimeExpr, sent: int, percent: bool = False) -> Claim | None:
    """The amount a time expression belongs to, when it stands right beside one: "1.04 trillion
    won in 2020", "2020年度の予算は2,017億円", "2020년 1조389억원"."""
    best = None
    for o in ctx.amounts(sent, percent):
        tail = ctx.tail(o)
        if t.start >= tail and t.start - tail <= 16 and _OWN_AFTER.match(ctx.text[tail: t.start]) is not None:
            return o
        if t.end <= o._nstart and o._nstart - t.end <= 26 and _OWN_BEFORE_CJK.match(ctx.text[t.end: o._nstart]):
            best = best or o
    return best


def _governing_time(ctx: _Context, c: Claim) -> tuple[TimeExpr, int, bool] | None:
    """The time expression that governs an amount in its sentence: its own (beside it), else the
    nearest one that no other amount owns and no other amount stands between. Returns
    (expression, distance, own)."""
    times = _sentence_times(ctx, c)
    if not times:
        return None
    tail = ctx.tail(c)
    pct = c.unit in ("percent", "percentage points")
    owned = {id(t): _owner(ctx, t, c._sent, pct) for t in times}
    own = [t for t in times if owned[id(t)] is c and not (t.comparison and _COMPARISON_MARK.match(ctx.text, t.end))]
    # "from last year's 193 billion yen" dates the base it stands beside, nothing else
    times = [t for t in times if not t.comparison]
    if own:
        t = min(own, key=lambda t: abs(t.start - tail) if t.start >= tail else abs(c._nstart - t.end))
        return t, 0, True
    others = [o for o in ctx.amounts(c._sent, pct) if o is not c]
    best = None
    for t in times:
        if owned[id(t)] is not None:
            continue
        d = t.start - tail if t.start >= tail else c._nstart - t.end if t.end <= c._nstart else 0
        lo, hi = (tail, t.start) if t.start >= tail else (t.end, c._nstart)
        between = any(lo <= o._nstart and o._nend <= hi for o in others)
        if between and not (t.end <= c._nstart and t.start - ctx.sentences[c._sent].start <= 12):
            # "In 2019, Seoul paid X and Tokyo paid Y": a year that opens the sentence governs it all
            continue
        if best is None or max(d, 0) < best[1]:
            best = (t, max(d, 0), False)
    return best


_COMPARISON_MARK = re.compile(r"比|度比|対比|\s*대비")


def _sentence_year(ctx: _Context, c: Claim, t: TimeExpr) -> int | None:
    """The year "the previous year" counts from: another year in the sentence, else the year the
    article was last speaking of."""
    for i in range(c._sent, max(c._sent - 3, -1), -1):
        for o in reversed(ctx.times_by_sent.get(i, [])):
            if o is not t and o.relative is None and not o.is_span and o.first is not None:
                return o.first
    return None


def _resolved(ctx: _Context, c: Claim, t: TimeExpr) -> TimeExpr | None:
    return resolve(t, c.country, ctx.published, _sentence_year(ctx, c, t) if t.anchor == "sentence" else None)


def _period(ctx: _Context, c: Claim, agreements: list[Mapping]) -> tuple[str, str, str]:
    """(period, cue, confidence) of a claim."""
    published = ctx.published
    country = c.country
    if c.kind == "term":
        s_start, raw = ctx.sentence_raw(c)
        period, cue = _term_period(ctx, c, raw, c._nstart - s_start, agreements)
        if not period:
            return period, cue, "low"
        # a term is held against the agreements only when the text names its agreement
        guessed = any(w in cue for w in ("a new deal from", "deal of the article"))
        return period, cue, "medium" if guessed else "high"
    if c.kind == "troops":
        governing = _governing_time(ctx, c)
        if governing and not governing[0].is_span:
            t = _resolved(ctx, c, governing[0])
            if t is not None:
                return str(t.first), f"period: {t.text!r}", "high"
        if published:
            return str(published.year), f"period: troop level at publication ({published.isoformat()})", "medium"
        return "", "period: no publication date", "low"
    if c.kind not in ("annual", "total", "demand", "increase_pct"):
        return "", "", ""
    if c.kind == "increase_pct" and _CAP.search(ctx.text[max(ctx.sentences[c._sent].start, c._nstart - 40): c._nstart]):
        return "", "period: a cap on future changes, not a change of one year", "low"
    if c.kind == "increase_pct":
        # "a 1.2% increase from last year's share", "前年比13.9%増": the change is to the year after the
        # base; the base is the comparison nearest the percentage, with no other percentage between
        base = _comparison_of(ctx, c)
        if base is not None:
            r = _resolved(ctx, c, base)
            if r is not None and r.first is not None:
                c._base = _fmt(country, r.first)
                if base.relative is not None:
                    return _fmt(country, r.first + 1), f"period: the year after {base.text!r}, the base of the change", "medium"
                # "今年度は99年度比23%減": the change is to the other year of the sentence, or to now
                others = [t for t in _sentence_times(ctx, c) if not t.comparison and not t.is_span]
                other = min(others, key=lambda t: abs(t.start - c._nstart)) if others else None
                r2 = _resolved(ctx, c, other) if other is not None else None
                if r2 is not None and r2.first is not None:
                    return _fmt(country, r2.first), f"period: {other.text!r}, against {base.text!r}", "medium"
                if ctx.published:
                    y = current_year(country, ctx.published)
                    return _fmt(country, y), f"period: now, against {base.text!r}", "low"
        near = _governing_time(ctx, c)
        gap = "" if near is None else (ctx.text[near[0].end: c._nstart] if near[0].end <= c._nstart else ctx.text[ctx.tail(c): near[0].start])
        if near is not None and near[1] <= 12 and not near[0].is_span and not re.search(r"[,、;，]", gap):
            # "2002년 제5차 협정(25.7%)": a year right beside the percentage is its own
            r = _resolved(ctx, c, near[0])
            if r is not None and r.first is not None:
                return _fmt(country, r.first), f"period: {near[0].text!r}", "high"
        new = _changed_amount(ctx, c)
        if new is not None:
            return new.period, f"period: that of {new.surface!r}, the amount it changes", new.confidence or "medium"
    governing = _governing_time(ctx, c)
    deal = next((t for t in ctx.by_sent.get(c._sent, ()) if t.kind == "term" and t.period
                 and t.country == country), None)
    if governing is not None:
        t, distance, own = governing
        if c.kind == "demand" and t.relative is not None and not own:
            r = _resolved(ctx, c, t)
            if ctx.first(_HINDSIGHT, c._sent) or r is None or r.first is None:
                # "a memoir published last year" dates the book, not the demand
                return "", f"period: {t.text!r} does not date the demand", "low"
            return _demand_period(ctx, c, asked_in=r.first)
        if c.kind == "demand" and not own and not t.is_span and t.first is not None:
            # "in 2019 Washington asked for $5 billion": asked in 2019, for the next agreement
            return _demand_period(ctx, c, asked_in=t.first)
        if t.is_span:
            if c.kind == "demand" and not own:
                return "", f"period: {t.text!r} is not the demand's own year", "low"
            return _fmt(country, t.first, t.last), f"period: {t.text!r}", "high" if own or distance <= 40 else "medium"
        starts_deal = re.search(r"\b(?:from|starting(?:\s+in)?|beginning(?:\s+in)?)\s+$", ctx.text[max(0, t.start - 16): t.start], re.I)
        if deal is not None and c.kind in ("annual", "total") and not own and t.relative is None and (distance > 30 or starts_deal):
            # "a new five-year deal from 2022 ... 211 billion yen a year": the deal's span
            return deal.period, f"period: the {deal.surface!r} deal in the sentence ({deal.period})", "high"
        through = _THROUGH_BEFORE.search(ctx.text[max(0, t.start - 25): t.start])
        if through and c.kind == "annual" and published and t.relative is None and not own:
            # "the contract, which runs through 2026, requires ... a year": a per-year amount over the
            # span from the (fiscal) year under way or about to begin
            start = published.year if (country == JAPAN and published.month <= 3) else (
                fiscal_year_of(published) if country == JAPAN else published.year)
            if start <= t.first:
                return _fmt(country, start, t.first), f"period: {through.group(0) + t.text!r}, from the year of publication", "medium"
        r = _resolved(ctx, c, t)
        if r is None:
            return "", "period: relative year but no publication date", "low"
        confidence = "high" if own or distance <= 30 else "medium"
        if t.relative is not None and country == JAPAN and not t.fiscal and published and published.month <= 3:
            confidence = "medium"  # "this year" in January: the budget being decided, or the year being paid
        how = f" (published {published.isoformat()})" if t.relative is not None and t.anchor == "publication" and published else ""
        return _fmt(country, r.first), f"period: {t.text!r}{how}", confidence
    if c.kind == "demand":
        return _demand_period(ctx, c)
    if c.kind == "increase_pct":
        prev = _changed_amount_before(ctx, c)
        if prev is not None:
            return prev.period, f"period: that of {prev.surface!r} in the sentence before", "medium"
    per_year = _nearest(_PER_YEAR_WORDS, ctx, c)
    if per_year and c.kind == "annual":
        # "1,055.1 billion yen in fiscal 2022-2026, or about 211 billion yen a year": the average over that span
        span = next((t for t in _sentence_times(ctx, c) if t.is_span and t.anchor != "historical"), None)
        if span is not None:
            return _fmt(country, span.first, span.last), f"period: {span.text!r}, the span of the sentence's total", "high"
    if deal is not None and c.kind in ("annual", "total"):
        return deal.period, f"period: the {deal.surface!r} deal in the sentence ({deal.period})", "high"
    s_start, raw = ctx.sentence_raw(c)
    through = ctx.first(_THROUGH, c._sent)
    if through and c.kind == "annual" and published and country:
        end = int(through.group("y"))
        start = published.year if (country == JAPAN and published.month <= 3) else (
            fiscal_year_of(published) if country == JAPAN else published.year)
        if start <= end:
            return _fmt(country, start, end), f"period: {through.group(0)!r}, from the year of publication", "medium"
    if c.kind in ("annual", "total") and c._sent > 0:
        earlier = next((t for t in ctx.by_sent.get(c._sent - 1, ()) if t.kind == "term" and t.period
                        and t.country == country), None)
        if earlier is not None:
            return earlier.period, f"period: the {earlier.surface!r} deal in the sentence before ({earlier.period})", "medium"
    # only a deal under way or to come: "the current deal expires next March" is not what "a year" is under
    now = (fiscal_year_of(published) if country == JAPAN else published.year) if published else 0
    deals = [d for d in ctx.deals.get(country, []) if int(d[0].split("-")[0].removeprefix("FY")) >= now]
    deals += [(format_period(country, t.first, t.last), f"{t.text!r}, the span the article is about")
              for t in _article_spans(ctx) if t.first >= now - 1]
    if deals and (per_year or c.kind == "total") and ctx.first(_NEW_DEAL_CONTEXT, None):
        # "a year" / "in total" under the deal the article is about
        period, cue = max(sorted(set(deals)), key=deals.count)
        if c.kind == "total" or "-" in period:
            return period, f"period: {cue}", "medium"
    if c.kind == "annual" and published and country:
        fy = fiscal_year_of(published) if country == JAPAN else published.year
        present = ctx.first(_PRESENT_PAY, c._sent)
        confidence = "medium" if per_year and present else "low"
        return _fmt(country, fy), f"period: present tense at publication ({published.isoformat()})", confidence
    if published is None:
        return "", "period: no year in the sentence and no publication date", "low"
    return "", "period: no year cue", "low"


_THROUGH_BEFORE = re.compile(r"\b(?:through|until|till|to)\s+(?:fiscal\s+(?:year\s+)?)?$", re.I)
def _article_spans(ctx: _Context) -> list[TimeExpr]:
    return [t for ts in ctx.times_by_sent.values() for t in ts if t.is_span and t.anchor != "historical" and not t.comparison]


_NEGOTIATION = re.compile(r"\b(?:negotiat\w*|talks|new\s+(?:deal|agreement|pact|SMA)|next\s+(?:deal|agreement|SMA)|upcoming|renewal)\b|交渉|協議|次期|新協定|협상|협의|차기", re.I)
_HINDSIGHT = re.compile(r"\b(?:memoir|book|revealed|recalled|wrote|had\s+(?:demanded|asked|sought)|first\s+term|previous\s+administration)\b|回顧録|회고록|前政権", re.I)


def _demand_period(ctx: _Context, c: Claim, asked_in: int | None = None) -> tuple[str, str, str]:
    """A demand speaks of the agreement being negotiated when it was made: that agreement's first
    year. ``asked_in`` is a year the sentence dates the demand by ("in 2019, Trump asked"); else the
    publication date. A demand told in hindsight (a memoir) with no year stays undated."""
    published = ctx.published
    if not c.country or (asked_in is None and (published is None or ctx.first(_HINDSIGHT, c._sent))):
        return "", "period: no year stated for the demand", "low"
    day = dt.date(asked_in, 7, 1) if asked_in is not None else published
    if asked_in is None:
        deals = [t for t in _article_spans(ctx) if t.first >= current_year(c.country, published)]
        if deals and (ctx.first(_NEGOTIATION, c._sent) or _NEGOTIATION.search(ctx.text[:600])):
            t = min(deals, key=lambda t: t.first)
            return format_period(c.country, t.first), f"period: first year of {t.text!r}, the deal under negotiation", "medium"
    nxt = next_agreement_start(ctx.agreements, c.country, day)
    if nxt is not None:
        when = f"in {asked_in}" if asked_in is not None else f"on {published.isoformat()}"
        return format_period(c.country, nxt), f"period: first year of the agreement under negotiation {when} (agreements record)", "medium"
    return "", "period: no year stated for the demand", "low"


def agreement_in_view(agreements: list[Mapping], country: str, day) -> int | None:
    """The first year of the agreement a story of that day is about: one agreed or signed in the
    half year before it, else the next one to be negotiated."""
    recent = None
    for a in agreements:
        if a.get("country") != country:
            continue
        start = _as_date(a.get("term_start"))
        dates = [d for d in (_as_date(a.get("date_agreed")), _as_date(a.get("date_signed"))) if d is not None]
        if start is None or not dates:
            continue
        if any(day - dt.timedelta(days=200) <= d <= day for d in dates) and (recent is None or start > recent):
            recent = start
    if recent is not None:
        return fiscal_year_of(recent) if country == JAPAN else recent.year
    return next_agreement_start(agreements, country, day)


def next_agreement_start(agreements: list[Mapping], country: str, day) -> int | None:
    """First (fiscal) year after the latest agreement already settled (agreed or signed) before a
    day: what talks on that day are about."""
    best = None
    for a in agreements:
        if a.get("country") != country:
            continue
        start, end = _as_date(a.get("term_start")), _as_date(a.get("term_end"))
        if start is None or end is None:
            continue
        dates = [d for d in (_as_date(a.get("date_agreed")), _as_date(a.get("date_signed"))) if d is not None]
        settled = min(dates) if dates else start - dt.timedelta(days=180)
        if settled < day and (best is None or start > best[0]):
            best = (start, end)
    if best is None:
        return None
    nxt = best[1] + dt.timedelta(days=1)
    return fiscal_year_of(nxt) if country == JAPAN else nxt.year


def _as_date(value):
    if value is None or value != value:  # NaT
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


_NEW_DEAL_CONTEXT = re.compile(r"\b(?:agree\w*|deal|agreement|pact|accord|signed|reached)\b|合意|協定|합의|협정|타결", re.I)


def _governing_span(ctx: _Context, c: Claim) -> TimeExpr | None:
    governing = _governing_time(ctx, c)
    if governing is not None and governing[0].is_span and governing[0].anchor != "historical":
        return governing[0]
    return None


_GENERIC_TERM = re.compile(
    r"\b(?:mostly|customary|customarily|typically|usually|normally|generally|traditionally|previous\s+agreements|past\s+agreements|"
    r"each\s+(?:deal|agreement)|most\s+(?:deals|agreements))\b|通常|慣例|従来|통상|관례|그동안", re.I)
_NAMED_AGREEMENT = re.compile(r"\s*(?:-?\s*(?:SMA|agreement|deal|pact|accord|special\s+measures\s+agreement)|年|년)", re.I)


def _named_year(ctx: _Context, c: Claim, raw: str, at: int) -> tuple[int, str] | None:
    """A year that names the agreement the term describes: "the two-year 2006 agreement", "the 2011
    agreement, again running five years", "which covers 1996" (a year the sentence ties to the deal)."""
    s_start = ctx.sentences[c._sent].start
    for t in ctx.times_by_sent.get(c._sent, ()):
        if t.is_span or t.relative is not None or t.comparison or t.first is None:
            continue
        if _NAMED_AGREEMENT.match(ctx.text, t.end) or abs((t.start - s_start) - at) <= 25:
            return t.first, t.text
    return None


_ORDINAL_ANY = re.compile(r"\b(?P<n>\d{1,2})(?:st|nd|rd|th)\s+(?:SMA|special\s+measures|cost[- ]sharing)|제\s?(?P<n2>\d{1,2})\s?차|第\s?(?P<n3>\d{1,2})\s?次", re.I)


def _article_agreement(ctx: _Context, c: Claim, agreements: list[Mapping]) -> tuple[int, str] | None:
    """The one agreement an article names by its number ("the 11th SMA", "제11차"): its first year."""
    if ctx._ordinals is None:
        ctx._ordinals = {m.group("n") or m.group("n2") or m.group("n3") for m in _ORDINAL_ANY.finditer(ctx.text)}
    numbers = set(ctx._ordinals)
    if len(numbers) != 1:
        return None
    n = numbers.pop()
    for a in agreements:
        if a.get("country") == c.country and str(a.get("number") or "").split(".")[0] == n:
            start = _as_date(a.get("term_start"))
            if start is not None:
                return (fiscal_year_of(start) if c.country == JAPAN else start.year), f"the {n}th agreement"
    return None


_MONTH_DAY = re.compile(
    r"\b(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(?P<d>[0-3]?\d)\b"
    r"|(?P<m2>1[0-2]|0?[1-9])\s*(?:월|月)\s*(?P<d2>[0-3]?\d)\s*(?:일|日)", re.I)
_MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


def _agreement_by_date(ctx: _Context, c: Claim, raw: str, agreements: list[Mapping]) -> tuple[int, str] | None:
    """"the Dec. 21 agreement", "12월 21일 합의": a day in the sentence that is the day an agreement
    was reached or signed (within the two years before publication) names that agreement."""
    published = ctx.published
    if published is None:
        return None
    for m in _MONTH_DAY.finditer(raw):
        month = _MONTHS.get((m.group("mon") or "")[:3].lower()) or int(m.group("m2") or 0)
        day = int(m.group("d") or m.group("d2") or 0)
        for a in agreements:
            if a.get("country") != c.country:
                continue
            for key in ("date_agreed", "date_signed"):
                d = _as_date(a.get(key))
                if d is not None and (d.month, d.day) == (month, day) and 0 <= (published - d).days <= 730:
                    start = _as_date(a.get("term_start"))
                    if start is not None:
                        return (fiscal_year_of(start) if c.country == JAPAN else start.year), m.group(0)
    return None


_CURRENT_DEAL = re.compile(r"\b(?:current|existing|present|expiring)\b[^.,;]{0,25}$|現行|현행|現在の", re.I)


def _agreement_on(agreements: list[Mapping], country: str, day) -> tuple[int, int] | None:
    """(first, last) year of the agreement whose term contains a day."""
    for a in agreements:
        if a.get("country") != country:
            continue
        start, end = _as_date(a.get("term_start")), _as_date(a.get("term_end"))
        if start is not None and end is not None and start <= day <= end:
            if country == JAPAN:
                return fiscal_year_of(start), fiscal_year_of(end)
            return start.year, end.year
    return None


def _agreement_starting(agreements: list[Mapping], country: str, year: int, years: int) -> tuple[int, int] | None:
    """The recorded agreement of that length (any length for 0) signed or starting in that year:
    (first, last) year."""
    for a in agreements:
        n = a.get("years")
        if a.get("country") != country or n is None or n != n or str(n) == "<NA>":
            continue
        start = _as_date(a.get("term_start"))
        if start is None or (years and int(n) != years):
            continue
        if years == 0:
            end = _as_date(a.get("term_end"))
            first = fiscal_year_of(start) if country == JAPAN else start.year
            if first in (year, year + 1) and end is not None:
                return first, (fiscal_year_of(end) if country == JAPAN else end.year)
            continue
        first = fiscal_year_of(start) if country == JAPAN else start.year
        if first in (year, year + 1):
            return first, first + years - 1
    return None


def _term_period(ctx: _Context, c: Claim, raw: str, at: int, agreements: list[Mapping]) -> tuple[str, str]:
    published = ctx.published
    years = int(c.value)
    alt = _ALTERNATIVE.search(raw[:at])
    if alt:
        return "", f"period: {alt.group(0).strip()!r}: a term not agreed"
    negated = _NEGATED.search(raw[max(0, at - 60): at])
    if negated:
        return "", f"period: {negated.group(0)!r}: a term ruled out"
    generic = _GENERIC_TERM.search(raw[max(0, at - 50): at + 40])
    if generic:
        return "", f"period: {generic.group(0).strip()!r}: a habit, not one agreement"
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
    if _CURRENT_DEAL.search(raw[max(0, at - 35): at]) and not re.search(r"\bextend\w*|\bextension|延長|연장", raw, re.I):
        # "the final-year contribution under the current six-year deal": the agreement in force
        now = _agreement_on(agreements, c.country, published)
        if now is not None:
            return _fmt(c.country, now[0], now[1]), "period: the agreement in force at publication (agreements record)"
    span = next((t for t in ctx.times_by_sent.get(c._sent, ()) if t.is_span and t.anchor != "historical" and not t.comparison), None)
    if span is not None and span.last - span.first + 1 == years:
        return _fmt(c.country, span.first, span.last), f"period: {span.text!r}"
    if span is not None and abs((span.last - span.first + 1) - years) <= 2:
        # "a new two-year agreement, which covers 1996 through 1998": the span dates the agreement,
        # whose length the records then check
        return _fmt(c.country, span.first, span.first + years - 1), f"period: {span.text!r}, where that agreement starts"
    named = _named_year(ctx, c, raw, at)
    names_agreement = named is not None and any(
        t.text == named[1] and _NAMED_AGREEMENT.match(ctx.text, t.end) for t in ctx.times_by_sent.get(c._sent, ()))
    if names_agreement and re.search(r"\bextend\w*|\bextension\b|延長|연장", raw, re.I):
        # "one-year extension of the 2016 agreement": the year after that agreement ends
        rec = _agreement_starting(agreements, c.country, named[0], 0)
        if rec is not None:
            return _fmt(c.country, rec[1] + 1, rec[1] + years), f"period: extension of the {named[1]} agreement (agreements record)"
        named = None
    if named is not None:
        y, cue = named
        rec = _agreement_starting(agreements, c.country, y, years)
        if rec is not None:
            return _fmt(c.country, rec[0], rec[1]), f"period: {cue!r}, the agreement of that year (agreements record)"
        return _fmt(c.country, y, y + years - 1), f"period: {cue!r}"
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
    dated = _agreement_by_date(ctx, c, raw, agreements)
    if dated is not None:
        return _fmt(c.country, dated[0], dated[0] + years - 1), f"period: {dated[1]!r}, the day that agreement was reached (agreements record)"
    named_deal = _article_agreement(ctx, c, agreements)
    if named_deal is not None and re.search(r"\bthe\s+(?:\w+[- ])?(?:year\s+)?(?:deal|agreement|pact|accord|SMA)\b|협정|協定", raw, re.I):
        first, cue = named_deal
        return _fmt(c.country, first, first + years - 1), f"period: {cue}, the agreement the article is about"
    if _PAST_DEAL.search(raw):
        return "", f"period: {_PAST_DEAL.search(raw).group(0)!r}: an earlier deal, not dated"
    if _NEW_DEAL.search(raw) or re.search(r"\b(?:agree\w*|deal|pact|accord)\b(?![^.]{0,40}\b(?:previous|last|earlier|old)\b)", raw, re.I) and not re.search(r"\b(?:was|were|had been|previous|earlier|last)\b", raw, re.I):
        start = agreement_in_view(agreements, c.country, published)
        if start is None and c.country == JAPAN:
            start = published.year if published.month <= 3 else fiscal_year_of(published) + 1
        elif start is None:
            start = published.year + 1 if published.month >= 10 else published.year
        return _fmt(c.country, start, start + years - 1), f"period: a new deal from the next {('fiscal ' if c.country == JAPAN else '')}year after {published.isoformat()}"
    return "", "period: no cue"
