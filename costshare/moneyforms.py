"""Money as the press prints it beyond "$1.9 billion": the forms costshare.extract hands over here.

  * CJK numeral chains: digits and native numerals mixed with 十百千/십백천 and 万億兆/만억조, with or
    without spaces ("6천 2백만 달러", "二千百億円", "2万億円", "4500円30銭"), in any currency the Korean,
    Japanese and Chinese press name (원, 달러, 엔, 유로, 위안, 파운드, 円, ドル, 元, 人民元, ウォン, ...), and
    after a currency sign ("¥3億", and the backslash that old Japanese encodings print for ¥: "\\300").
  * Native numerals garbled in print: a scale word repeated where the next lower one was meant
    ("9억 2500억 달러" for 9억 2500만) is read as meant, and the rule name says "garbled" so that
    reconciliation can tell the reader.
  * English amounts spelled out or spoken ("twelve dollars and thirty cents", "one-point-two trillion
    yen"), cents and pence, and currencies named with a country ("100 chinese yuan", "40 Swiss francs").
  * Reuters' "Y" for yen ("Y1.06 trln") and which currency a bare "¥" means in a story (yen in a Japan
    story, yuan in a China story).

Every function returns plain tuples (start, end, value, unit, rule, qualifier) over the text it was
given; costshare.extract turns them into claims. Values are exact Decimals.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterator, NamedTuple


class Form(NamedTuple):
    start: int
    end: int
    value: Decimal
    unit: str
    rule: str
    qualifier: str = ""


# --- CJK numeral chains ------------------------------------------------------------------------

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000, "십": 10, "백": 100, "천": 1000}
_LARGE_UNITS = {"万": 10**4, "萬": 10**4, "만": 10**4, "億": 10**8, "억": 10**8, "兆": 10**12, "조": 10**12}
#: the scale a repeated one stands for when print garbled it ("억 ... 억" meant "억 ... 만")
_NEXT_LOWER = {10**12: 10**8, 10**8: 10**4}

_NUMTOK = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_KTOK = r"[〇零一二三四五六七八九]+"
_DIGIT = rf"(?:{_NUMTOK}|{_KTOK})"
_GROUP = rf"(?:(?:{_DIGIT})?\s?[十百千십백천]\s?)+(?:{_DIGIT})?|{_DIGIT}"
_LARGE = r"[万萬만億억兆조]+"
_CHAIN = rf"(?:{_GROUP})(?:\s?{_LARGE}(?:\s?(?:{_GROUP}))?)*"

# currency words after a chain; the longest first ("人民元" before "元", "홍콩달러" before "달러")
_CJK_CURRENCIES = {
    "원": "KRW", "달러": "USD", "불": "USD", "엔": "JPY", "유로": "EUR", "위안": "CNY", "파운드": "GBP",
    "루피": "INR", "프랑": "CHF",
    "미국달러": "USD", "미달러": "USD", "홍콩달러": "HKD", "호주달러": "AUD", "싱가포르달러": "SGD",
    "대만달러": "TWD", "캐나다달러": "CAD", "뉴질랜드달러": "NZD",
    "円": "JPY", "ドル": "USD", "米ドル": "USD", "豪ドル": "AUD", "香港ドル": "HKD", "台湾ドル": "TWD",
    "シンガポールドル": "SGD", "カナダドル": "CAD", "加ドル": "CAD", "NZドル": "NZD",
    "ウォン": "KRW", "ユーロ": "EUR", "ポンド": "GBP", "人民元": "CNY", "元": "CNY", "フラン": "CHF",
    "ルピー": "INR", "美元": "USD", "日元": "JPY", "韩元": "KRW", "韓元": "KRW", "欧元": "EUR", "英镑": "GBP",
    "セント": "USD¢",
}
_CUR_ALT = "|".join(re.escape(c) for c in sorted(_CJK_CURRENCIES, key=len, reverse=True))
# The left edge: not inside a Latin token or a longer number; a native numeral or 천/백 must not sit
# inside a word either ("関東一円" is "all over Kanto", "발천" is no number).
# (Checked in Python after a match rather than as a lookbehind: a pattern that starts with an
# assertion is tried at every character of the text.)
_LATIN_BEFORE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.,\\$¥₩€£")
_NATIVE_NUMERALS = frozenset("〇零一二三四五六七八九十百千천백십")

MONEY_CJK = re.compile(
    rf"(?P<chain>{_CHAIN})(?P<yeo>\s?[여余])?\s?(?P<cur>{_CUR_ALT})(?:\s?(?P<sen>\d{{1,2}})銭)?"
)
# a currency sign before a chain with a CJK scale ("¥3億", "$10억"), or the backslash yen of Shift-JIS
# text shown as ASCII ("\300")
MONEY_CJK_SIGN = re.compile(
    rf"(?<![A-Za-z0-9_\\])(?P<pre>US\$|\$|¥|\\|₩|€|£)\s?(?P<chain>{_CHAIN})(?![\d.,]|\s?(?:{_CUR_ALT}))"
)
_SIGN_UNIT = {"US$": "USD", "$": "USD", "¥": "JPY", "\\": "JPY", "₩": "KRW", "€": "EUR", "£": "GBP"}
# Where a CJK amount can end: a large scale or a currency word. The chain pattern is run only in a
# short window before each (an English story with a Korean quote is not scanned digit by digit).
# A single character class is scanned fast; the whole currency word is checked where one matched.
_CJK_ANCHOR_CHAR = re.compile("[万萬만億억兆조円元銭원엔불镑" + "".join(sorted({c[0] for c in _CJK_CURRENCIES})) + "]")
_CJK_ANCHOR = re.compile("[万萬만億억兆조円元銭원엔불镑]|" + "|".join(
    re.escape(c) for c in sorted(_CJK_CURRENCIES, key=len, reverse=True) if len(c) > 1))
_CHAIN_REACH = 40  # characters a chain can run before its anchor ("1억 3천 5백만 달러" is 13)
_NUMBER_CHARS = frozenset("0123456789,. 〇零一二三四五六七八九十百千천백십万萬만億억兆조")
_CJK_SCALE_CHAR = re.compile("[十百千万萬億兆십백천만억조]")

# What may follow a currency word so that it is the currency and not the start of another word:
# "3원칙" (three principles), "一元化" (unification), "元首相" (former prime minister).
_NOT_MONEY_AFTER = {
    "원": re.compile(r"[가-힣]"),
    "元": re.compile(r"[年号首素老帥論的化来気祖旦本]"),
    "불": re.compile(r"[가-힣]"),
    "엔": re.compile(r"[가-힣]"),
}
#: Hangul that may follow 원/엔/불 and still leave it money: particles and words of measure
_KO_PARTICLES = re.compile(
    r"(?:을|를|이|은|는|에|의|과|와|도|만|까지|부터|씩|어치|가량|가|대|선|정도|짜리|으로|로|이상|이하|미만|"
    r"안팎|내외|수준|상당|규모|화|을|인|이다|이며|이고|였|이었|으며|에서|보다|인데|쯤|께|여|남짓|넘|초과|증|감|꼴|권|입니다|입니|이에요|예요)"
)


def _digits_value(tok: str) -> Decimal:
    tok = tok.replace(",", "")
    if tok[0] in _KANJI_DIGITS:
        # "二〇〇〇" is positional; a run of native digits reads digit by digit
        return Decimal("".join(str(_KANJI_DIGITS[ch]) for ch in tok))
    return Decimal(tok)


_GROUP_TOKENS = re.compile(rf"{_NUMTOK}|{_KTOK}|[十百千십백천]")


def group_value(text: str) -> Decimal:
    """One group below a large scale: "6천 2백" -> 6200, "二千百" -> 2100, "3백 20" -> 320, "1,450" -> 1450."""
    total = Decimal(0)
    pending: Decimal | None = None
    for tok in _GROUP_TOKENS.findall(text):
        if tok in _SMALL_UNITS:
            total += (pending if pending is not None else 1) * _SMALL_UNITS[tok]
            pending = None
        else:
            pending = _digits_value(tok)
    return total + (pending or 0)


_CHAIN_PARTS = re.compile(rf"\s*(?P<group>{_GROUP})?\s?(?P<scale>{_LARGE})?")


def chain_value(chain: str) -> tuple[Decimal, bool] | None:
    """A whole chain ("1억 3천 5백만", "2万億", "1조 389억") -> (value, garbled); None if the scales
    run in an order no reading can save. Adjacent scales multiply ("万億" = 兆, old style); a scale
    repeated after a group below 10,000 stands for the next lower one (a print garble)."""
    total = Decimal(0)
    last_scale: int | None = None
    garbled = False
    pos = 0
    while pos < len(chain):
        m = _CHAIN_PARTS.match(chain, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        group = m.group("group")
        value = group_value(group) if group else Decimal(1)
        if not m.group("scale"):
            total += value
            break
        scale = 1
        for ch in m.group("scale"):
            scale *= _LARGE_UNITS[ch]
        if last_scale is not None and scale >= last_scale:
            lower = _NEXT_LOWER.get(scale)
            if scale == last_scale and lower and value < 10**4:
                scale, garbled = lower, True
            else:
                return None
        total += value * scale
        last_scale = scale
    return total, garbled


def _left_edge_ok(text: str, start: int) -> bool:
    """Not inside a Latin token or a longer number; a native numeral or 천/백 not inside a word
    ("関東一円" is "all over Kanto")."""
    prev = text[start - 1]
    if prev in _LATIN_BEFORE:
        return False
    if text[start] in _NATIVE_NUMERALS and ("\u4e00" <= prev <= "\u9fff" or "\uac00" <= prev <= "\ud7a3"):
        return False
    return True


def _windows(text: str) -> list[tuple[int, int]]:
    """Spans of text around CJK scales and currency words, merged, each widened to the left to the
    start of the number it may hold."""
    spans: list[tuple[int, int]] = []
    for c in _CJK_ANCHOR_CHAR.finditer(text):
        m = _CJK_ANCHOR.match(text, c.start())
        if m is None or spans and m.start() < spans[-1][1] - 8:
            continue
        lo = max(0, m.start() - _CHAIN_REACH)
        while lo > 0 and text[lo - 1] in _NUMBER_CHARS:
            lo -= 1
        hi = min(len(text), m.end() + 8)  # "円30銭"
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return spans


def cjk_money(text: str) -> Iterator[Form]:
    """Amounts written with CJK scales or currency words, and currency signs before CJK scales."""
    for lo, hi in _windows(text):
        for m in MONEY_CJK.finditer(text, lo, hi):
            if m.start() and not _left_edge_ok(text, m.start()):
                continue
            cur = m.group("cur")
            after = _NOT_MONEY_AFTER.get(cur)
            if after and after.match(text, m.end()) and not _KO_PARTICLES.match(text, m.end()):
                continue
            read = chain_value(m.group("chain"))
            if read is None:
                continue
            value, garbled = read
            unit = _CJK_CURRENCIES[cur]
            rule = "money.cjk"
            if unit == "USD¢":
                unit, value = "USD", value / 100
            if m.group("sen"):
                value += Decimal(m.group("sen")) / 100
                rule += ".sen"
            if garbled:
                rule += ".garbled(repeated scale read as the next lower one)"
            yield Form(m.start(), m.end(), value, unit, rule, "more than" if m.group("yeo") else "")
    if _CJK_SCALE_CHAR.search(text) or "\\" in text:
        for m in MONEY_CJK_SIGN.finditer(text):
            chain = m.group("chain")
            pre = m.group("pre")
            if pre != "\\" and not re.search(_LARGE, chain):
                continue  # "$300" alone is the plain prefix rule's
            read = chain_value(chain)
            if read is None:
                continue
            value, garbled = read
            rule = "money.cjk.backslash_yen" if pre == "\\" else "money.cjk.sign"
            if garbled:
                rule += ".garbled(repeated scale read as the next lower one)"
            yield Form(m.start(), m.end(), value, _SIGN_UNIT[pre], rule)


# --- English: spelled-out, spoken, cents and pence, named currencies ---------------------------

_ONES = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALE_WORDS = {
    "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12,
    "mn": 10**6, "mln": 10**6, "bn": 10**9, "bln": 10**9, "tn": 10**12, "trn": 10**12, "trln": 10**12,
}
_NUMWORD = "|".join(sorted((w for w in _ONES if w != "oh"), key=len, reverse=True))
_TOKEN = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|{_NUMWORD}|hundred|thousand|million|billion|trillion|mn|mln|bn|bln|tn|trn|trln|point|and|a|oh)"
_MODIFIERS = {
    "chinese": "CNY", "japanese": "JPY", "south korean": "KRW", "korean": "KRW", "u.s.": "USD", "us": "USD",
    "american": "USD", "hong kong": "HKD", "australian": "AUD", "canadian": "CAD", "singapore": "SGD",
    "singaporean": "SGD", "taiwan": "TWD", "taiwanese": "TWD", "new zealand": "NZD", "british": "GBP",
    "swiss": "CHF", "euro": "EUR",
}
_MOD_RE = re.compile(
    r"(?:^|\s)(?P<mod>chinese|japanese|south\s+korean|korean|u\.s\.|us|american|hong\s+kong|australian|canadian|"
    r"singaporean|singapore|taiwanese|taiwan|new\s+zealand|british|swiss|euro)\s*$",
    re.I,
)
# Scanned on the lowercased text; every alternative starts with a literal, so the engine skips
# ahead by character set (a leading \b would make it try every position).
_CURRENCY_WORD = re.compile(
    r"(?P<cur>dollars?|bucks|cents?|pence|pennies|pounds?(?:\s+sterling)?|yen|yuan|renminbi|euros?|won|francs?)\b"
)
_MINOR_SIGN = re.compile(r"[0-9](?P<sign>¢|p\b(?!\.?m\b|\.\d))")
# for the rare text whose lowercase changes length ("İ"), so offsets would drift
_CURRENCY_WORD_I = re.compile(_CURRENCY_WORD.pattern, re.I)
_MINOR_DIGITS = re.compile(r"(?<![\w.,])(\d+(?:\.\d+)?)$")
_WORD_UNIT = {
    "dollar": "USD", "buck": "USD", "cent": "USD¢", "pence": "GBP¢", "penn": "GBP¢", "pound": "GBP",
    "yen": "JPY", "yuan": "CNY", "renminbi": "CNY", "euro": "EUR", "won": "KRW", "franc": "CHF",
}
_MINOR_AFTER = re.compile(
    rf"\s+(?P<n>\d{{1,2}}|(?:{_NUMWORD}))(?=\s*(?:[.,;:)]|$|(?:each|a|per|apiece|for)\b))", re.I)
_MAJOR_BEFORE = re.compile(r"(?P<cur>dollars?|pounds?|euros?|yuan|yen)[\s,]*(?:and\s+)?$", re.I)
_WEIGHT = re.compile(r"\b(?:lost|lose|gained|gain|weigh\w*|heavier|lighter)\b[^.]*$", re.I)
_RESOLUTION = {"360", "480", "720", "1080", "1440", "2160"}
_WINDOW = 100


def _word_unit(cur: str) -> str:
    c = cur.lower()
    for stem, unit in _WORD_UNIT.items():
        if c.startswith(stem):
            return unit
    return ""


def words_value(tokens: list[str]) -> tuple[Decimal, bool] | None:
    """Number tokens ("two", "hundred", "and", "fifty"; "1.5", "million"; "one", "point", "05") ->
    (value, spoken decimal?); None when they do not make one number."""
    toks = [t.lower() for t in tokens]
    if "point" in toks:
        i = toks.index("point")
        whole = words_value(toks[:i]) if i else (Decimal(0), False)
        frac = ""
        j = i + 1
        while j < len(toks) and toks[j] not in _SCALE_WORDS:
            t = toks[j]
            if t.isdigit():
                frac += t
            elif t in _ONES and _ONES[t] < 10:
                frac += str(_ONES[t])
            else:
                return None
            j += 1
        if whole is None or not frac:
            return None
        value = Decimal(f"{whole[0]}.{frac}")
        for t in toks[j:]:
            if t not in _SCALE_WORDS:
                return None
            value *= _SCALE_WORDS[t]
        return value, True
    total, current, seen = Decimal(0), Decimal(0), False
    for t in toks:
        if t == "and":
            continue
        if t == "a":
            current, seen = Decimal(1), True
        elif t in _ONES:
            current, seen = current + _ONES[t], True
        elif t[0].isdigit():
            current, seen = current + Decimal(t.replace(",", "")), True
        elif t == "hundred":
            current = (current or 1) * 100
        elif t in _SCALE_WORDS:
            total += (current or 1) * _SCALE_WORDS[t]
            current = Decimal(0)
        else:
            return None
    return (total + current, False) if seen else None


_PIECES = re.compile(r"([\s\-(\[\"\u201c]+)")
_TOKEN_FULL = re.compile(_TOKEN, re.I)
_MOD_TAIL = 14  # "new zealand ", the longest modifier, and its blanks


def _amount_before(text: str, end: int) -> tuple[int, Decimal, bool, bool, str] | None:
    """The amount ending just before ``end`` (a currency word's start): (start, value, spoken,
    spelled-out, modifier currency). Read backwards token by token: a currency word is far more
    often preceded by no number than by one, and this stops at the first word that is none."""
    window = text[max(0, end - _WINDOW): end]
    mod_unit = ""
    mod = _MOD_RE.search(window, max(0, len(window) - _MOD_TAIL))
    if mod:
        mod_unit = _MODIFIERS[" ".join(mod.group("mod").lower().split())]
        window = window[: mod.start("mod")]
    pieces = _PIECES.split(window)
    tokens: list[str] = []
    pos = len(window)
    i = len(pieces) - 1
    if i >= 0 and pieces[i] == "":
        i -= 1
    while i >= 0:
        piece = pieces[i]
        if i % 2 == 1:  # a separator
            pos -= len(piece)
            i -= 1
            continue
        if not _TOKEN_FULL.fullmatch(piece):
            break
        tokens.insert(0, piece)
        pos -= len(piece)
        first = pos  # where the earliest token starts: a separator before it is not the amount's
        i -= 1
        if piece[0].isdigit() and not (i >= 1 and pieces[i - 1].lower() == "point"):
            break  # a numeral starts its number: "2021 and 1,247.2 billion won" is one amount, not a sum
    if not tokens:
        return None
    pos = first
    if pos > 0 and window[pos - 1] in "$.,":
        return None  # part of "$5" or "1.5": the plain rules' amount
    start = end - len(window) + pos
    # drop leading words that join a number to the sentence rather than belong to it ("and twelve",
    # "a" not before "hundred")
    while tokens and (tokens[0].lower() in ("and", "point", "oh") or tokens[0].lower() == "a" and (
            len(tokens) < 2 or tokens[1].lower() not in ("hundred", "thousand", "million", "billion", "trillion"))):
        start = text.index(tokens[1], start + len(tokens[0])) if len(tokens) > 1 else end
        tokens.pop(0)
    if not tokens:
        return None
    read = words_value(tokens)
    if read is None:
        return None
    spelled = any(not t[0].isdigit() and t.lower() not in _SCALE_WORDS and t.lower() != "and" for t in tokens)
    return start, read[0], read[1], spelled, mod_unit


_NUMERAL_CHARS = frozenset("0123456789,.")


def _plain_numeral_before(text: str, end: int, cur: str) -> bool:
    """Is the currency word at ``end`` preceded by a plain numeral, with or without a scale word
    ("200 billion yen", "5,000 dollars")? Those are the suffix rule's; checked with str.split
    because it is the common case and the full backwards reading is ten times dearer."""
    if not end or not text[end - 1].isspace() or cur.startswith(("cent", "pence", "penn")):
        return False
    parts = text[max(0, end - 40): end].split()
    if not parts:
        return False
    last = parts[-1]
    if last.lower() in _SCALE_WORDS:
        if len(parts) < 2:
            return False
        last = parts[-2]
        if len(parts) > 2 and parts[-3].lower() == "point":
            return False
    return last[0].isdigit() and all(ch in _NUMERAL_CHARS for ch in last)


def english_money(text: str) -> Iterator[Form]:
    """Amounts before an English currency word that the plain patterns leave out: spelled-out or
    spoken numbers, cents and pence (alone or after dollars/pounds), and currencies named with a
    country ("100 chinese yuan")."""
    lower = text.lower()
    for m in _MINOR_SIGN.finditer(text) if "¢" in text or "p" in lower else ():
        at = m.start("sign")
        before = _MINOR_DIGITS.search(text, max(0, at - 12), at)
        if not before or (m.group("sign") == "p" and before.group(1) in _RESOLUTION):
            continue
        unit = "USD" if m.group("sign") == "¢" else "GBP"
        yield Form(at - len(before.group(1)), m.end(), Decimal(before.group(1)) / 100, unit, "money.minor_unit")
    scan = _CURRENCY_WORD.finditer(lower) if len(lower) == len(text) else _CURRENCY_WORD_I.finditer(text)
    for m in scan:
        cur = m.group("cur")
        if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_"):
            continue  # inside a word ("Dayton", "sweeten")
        if _plain_numeral_before(text, m.start(), cur):
            continue  # "200 billion yen": the suffix rule's, and by far the most common case
        read = _amount_before(text, m.start())
        if read is None:
            continue
        start, value, spoken, spelled, mod_unit = read
        unit = _word_unit(cur)
        minor = unit.endswith("¢")
        if mod_unit and not minor:
            unit = mod_unit if mod_unit != "EUR" else unit
        if minor:
            unit = "EUR" if mod_unit == "EUR" else unit[:3]
            value = value / 100
        hyphen = text[m.start() - 1] == "-"  # "a 5-dollar bill"
        if not (spelled or spoken or minor or mod_unit or hyphen):
            continue  # a plain "5,000 dollars" is the suffix rule's
        low = cur.lower()
        if low == "won" and not any(w in text[start: m.start()].lower() for w in ("illion", "thousand", "bn", "tn", "mn")):
            continue  # "which one won": the verb, unless an amount that large stands before it
        if low.startswith("pound") and _WEIGHT.search(text[max(0, start - 60): start]):
            continue  # "lost ten pounds": weight
        rule = ("money.spoken_decimal" if spoken else "money.spelled" if spelled else "money.minor_unit" if minor
                else "money.named_currency" if mod_unit else "money.suffix.hyphen")
        if minor:
            major = _MAJOR_BEFORE.search(text[max(0, start - 30): start])
            if major:
                major_start = start - (len(text[max(0, start - 30): start]) - major.start())
                whole = _amount_before(text, major_start)
                if whole is not None and not whole[2]:
                    unit = _word_unit(major.group("cur")) or unit
                    yield Form(whole[0], m.end(), whole[1] + value, unit, rule + ".with_cents")
                    continue
        # "ten pounds fifty", "two dollars forty": the minor unit spoken after the major one, unnamed
        after = _MINOR_AFTER.match(text, m.end()) if not minor and low.startswith(("pound", "dollar", "euro")) else None
        if after:
            cents = words_value([after.group("n")])
            if cents is not None and 0 < cents[0] < 100:
                yield Form(start, after.end("n"), value + cents[0] / 100, unit, rule + ".with_minor")
                continue
        yield Form(start, m.end(), value, unit, rule)


# --- print oddities ----------------------------------------------------------------------------

#: Reuters' style sheet writes yen as "Y" with abbreviated scales: "Y1.06 trln", "Y201 bln".
REUTERS_YEN = re.compile(
    r"Y(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?"
    r"(?P<scale>trillion|billion|million|trln|trn|bln|mln|tn|bn|mn)\b"
)


def reuters_yen(text: str) -> Iterator[Form]:
    for m in REUTERS_YEN.finditer(text):
        if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "_.,$"):
            continue  # "NY2" or "FY2021 bln" hold no yen
        value = Decimal(m.group("num").replace(",", "")) * _SCALE_WORDS[m.group("scale").lower()]
        yield Form(m.start(), m.end(), value, "JPY", "money.prefix.reuters_y")


_JAPAN = re.compile(r"\b(?:Japan|Japanese|Tokyo|Osaka|Okinawa)\b|日本", re.I)
_YUAN = re.compile(r"\b(?:yuan|renminbi|RMB|CNY)\b|人民元|人民币", re.I)
_YEN = re.compile(r"\b(?:yen|JPY)\b|円", re.I)


def yen_sign_currency(text: str) -> tuple[str, str]:
    """What a bare "¥" means in this story: yen, unless the story names the yuan (yuan, renminbi,
    RMB, 人民元) and names neither the yen nor Japan. Mentions of China alone do not decide it: a
    burden story that says "China" three times still prices in yen. Returns (unit, why); why is
    empty for the default reading."""
    lower = text.lower()
    if not any(w in lower for w in ("yuan", "renminbi", "rmb", "cny", "人民")):
        return "JPY", ""
    if _YUAN.search(text) and not _YEN.search(text) and not _JAPAN.search(text):
        return "CNY", "¥ read as yuan: the story names the yuan, never the yen or Japan"
    return "JPY", ""


# --- translations and wire copy -------------------------------------------------------------------

_RANGE_CJK = re.compile(
    rf"(?P<a>{_NUMTOK})\s?(?P<sa>[億억兆조万만])\s*[～〜~\-－]\s*(?P<b>{_NUMTOK})\s?(?P<sb>[億억兆조万만])\s?(?P<cur>円|원|엔|ドル|달러)")
_CJK_CUR_UNIT = {"円": "JPY", "엔": "JPY", "원": "KRW", "ドル": "USD", "달러": "USD"}
#: native units left untranslated in English copy: "2,110 oku yen", "6 cho 6,852 oku yen"
_ROMANIZED = re.compile(
    rf"(?:(?P<cho>{_NUMTOK})\s+(?:cho|jo)\s+)?(?P<oku>{_NUMTOK})\s+(?:oku|eok)\s+(?P<cur>yen|won)\b", re.I)
#: "1 trillion 360.8 billion won", Korean numbers read out unit by unit in translation
_COMPOSITE = re.compile(
    rf"(?<![\w.,])(?P<t>{_NUMTOK})\s+trillion\s+(?P<b>{_NUMTOK})\s+billion\s+(?P<cur>won|yen|dollars)\b", re.I)
_ROMAN_UNIT = {"yen": "JPY", "won": "KRW", "dollars": "USD"}


def _dec(tok: str) -> Decimal:
    return Decimal(tok.replace(",", ""))


def translation_forms(text: str) -> Iterator[Form]:
    """Amounts a translation or a wire desk leaves half in the original's units."""
    for m in _RANGE_CJK.finditer(text):
        lo = _dec(m.group("a")) * _LARGE_UNITS[m.group("sa")]
        yield Form(m.start(), m.end(), lo, _CJK_CUR_UNIT[m.group("cur")], "money.cjk.range")
    if "oku" in text or "eok" in text:
        for m in _ROMANIZED.finditer(text):
            value = _dec(m.group("oku")) * 10**8 + (_dec(m.group("cho")) * 10**12 if m.group("cho") else 0)
            yield Form(m.start(), m.end(), value, _ROMAN_UNIT[m.group("cur").lower()], "money.romanized_native")
    if "trillion" in text:
        for m in _COMPOSITE.finditer(text):
            value = _dec(m.group("t")) * 10**12 + _dec(m.group("b")) * 10**9
            yield Form(m.start(), m.end(), value, _ROMAN_UNIT[m.group("cur").lower()], "money.composite")


def money_forms(text: str) -> Iterator[Form]:
    """Every money form of this module found in ``text``."""
    yield from translation_forms(text)
    yield from cjk_money(text)
    yield from english_money(text)
    yield from reuters_yen(text)
