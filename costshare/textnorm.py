"""Normalize what hides numbers in news copy, keeping every offset traceable to the original.

Extraction runs on the normalized text; each normalized character remembers the index of the
original character it came from, so a claim's ``start``/``end`` always point into the article as
the reader has it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# One-to-one replacements: same length, so most offsets are unchanged.
_TRANSLATE = {
    **{chr(0xFF10 + i): str(i) for i in range(10)},  # full-width digits
    "\uff0c": ",",  # full-width comma
    "\uff0e": ".",  # full-width full stop
    "\uff05": "%",
    "\uff04": "$",
    "\uffe5": "\u00a5",  # full-width yen sign
    "\uffe6": "\u20a9",  # full-width won sign
    "\uff08": "(",
    "\uff09": ")",
    "\u00a0": " ",  # no-break space
    "\u2007": " ",  # figure space
    "\u2009": " ",  # thin space
    "\u202f": " ",  # narrow no-break space
    "\u200a": " ",  # hair space
    "\u3000": " ",  # ideographic space
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash (ranges: 210–220)
    "\u2212": "-",  # minus sign
    "\ufe63": "-",
    "\uff0d": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u066b": ".",  # Arabic decimal separator, seen in copy-pasted tables
}
# Removed altogether: they sit inside numbers ("1\u200b,055") and carry no meaning.
_DROP = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}


@dataclass(frozen=True)
class NormText:
    """Normalized text plus, for each of its characters, the index in the original text."""

    text: str
    #: len(text) + 1 entries, the last being len(original); None when nothing was dropped, so
    #: offsets are the identity (the common case, kept cheap for large corpora).
    origin: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalized text back to the original text."""
        if self.origin is None:
            return start, end
        if end <= start:
            return self.origin[start], self.origin[start]
        return self.origin[start], self.origin[end - 1] + 1


_TABLE = str.maketrans(_TRANSLATE)
_DROP_RE = re.compile("[" + "".join(sorted(_DROP)) + "]")
# A line break inside a number, where print or a copy-paste wrapped it ("1,0\n55.1 billion yen",
# "201.\n7 billion"): removed so the number reads whole. Only where the number is visibly
# unfinished: after a thousands comma or an incomplete group ("1,\n055", "1,0\n55"), before a
# decimal part ("1,055\n.1"), or after a decimal point when an amount follows and the left side is
# no year ending a sentence ("in 2019.\n200 billion" stays two sentences).
_BEFORE_BREAK = re.compile(r"(?:\d,\d{0,2}|(?P<point>\d\.)|\d)[ \t]*\r?$")
_AFTER_BREAK = re.compile(r"[ \t]*(?:[.,]\d|(?P<digit>\d))")
_AMOUNT_AFTER = re.compile(r"\d[\d,.]*\s?(?:trillion|billion|million|trln|trn|bln|mln|bn|mn|tn|yen|won|dollars?|euros?|[兆億万조억만원円])")
_ZERO_AMOUNT = re.compile(r"0(?:\.\d+)?\s?(?:trillion|billion|million|trln|bln|bn|mn|tn)\b")
_CJK_BEFORE_BREAK = re.compile(r"\d\s?[조兆억億][ \t]*\r?$")
_CJK_AFTER_BREAK = re.compile(r"[ \t]*\d[\d,]*\s?(?:[천千]\s?)?[억億만万]\s?(?:원|円|엔)")
_YEAR_END = re.compile(r"(?<!\d)(?:19|20)\d\d\.[ \t]*\r?$")


def _broken_numbers(text: str) -> set[int]:
    """Indices of the line-break characters inside broken numbers (and the blanks around them)."""
    out: set[int] = set()
    nl = text.find("\n")
    while nl > 0:
        left = text[max(0, nl - 8): nl]
        before = _BEFORE_BREAK.search(left)
        after = _AFTER_BREAK.match(text, nl + 1)
        if before and after:
            if before.group(0)[0].isdigit() and "," in before.group(0):
                ok = after.group("digit") is not None  # "1,\n055", "1,0\n55"
            elif before.group("point"):
                # "201.\n7 billion": an amount must follow, and a year ending a sentence is no number
                ok = bool(after.group("digit")) and not _YEAR_END.search(left) and bool(
                    _AMOUNT_AFTER.match(text, after.start("digit")))
            elif after.group("digit") is not None:
                # "24\n0 billion won": no amount starts with a zero, so the zero continues the number;
                # "1조\n2896억원" is handled below
                ok = bool(_ZERO_AMOUNT.match(text, after.start("digit")))
            else:
                ok = after.group("digit") is None  # "1,055\n.1"
            if ok:
                lo = nl - (len(before.group(0)) - len(before.group(0).rstrip(" \t\r")))
                out.update(range(lo, after.end() - (2 if after.group("digit") is None else 1)))
        elif _CJK_BEFORE_BREAK.search(left) and _CJK_AFTER_BREAK.match(text, nl + 1):
            # "1조\n2896억원": a native-unit chain goes on after the break
            lo = nl - (len(left) - len(left.rstrip(" \t\r")))
            out.update(range(lo, nl + 1))
        nl = text.find("\n", nl + 1)
    return out


# Characters print or optical reading put where a digit belongs, inside an amount: "l46.2 billion
# yen", "$36O million", "2017憶円" (憶 for 億). Read as meant, one character for one; extraction
# names the claim's rule "garbled" so that the reader is told.
_LOOKALIKE = re.compile(
    r"(?<![A-Za-z])[lI](?=\d[\d,.]*\s?(?:trillion|billion|million|yen|won|dollars?|%))"
    r"|(?<=\d)[Oo](?=[\d,.]*\s?(?:trillion|billion|million|yen|won|dollars?))|(?<=\d)[Oo](?=\d)"
    r"|(?<=[\d０-９])憶(?=円)")
_LOOKALIKE_AS = {"l": "1", "I": "1", "O": "0", "o": "0", "憶": "億"}


def lookalikes(text: str) -> str:
    """``text`` with digit lookalikes inside amounts read as digits (same length)."""
    if not _LOOKALIKE.search(text):
        return text
    return _LOOKALIKE.sub(lambda m: _LOOKALIKE_AS[m.group(0)], text)


def normalize(original: str) -> NormText:
    broken = _broken_numbers(original)
    if not broken and not _DROP_RE.search(original):
        # Replacements are one character for one, so offsets stay the identity.
        return NormText(lookalikes(original.translate(_TABLE)))
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(original):
        if ch in _DROP or i in broken:
            continue
        out.append(_TRANSLATE.get(ch, ch))
        origin.append(i)
    origin.append(len(original))
    return NormText(lookalikes("".join(out)), tuple(origin))


#: Characters that can rewrite what a terminal or a page shows around them: C0/C1 controls and the
#: Unicode bidi controls (an override can make "txt.exe" read as "exe.txt").
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """Text as it may be printed to a terminal or a page: each control or bidi character written
    as its escape (\\n, \\x1b, \\u202e), everything else as it is."""
    return _UNSHOWABLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), str(text))
