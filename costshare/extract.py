"""Pull every burden-relevant number out of an article as a Claim traced to its sentence.

A claim is what the article says, not what is true: "2017 billion yen" is extracted as
2,017,000,000,000 JPY and left for reconciliation to question. Offsets point into the original
article text; the rule that matched is kept so a reader can see why a span became a claim.

Rules, in priority order where spans overlap: money (prefixed, suffixed, CJK numerals, bare amounts
whose currency comes from context), percent, personnel, multiple, term.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Iterable

from costshare.corpus import Article
from costshare.textnorm import lookalikes
from costshare.moneyforms import MONEY_CJK, money_forms, yen_sign_currency
from costshare.errors import CorpusError

#: A news article states tens of numbers; a long one with a yearly table a few thousand. Past this
#: it is a data dump, not an article: it is refused (like a file over 5 MB) as soon as the count is
#: passed, so that no file in seeds/ can make extraction, the tables or the PDF run for minutes.
#: Attribution and reconciliation are linear, so a table of 2,400 yearly lines is read.
MAX_CLAIMS_PER_ARTICLE = 10_000
#: Candidate matches examined before giving up (overlapping rules find some spans twice).
MAX_MATCHES_PER_ARTICLE = 4 * MAX_CLAIMS_PER_ARTICLE

UNITS_MONEY = ("USD", "JPY", "KRW", "EUR", "GBP", "CNY", "SGD", "AUD", "CAD", "HKD", "TWD", "NZD", "INR", "CHF")

# --- numbers -----------------------------------------------------------------------------------

WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100, "a": 1, "an": 1, "half a": Decimal("0.5"),
}
SCALES = {
    "thousand": 10**3, "k": 10**3,
    "million": 10**6, "mn": 10**6, "mln": 10**6, "mil": 10**6, "m": 10**6,
    "billion": 10**9, "bn": 10**9, "bln": 10**9, "bil": 10**9, "b": 10**9,
    "trillion": 10**12, "trn": 10**12, "trln": 10**12, "tln": 10**12, "tn": 10**12, "tr": 10**12,
}
CJK_SCALES = {"조": 10**12, "兆": 10**12, "억": 10**8, "億": 10**8, "만": 10**4, "万": 10**4, "萬": 10**4}

_COMMA_DECIMAL = r"\d{1,3},\d{1,2}(?=[\s-]?(?:trillion|billion|million|trln|trn|bln|mln|bn|mn|tn)\b)"
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# only the money patterns try the comma decimal: every pattern pays for an alternative at each digit
_MONEY_DIGITS = rf"(?:{_COMMA_DECIMAL}|\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?"
_WORDNUM = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|a|an|half\s+a)"
# A word number counts as an amount only before a scale word ("one trillion yen"); checking that
# first keeps the patterns from trying every article "a" in the text.
_WORDNUM_SCALED = rf"\b{_WORDNUM}(?=\s?(?:trillion|billion|million|thousand)\b)"
_NUM = rf"(?:{_MONEY_DIGITS}|{_WORDNUM_SCALED})"
_SCALE_WORD = r"(?:trillion|billion|million|thousand|trln|trn|tln|bln|bil|mln|bn|mn|tn)"
_SCALE = rf"(?:[\s-]?{_SCALE_WORD}\b|(?:m|b|k)\b)"  # a following full stop ends the sentence
_SEP = r"(?:\s?(?:-|to)\s?|—)"  # range separators ("210 to 220", "210-220"); "and" lists two amounts

# prefixes: the longest first so "US$" wins over "$"
_CUR_PREFIX = {
    "US$": "USD", "U.S.$": "USD", "USD": "USD", "US dollar": "USD",
    "S$": "SGD", "A$": "AUD", "C$": "CAD", "HK$": "HKD", "NT$": "TWD", "NZ$": "NZD",
    "$": "USD", "¥": "JPY", "JPY": "JPY", "₩": "KRW", "KRW": "KRW", "W": "KRW",
    "Won": "KRW", "€": "EUR", "EUR": "EUR", "£": "GBP", "GBP": "GBP", "RMB": "CNY", "CNY": "CNY", "Rs.": "INR", "Rs": "INR",
}
_PREFIX_RE = (
    r"(?P<pre>(?:US\$|U\.S\.\s?\$|S\$|A\$|C\$|HK\$|NT\$|NZ\$|\$|¥|₩|€|£)\s?|"
    r"(?:USD|JPY|KRW|EUR|GBP|RMB|CNY)\s?|W(?=\d)|Won\s(?=\d)|Rs\.?\s?)"
)
_SUFFIX_BODY = (
    r"\s?(?:(?:U\.?S\.?|American|Singapore|Australian|Canadian|Hong\s+Kong|Taiwan|New\s+Zealand)\s+)?dollars?\b"
    r"|\s?(?:Japanese\s+)?yen\b|\s?(?:South\s+)?(?:Korean\s+)?won\b|\s?euros?\b|\s?pounds?(?:\s+sterling)?\b"
    r"|\s?(?:yuan|renminbi)\b|\s?(?:USD|JPY|KRW|EUR|GBP|CNY|SGD)\b"
)
_SUFFIX_RE = rf"(?P<post>{_SUFFIX_BODY})"
_SUFFIX_CCY = [
    (r"singapore", "SGD"), (r"australian", "AUD"), (r"canadian", "CAD"), (r"hong", "HKD"),
    (r"taiwan", "TWD"), (r"zealand", "NZD"), (r"dollar", "USD"), (r"yen", "JPY"), (r"won", "KRW"),
    (r"euro", "EUR"), (r"pound", "GBP"), (r"yuan|renminbi", "CNY"),
    (r"usd", "USD"), (r"jpy", "JPY"), (r"krw", "KRW"), (r"eur", "EUR"), (r"gbp", "GBP"), (r"cny", "CNY"), (r"sgd", "SGD"),
]

_LEFT = r"(?<![A-Za-z0-9_.,$¥₩€£/])"  # not inside another token (a model number, a date, a URL); CJK may touch

MONEY_PREFIXED = re.compile(
    rf"{_LEFT}{_PREFIX_RE}(?P<lo>{_MONEY_DIGITS}|{_WORDNUM})(?P<lo_scale>{_SCALE})?"
    rf"(?:{_SEP}(?:US\$|\$|¥|₩|€|£|S\$)?(?P<hi>{_DIGITS})(?P<hi_scale>{_SCALE})?)?"
    rf"(?:{_SUFFIX_RE})?",
    re.I,
)
# "200 billion yen", "210 billion yen to 220 billion yen", "210 to 220 billion yen"
MONEY_SUFFIXED = re.compile(
    rf"{_LEFT}(?P<lo>{_NUM})(?P<lo_scale>{_SCALE})?"
    rf"(?:(?:{_SUFFIX_BODY})?{_SEP}(?P<hi>{_NUM})(?P<hi_scale>{_SCALE})?)?"
    rf"{_SUFFIX_RE}",
    re.I,
)
# Bare amount with a scale word and no currency ("approximately 2,126 billion"); kept only when
# nothing nounlike follows (so "1.4 billion people" is not money) and the article has a currency.
MONEY_BARE = re.compile(
    rf"{_LEFT}(?P<lo>{_DIGITS}|{_WORDNUM_SCALED})(?P<lo_scale>\s?(?:trillion|billion|million|trln|trn|bn|mn|tn)\b)"
    rf"(?:{_SEP}(?P<hi>{_DIGITS})(?P<hi_scale>\s?(?:trillion|billion|million|trln|trn|bn|mn|tn)\b))?"
    r"(?=\s*(?:[)\]\-—,.;:]|$|(?:a|per|each|annually|yearly|this|last|next|for|in|over|from|to|and|or|by|as|on|at|under|with)\b))",
    re.I,
)

PERCENT = re.compile(
    rf"{_LEFT}(?P<sign>[-+])?(?P<lo>{_DIGITS})"
    rf"(?:(?:\s?(?:%|percent\b|per\s?cent\b|pct\b))?{_SEP}(?P<hi>{_DIGITS}))?(?:\s|-)?(?P<pct>%|percent\b|per\s?cent\b|pct\b|percentage\s+points?\b)",
    re.I,
)
_PERSON_NOUN = (
    r"(?:troops|soldiers|personnel|service\s?(?:members|men|women)|servicemembers|servicemen|"
    r"Marines|Marine\s+Corps|sailors|airmen|military\s+personnel|forces|employees|workers)"
)
PERSONNEL = re.compile(
    rf"{_LEFT}(?P<lo>{_DIGITS}|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty)(?:\s+(?:thousand|hundred))?)(?P<lo_scale>\s(?:thousand|million))?"
    rf"(?P<mid>(?:\s+(?:U\.S\.|US|American|Marine|military|active-duty|uniformed|foreign|Korean|Japanese|USFK|USFJ|civilian|base|local|full-time|service)){{0,3}})"
    rf"\s+(?P<noun>{_PERSON_NOUN})\b",
    re.I,
)
PERSONNEL_KO = re.compile(r"(?P<lo>\d+(?:[,.]\d+)*)\s?(?P<man>만\s?(?P<rest>\d+\s?천\s?\d*|\d+)?)?\s?명")
MULTIPLE = re.compile(
    rf"{_LEFT}(?:(?P<lo>{_DIGITS}|one|two|three|four|five|six|seven|eight|nine|ten)(?:\s|-)?(?:times|fold)\b"
    r"|(?P<word>twice|double[ds]?|doubling|triple[ds]?|tripling|quadruple[ds]?|quadrupling|quintuple[ds]?|fourfold|threefold|twofold|fivefold|tenfold))",
    re.I,
)
TERM = re.compile(
    rf"{_LEFT}(?P<lo>{_DIGITS}|one|two|three|four|five|six|seven|eight|nine|ten)"
    rf"(?:-(?:year|yr)\b(?!s?[- ]old)|\s+(?:full\s+)?(?:years?|yrs?)\b(?!\s+(?:ago|old|earlier|later|since|before|after|of\s+age)))",
    re.I,
)
_NOT_TERM_AFTER = re.compile(r"\s+(?:high|low|old|veteran|record|career|sentence|prison|bond|yield|history|span|run|stint|hiatus)\b", re.I)
# "N years" or "N-year" is a term only in a sentence about agreements or negotiations.
_TERM_CONTEXT = re.compile(r"\b(?:agree\w*|deal|agreement|arrangement|pact|accord|extension|SMA|negotiat\w*|validity|renew\w*|contract|treaty|term)\b", re.I)

QUALIFIER_BEFORE = re.compile(
    r"(?P<q>nearly|about|approximately|approx\.|around|roughly|some|up\s+to|more\s+than|over|less\s+than|under|"
    r"at\s+least|almost|at\s+most|close\s+to|as\s+much\s+as|as\s+many\s+as|an\s+estimated|estimated|upwards\s+of|"
    r"just\s+over|just\s+under|below|above|~|약|約|대략|around\s+some)\s*[(\[]?\s*$",
    re.I,
)
QUALIFIER_AFTER = re.compile(r"^(?:\s*|-)(?P<q>or\s+more|or\s+so|plus|여)\b", re.I)
_RESTATE_GAP = re.compile(
    r"^\s*(?:[(\[]|—|–|--|-|,\s*or|,\s*or\s+about|\bor\b)\s*"
    r"(?:(?:or|about|approximately|approx\.|around|roughly|some|nearly|almost|equivalent\s+to|worth|i\.e\.|약|約|대략)\s*)*$",
    re.I,
)


def to_decimal(token: str) -> Decimal | None:
    """A number as written ("1,055.1", "one", "half a") -> Decimal; None if it is not a number."""
    t = token.strip().lower()
    t = re.sub(r"\s+", " ", t)
    if t in WORD_NUMBERS:
        return Decimal(WORD_NUMBERS[t])
    parts = t.split(" ")
    if len(parts) == 2 and parts[0] in WORD_NUMBERS and parts[1] in ("thousand", "hundred"):
        return Decimal(WORD_NUMBERS[parts[0]]) * (1000 if parts[1] == "thousand" else 100)
    t = t.replace(",", ".") if _COMMA_DECIMAL_RE.fullmatch(t) else t.replace(",", "")
    try:
        return Decimal(t)
    except InvalidOperation:
        return None


_COMMA_DECIMAL_RE = re.compile(r"\d{1,3},\d{1,2}")


def _scale(token: str | None) -> int:
    if not token:
        return 1
    return SCALES[token.strip().lstrip("-").strip().lower().rstrip(".")]


def _cjk_group(token: str | None) -> Decimal:
    """One group of a CJK amount: '389', '2,017', '6천100', '1.5' -> Decimal."""
    if not token:
        return Decimal(0)
    t = token.replace(" ", "").replace(",", "")
    m = re.fullmatch(r"(\d*(?:\.\d+)?)[천千](\d*)", t)
    if m:
        return Decimal(m.group(1) or 1) * 1000 + Decimal(m.group(2) or 0)
    return Decimal(t)


def canonical(value: Decimal) -> Decimal:
    """Whole numbers without exponent or trailing zeros (201.7 billion -> 201700000000)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


# --- claims ------------------------------------------------------------------------------------


@dataclass
class Claim:
    """A number an article states, with where it stands and the rule that found it."""

    id: str
    article: str
    start: int
    end: int
    sentence: str
    surface: str
    value: Decimal
    unit: str
    qualifier: str = ""
    restates: str = ""
    rule: str = ""
    value_high: Decimal | None = None
    # filled by costshare.attribute
    country: str = ""
    kind: str = ""
    period: str = ""
    #: how sure the attribution is: high, medium or low; checks skip low ("not checked")
    confidence: str = ""
    cues: str = ""
    # internal: normalized-text span and sentence index, for attribution
    _nstart: int = field(default=0, repr=False)
    _nend: int = field(default=0, repr=False)
    _sent: int = field(default=0, repr=False)
    # internal: the period a stated change is measured from ("前年比", "99年度比"), set by attribution
    _base: str = field(default="", repr=False)


@dataclass(frozen=True)
class Sentence:
    start: int  # normalized-text offsets
    end: int
    source: str = field(repr=False, compare=False)  # the whole normalized text

    @functools.cached_property
    def text(self) -> str:
        """Whitespace folded; built on demand, as most sentences of an article hold no claim, and
        once: a table pasted as one long sentence holds thousands of claims that all quote it."""
        return " ".join(self.source[self.start: self.end].split())


_ABBREV = {
    "u.s", "u.n", "u.k", "mr", "mrs", "ms", "dr", "st", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "no", "vs", "etc", "e.g", "i.e", "inc", "co", "corp", "gen", "lt",
    "col", "sen", "rep", "gov", "amb", "adm", "sgt", "capt", "maj", "approx", "fig", "ltd", "jr", "sr",
}
_BOUNDARY = re.compile(r"[.!?。](?=[\"'”’)\]]*\s+[\"'“‘(\[]?[A-Z0-9가-힣])|[。！？]|\n")


@functools.lru_cache(maxsize=32)
def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences of normalized text: newlines always end one; a full stop does unless it closes
    an abbreviation ("U.S.", "Oct.") or a single initial. Cached: extraction and attribution
    both need an article's sentences."""
    out: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if m.group(0) == ".":
            word = _LAST_WORD.search(text, max(start, m.start() - 12), m.end())
            token = word.group(1).lower() if word else ""
            if token in _ABBREV or (len(token) == 1 and token.isalpha()):
                continue
        _add_sentence(out, text, start, end)
        start = end
    _add_sentence(out, text, start, len(text))
    return tuple(out)


_LAST_WORD = re.compile(r"([\w.]+)\.$")
_NONSPACE = re.compile(r"\S")


def _add_sentence(out: list[Sentence], text: str, start: int, end: int) -> None:
    first = _NONSPACE.search(text, start, end)
    if first is None:
        return
    last = end
    while text[last - 1].isspace():
        last -= 1
    out.append(Sentence(first.start(), last, text))


@dataclass
class _Match:
    start: int
    end: int
    value: Decimal
    unit: str
    rule: str
    value_high: Decimal | None = None
    qualifier: str = ""
    bare: bool = False
    priority: int = 0


_GARBLED_PRINT = re.compile(r"[lIOo憶]")
# a line break inside the number itself ("31.\n9 billion", "1조\n2896억원"), not between a number and
# its unit word ("390 million\ndollars" is only wrapped text)
_SPLIT_NUMBER = re.compile(r"[\d.,조兆억億][ \t]*\r?\n[ \t]*\d")
_NOT_AN_AMOUNT = re.compile(r"(?:19|20)\d\d$")  # a year before "won"/"yen" with no scale word
_VERB_WON = re.compile(r"\s+(?:the|a|an|his|her|their|its|over|by|in|out|re-?election|office|seats?|votes?)\b", re.I)


def _ccy_from_suffix(post: str) -> str:
    p = post.lower()
    for pattern, code in _SUFFIX_CCY:
        if re.search(pattern, p):
            return code
    return ""


def _money_matches(text: str) -> Iterable[_Match]:
    lower = text.lower()
    yen_sign: tuple[str, str] | None = None
    for m in MONEY_PREFIXED.finditer(text):
        pre = re.sub(r"\s", "", m.group("pre"))
        unit = _CUR_PREFIX.get(pre) or _CUR_PREFIX.get(pre.upper(), "")
        rule = "money.prefix"
        if pre == "¥" and not m.group("post"):
            yen_sign = yen_sign or yen_sign_currency(text)
            if yen_sign[1]:
                unit, rule = yen_sign[0], f"money.prefix({yen_sign[1]})"
        if _COMMA_DECIMAL_RE.fullmatch(m.group("lo")):
            rule += ".comma_decimal"
        if m.group("post"):
            unit = _ccy_from_suffix(m.group("post")) if pre == "$" else unit or _ccy_from_suffix(m.group("post"))
        lo = to_decimal(m.group("lo"))
        if lo is None or (m.group("lo").lower() in ("a", "an") and not m.group("lo_scale")):
            continue
        if pre.lower() in ("w", "won") and not m.group("lo_scale"):
            continue  # "W1" alone is a model name more often than money
        hi_scale = m.group("hi_scale")
        lo_scale = m.group("lo_scale") or hi_scale
        value = lo * _scale(lo_scale)
        high = to_decimal(m.group("hi")) * _scale(hi_scale or lo_scale) if m.group("hi") else None
        if high is not None and high <= value:
            end = m.start("hi") - len(re.match(r".*?(\s?(?:-|to)\s?)$", text[m.start(): m.start("hi")]).group(1))
            yield _Match(m.start(), end, value, unit, rule, priority=3)
            continue
        yield _Match(m.start(), m.end(), value, unit, rule + (".range" if high else ""), high, priority=3)
    for m in MONEY_SUFFIXED.finditer(text):
        lo = to_decimal(m.group("lo"))
        if lo is None:
            continue
        if m.group("lo").lower() in ("a", "an") and not m.group("lo_scale"):
            continue  # "a dollar"
        unit = _ccy_from_suffix(m.group("post"))
        if not (m.group("lo_scale") or m.group("hi_scale")) and (
                _NOT_AN_AMOUNT.match(m.group("lo")) or unit == "KRW" and _VERB_WON.match(text, m.end())):
            continue  # "who in 2022 won the presidency": a year and a verb, not money
        hi_scale = m.group("hi_scale")
        value = lo * _scale(m.group("lo_scale") or hi_scale)
        high = to_decimal(m.group("hi")) * _scale(hi_scale or m.group("lo_scale")) if m.group("hi") else None
        if high is not None and high < value:
            # "from 23.4 billion yen in fiscal 2022 to 13.3 billion yen": no range, the second amount alone
            yield _Match(m.start("hi"), m.end(), high, unit, "money.suffix", priority=3)
            continue
        rule = "money.suffix" + (".comma_decimal" if _COMMA_DECIMAL_RE.fullmatch(m.group("lo")) else "")
        yield _Match(m.start(), m.end(), value, unit, rule + (".range" if high else ""), high, priority=3)
    for f in money_forms(text):
        yield _Match(f.start, f.end, f.value, f.unit, f.rule, qualifier=f.qualifier, priority=3)
    for m in (MONEY_BARE.finditer(text) if _any(lower, "illion", "bn", "mn", "tn", "trn", "trln") else ()):
        lo = to_decimal(m.group("lo"))
        if lo is None:
            continue
        value = lo * _scale(m.group("lo_scale"))
        high = to_decimal(m.group("hi")) * _scale(m.group("hi_scale")) if m.group("hi") else None
        end = m.end("hi_scale") if m.group("hi") else m.end("lo_scale")
        yield _Match(m.start(), end, value, "", "money.bare", high, bare=True, priority=2)


def _any(lower: str, *words: str) -> bool:
    """Cheap guard before a pattern: skip a whole scan when its key word is absent."""
    return any(w in lower for w in words)




def _sentence_at(sentences, starts: list[int], at: int) -> Sentence | None:
    i = bisect.bisect_right(starts, at) - 1
    return sentences[i] if i >= 0 and at < sentences[i].end else None


def _other_matches(text: str, sentences: list[Sentence]) -> Iterable[_Match]:
    lower = text.lower()
    starts = [s.start for s in sentences]
    for m in (PERCENT.finditer(text) if _any(lower, "%", "percent", "per cent", "pct") else ()):
        value = to_decimal(m.group("lo"))
        if m.group("sign") == "-":
            value = -value
        high = to_decimal(m.group("hi")) if m.group("hi") else None
        unit = "percentage points" if m.group("pct").lower().startswith("percentage") else "percent"
        yield _Match(m.start(), m.end(), value, unit, "percent" + (".range" if high else ""), high, priority=2)
    for m in PERSONNEL.finditer(text):
        value = to_decimal(m.group("lo"))
        if value is None or m.group("lo").lower() in ("a", "an"):
            continue
        if re.fullmatch(r"(?:19[5-9]\d|20[0-3]\d)", m.group("lo")):
            continue  # "In 2019 troops left": a year, not a head count
        if m.group("lo_scale"):
            value *= _scale(m.group("lo_scale"))
        yield _Match(m.start(), m.end(), value, "personnel", "personnel", priority=1)
    for m in (PERSONNEL_KO.finditer(text) if "명" in text else ()):
        lo = Decimal(m.group("lo").replace(",", ""))
        value = lo * 10**4 + _cjk_group(m.group("rest")) if m.group("man") else lo
        if value < 100:
            continue  # "3명" is a headcount of people in a story, not a force level
        yield _Match(m.start(), m.end(), value, "personnel", "personnel.ko", priority=1)
    for m in (MULTIPLE.finditer(text) if _any(lower, "times", "fold", "twice", "doubl", "tripl", "quadrupl", "quintupl") else ()):
        if m.group("lo"):
            value = to_decimal(m.group("lo"))
        else:
            w = m.group("word").lower()
            value = Decimal(
                2 if w.startswith(("twice", "doubl", "twofold")) else
                3 if w.startswith(("tripl", "threefold")) else
                4 if w.startswith(("quadrupl", "fourfold")) else
                5 if w.startswith(("quintupl", "fivefold")) else 10
            )
        if value is None or value <= 1:
            continue
        yield _Match(m.start(), m.end(), value, "ratio", "multiple", priority=1)
    for m in (TERM.finditer(text) if "year" in lower or "yr" in lower else ()):
        value = to_decimal(m.group("lo"))
        if value is None or value <= 0 or value > 30:
            continue
        hyphen = re.search(r"-(?:year|yr)", m.group(0), re.I) is not None
        if hyphen and _NOT_TERM_AFTER.match(text, m.end()):
            continue  # "a 10-year high", "a 25-year veteran"
        sentence = _sentence_at(sentences, starts, m.start())
        if sentence is None or not _TERM_CONTEXT.search(sentence.text):
            continue
        yield _Match(m.start(), m.end(), value, "years", "term" + (".hyphen" if hyphen else ".years"), priority=0)


def _select(matches: list[_Match]) -> list[_Match]:
    """Keep non-overlapping matches: the higher-priority rule wins, then the longer span."""
    # The chosen spans never overlap, so kept in start order their ends are in order too: a new
    # span overlaps one iff the last chosen span starting before its end reaches past its start.
    # One binary search per match instead of a scan of all chosen (thousands in a pasted table).
    starts: list[int] = []
    chosen: list[_Match] = []
    for m in sorted(matches, key=lambda m: (-m.priority, -(m.end - m.start), m.start)):
        j = bisect.bisect_left(starts, m.end) - 1
        if j >= 0 and chosen[j].end > m.start:
            continue
        starts.insert(j + 1, m.start)
        chosen.insert(j + 1, m)
    return chosen


def extract_claims(article: Article) -> list[Claim]:
    """Every claim of one article, in text order."""
    norm = article.norm
    text = norm.text
    _count_numbers(article, text)
    sentences = split_sentences(text)
    matches = _select(_chain(article, _money_matches(text), _other_matches(text, sentences)))
    if len(matches) > MAX_CLAIMS_PER_ARTICLE:
        _too_many(article, matches[MAX_CLAIMS_PER_ARTICLE].start)
    stem = article.id.rsplit(".", 1)[0]
    claims: list[Claim] = []
    sent_i = 0
    for m in matches:
        while sent_i < len(sentences) - 1 and m.start >= sentences[sent_i].end:
            sent_i += 1
        start, end = norm.span(m.start, m.end)
        qualifier = m.qualifier or _qualifier(text, m.start, m.end)
        rule = m.rule
        if rule.startswith("money") and _SPLIT_NUMBER.search(article.text[start:end]):
            rule += ".linebreak"  # read across a line break: say so, the reader may want to look
        if _GARBLED_PRINT.search(article.text[start:end]) and lookalikes(article.text[start:end]) != article.text[start:end]:
            rule += ".garbled(a letter printed for a digit)"
        claims.append(
            Claim(
                id=f"{stem}:{start}",
                article=article.id,
                start=start,
                end=end,
                sentence=sentences[sent_i].text if sentences else "",
                surface=article.text[start:end],
                value=canonical(m.value),
                value_high=canonical(m.value_high) if m.value_high is not None else None,
                unit=m.unit,
                qualifier=qualifier,
                rule=rule,
                _nstart=m.start,
                _nend=m.end,
                _sent=sent_i,
            )
        )
    _link_restatements(claims, text)
    return _resolve_bare_currency(claims, text)


def _chain(article: Article, *iterables: Iterable[_Match]) -> list[_Match]:
    """All candidate matches, stopping with a CorpusError as soon as there are more than any
    article has (the rules run lazily: a 5 MB file of "$1 $1 ..." is refused in milliseconds)."""
    out: list[_Match] = []
    for it in iterables:
        for m in it:
            out.append(m)
            if len(out) > MAX_MATCHES_PER_ARTICLE:
                _too_many(article, m.start)
    return out


_DIGIT_RUN = re.compile(r"\d+")


def _count_numbers(article: Article, text: str) -> None:
    """Refuse a text with more written numbers than MAX_MATCHES_PER_ARTICLE before any rule runs:
    counting digit groups is one fast scan that stops at the limit, whereas every rule would
    otherwise scan all of a 5 MB file of "1% 1% ..." first."""
    for n, m in enumerate(_DIGIT_RUN.finditer(text)):
        if n >= MAX_MATCHES_PER_ARTICLE:
            _too_many(article, m.start())


def _too_many(article: Article, at: int) -> None:
    start, _ = article.norm.span(at, at + 1)
    raise CorpusError(
        f"{article.id}: more than {MAX_CLAIMS_PER_ARTICLE:,} numbers (the last one read at character "
        f"{start:,}); a news article states tens, so this is a data table or a dump: split it into "
        "articles or remove it from the seeds folder"
    )


def _qualifier(text: str, start: int, end: int) -> str:
    before = QUALIFIER_BEFORE.search(text[max(0, start - 30): start])
    if before:
        return " ".join(before.group("q").lower().split())
    after = QUALIFIER_AFTER.match(text[end: end + 12])
    if after:
        q = " ".join(after.group("q").lower().split())
        return "more than" if q in ("plus", "or more") else q
    return ""


def _is_money(c: Claim) -> bool:
    return c.rule.startswith("money")


def _link_restatements(claims: list[Claim], text: str) -> None:
    """"A (approximately B)", "A — B —", "A, or B": B restates A (the same amount, another currency)."""
    for prev, cur in zip(claims, claims[1:]):
        if not (_is_money(prev) and _is_money(cur)) or prev.restates:
            continue
        if cur._sent != prev._sent:
            continue
        if cur.unit == prev.unit and cur.unit and not (prev.value and abs(cur.value / prev.value - 1) < Decimal("0.005")):
            continue  # the same currency restates only the same amount ("960.2 billion won (9,602 hundred million won)")
        if _RESTATE_GAP.match(text[prev._nend: cur._nstart]):
            cur.restates = prev.id


def _resolve_bare_currency(claims: list[Claim], text: str) -> list[Claim]:
    """A bare "2,126 billion" takes its currency from context: as a restatement, the currency other
    restatements of the article use; otherwise the nearest earlier currency in its sentence, then
    the article's most frequent one. With no currency anywhere it is not money and is dropped."""
    counts: dict[str, int] = {}
    restated_in: dict[str, int] = {}
    by_id = {c.id: c for c in claims}
    for c in claims:
        if _is_money(c) and c.unit:
            counts[c.unit] = counts.get(c.unit, 0) + 1
            if c.restates:
                restated_in[c.unit] = restated_in.get(c.unit, 0) + 1
    # one pass, no look-back: the last currency seen in each sentence, and where the money words
    # stand (found once for the whole text, not once per bare amount)
    if not any(c.rule.startswith("money.bare") for c in claims):
        return claims
    sentences = split_sentences(text)
    cues = [(m.start(), m.end()) for m in _MONEY_WORDS.finditer(text)]
    cue_starts = [a for a, _ in cues]
    last_unit: tuple[int, str] = (-1, "")  # (sentence, unit) of the latest money claim with a unit
    kept: list[Claim] = []
    for c in claims:
        if c.rule != "money.bare" and not c.rule.startswith("money.bare"):
            kept.append(c)
            if _is_money(c) and c.unit:
                last_unit = (c._sent, c.unit)
            continue
        unit, why = "", ""
        if c.restates:
            primary = by_id[c.restates].unit
            options = {u: n for u, n in restated_in.items() if u != primary} or {
                u: n for u, n in counts.items() if u != primary
            }
            if options:
                unit, why = max(sorted(options), key=options.get), "restatement currency of the article"
        if not unit and last_unit[0] == c._sent:
            unit, why = last_unit[1], "currency earlier in the sentence"
        if not unit and counts and _money_word_between(cues, cue_starts, _sentence_start(sentences, c), c._nstart):
            unit, why = max(sorted(counts), key=counts.get), "most frequent currency of the article"
        if not unit:
            continue  # "a nation of 126 million": a scaled number with no money about it
        kept.append(replace(c, unit=unit, rule=f"money.bare(currency: {why})"))
    return kept


_MONEY_WORDS = re.compile(r"\b(?:pay\w*|paid|cost\w*|worth|budget\w*|spend\w*|spent|contribut\w*|fund\w*|burden|share)\b|분담금|負担|予算", re.I)


def _money_word_between(cues: list[tuple[int, int]], cue_starts: list[int], start: int, end: int) -> bool:
    """A money word wholly inside text[start:end]. The cues do not overlap, so the first one that
    starts at or after ``start`` is the one that ends first."""
    i = bisect.bisect_left(cue_starts, start)
    return i < len(cues) and cues[i][1] <= end


def _sentence_start(sentences, c: Claim) -> int:
    """Start (normalized offset) of the claim's sentence."""
    return sentences[c._sent].start if sentences else 0


def extract_corpus(articles: list[Article]) -> list[Claim]:
    claims: list[Claim] = []
    for a in articles:
        claims.extend(extract_claims(a))
    return claims
