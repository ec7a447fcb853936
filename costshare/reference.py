"""Reference records: the curated series in data/reference/, validated when loaded.

A number from data/reference/ is a *record* (a number from an article is a *claim*). Every record
keeps its source URL, verified flag, the basis of the figure (budget, draft budget, request,
settled, ..., derived), the grade of its source, file and row, so the briefing can cite it and a
chart can draw each line on one basis. Gaps stay records with no amount: a chart shows a gap
instead of a number nobody published.

Validation stops at the first bad cell and raises one ``ReferenceDataError`` line that names the
file, the row (1-based, header not counted), the column and what to do. Nothing is cached: every
``load()`` reads the folder again, so tests can load broken copies side by side.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from costshare import paths
from costshare.errors import ReferenceDataError

if TYPE_CHECKING:
    import pandas as pd

COUNTRIES = ("Japan", "South Korea")
CURRENCIES = ("JPY", "KRW", "USD")
#: unit -> (currency, how many base units one unit is)
UNITS = {
    "JPY billion": ("JPY", 10**9),
    "KRW billion": ("KRW", 10**9),
    "USD million": ("USD", 10**6),
}
MEASURES = ("annual", "annual_avg", "period_total")
VERIFIED = ("yes", "partial", "no")
#: How far a source can be trusted, strongest first (data/reference/README.md, "Source grades").
GRADES = ("primary", "established", "secondary", "weak")
#: Kinds of money figure. One year has different numbers on different bases (FY1998: ~253.8
#: budgeted, 265.5 settled), so a series is drawn on one basis and every record names its own.
#: A cell is the kind, optionally followed by detail in parentheses: 'budget (expenditure basis)'.
BASES = ("budget", "draft budget", "request", "settled", "contract", "agreement", "budget sum",
         "KRW equivalent", "derived", "unknown")
#: Troop counts: DoD/DMDC active-duty counts (Japan's excluded the afloat 7th Fleet before 2012)
#: against official headline figures (Korea's authorised 28,500; MOD/USFJ totals for Japan).
TROOP_BASES = ("DoD count", "DoD count excl. afloat", "official")
#: The basis each country's annual series is drawn on; any other is drawn apart.
SERIES_BASIS = {"Japan": "budget", "South Korea": "agreement"}
YES_NO = ("yes", "no")
FIRST_YEAR, LAST_YEAR = 1970, 2040
DEFAULT_SCOPE = {"Japan": "HNS_total", "South Korea": "SMA_total"}

RECORD_COLUMNS = [
    "record_id", "country", "period", "year_start", "year_end", "scope", "measure",
    "amount", "unit", "currency", "amount_base", "basis", "preferred", "preference_reason",
    "change_pct_reported", "agreement", "source_url", "verified", "note", "file", "row",
    "basis_kind", "grade", "support_grade",
]
ANNUAL_COLUMNS = [
    "year", "period", "amount", "unit", "currency", "amount_base", "scope", "record_id",
    "source_url", "verified", "note", "basis", "basis_kind", "grade", "support_grade",
]

_README_HINT = "see data/reference/README.md"


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True, eq=False)  # eq=False: comparing DataFrames with == is ambiguous
class Reference:
    """All reference records and the tables around them, validated."""

    records: pd.DataFrame
    agreements: pd.DataFrame
    troops: pd.DataFrame
    events: pd.DataFrame

    def __repr__(self) -> str:
        return (
            f"Reference({len(self.records)} records, {len(self.agreements)} agreements, "
            f"{len(self.troops)} troop rows, {len(self.events)} events)"
        )

    def annual(
        self, country: str, scope: str | None = None, currency: str | None = None
    ) -> pd.DataFrame:
        """The preferred one-year records of a country, one row per year, gaps included as NaN.

        ``currency=None`` takes each year in the currency its agreement was denominated in
        (Korea 1991-2004: USD; otherwise the country's own currency), so the series follows what
        was actually agreed; pass ``'KRW'`` or ``'USD'`` to pick one unit for every year.
        """
        _check_country(country)
        scope = scope or DEFAULT_SCOPE[country]
        of_country = self.records[self.records["country"] == country]
        _check_scope_exists(of_country, country, scope)
        chosen = of_country[
            (of_country["scope"] == scope)
            & (of_country["measure"] == "annual")
            & of_country["preferred"]
        ]
        if currency is None:
            chosen = chosen.loc[self._in_own_currency(chosen)]
        else:
            _check_currency(of_country, country, currency)
            chosen = chosen[chosen["currency"] == currency]
        result = chosen.rename(columns={"year_start": "year"})[ANNUAL_COLUMNS]
        return result.sort_values("year", kind="stable").reset_index(drop=True)

    def find(
        self,
        country: str,
        period: str | int,
        scope: str | None = None,
        measure: str | None = None,
    ) -> pd.DataFrame:
        """The preferred records of one period (e.g. ``'FY2021'``, ``'FY2022-FY2026'``, ``2019``),
        optionally narrowed to a scope and a measure; gap records are included."""
        _check_country(country)
        r = self.records
        mask = (r["country"] == country) & (r["period"] == str(period)) & r["preferred"]
        if scope is not None:
            mask &= r["scope"] == scope
        if measure is not None:
            mask &= r["measure"] == measure
        return r[mask].reset_index(drop=True)

    def _in_own_currency(self, records: pd.DataFrame) -> list[bool]:
        """Per record: is it in the currency its agreement was denominated in? Records without
        an agreement (Japan) count as their own currency, Japan having only one."""
        currency_of = {
            (a.country, a.agreement): a.currency for a in self.agreements.itertuples(index=False)
        }
        return [
            currency == currency_of.get((country, agreement), currency)
            for country, agreement, currency in zip(
                records["country"], records["agreement"], records["currency"]
            )
        ]


def load(ref_dir: Path | str | None = None) -> Reference:
    """Read and validate every file of the reference folder (default ``data/reference``)."""
    folder = Path(ref_dir) if ref_dir is not None else paths.REFERENCE_DIR
    if not folder.is_dir():
        raise ReferenceDataError(
            f"{paths.relative(folder)}: reference folder not found; "
            "pass the folder that holds japan_hns.csv, korea_sma.csv, agreements.csv, "
            "troops.csv and events.csv"
        )
    agreements = _load_agreements(folder)
    records = [
        *_load_money_file(folder, JAPAN, agreements),
        *_load_money_file(folder, KOREA, agreements),
    ]
    return Reference(
        records=_records_frame(records),
        agreements=_agreements_frame(agreements),
        troops=_troops_frame(_load_troops(folder)),
        events=_events_frame(_load_events(folder)),
    )


# --------------------------------------------------------------------------- API argument checks
# Wrong arguments are a programming error, not bad input: ValueError, not ReferenceDataError.


def _check_country(country: str) -> None:
    if country not in COUNTRIES:
        raise ValueError(f"unknown country {country!r}; use one of {', '.join(COUNTRIES)}")


def _check_scope_exists(records: pd.DataFrame, country: str, scope: str) -> None:
    scopes = sorted(set(records.loc[records["measure"] == "annual", "scope"]))
    if scope not in scopes:
        raise ValueError(
            f"{country} has no annual records of scope {scope!r}; scopes: {', '.join(scopes)}"
        )


def _check_currency(records: pd.DataFrame, country: str, currency: str) -> None:
    present = sorted(set(records["currency"]) - {""})
    if currency not in present:
        raise ValueError(
            f"{country} has no records in {currency!r} (only {', '.join(present)}); "
            "convert amounts with the money module instead"
        )


# --------------------------------------------------------------------------- reading a file


class _Problem(Exception):
    """A bad cell; the caller knows the file and row and turns it into a ReferenceDataError."""

    def __init__(self, message: str, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.column = column


def _error(label: str, row: int, column: str, message: str) -> ReferenceDataError:
    return ReferenceDataError(f"{label} row {row}, column {column}: {message}")


def _label(folder: Path, name: str) -> str:
    """How messages and the ``file`` column name a file: relative to the project when inside it."""
    return f"{paths.relative(folder)}/{name}"


def _read_rows(folder: Path, name: str, required: list[str]) -> tuple[str, list[dict[str, str]]]:
    """The data rows of one CSV as stripped strings, after checking the header.

    The csv module rather than pandas: pandas quietly turns a row with one field too many into
    an index column, and a misplaced comma must be an error that names the row."""
    label = _label(folder, name)
    path = folder / name
    if not path.is_file():
        raise ReferenceDataError(
            f"{label}: file not found; restore it from version control or pass a complete "
            "reference folder"
        )
    try:
        # utf-8-sig: a spreadsheet's byte-order mark must not rename the first column.
        with path.open(encoding="utf-8-sig", newline="") as f:
            lines = [line for line in csv.reader(f, strict=True) if line]
    except UnicodeDecodeError:
        raise ReferenceDataError(f"{label}: not UTF-8 text; save the file as UTF-8") from None
    except csv.Error as exc:
        raise ReferenceDataError(
            f"{label}: not a well-formed CSV ({exc}); check the quotes around cells"
        ) from None
    if not lines:
        raise ReferenceDataError(f"{label}: the file is empty; restore its header and rows")
    header, data = [c.strip() for c in lines[0]], lines[1:]
    for column in required:
        if column not in header:
            raise ReferenceDataError(
                f"{label}, column {column}: missing from the header; add the column back "
                f"({_README_HINT})"
            )
    for number, cells in enumerate(data, start=1):
        if len(cells) != len(header):
            raise ReferenceDataError(
                f"{label} row {number}: not a well-formed CSV row ({len(cells)} cells, the "
                f"header has {len(header)}); quote cells that contain commas"
            )
    return label, [{k: v.strip() for k, v in zip(header, cells)} for cells in data]


Parser = Callable[[str], Any]


def _parse_rows(label: str, rows: list[dict[str, str]], parsers: dict[str, Parser]) -> list[dict]:
    """Each row as a dict of parsed values (plus its 1-based ``row``), or the first bad cell."""
    parsed = []
    for number, raw in enumerate(rows, start=1):
        record: dict[str, Any] = {"row": number}
        for column, parse in parsers.items():
            try:
                record[column] = parse(raw[column])
            except _Problem as problem:
                raise _error(label, number, column, problem.message) from None
        parsed.append(record)
    return parsed


def _check_each(label: str, records: list[dict], checks: list[Callable[[dict], None]]) -> None:
    """Run cross-column checks row by row; a check raises _Problem naming its column."""
    for record in records:
        for check in checks:
            try:
                check(record)
            except _Problem as problem:
                raise _error(label, record["row"], problem.column or "?", problem.message) from None


# --------------------------------------------------------------------------- cell parsers

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_WHOLE = re.compile(r"\d+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_URL = re.compile(r"https?://\S+")


def _text(value: str) -> str:
    return value


def _required(value: str) -> str:
    if not value:
        raise _Problem(f"the cell is empty; fill it in ({_README_HINT})")
    return value


def _one_of(allowed: tuple[str, ...]) -> Parser:
    def parse(value: str) -> str:
        if value not in allowed:
            raise _Problem(f"{value!r} is not one of {', '.join(allowed)}; use one of them")
        return value

    return parse


def _yes_no(value: str) -> bool:
    return _one_of(YES_NO)(value) == "yes"


def _year(value: str) -> int:
    if not _WHOLE.fullmatch(value):
        raise _Problem(f"{value!r} is not a year; write four digits, e.g. 2021")
    year = int(value)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _Problem(f"{value!r} is outside {FIRST_YEAR}-{LAST_YEAR}; check the year")
    return year


def _amount(value: str) -> Decimal | None:
    if not value:
        return None
    if not _NUMBER.fullmatch(value):
        raise _Problem(f"{value!r} is not a number; fix the value or leave it empty for a gap")
    if value.startswith("-"):
        raise _Problem(f"{value!r} is negative; an amount of money paid is never negative")
    return Decimal(value)


def _percent(value: str) -> float | None:
    if not value:
        return None
    if not _NUMBER.fullmatch(value):
        raise _Problem(
            f"{value!r} is not a number; write the reported percentage (e.g. 8.2) or leave it "
            "empty and put any rule in the note"
        )
    return float(value)


def _unit(value: str) -> str:
    if value and value not in UNITS:
        raise _Problem(f"{value!r} is not a known unit; use one of {', '.join(UNITS)}")
    return value


def _whole_number(low: int, high: int, optional: bool = False) -> Parser:
    def parse(value: str) -> int | None:
        if not value and optional:
            return None
        if not _WHOLE.fullmatch(value) or not low <= int(value) <= high:
            raise _Problem(f"{value!r} is not a whole number from {low} to {high}; fix it")
        return int(value)

    return parse


def _iso_date(optional: bool) -> Parser:
    def parse(value: str) -> date | None:
        if not value and optional:
            return None
        try:
            if not _ISO_DATE.fullmatch(value):
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            hint = "; keep any other text in dates_note" if optional else ""
            raise _Problem(f"{value!r} is not an ISO date (YYYY-MM-DD); fix it{hint}") from None

    return parse


def _urls(optional: bool) -> Parser:
    """One URL, or several separated by ' | '."""

    def parse(value: str) -> str:
        if not value and optional:
            return value
        for part in value.split(" | "):
            if not _URL.fullmatch(part.strip()):
                raise _Problem(
                    f"{part.strip()!r} is not a URL starting with http; give the full source URL "
                    "(several are separated by ' | ')"
                )
        return value

    return parse


def basis_kind(basis: str) -> str:
    """'budget (expenditure basis)' -> 'budget': the kind before any detail in parentheses."""
    return basis.split(" (", 1)[0].strip()


def _basis(kinds: tuple[str, ...]) -> Parser:
    def parse(value: str) -> str:
        if not value:
            raise _Problem(f"the cell is empty; name the basis of the figure ({', '.join(kinds)}; "
                           "detail may follow in parentheses)")
        if basis_kind(value) not in kinds:
            raise _Problem(f"{value!r} is not a known basis; start it with one of "
                           f"{', '.join(kinds)} (detail may follow in parentheses)")
        return value

    return parse


def _grades(value: str) -> str:
    """One grade per source URL, separated by ' | ' like the URLs; empty is checked by the row."""
    if value:
        for part in value.split(" | "):
            if part.strip() not in GRADES:
                raise _Problem(f"{part.strip()!r} is not a source grade; use one of "
                               f"{', '.join(GRADES)} ({_README_HINT}, 'Source grades')")
    return value


def _check_grade_per_url(r: dict) -> None:
    """Every row that cites a source grades it, one grade for each URL of the cell."""
    urls = [u for u in r["source_url"].split(" | ") if u.strip()]
    grades = [g for g in r["grade"].split(" | ") if g.strip()]
    if urls and not grades:
        raise _Problem(f"the cell is empty; grade the source ({', '.join(GRADES)}; "
                       f"{_README_HINT}, 'Source grades')", "grade")
    if len(grades) != len(urls):
        raise _Problem(f"{len(grades)} grade(s) for {len(urls)} source URL(s); give one grade per "
                       "URL, separated by ' | ' in the same order", "grade")


def _strongest(grades) -> str:
    present = [g for g in grades if g]
    return min(present, key=GRADES.index) if present else ""


# --------------------------------------------------------------------------- one preferred per key


def _check_one_preferred(
    label: str,
    records: list[dict],
    key: Callable[[dict], tuple],
    describe: Callable[[tuple], str],
    has_value: Callable[[dict], bool],
) -> None:
    """Among the rows of a key that carry a value exactly one is preferred, and says why when
    others compete; a key without any value (a gap) may have one preferred row of its own."""
    groups: dict[tuple, list[dict]] = {}
    for record in records:
        groups.setdefault(key(record), []).append(record)
    for group_key, group in groups.items():
        what = describe(group_key)
        valued = [r for r in group if has_value(r)]
        preferred = [r for r in group if r["preferred"]]
        if not valued:
            if len(preferred) > 1:
                raise _error(label, preferred[1]["row"], "preferred",
                             f"row {preferred[0]['row']} is already the preferred gap record for "
                             f"{what}; set preferred=no here")
            continue
        chosen = [r for r in valued if r["preferred"]]
        rows = ", ".join(str(r["row"]) for r in valued)
        if not chosen:
            raise _error(label, valued[0]["row"], "preferred",
                         f"none of rows {rows} ({what}) is preferred; mark exactly one "
                         "preferred=yes")
        if len(chosen) > 1:
            raise _error(label, chosen[1]["row"], "preferred",
                         f"row {chosen[0]['row']} is already the preferred record for {what}; "
                         "mark only one preferred=yes")
        empty = [r for r in preferred if not has_value(r)]
        if empty:
            raise _error(label, empty[0]["row"], "preferred",
                         f"a row without a value is preferred although row {chosen[0]['row']} "
                         f"has one for {what}; set preferred=no here")
        if len(valued) > 1 and not chosen[0]["preference_reason"]:
            raise _error(label, chosen[0]["row"], "preference_reason",
                         f"is empty although rows {rows} all give {what}; say why this row is "
                         "preferred")


def _check_strongest_preferred(label: str, records: list[dict], key: Callable[[dict], tuple],
                               same: Callable[[dict], tuple]) -> None:
    """Where several rows give one value on one basis, the preferred row is the strongest source."""
    groups: dict[tuple, list[dict]] = {}
    for r in records:
        groups.setdefault(key(r), []).append(r)
    for group in groups.values():
        for chosen in (r for r in group if r["preferred"] and r["grade"]):
            rank = GRADES.index(_strongest(chosen["grade"].split(" | ")))
            for other in group:
                if other is chosen or same(other) != same(chosen) or not other["grade"]:
                    continue
                if GRADES.index(_strongest(other["grade"].split(" | "))) < rank:
                    raise _error(label, chosen["row"], "preferred",
                                 f"row {other['row']} gives the same value on the same basis from a "
                                 f"stronger source ({other['grade']}); prefer that row")


def _add_support_grades(records: list[dict], key: Callable[[dict], tuple]) -> None:
    """``support_grade``: the strongest grade among the rows giving a record's value on its basis,
    so a value that only weak sources give can be marked as such."""
    best: dict[tuple, str] = {}
    for r in records:
        k = key(r)
        best[k] = _strongest([best.get(k, ""), *r["grade"].split(" | ")])
    for r in records:
        r["support_grade"] = best[key(r)]


# --------------------------------------------------------------------------- money files


@dataclass(frozen=True)
class _MoneyFile:
    """What differs between the Japan and the Korea file."""

    name: str
    country: str
    code: str  # record_id prefix
    period_prefix: str  # 'FY' for Japanese fiscal years, '' for calendar years
    scope_pattern: re.Pattern[str]
    scope_hint: str
    extra_columns: tuple[str, ...]


JAPAN = _MoneyFile(
    name="japan_hns.csv",
    country="Japan",
    code="JP",
    period_prefix="FY",
    scope_pattern=re.compile(
        r"HNS_total|SMA|USFJ_related_total|(?:SMA|HNS)_component:[A-Za-z][A-Za-z0-9_]*"
    ),
    scope_hint="HNS_total, SMA, SMA_component:<item>, HNS_component:<item> or USFJ_related_total",
    extra_columns=(),
)
KOREA = _MoneyFile(
    name="korea_sma.csv",
    country="South Korea",
    code="KR",
    period_prefix="",
    scope_pattern=re.compile(r"SMA_total"),
    scope_hint="SMA_total",
    extra_columns=("agreement", "change_pct_reported"),
)

_MONEY_PARSERS: dict[str, Parser] = {
    "record_id": _required,
    "country": _required,
    "period": _required,
    "year_start": _year,
    "year_end": _year,
    "scope": _required,
    "measure": _one_of(MEASURES),
    "amount": _amount,
    "unit": _unit,
    "basis": _basis(BASES),
    "preferred": _yes_no,
    "preference_reason": _text,
    "source_url": _urls(optional=True),
    "verified": _one_of(VERIFIED),
    "grade": _grades,
    "note": _text,
}
_EXTRA_PARSERS: dict[str, Parser] = {"agreement": _required, "change_pct_reported": _percent}


def _load_money_file(folder: Path, spec: _MoneyFile, agreements: list[dict]) -> list[dict]:
    parsers = {**_MONEY_PARSERS, **{c: _EXTRA_PARSERS[c] for c in spec.extra_columns}}
    label, rows = _read_rows(folder, spec.name, list(parsers))
    records = _parse_rows(label, rows, parsers)
    _check_each(label, records, _money_row_checks(spec))
    _check_unique(label, records, "record_id")
    _check_one_preferred(
        label,
        records,
        key=lambda r: (r["country"], r["scope"], r["measure"], r["period"], r["unit"]),
        describe=lambda k: f"{k[0]} {k[1]} {k[2]} {k[3]} in {k[4] or 'no unit'}",
        has_value=lambda r: r["amount"] is not None,
    )
    _check_strongest_preferred(
        label, records, key=lambda r: (r["country"], r["scope"], r["measure"], r["period"], r["unit"]),
        same=lambda r: (r["amount"], basis_kind(r["basis"])))
    if "agreement" in spec.extra_columns:
        _check_agreements_known(label, records, spec.country, agreements)
        _check_denomination_present(label, records, spec.country, agreements)
    for record in records:
        _complete_money_record(record, label)
    _add_support_grades(records, key=lambda r: (r["scope"], r["measure"], r["period"], r["unit"],
                                                r["amount"], r["basis_kind"]))
    return records


def _money_row_checks(spec: _MoneyFile) -> list[Callable[[dict], None]]:
    def country(r: dict) -> None:
        if r["country"] != spec.country:
            raise _Problem(f"{r['country']!r} is not {spec.country!r}; this file holds "
                           f"{spec.country} records only", "country")

    def scope(r: dict) -> None:
        if not spec.scope_pattern.fullmatch(r["scope"]):
            raise _Problem(f"{r['scope']!r} is not a known scope; use {spec.scope_hint}", "scope")

    def years(r: dict) -> None:
        if r["year_end"] < r["year_start"]:
            raise _Problem(f"{r['year_end']} is before year_start {r['year_start']}; fix one "
                           "of them", "year_end")

    def period(r: dict) -> None:
        p = spec.period_prefix
        expected = f"{p}{r['year_start']}"
        if r["year_end"] != r["year_start"]:
            expected += f"-{p}{r['year_end']}"
        if r["period"] != expected:
            raise _Problem(f"{r['period']!r} does not match year_start {r['year_start']} and "
                           f"year_end {r['year_end']} (expected {expected!r}); make them agree",
                           "period")

    def measure(r: dict) -> None:
        one_year = r["year_start"] == r["year_end"]
        if (r["measure"] == "annual") != one_year:
            need = "a single year" if r["measure"] == "annual" else "several years"
            raise _Problem(f"{r['measure']!r} needs {need} but the period is {r['period']}; use "
                           "annual for one year, annual_avg or period_total for a span",
                           "measure")

    def unit(r: dict) -> None:
        # Only a row that carries no amount and is not preferred (e.g. a reported % change
        # alone) may leave the unit empty; gaps keep the unit of the series they interrupt.
        if not r["unit"] and (r["amount"] is not None or r["preferred"]):
            raise _Problem(f"the cell is empty; give the unit ({', '.join(UNITS)})", "unit")

    def source(r: dict) -> None:
        if r["amount"] is not None and not r["source_url"]:
            raise _Problem("the cell is empty although the row has an amount; give the source "
                           "URL", "source_url")

    def gap_note(r: dict) -> None:
        if r["amount"] is None and r["preferred"] and not r["note"]:
            raise _Problem("the cell is empty on a gap record; say why the amount is missing",
                           "note")

    def record_id(r: dict) -> None:
        prefix = f"{spec.code}-{r['scope']}-{r['period']}-"
        if not (r["record_id"].startswith(prefix) and
                re.fullmatch(r"[1-9]\d*", r["record_id"][len(prefix):])):
            raise _Problem(f"{r['record_id']!r} does not follow {prefix}<n>; record ids are "
                           "<country code>-<scope>-<period>-<n> and never change once given",
                           "record_id")

    def grade(r: dict) -> None:
        # A gap states nothing, so it has no source to grade; everything with an amount does.
        if r["amount"] is not None and not r["grade"]:
            raise _Problem(f"the cell is empty although the row has an amount; grade its source "
                           f"({', '.join(GRADES)}; {_README_HINT}, 'Source grades')", "grade")
        _check_grade_per_url(r)

    def derived(r: dict) -> None:
        kind = basis_kind(r["basis"])
        if kind == "derived" and r["verified"] != "no":
            raise _Problem(f"{r['verified']!r} on a derived value: nobody published it, so it was "
                           "not read anywhere; set verified=no", "verified")
        if r["amount"] is not None and r["verified"] == "no" and kind != "derived":
            raise _Problem("'no' although the row has an amount: a value not read in a source is "
                           "derived; set basis to 'derived (how)' or remove the amount", "verified")

    return [country, scope, years, period, measure, unit, source, gap_note, record_id, grade,
            derived]


def _check_unique(label: str, records: list[dict], column: str) -> None:
    seen: dict[str, int] = {}
    for r in records:
        if r[column] in seen:
            raise _error(label, r["row"], column, f"{r[column]!r} repeats row {seen[r[column]]}; "
                         "give this row its own id (the next free number)")
        seen[r[column]] = r["row"]


def _agreement_terms(agreements: list[dict], country: str) -> dict[str, dict]:
    return {a["agreement"]: a for a in agreements if a["country"] == country}


def _check_agreements_known(label: str, records: list[dict], country: str,
                            agreements: list[dict]) -> None:
    terms = _agreement_terms(agreements, country)
    for r in records:
        agreement = terms.get(r["agreement"])
        if agreement is None:
            raise _error(label, r["row"], "agreement",
                         f"{r['agreement']!r} is not in agreements.csv for {country}; add it "
                         "there or fix the name")
        start = agreement["term_start"].year
        end = agreement["term_end"].year if agreement["term_end"] else LAST_YEAR
        if not (start <= r["year_start"] and r["year_end"] <= end):
            raise _error(label, r["row"], "period",
                         f"{r['period']} lies outside the {r['agreement']}'s term "
                         f"({start}-{end}); fix the agreement or the year")


def _check_denomination_present(label: str, records: list[dict], country: str,
                                agreements: list[dict]) -> None:
    """Every preferred period must exist in its agreement's own currency, else annual() with
    currency=None would silently drop the year."""
    terms = _agreement_terms(agreements, country)
    groups: dict[tuple, list[dict]] = {}
    for r in records:
        if r["preferred"]:
            groups.setdefault((r["scope"], r["measure"], r["period"]), []).append(r)
    for group in groups.values():
        own = terms[group[0]["agreement"]]["currency"]
        if not any(UNITS[r["unit"]][0] == own for r in group):
            raise _error(label, group[0]["row"], "unit",
                         f"{group[0]['period']} has no preferred record in {own}, the currency "
                         f"of the {group[0]['agreement']}; add one or fix the currency in "
                         "agreements.csv")


def _complete_money_record(record: dict, label: str) -> None:
    """Add the derived fields: currency, amounts as floats, file; defaults for absent columns."""
    amount = record["amount"]
    currency, scale = UNITS.get(record["unit"], ("", 1))
    record["currency"] = currency
    # Decimal keeps 201.7 JPY billion exactly 201_700_000_000 before it becomes a float.
    record["amount_base"] = float(amount * scale) if amount is not None else float("nan")
    record["amount"] = float(amount) if amount is not None else float("nan")
    record.setdefault("agreement", "")
    record["basis_kind"] = basis_kind(record["basis"])
    change = record.get("change_pct_reported")
    record["change_pct_reported"] = change if change is not None else float("nan")
    record["file"] = label


def _records_frame(records: list[dict]) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(records, columns=RECORD_COLUMNS)
    return frame.astype({
        "year_start": "int64", "year_end": "int64", "amount": "float64",
        "amount_base": "float64", "change_pct_reported": "float64", "preferred": "bool",
        "row": "int64",
    })


# --------------------------------------------------------------------------- agreements

_AGREEMENT_PARSERS: dict[str, Parser] = {
    "country": _one_of(COUNTRIES),
    "agreement": _required,
    "number": _whole_number(1, 99, optional=True),
    "term_start": _iso_date(optional=False),
    "term_end": _iso_date(optional=True),
    "years": _whole_number(1, 10, optional=True),
    "currency": _one_of(CURRENCIES),
    "date_agreed": _iso_date(optional=True),
    "date_signed": _iso_date(optional=True),
    "date_in_force": _iso_date(optional=True),
    "dates_note": _text,
    "lapse_note": _text,
    "stopgap": _yes_no,
    "source_url": _urls(optional=False),
    "verified": _one_of(VERIFIED),
    "grade": _grades,
    "note": _text,
}
_AGREEMENT_DATES = ["term_start", "term_end", "date_agreed", "date_signed", "date_in_force"]


def _load_agreements(folder: Path) -> list[dict]:
    label, rows = _read_rows(folder, "agreements.csv", list(_AGREEMENT_PARSERS))
    records = _parse_rows(label, rows, _AGREEMENT_PARSERS)
    _check_each(label, records, [_check_number, _check_term, _check_grade_per_url])
    _check_unique_pairs(label, records)
    return records


def _check_number(a: dict) -> None:
    # Korea's agreements are numbered (1st ... 12th SMA); Japan's are named by year.
    if a["country"] == "South Korea" and a["number"] is None:
        raise _Problem("the cell is empty; give Korea's SMA ordinal (e.g. 11)", "number")
    if a["country"] == "Japan" and a["number"] is not None:
        raise _Problem(f"{a['number']!r} is set, but Japan's agreements have no ordinal; leave "
                       "it empty", "number")


def _check_term(a: dict) -> None:
    start, end, years = a["term_start"], a["term_end"], a["years"]
    if end is None:
        return
    if end < start:
        raise _Problem(f"{end} is before term_start {start}; fix one of them", "term_end")
    if years is None:
        return
    after = end + timedelta(days=1)
    months = (after.year - start.year) * 12 + (after.month - start.month)
    if after.day != start.day or months != 12 * years:
        raise _Problem(f"{years} years does not match the term {start} to {end}; the term runs "
                       "from term_start to the day before the same date `years` later", "years")


def _check_unique_pairs(label: str, records: list[dict]) -> None:
    seen: dict[tuple, int] = {}
    for a in records:
        key = (a["country"], a["agreement"])
        if key in seen:
            raise _error(label, a["row"], "agreement",
                         f"{a['agreement']!r} repeats row {seen[key]}; give each agreement one row")
        seen[key] = a["row"]


def _agreements_frame(records: list[dict]) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(records, columns=list(_AGREEMENT_PARSERS)).astype(
        {"number": "Int64", "years": "Int64", "stopgap": "bool"}
    )
    for column in _AGREEMENT_DATES:
        frame[column] = pd.to_datetime(frame[column])
    return frame


# --------------------------------------------------------------------------- troops and events

_TROOP_PARSERS: dict[str, Parser] = {
    "year": _year,
    "country": _one_of(COUNTRIES),
    "us_personnel": _whole_number(1, 1_000_000),
    "basis": _basis(TROOP_BASES),
    "preferred": _yes_no,
    "preference_reason": _text,
    "source_url": _urls(optional=False),
    "verified": _one_of(VERIFIED),
    "grade": _grades,
    "note": _text,
}


def _load_troops(folder: Path) -> list[dict]:
    label, rows = _read_rows(folder, "troops.csv", list(_TROOP_PARSERS))
    records = _parse_rows(label, rows, _TROOP_PARSERS)
    _check_each(label, records, [_check_grade_per_url])
    # One preferred count per basis: a DoD count and an official figure of one year are both
    # kept, and a line of troop counts takes one basis only.
    _check_one_preferred(
        label,
        records,
        key=lambda r: (r["country"], r["year"], r["basis"]),
        describe=lambda k: f"{k[0]} troops in {k[1]} ({k[2]})",
        has_value=lambda r: True,
    )
    _check_strongest_preferred(label, records, key=lambda r: (r["country"], r["year"], r["basis"]),
                               same=lambda r: r["us_personnel"])
    return records


def _troops_frame(records: list[dict]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(records, columns=list(_TROOP_PARSERS)).astype(
        {"year": "int64", "us_personnel": "int64", "preferred": "bool"}
    )


_EVENT_PARSERS: dict[str, Parser] = {
    "date": _iso_date(optional=False),
    "date_text": _required,
    "date_precision": _one_of(("day", "month")),
    "country": _one_of(COUNTRIES),
    "event": _required,
    "source_url": _urls(optional=False),
    "verified": _one_of(VERIFIED),
    "grade": _grades,
    "note": _text,
}


def _load_events(folder: Path) -> list[dict]:
    label, rows = _read_rows(folder, "events.csv", list(_EVENT_PARSERS))
    records = _parse_rows(label, rows, _EVENT_PARSERS)
    _check_each(label, records, [_check_event_date, _check_grade_per_url])
    return records


def _check_event_date(e: dict) -> None:
    """The ISO date is the start of what date_text says: same day, or the 1st of the month."""
    day: date = e["date"]
    if e["date_precision"] == "month":
        expected_text, ok = day.isoformat()[:7], day.day == 1
    else:
        expected_text, ok = day.isoformat(), True
    if not ok or not e["date_text"].startswith(expected_text):
        raise _Problem(f"{day.isoformat()!r} does not match date_text {e['date_text']!r} at "
                       f"{e['date_precision']} precision; use the start date (the 1st for a "
                       "month)", "date")


def _events_frame(records: list[dict]) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(records, columns=list(_EVENT_PARSERS))
    frame["date"] = pd.to_datetime(frame["date"])
    return frame
