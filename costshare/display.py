"""How amounts read in sentences, tables and charts: one formatter, so a finding's message, a
key-finding sentence and a chart label say "201.7 billion yen" the same way."""

from __future__ import annotations

from decimal import Decimal

_SCALES = [(10**12, "trillion"), (10**9, "billion"), (10**6, "million")]
_NAMES = {"JPY": "yen", "KRW": "won"}
_SYMBOLS = {"USD": "$"}


def _significant(x: float, digits: int) -> str:
    text = f"{x:.{digits}g}"
    if "e" in text:
        text = f"{x:.{max(0, digits - len(str(int(x))))}f}"
    return text


def amount(value: Decimal | float | int, unit: str, digits: int = 4) -> str:
    """201700000000 JPY -> '201.7 billion yen'; 1900000000 USD -> '$1.9 billion';
    2150000000000 KRW -> '2.15 trillion won'. Keeps up to ``digits`` significant digits."""
    v = float(value)
    sign = "-" if v < 0 else ""
    v = abs(v)
    for scale, word in _SCALES:
        if v >= scale:
            number = _significant(v / scale, digits)
            break
    else:
        number, word = f"{v:,.0f}", ""
    number = number.rstrip("0").rstrip(".") if "." in number else number
    body = f"{number} {word}".strip()
    if unit in _SYMBOLS:
        return f"{sign}{_SYMBOLS[unit]}{body}"
    if unit in _NAMES:
        return f"{sign}{body} {_NAMES[unit]}"
    return f"{sign}{body} {unit}"


def percent(x: float, digits: int = 1) -> str:
    return f"{x:+.{digits}f}%"
