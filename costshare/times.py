"""Time expressions in English, Japanese and Korean news copy, found and resolved to years.

The single home of the calendar vocabulary: Japan's fiscal year N runs from 1 April N to 31 March
N+1 and is written ``FY N``; Korea's SMA years are calendar years, written ``2021``; spans are
``FY2022-FY2026`` and ``2021-2025``.

``find_times`` returns every time expression of a text with its offsets and what it resolves to:
an absolute year ("2020", "fiscal 2020", "FY23", "2020年度", "2014년도", "令和4年度"), a span
("FY2022-FY2026", "2014 to 2018", "2021~2025년", "2022年度から5年間", "five years through fiscal
2026", "the late 1990s"), or a relative year ("this year", "next fiscal year", "今年度", "내년",
"the previous year"), resolved against the publication date or, for words like "the previous
year", against the year the sentence is about. Attribution decides which number each one governs.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass

JAPAN, KOREA = "Japan", "South Korea"

# --- the calendar -------------------------------------------------------------------------------


def fiscal_year_of(day: dt.date) -> int:
    """Japan's fiscal year containing a date (FY2020 = 2020-04-01 .. 2021-03-31)."""
    return day.year if day.month >= 4 else day.year - 1


def uses_fiscal_years(country: str) -> bool:
    return country == JAPAN


def current_year(country: str, day: dt.date) -> int:
    """The year under way on a date, in the country's own calendar."""
    return fiscal_year_of(day) if uses_fiscal_years(country) else day.year


def format_period(country: str, start: int, end: int | None = None) -> str:
    """FY2021, FY2022-FY2026 for Japan; 2021, 2021-2025 for Korea (and for no country)."""
    end = start if end is None else end
    if uses_fiscal_years(country):
        return f"FY{start}" if start == end else f"FY{start}-FY{end}"
    return str(start) if start == end else f"{start}-{end}"


_PERIOD = re.compile(r"^(?:FY)?(\d{4})(?:-(?:FY)?(\d{4}))?$")


def parse_period(period: str) -> tuple[int, int] | None:
    """'FY2022-FY2026' -> (2022, 2026); '2019' -> (2019, 2019); '' -> None."""
    m = _PERIOD.match(period or "")
    if not m:
        return None
    a = int(m.group(1))
    return a, int(m.group(2) or a)


# --- what a time expression is ------------------------------------------------------------------


@dataclass(frozen=True)
class TimeExpr:
    """One time expression: offsets into the normalized text, and the years it speaks of.

    ``first``/``last`` are years in the country's own calendar once resolved; ``fiscal`` says the
    text named a fiscal year explicitly; ``relative`` is the offset of a relative word and
    ``anchor`` what it counts from ('publication' or 'sentence'); ``historical`` marks decades
    and "peaked in"-style phrases."""

    start: int
    end: int
    text: str
    first: int | None
    last: int | None
    fiscal: bool = False
    relative: int | None = None
    anchor: str = ""
    span: bool = False
    #: a comparison base ("前年比", "from a year earlier", "전년 대비"): it dates what a change is
    #: measured from, never the amount beside it
    comparison: bool = False

    @property
    def is_span(self) -> bool:
        return self.first is not None and self.last is not None and self.last > self.first


# --- patterns -----------------------------------------------------------------------------------

_Y = r"(?:19[5-9]\d|20[0-4]\d)"
_NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
              "nine": 9, "ten": 10}
_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925}
_KANJI_DIGITS = {"元": 1, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

# Order matters: spans before single years, so a span's years are not read twice.
_SPAN_PATTERNS = [
    # FY2022-FY2026, fiscal 2022-2026, 2022-26, 2021~2025년, 2022年度～26年度, 2014-2018
    ("range", re.compile(
        rf"(?P<fy>\b(?:J?FY|fiscal\s+(?:years?\s+)?)\s?)?(?P<a>{_Y})\s*(?:年度|년도|年|년)?\s*[-–—~〜～/]\s*"
        rf"(?:J?FY\s?)?(?P<b>{_Y}|\d\d)(?!\d)(?:\s*(?P<fy2>年度|년도|fiscal years?)|\s*(?:年|년))?", re.I)),
    # from (April) 2014 to (March) 2018; between 2014 and 2018; 2014 to 2018; 2014 through 2018
    ("range", re.compile(
        rf"\b(?:(?:from|between)\s+)?(?P<fy>(?:fiscal\s+(?:years?\s+)?|J?FY\s?))?(?:(?P<am>April|January)\s+)?(?P<a>{_Y})"
        rf"\s+(?:to|through|until|and|till)\s+(?:fiscal\s+(?:year\s+)?|J?FY\s?)?(?:(?P<bm>March|December)\s+)?(?P<b>{_Y})\b", re.I)),
    # 2022年度から5年間, 2026년부터 5년간, 2022年度からの5年間
    ("start_len", re.compile(rf"(?P<a>{_Y})\s*(?P<fy>年度|년도)?\s*(?:年|년)?\s*(?:から(?:の)?|부터)\s*(?P<n>\d+)\s*(?:年間|년간|년\s*동안)")),
    # five years through fiscal 2026; the five years to 2026
    ("len_end", re.compile(
        rf"\b(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten)[- ]years?\b[^.;]{{0,30}}?\b(?:through|until|to|ending(?:\s+in)?)\s+"
        rf"(?P<fy>fiscal\s+(?:year\s+)?|J?FY\s?)?(?P<b>{_Y})\b", re.I)),
    # the late 1990s, the early 2000s, the 1990s, 1990년대, 1990年代
    ("decade", re.compile(rf"\b(?:the\s+)?(?:(?P<part>early|mid|late)[- ])?(?P<d>(?:19[5-9]|20[0-4])0)'?s\b|(?P<d2>(?:19[5-9]|20[0-4])0)\s*(?:年代|년대)(?:\s*(?P<part2>初め|初頭|前半|半ば|後半|말|초|중반|후반))?", re.I)),
]
_SHORT_FY = re.compile(r"(?<![\d.,])(?P<yy>\d{2})\s*年度")
_COMPARISON_BEFORE = re.compile(r"(?:\b(?:from|than|compared\s+(?:with|to)|versus|vs\.?)\s+(?:the\s+same\s+period\s+(?:of\s+)?)?)$", re.I)
_COMPARISON_BEFORE_RELATIVE = re.compile(r"\b(?:over|on)\s+$", re.I)
_COMPARISON_AFTER = re.compile(r"^(?:比|度比|対比|\s*대비|\s*比|より|보다|에\s*비해|から(?!\s*\d+\s*年間))"
                               r"|^\s*(?:의\s*)?(?:수준|분담금|예산|水準|予算|実績)?\s*\([^)]{0,20}\)\s*(?:보다|より|比|대비|에\s*비해)")
_ERA = re.compile(r"(?P<era>令和|平成|昭和)\s*(?P<n>元|\d{1,2}|[一二三四五六七八九十]{1,3})\s*年(?P<fy>度)?"
                  r"|\b(?P<era_en>Reiwa|Heisei|Showa)\s+(?P<n_en>\d{1,2})\b")
_ERA_SPAN = re.compile(r"(?P<era>令和|平成|Reiwa|Heisei)\s*(?P<a>\d{1,2})\s*(?:年度?)?\s*(?:to|through|-|～|〜|~|から)\s*(?:(?:令和|平成|Reiwa|Heisei)\s*)?(?P<b>\d{1,2})\s*(?:年度?)?", re.I)
_ENDS_IN_MARCH = re.compile(rf"\b(?:end(?:s|ing|ed)?|runs?\s+(?:through|to|until))\s+(?:in\s+|at\s+the\s+end\s+of\s+)?March\s+(?P<y>{_Y})\b", re.I)
_ERA_BASE = {"令和": 2018, "平成": 1988, "昭和": 1925, "reiwa": 2018, "heisei": 1988, "showa": 1925}
_SINGLE = re.compile(
    rf"(?P<fy>\b(?:J?FY|fiscal\s+(?:year\s+)?)\s?'?)?(?<![\d,.$¥₩])(?P<y>{_Y})(?![\d,.]\d)(?:\s*(?P<fy2>年度|년도|회계연도)|\s*(?:年|년)(?!\s*(?:間|간)))?"
    r"|\b(?:J?FY\s?'?)(?P<y3>\d\d)\b", re.I)
# "the previous year" counts from the year the sentence speaks of; the others from publication
_RELATIVE = re.compile(
    r"\b(?P<w>this|last|next|the\s+previous|the\s+prior|the\s+coming|the\s+current|the\s+following|a)\s+(?P<fy>fiscal\s+)?year(?:'s|s')?(?P<ago>\s+(?:earlier|before|ago))?\b"
    r"|\b(?P<w2>this|last|next)\s+(?P<fy2>FY)\b"
    r"|(?P<ja>今年度|来年度|昨年度|前年度|本年度|次年度|翌年度|今年|来年|昨年|去年|前年|翌年|再来年)"
    r"|(?P<ko>올해|금년|내년|내후년|지난해|작년|전년|이듬해|다음\s?해|올\s?회계연도)", re.I)
_RELATIVE_OFFSETS = {
    "this": (0, "publication"), "the current": (0, "publication"), "last": (-1, "publication"),
    "next": (1, "publication"), "the coming": (1, "publication"),
    "the previous": (-1, "sentence"), "the prior": (-1, "sentence"), "the following": (1, "sentence"),
    "a": (-1, "sentence"),  # "a year earlier"
    "今年度": (0, "publication"), "本年度": (0, "publication"), "来年度": (1, "publication"), "次年度": (1, "publication"),
    "昨年度": (-1, "publication"), "前年度": (-1, "sentence"), "翌年度": (1, "sentence"),
    "今年": (0, "publication"), "来年": (1, "publication"), "昨年": (-1, "publication"), "去年": (-1, "publication"),
    "前年": (-1, "sentence"), "翌年": (1, "sentence"), "再来年": (2, "publication"),
    "올해": (0, "publication"), "금년": (0, "publication"), "내년": (1, "publication"), "내후년": (2, "publication"),
    "지난해": (-1, "publication"), "작년": (-1, "publication"), "전년": (-1, "sentence"), "이듬해": (1, "sentence"),
    "다음해": (1, "sentence"), "다음 해": (1, "sentence"), "올회계연도": (0, "publication"), "올 회계연도": (0, "publication"),
}
_FISCAL_WORDS = ("年度", "년도", "회계연도")


def _span_years(kind: str, m: re.Match) -> tuple[int, int] | None:
    g = m.groupdict()
    if kind == "range":
        a = int(g["a"])
        b_text = g["b"]
        b = int(b_text) if len(b_text) == 4 else a // 100 * 100 + int(b_text)
        if b < a and len(b_text) == 2:
            b += 100
        if (g.get("bm") or "").lower() == "march" and (g.get("am") or "").lower() == "april":
            b -= 1  # April 2022 to March 2027 is FY2022-FY2026
        return (a, b) if a < b <= a + 40 else None
    if kind == "start_len":
        a, n = int(g["a"]), int(g["n"])
        return (a, a + n - 1) if 1 < n <= 10 else None
    if kind == "len_end":
        n_text = g["n"].lower()
        n = int(n_text) if n_text.isdigit() else _NUM_WORDS[n_text]
        b = int(g["b"])
        return (b - n + 1, b) if 1 < n <= 10 else None
    if kind == "decade":
        d = int(g.get("d") or g.get("d2"))
        part = (g.get("part") or g.get("part2") or "").lower()
        if part in ("early", "初め", "初頭", "前半", "초"):
            return d, d + 3
        if part in ("mid", "半ば", "중반"):
            return d + 3, d + 6
        if part in ("late", "後半", "말", "후반"):
            return d + 5, d + 9
        return d, d + 9
    return None


def _era_year(m: re.Match) -> int:
    n_text = m.group("n")
    if n_text.isdigit():
        n = int(n_text)
    elif n_text == "元":
        n = 1
    else:
        n = 0
        for ch in n_text:
            v = _KANJI_DIGITS[ch]
            n = n * 10 + v if v < 10 else (n or 1) * 10
    return _ERAS[m.group("era")] + n


def find_times(text: str, taken: list[tuple[int, int]] = ()) -> list[TimeExpr]:
    """Every time expression of a text, unresolved relative words included, in text order.

    ``taken`` lists spans already read as something else (an amount: "2,017億円" is not the year
    2017, nor is the "2017" of "2017 billion yen"); no time expression may overlap them."""
    found: list[TimeExpr] = []
    # spans already read, kept sorted and disjoint: a new one is free when it overlaps neither
    # neighbour, found by bisection (an article with thousands of amounts stays linear)
    occupied: list[tuple[int, int]] = []
    for a, b in sorted(taken):
        if occupied and a < occupied[-1][1]:
            occupied[-1] = (occupied[-1][0], max(b, occupied[-1][1]))
        else:
            occupied.append((a, b))

    def free(a: int, b: int) -> bool:
        i = bisect.bisect_left(occupied, (a, a))
        if i < len(occupied) and occupied[i][0] < b:
            return False
        return not (i > 0 and occupied[i - 1][1] > a)

    def add(expr: TimeExpr) -> None:
        found.append(expr)
        bisect.insort(occupied, (expr.start, expr.end))

    for kind, pattern in _SPAN_PATTERNS:
        for m in pattern.finditer(text):
            years = _span_years(kind, m)
            if years is None or not free(m.start(), m.end()):
                continue
            fiscal = bool(m.groupdict().get("fy") or m.groupdict().get("fy2"))
            add(TimeExpr(m.start(), m.end(), m.group(0), years[0], years[1], fiscal=fiscal, span=True,
                         anchor="historical" if kind == "decade" else ""))
    for m in _ENDS_IN_MARCH.finditer(text):
        # "this fiscal year, which ends in March 2020": Japan's FY2019
        if free(m.start("y"), m.end("y")):
            y = int(m.group("y")) - 1
            add(TimeExpr(m.start(), m.end(), m.group(0), y, y, fiscal=True))
    for m in _ERA_SPAN.finditer(text):
        base = _ERA_BASE[m.group("era").lower() if m.group("era").isascii() else m.group("era")]
        a, b = base + int(m.group("a")), base + int(m.group("b"))
        if a < b <= a + 10 and free(m.start(), m.end()):
            add(TimeExpr(m.start(), m.end(), m.group(0), a, b, fiscal=True, span=True))
    for m in _ERA.finditer(text):
        if free(m.start(), m.end()):
            if m.group("era_en"):
                y = _ERA_BASE[m.group("era_en").lower()] + int(m.group("n_en"))
                add(TimeExpr(m.start(), m.end(), m.group(0), y, y, fiscal=True))
                continue
            y = _era_year(m)
            add(TimeExpr(m.start(), m.end(), m.group(0), y, y, fiscal=bool(m.group("fy"))))
    for m in _SHORT_FY.finditer(text):
        if free(m.start(), m.end()):
            yy = int(m.group("yy"))
            y = 1900 + yy if yy >= 50 else 2000 + yy
            add(TimeExpr(m.start(), m.end(), m.group(0), y, y, fiscal=True))
    for m in _SINGLE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        if m.group("y3"):
            y = 2000 + int(m.group("y3"))
            add(TimeExpr(m.start(), m.end(), m.group(0), y, y, fiscal=True))
            continue
        y = int(m.group("y"))
        # a four-digit number followed by a unit is an amount, not a year ("2017 billion yen")
        after = text[m.end(): m.end() + 14].lower()
        if re.match(r"\s*(?:billion|trillion|million|bn|億|兆|억|조|만|万|yen|won|dollars|円|원|달러|troops|명|人|%)", after):
            continue
        fiscal = bool(m.group("fy")) or (m.group("fy2") or "") in _FISCAL_WORDS
        add(TimeExpr(m.start(), m.end(), m.group(0), y, y, fiscal=fiscal))
    for m in _RELATIVE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        word = " ".join((m.group("w") or m.group("w2") or m.group("ja") or m.group("ko") or "").lower().split())
        if m.group("w") == "a" or (m.group("w") or "").lower() == "a":
            if not m.group("ago"):
                continue  # "a year" is a rate, not a time
            word = "a"
        elif m.group("ago") and word in ("last", "this", "next"):
            pass
        offset, anchor = _RELATIVE_OFFSETS.get(word, _RELATIVE_OFFSETS.get(word.replace(" ", ""), (None, "")))
        if offset is None:
            continue
        # "the current year" is the one under way: Japan's fiscal year, whatever the month
        fiscal = bool(m.group("fy") or m.group("fy2")) or word.endswith(("年度", "회계연도")) or word == "the current"
        add(TimeExpr(m.start(), m.end(), m.group(0), None, None, fiscal=fiscal, relative=offset, anchor=anchor))
    found.sort(key=lambda t: t.start)
    return [_mark_comparison(text, t) for t in found]


def _mark_comparison(text: str, t: TimeExpr) -> TimeExpr:
    before = text[max(0, t.start - 30): t.start]
    after = text[t.end: t.end + 40]
    if t.is_span and not t.comparison:
        return t  # "from 2014 to 2018" is a span, not a base
    if (_COMPARISON_BEFORE.search(before) and (t.relative is not None or re.search(r"\b(?:up|down|rise|rose|increase|decrease|fell|grew|jump|%|percent)", text[max(0, t.start - 60): t.start], re.I))) \
            or (t.relative is not None and _COMPARISON_BEFORE_RELATIVE.search(before)) or _COMPARISON_AFTER.match(after) or t.text.endswith(("前年比", "前年度比")):
        return TimeExpr(t.start, t.end, t.text, t.first, t.last, t.fiscal, t.relative, t.anchor, t.span, True)
    return t


def resolve(expr: TimeExpr, country: str, published: dt.date | None, sentence_year: int | None = None) -> TimeExpr | None:
    """A relative expression resolved to years in the country's calendar, or None when it cannot be
    (no publication date). Absolute expressions are returned as they are."""
    if expr.relative is None:
        return expr
    if expr.anchor == "sentence" and sentence_year is not None:
        y = sentence_year + expr.relative
    elif published is None:
        return None
    elif uses_fiscal_years(country) and expr.fiscal:
        # "this fiscal year" / 今年度 in January 2021 is FY2020, the year being paid
        y = fiscal_year_of(published) + expr.relative
    else:
        # "this year's contribution" in January 2021 is the FY2021 budget, the one being decided
        y = published.year + expr.relative
    return TimeExpr(expr.start, expr.end, expr.text, y, y, fiscal=expr.fiscal, relative=expr.relative, anchor=expr.anchor)
