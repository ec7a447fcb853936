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


def normalize(original: str) -> NormText:
    if not _DROP_RE.search(original):
        # Replacements are one character for one, so offsets stay the identity.
        return NormText(original.translate(_TABLE))
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(original):
        if ch in _DROP:
            continue
        out.append(_TRANSLATE.get(ch, ch))
        origin.append(i)
    origin.append(len(original))
    return NormText("".join(out), tuple(origin))


#: Characters that can rewrite what a terminal or a page shows around them: C0/C1 controls and the
#: Unicode bidi controls (an override can make "txt.exe" read as "exe.txt").
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """Text as it may be printed to a terminal or a page: each control or bidi character written
    as its escape (\\n, \\x1b, \\u202e), everything else as it is."""
    return _UNSHOWABLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), str(text))
