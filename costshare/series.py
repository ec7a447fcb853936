"""The tables the charts draw, computed from the records and the claims (pure data: no matplotlib).

Every table keeps what a reader needs to redo a number: the amount as the record gives it, its
unit, the exchange rate and the period it averages, the CPI factor, the record id and its source
URL. A year the records do not give is a row with ``value`` NaN and a ``note`` saying why, so a
chart draws a gap instead of a line through a number nobody published.

Which basis: a line joins values of one basis only (``reference.SERIES_BASIS``: Japan's budget,
Korea's agreed amount). A year whose preferred record is on another basis (a settled outturn, a
request, a draft budget) keeps its value but is marked ``drawn='other basis'``; a value computed
from others is ``drawn='derived'``; a value that only weak sources give is ``weak_only``. Charts
draw those apart and captions name them.

Which Japanese scope: the whole host-nation-support budget (``HNS_total``: the SMA items plus the
Facilities Improvement Program and worker welfare), not the SMA items alone. It is the figure the
news quotes as "what Japan pays" and the only Japanese scope with a run of years; Korea has one
scope, the SMA total. See data/reference/README.md.

Conversions (``costshare.money``): each amount goes from the currency it was agreed in to
``params.currency`` at the average ECB rate of its year, Japan's at its fiscal-year (April-March)
average; constant prices deflate with US CPI-U to ``params.base_year``. There is no ECB rate
before 1999, so a pre-1999 amount that needs a conversion (Korea's 1991-98 dollars in won or yen)
is a gap with a note, never a guess. Korea's 1991-2004 records are in US dollars, as agreed, so in
dollars they exist.

Claims are converted exactly like the records of the period they speak of. A claim printed in
another currency than the payer's (a reporter's "$1.9 billion" for a yen budget) is first taken
back into the payer's currency at the ECB rate of the article's publication date, the rate the
reporter had; so a restatement that was right lands on the record, and one that was wrong does not.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

from costshare import display, money
from costshare.reference import DEFAULT_SCOPE, SERIES_BASIS

if TYPE_CHECKING:
    import pandas as pd

JAPAN, KOREA = "Japan", "South Korea"
#: The scope each country's series draws (data/reference/README.md, "which scope?").
SCOPE = dict(DEFAULT_SCOPE)
SCOPE_TEXT = {
    JAPAN: "the whole host-nation-support budget (agreement items, facilities and welfare)",
    KOREA: "the whole amount of the Special Measures Agreement",
}


def scope_text(country: str) -> str:
    """'the whole host-nation-support budget (...)': the scope a chart says it draws, in words
    (the scope codes stay in the CSVs and the codebook)."""
    return SCOPE_TEXT[country]
SHORT_NAME = {JAPAN: "Japan", KOREA: "Korea"}
OWN_CURRENCY = {JAPAN: "JPY", KOREA: "KRW"}
#: A troop count stands for a year at most this far from the year it was reported.
TROOPS_WINDOW = 2

SERIES_COLUMNS = [
    "country", "year", "period", "fiscal", "x", "value", "status", "amount", "unit", "currency",
    "amount_base", "rate", "rate_period", "cpi_factor", "note", "record_id", "source_url", "scope",
    "basis", "basis_kind", "grade", "support_grade", "drawn", "weak_only",
]
#: How a value is drawn: on the country's line (its series basis), apart as a figure on another
#: basis, or apart as derived (computed from other figures, never read in a source).
DRAWN = ("line", "other basis", "derived")
#: The troop counts that per-member values divide by: one basis for every year and country
#: (official headline figures; DoD counts left out Japan's afloat 7th Fleet before 2012).
TROOPS_BASIS = "official"
BASIS_WORDS = {
    "budget": "budget", "draft budget": "draft budget", "request": "budget request",
    "settled": "settled outturn", "contract": "contract basis", "agreement": "agreed amount",
    "derived": "derived", "unknown": "basis unknown", "budget sum": "sum of budgets",
    "KRW equivalent": "won equivalent",
}


def drawn_as(country: str, basis_kind: str) -> str:
    """'line', 'other basis' or 'derived': how a value of this basis is drawn for the country."""
    if basis_kind == "derived":
        return "derived"
    return "line" if basis_kind == SERIES_BASIS[country] else "other basis"


def series_basis_text(country: str) -> str:
    return BASIS_WORDS[SERIES_BASIS[country]]
CLAIM_COLUMNS = [
    "claim_id", "article", "published", "surface", "country", "kind", "period", "year",
    "fiscal", "x", "x_end", "restates", "claim_currency", "claim_native", "native_currency",
    "fx_rate", "fx_date", "claim_value", "record_id", "record_native", "record_value", "ratio",
    "severity", "finding_id", "message", "suggested_native", "suggested_value", "suggested_text",
    "note",
]


# --------------------------------------------------------------------------------- helpers


def is_fiscal(country: str) -> bool:
    """Japan's budgets run April-March (FY2021 = April 2021-March 2022); Korea's years are
    calendar years."""
    return country == JAPAN


def period_label(country: str, year: int) -> str:
    return f"FY{year}" if is_fiscal(country) else str(year)


def year_mid(country: str, year: float) -> float:
    """Where a year's amount sits on a time axis of calendar years: the middle of its period
    (Korea 2020 at 2020.5; Japan FY2020, April 2020-March 2021, at 2020.75)."""
    return year + (0.75 if is_fiscal(country) else 0.5)


def parse_period(period: str) -> tuple[int, int] | None:
    """'FY2021' -> (2021, 2021); 'FY2022-FY2026' -> (2022, 2026); '2019' -> (2019, 2019);
    '2020-2025' -> (2020, 2025); anything else -> None."""
    m = re.fullmatch(r"(?:FY)?(\d{4})(?:-(?:FY)?(\d{4}))?", str(period or "").strip())
    if not m:
        return None
    first = int(m.group(1))
    return first, int(m.group(2) or first)


def unit_scale(currency: str, per_member: bool = False) -> tuple[float, str]:
    """The divisor and word a chart uses for amounts in ``currency``: billions of dollars and
    yen, trillions of won; per service member thousands of dollars, millions of yen and won."""
    if per_member:
        return {"USD": (1e3, "thousand"), "JPY": (1e6, "million"), "KRW": (1e6, "million")}[currency]
    return {"USD": (1e9, "billion"), "JPY": (1e9, "billion"), "KRW": (1e12, "trillion")}[currency]


_SYMBOL = {"USD": "$", "JPY": "¥", "KRW": "₩"}
_SUFFIX = {1e12: "tn", 1e9: "bn", 1e6: "m", 1e3: "k"}


def short_money(value: float, currency: str, per_member: bool = False, digits: int = 3) -> str:
    """1.05e9 USD -> '$1.05bn'; 2.756e11 JPY -> '¥276bn'; 1.5192e12 KRW -> '₩1.52tn';
    per member 33_512 USD -> '$33.5k'. Three significant digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    scale, _ = unit_scale(currency, per_member)
    x = value / scale
    text = f"{x:.{digits}g}" if abs(x) >= 1 else f"{x:.2f}"
    if "e" in text:
        text = f"{x:.0f}"
    return f"{_SYMBOL[currency]}{text}{_SUFFIX[scale]}"


def currency_of(params, country: str) -> str:
    """The currency a country's amounts are shown in: its own (yen, won) when
    ``params.currency`` is 'own', else the one chosen for all."""
    return OWN_CURRENCY[country] if params.currency == "own" else params.currency


def value_label(params, per_member: bool = False, axis: bool = False, country: str | None = None) -> str:
    """The unit: 'US$ billion, nominal' or 'US$ billion, constant 2020 prices (US CPI-U)'; for
    an axis label two short lines: 'US$ billion\nconstant 2020 prices'. In own currencies
    without a ``country``: 'each country's own currency (yen, won), nominal'."""
    prices = f"constant {params.base_year} prices" if params.real else "nominal"
    if params.currency == "own" and country is None:
        return (f"each country's own currency (yen, won), {prices}"
                f"{' (US CPI-U)' if params.real and not axis else ''}")
    currency = currency_of(params, country) if country else params.currency
    _, word = unit_scale(currency, per_member)
    name = {"USD": "US$", "JPY": "¥ (yen)", "KRW": "₩ (won)"}[currency]
    if axis:
        return f"{name} {word}\n{prices}"
    return f"{name} {word}, {prices}{' (US CPI-U)' if params.real else ''}"


def prices_text(params) -> str:
    money_ = "own currencies" if params.currency == "own" else params.currency
    if params.real:
        return f"constant {params.base_year} {money_} (deflated with US CPI-U)"
    return f"nominal {money_}"


def _pct(new: float, old: float) -> float:
    return (new / old - 1.0) * 100.0


# --------------------------------------------------------------------------------- burden series


def burden_series(reference, params) -> pd.DataFrame:
    """One row per country in ``params.countries`` and year from ``start_year`` to ``end_year``:
    the preferred annual record (Japan: HNS_total, fiscal years; Korea: SMA_total), converted to
    ``params.currency`` (nominal, or constant ``base_year`` prices when ``params.real``).

    ``status`` is ``'value'`` (a converted amount), ``'gap'`` (a record without amount: no source
    states it, or not yet determined), ``'not converted'`` (an amount, but no rate or CPI for its
    year) or ``'no record'`` (a year the records do not cover). ``value`` is NaN unless
    ``status == 'value'``; ``note`` says why.
    """
    import pandas as pd

    frames = []
    years = list(range(params.start_year, params.end_year + 1))
    for country in params.countries:
        records = reference.annual(country, SCOPE[country])
        records = records[records["year"].isin(years)].copy()
        records["fiscal"] = is_fiscal(country)
        records["record_note"] = records["note"]  # convert_annual writes its own note
        converted = money.convert_annual(
            records, to=currency_of(params, country), real=params.real, base_year=params.base_year,
            fiscal_col="fiscal",
        )
        by_year = {int(r["year"]): r for r in converted.to_dict("records")}
        covered = (min(by_year), max(by_year)) if by_year else None
        for year in years:
            r = by_year.get(year)
            row: dict[str, Any] = {
                "country": country, "year": year, "period": period_label(country, year),
                "fiscal": is_fiscal(country), "x": year_mid(country, year),
                "scope": SCOPE[country], "drawn": "", "weak_only": False,
            }
            if r is None:
                row.update(status="no record", value=math.nan, note=_no_record_note(country, year, covered))
            else:
                row.update({k: r[k] for k in ("amount", "unit", "currency", "amount_base", "rate",
                                              "rate_period", "cpi_factor", "record_id",
                                              "source_url", "basis", "basis_kind", "grade",
                                              "support_grade")})
                if math.isnan(r["amount_base"]):
                    row.update(status="gap", value=math.nan, note=_first_sentence(r["record_note"]))
                elif math.isnan(r["value"]):
                    row.update(status="not converted", value=math.nan, note=r["note"])
                else:
                    row.update(status="value", value=float(r["value"]), note=r["note"],
                               drawn=drawn_as(country, r["basis_kind"]),
                               weak_only=r["support_grade"] == "weak")
            frames.append(row)
    out = pd.DataFrame(frames, columns=SERIES_COLUMNS)
    return out.astype({"year": "int64", "value": "float64", "x": "float64", "weak_only": "bool"})


def _no_record_note(country: str, year: int, covered: tuple[int, int] | None) -> str:
    label = period_label(country, year)
    if country == JAPAN and covered and covered[0] <= year <= covered[1]:
        return f"no record: {label} was not researched (not a gap in the sources)"
    return f"no record for {label} in data/reference"


def _first_sentence(note: str) -> str:
    note = str(note or "").strip()
    m = re.match(r"(.+?[.;])(\s|$)", note)
    return (m.group(1) if m else note)[:200]


def gap_years(series: pd.DataFrame, country: str) -> dict[str, list[str]]:
    """The periods of one country that have no value, grouped by why: ``gap`` (no source states
    the amount, or not yet determined), ``not converted`` and ``no record``; only the years
    between its first and last record (a chart's edges are not gaps)."""
    rows = series[series["country"] == country]
    with_record = rows[rows["status"] != "no record"]
    if with_record.empty:
        return {}
    first, last = with_record["year"].min(), with_record["year"].max()
    inside = rows[(rows["year"] >= first) & (rows["year"] <= last) & (rows["status"] != "value")]
    out: dict[str, list[str]] = {}
    for status, group in inside.groupby("status", sort=False):
        out[str(status)] = list(group["period"])
    return out


def drawn_apart(series: pd.DataFrame, country: str) -> dict[str, list[str]]:
    """The periods of one country drawn apart from its line, by basis kind ('settled',
    'request', 'draft budget', ..., 'derived'), in year order."""
    rows = series[(series["country"] == country) & series["drawn"].isin(["other basis", "derived"])]
    out: dict[str, list[str]] = {}
    for r in rows.sort_values("year").to_dict("records"):
        out.setdefault(r["basis_kind"], []).append(r["period"])
    return out


def line_gaps(series: pd.DataFrame, country: str) -> list[str]:
    """The periods between a country's first and last value that its line does not reach: no
    value on the series basis (a gap, another basis, a derived value, no record)."""
    rows = series[series["country"] == country]
    valued = rows[rows["status"] == "value"]
    if valued.empty:
        return []
    first, last = valued["year"].min(), rows[rows["status"] != "no record"]["year"].max()
    inside = rows[(rows["year"] >= first) & (rows["year"] <= last)]
    return list(inside.loc[inside["drawn"] != "line", "period"])


def weak_only(series: pd.DataFrame, country: str) -> list[str]:
    """The periods whose value rests only on a weak source."""
    rows = series[(series["country"] == country) & series["weak_only"] & (series["status"] == "value")]
    return list(rows.sort_values("year")["period"])


def basis_notes(series: pd.DataFrame, countries) -> str:
    """What the lines do not show, named by period: values drawn apart (another basis, derived),
    values on a weak source only, gaps, years not researched, amounts not convertible."""
    gaps = {c: gap_years(series, c) for c in countries}

    def listing(kind: str) -> str:
        return "; ".join(f"{SHORT_NAME[c]} {compact_periods(g[kind])}"
                         for c, g in gaps.items() if g.get(kind))

    parts, derived = [], []
    for c in countries:
        apart = drawn_apart(series, c)
        if d := apart.pop("derived", []):
            derived.append(f"{SHORT_NAME[c]} {compact_periods(d)}")
        if apart:
            parts.append(f"{SHORT_NAME[c]}'s line is the {series_basis_text(c)}; drawn apart, on "
                         "another basis: " + "; ".join(
                             f"{BASIS_WORDS.get(k, k)} {compact_periods(p)}"
                             for k, p in apart.items()) + ".")
    if derived:
        parts.append(f"Derived, not read in any source: {'; '.join(derived)}.")
    weak = "; ".join(f"{SHORT_NAME[c]} {compact_periods(w)}"
                     for c in countries if (w := weak_only(series, c)))
    if weak:
        parts.append(f"Ringed, resting only on a weak source: {weak}.")
    if text := listing("gap"):
        parts.append(f"Gaps (no source states the amount, or not yet set): {text}.")
    if text := listing("no record"):
        parts.append(f"Not researched (no record): {text}.")
    if text := listing("not converted"):
        early = (series["status"] == "not converted") & (series["year"] < 1999)
        why = "no ECB rate before 1999" if early.any() else "no exchange rate or CPI for the year"
        parts.append(f"Not convertible ({why}): {text}.")
    return " ".join(parts)


def compact_periods(periods: Iterable[str]) -> str:
    """['FY2011', 'FY2013', 'FY2017', 'FY2018'] -> 'FY2011, FY2013, FY2017-18'."""
    items = [(p[:2] if p.startswith("FY") else "", int(p.removeprefix("FY"))) for p in periods]
    runs: list[list[tuple[str, int]]] = []
    for prefix, year in sorted(items, key=lambda t: t[1]):
        if runs and year == runs[-1][-1][1] + 1:
            runs[-1].append((prefix, year))
        else:
            runs.append([(prefix, year)])
    parts = []
    for run in runs:
        (p, a), (_, b) = run[0], run[-1]
        parts.append(f"{p}{a}" if a == b else f"{p}{a}-{str(b)[2:]}")
    return ", ".join(parts)


# --------------------------------------------------------------------------------- claims


#: Below these an amount is a price, a fee or a small cost in a story, never a year's host-nation
#: payment or an agreement's total (the smallest on record: Korea 1991, 107.3 billion won; Japan's
#: and the dollar figures are hundreds of times the floor). Small amounts stay claims, listed in the
#: appendix; they never reach a burden chart. A slip of a power of ten ("193 million yen" for
#: billion) stays above the floor and is reconciliation's to flag.
BURDEN_FLOOR = {"USD": 10**6, "JPY": 10**8, "KRW": 10**9}


def is_burden_sized(value, unit: str) -> bool:
    """Could ``value`` ``unit`` be a host-nation payment at all (see BURDEN_FLOOR)?"""
    floor = BURDEN_FLOOR.get(unit)
    return floor is not None and value >= floor


def claims_vs_records(extraction, params) -> pd.DataFrame:
    """Each money claim about one year's payment or a multi-year total (kinds ``annual`` and
    ``total``; JPY, KRW or USD) of a country in ``params.countries``, beside the reference record
    of its country, scope and period, both in ``params.currency`` (see the module docstring for
    how), with the finding that flags it (``severity`` error or warning) and its suggested reading.

    ``ratio`` is claim / record in the payer's currency (1.0 = the record). A claim whose period
    has no record, or only a gap, keeps ``record_value`` NaN.
    """
    import pandas as pd

    articles = {a.id: a for a in extraction.articles}
    flags = _flags(extraction.findings)
    rows = []
    for c in extraction.claims:
        if (c.kind not in ("annual", "total") or c.unit not in ("JPY", "KRW", "USD")
                or c.country not in params.countries or not is_burden_sized(c.value, c.unit)):
            continue
        span = parse_period(c.period)
        if span is None:
            continue
        published = articles[c.article].published if c.article in articles else None
        record = _record_for(extraction.reference, c.country, c.period, c.kind, c.unit)
        native = record["currency"] if record is not None else OWN_CURRENCY[c.country]
        claim_native, rate, note = _to_native(float(c.value), c.unit, native, published)
        finding = flags.get(c.id)
        suggested_native = math.nan
        suggested_text = ""
        if (finding is not None and finding.suggested_value not in (None, "")
                and finding.suggested_unit in ("JPY", "KRW", "USD")):
            suggested_native, _, _ = _to_native(float(finding.suggested_value),
                                                finding.suggested_unit, native, published)
            suggested_text = display.amount(finding.suggested_value, finding.suggested_unit)
        x, x_end = _claim_x(c.country, span)
        rows.append({
            "claim_id": c.id, "article": c.article,
            "published": published.isoformat() if published else "",
            "surface": c.surface, "country": c.country, "kind": c.kind, "period": c.period,
            "year": span[0], "fiscal": is_fiscal(c.country),
            "x": x, "x_end": x_end,
            "restates": c.restates, "claim_currency": c.unit, "claim_native": claim_native,
            "native_currency": native,
            "fx_rate": rate.value if rate is not None else math.nan,
            "fx_date": rate.period if rate is not None else "",
            "record_id": record["record_id"] if record is not None else "",
            "record_native": float(record["amount_base"]) if record is not None else math.nan,
            "severity": finding.severity if finding is not None else "",
            "finding_id": finding.id if finding is not None else "",
            "message": finding.message if finding is not None else "",
            "suggested_native": suggested_native, "suggested_text": suggested_text,
            "note": note,
        })
    computed = ("claim_value", "record_value", "suggested_value", "ratio")
    out = pd.DataFrame(rows, columns=[c for c in CLAIM_COLUMNS if c not in computed])
    for source, target in (("claim_native", "claim_value"), ("record_native", "record_value"),
                           ("suggested_native", "suggested_value")):
        out[target] = _convert_like_records(out, source, params)
    out["ratio"] = out["claim_native"] / out["record_native"]
    return out[CLAIM_COLUMNS].reset_index(drop=True)


def _claim_x(country: str, span: tuple[int, int]) -> tuple[float, float]:
    """Where a claim sits on the time axis: a year at its middle; a span from the start of its
    first year to the end of its last (``x_end``; NaN for one year)."""
    if span[0] == span[1]:
        return year_mid(country, span[0]), math.nan
    shift = 0.25 if is_fiscal(country) else 0.0  # Japan's years start in April
    return span[0] + shift, span[1] + 1 + shift


def _flags(findings) -> dict[str, Any]:
    """claim id -> the most severe error or warning finding *about* it (its first claim)."""
    rank = {"error": 0, "warning": 1}
    out: dict[str, Any] = {}
    for f in findings or []:
        if f.severity not in rank:
            continue
        first = str(f.claims).split(";")[0]
        if first not in out or rank[f.severity] < rank[out[first].severity]:
            out[first] = f
    return out


def _record_for(reference, country: str, period: str, kind: str, unit: str):
    """The preferred record a claim speaks of (annual; annual_avg or period_total for a span),
    in the claim's own currency when the period has one, else in the agreed currency."""
    if reference is None:
        return None
    span = parse_period(period)
    measure = "annual"
    if span and span[0] != span[1]:
        measure = "period_total" if kind == "total" else "annual_avg"
    elif kind == "total":
        return None
    rows = reference.find(country, period, scope=SCOPE[country], measure=measure)
    rows = rows[rows["amount"].notna()]
    if rows.empty:
        return None
    same = rows[rows["currency"] == unit]
    if not same.empty:
        return same.iloc[0]
    own = rows[rows["currency"] == OWN_CURRENCY[country]]
    return (own if not own.empty else rows).iloc[0]


def _to_native(value: float, unit: str, native: str, published):
    """A claim's amount in the payer's (record's) currency: as printed when it is already, else
    at the ECB rate of the publication date."""
    if unit == native:
        return value, None, ""
    if published is None:
        return math.nan, None, f"not converted: the article has no date, so no {unit}->{native} rate"
    try:
        rate = money.rate_on(unit, native, published)
    except money.NoRateError as exc:
        return math.nan, None, f"not converted: {exc}"
    return value * rate.value, rate, f"{unit}->{native} at the ECB rate of {rate.period}"


def _convert_like_records(frame: pd.DataFrame, column: str, params) -> pd.Series:
    import pandas as pd

    if frame.empty:
        return pd.Series([], dtype="float64")
    table = pd.DataFrame({
        "year": frame["year"], "amount_base": frame[column],
        "currency": frame["native_currency"], "fiscal": frame["fiscal"],
    })
    out = pd.Series(math.nan, index=frame.index, dtype="float64")
    for country, rows in table.groupby(frame["country"], sort=False):
        converted = money.convert_annual(rows, to=currency_of(params, country), real=params.real,
                                         base_year=params.base_year, fiscal_col="fiscal")
        out.loc[rows.index] = converted["value"].astype("float64").to_numpy()
    return out


def claims_by_period(claims: pd.DataFrame) -> list[dict]:
    """The claims chart's rows: one per country and period (by year), with the record, how many
    amounts and articles speak of it, each amount's distance from the record in percent, and the
    flagged ones (error first, then the furthest off), named. As many rows for five articles as for
    five thousand of the same periods."""
    if claims.empty:
        return []
    out = []
    for (country, period), group in claims.groupby(["country", "period"], sort=False):
        pct = (group["ratio"] - 1) * 100
        flagged = group[group["severity"].isin(["error", "warning"])]
        flagged = flagged.assign(pct=pct.loc[flagged.index])  # an empty frame would take pct's rows
        flagged = flagged.assign(_rank=flagged["severity"].map({"error": 0, "warning": 1}),
                                 _far=-flagged["pct"].abs().fillna(0))
        flagged = flagged.sort_values(["_rank", "_far", "claim_id"])
        record = group["record_native"].dropna()
        currency = group["native_currency"].iloc[0]
        out.append({
            "country": country, "period": period, "year": int(group["year"].min()),
            "n": len(group), "articles": group["article"].nunique(),
            "record_text": short_money(float(record.iloc[0]), currency) if len(record) else "",
            "pcts": [float(p) for p in pct.dropna()],
            "ok_pcts": [float(p) for p, sev in zip(pct, group["severity"]) if p == p and sev not in ("error", "warning")],
            "flagged": [{"surface": f["surface"], "article": str(f["article"]), "pct": float(f["pct"]),
                         "severity": f["severity"], "suggested_text": f["suggested_text"]}
                        for f in flagged.to_dict("records")],
        })
    out.sort(key=lambda r: (r["year"], r["period"], r["country"]))
    return out


def claim_label(row) -> str:
    """A claim as a chart names it: the surface, the article's 3-character prefix and the period,
    '“2017 billion yen” (003, FY2021)' (the outlet and date would not fit a row)."""
    period = re.sub(r"^(FY)?(\d{4})-(?:FY)?\d\d(\d\d)$", r"\1\2-\3", str(row["period"]))
    return f"\u201c{row['surface']}\u201d ({str(row['article'])[:3]}, {period})"


def claim_order(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims by period, then article and position, each restatement right after its claim."""
    if claims.empty:
        return claims.reset_index(drop=True)
    offset = claims["claim_id"].str.rsplit(":", n=1).str[-1].astype("int64")
    ordered = claims.assign(_offset=offset).sort_values(["year", "period", "article", "_offset"])
    rows = ordered.drop(columns="_offset").to_dict("records")
    by_id = {r["claim_id"]: r for r in rows}
    out, seen = [], set()
    for r in rows:
        if r["claim_id"] in seen or (r["restates"] and r["restates"] in by_id):
            continue
        out.append(r)
        seen.add(r["claim_id"])
        for other in rows:
            if other["restates"] == r["claim_id"] and other["claim_id"] not in seen:
                out.append(other)
                seen.add(other["claim_id"])
    out += [r for r in rows if r["claim_id"] not in seen]
    import pandas as pd

    return pd.DataFrame(out, columns=claims.columns).reset_index(drop=True)


# --------------------------------------------------------------------------------- agreements


@dataclass(frozen=True)
class _Lapse:
    start: Any
    end: Any
    basis: str


def agreements_timeline(reference, params=None) -> pd.DataFrame:
    """The agreements of each country (of ``params.countries``, default both) in term order,
    with the lapse before each: the days from the previous agreement's expiry to this one's entry
    into force (or, where that date is unknown, its signing, or agreement), when the curated
    ``lapse_note`` says it came late. ``concluded`` is False for a successor not yet agreed.
    Dates are pandas Timestamps; ``end`` is the day after ``term_end`` (exclusive)."""
    import pandas as pd

    countries = params.countries if params is not None else (JAPAN, KOREA)
    a = reference.agreements
    rows = []
    for country in countries:
        mine = a[a["country"] == country].sort_values("term_start")
        previous_end = pd.NaT
        records = mine.to_dict("records")
        for i, r in enumerate(records):
            # Not concluded: the last agreement of a track with no date and no end (Japan's next
            # SMA). An old one without dates (the 1987 SMA) was concluded all the same.
            concluded = (any(pd.notna(r[k]) for k in ("date_agreed", "date_signed", "date_in_force"))
                         or pd.notna(r["term_end"]) or i + 1 < len(records))
            lapse = _lapse(r, previous_end)
            end = r["term_end"] + pd.Timedelta(days=1) if pd.notna(r["term_end"]) else pd.NaT
            rows.append({
                "country": country, "agreement": r["agreement"],
                "label": _agreement_short(r), "number": r["number"],
                "start": r["term_start"], "end": end, "years": r["years"],
                "stopgap": bool(r["stopgap"]), "concluded": concluded,
                "date_agreed": r["date_agreed"], "date_signed": r["date_signed"],
                "date_in_force": r["date_in_force"],
                "lapse_start": lapse.start if lapse else pd.NaT,
                "lapse_end": lapse.end if lapse else pd.NaT,
                "lapse_basis": lapse.basis if lapse else "",
                "lapse_days": (lapse.end - lapse.start).days if lapse else 0,
                "lapse_note": r["lapse_note"], "source_url": r["source_url"],
            })
            previous_end = end
    return pd.DataFrame(rows)


def _agreement_short(r: dict) -> str:
    import pandas as pd

    if r["country"] == KOREA and not pd.isna(r["number"]):
        n = int(r["number"])
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    name = str(r["agreement"])
    m = re.match(r"(\d{4})", name)
    return m.group(1) if m else name


def _lapse(r: dict, previous_end) -> _Lapse | None:
    import pandas as pd

    note = str(r["lapse_note"] or "").upper()
    if pd.isna(previous_end) or not (note.startswith("LAPSE") or note.startswith("SHORT GAP")):
        return None
    for column, basis in (("date_in_force", "in force"), ("date_signed", "signed"),
                          ("date_agreed", "agreed")):
        if pd.notna(r[column]):
            if r[column] > previous_end:
                return _Lapse(previous_end, r[column], basis)
            return None
    return None


_EVENT_KINDS = [
    ("in force", re.compile(r"enters? into force|ratif|approves|consents|Diet approves", re.I)),
    ("signed", re.compile(r"\bsigned\b|\binitialed\b", re.I)),
    ("agreed", re.compile(r"\bagree(?:d|ment in principle)?\b|concluded|consensus|announces", re.I)),
    ("lapse", re.compile(r"expires|unpaid leave|furlough", re.I)),
]
EVENT_KINDS = ("talks", "agreed", "signed", "in force", "lapse")


def events_timeline(reference, params=None) -> pd.DataFrame:
    """The negotiation events (events.csv) of ``params.countries`` with a ``kind``: ``lapse``
    (an expiry without successor, furloughs), ``agreed``, ``signed`` (or initialed), ``in force``
    (ratified, approved, in force) or ``talks`` (everything else: rounds, calls, demands)."""
    countries = params.countries if params is not None else (JAPAN, KOREA)
    e = reference.events
    e = e[e["country"].isin(countries)].copy()

    def kind(text: str) -> str:
        for name, pattern in _EVENT_KINDS:
            if pattern.search(text):
                return name
        return "talks"

    e["kind"] = [kind(t) for t in e["event"]]
    return e.sort_values(["date", "country"]).reset_index(drop=True)


# --------------------------------------------------------------------------------- per member


def per_member(series: pd.DataFrame, reference, window: int = TROOPS_WINDOW,
               basis: str = TROOPS_BASIS) -> pd.DataFrame:
    """Each year's payment on the country's line divided by the US service members stationed in
    that country: the preferred troop count of ``basis`` (official figures by default) of the same
    year, else the nearest one at most ``window`` years away (the earlier on a tie). Years without
    a count that close stay NaN: troop levels move slowly, but a count from further away would
    hide known changes. One basis of troops and one basis of payments, so a line never mixes
    bases: a payment drawn apart (another basis, derived) is not divided."""
    import pandas as pd

    troops = reference.troops[reference.troops["preferred"] & (reference.troops["basis"] == basis)]
    rows = []
    for r in series.to_dict("records"):
        mine = troops[troops["country"] == r["country"]]
        best = None
        on_line = r.get("drawn", "line") == "line"
        if len(mine) and on_line:
            distance = (mine["year"] - r["year"]).abs()
            close = mine[distance <= window].assign(distance=distance[distance <= window])
            if len(close):
                best = close.sort_values(["distance", "year"]).iloc[0]
        value = r["value"] / best["us_personnel"] if best is not None else math.nan
        if not on_line and not math.isnan(r["value"]):
            note = f"payment drawn apart ({r['basis_kind']}): not divided"
        else:
            note = "" if best is not None else f"no {basis} troop count within {window} years"
        rows.append({
            "country": r["country"], "year": r["year"], "period": r["period"], "x": r["x"],
            "value": value, "payment": r["value"],
            "troops": int(best["us_personnel"]) if best is not None else pd.NA,
            "troops_year": int(best["year"]) if best is not None else pd.NA,
            "troops_basis": basis if best is not None else "",
            "troops_source": best["source_url"] if best is not None else "",
            "drawn": "line" if best is not None else "",
            "note": note,
        })
    out = pd.DataFrame(rows)
    return out.astype({"value": "float64", "payment": "float64", "troops": "Int64",
                       "troops_year": "Int64"})


# --------------------------------------------------------------------------------- findings


def _valued(series: pd.DataFrame, country: str) -> pd.DataFrame:
    """A country's values on its line: a trajectory is told on one basis, without derived
    values."""
    rows = series[(series["country"] == country) & series["value"].notna()]
    if "drawn" in rows:
        rows = rows[rows["drawn"] == "line"]
    return rows.sort_values("year")


def trajectory(series: pd.DataFrame, country: str, currency: str, per_member_: bool = False,
               noun: str = "") -> str:
    """One country's path in words, computed: "Japan's fell from ¥276bn (FY1999) to ¥185bn
    (FY2014), then rose to ¥212bn (FY2024)"; "Korea's grew 7.0-fold, from $0.15bn (1991) to
    $1.05bn (2026)". Empty when the series has no value."""
    rows = _valued(series, country)
    if rows.empty:
        return ""
    name = f"{SHORT_NAME[country]}'s{' ' + noun if noun else ''}"
    first, last = rows.iloc[0], rows.iloc[-1]

    def money_(r) -> str:
        return f"{short_money(r['value'], currency, per_member_)} ({r['period']})"

    if len(rows) == 1:
        return f"{name} was {money_(first)}"
    lo, hi = rows.loc[rows["value"].idxmin()], rows.loc[rows["value"].idxmax()]
    ends = (first["value"], last["value"])
    if lo["value"] < 0.95 * min(ends) and lo["year"] not in (first["year"], last["year"]):
        return f"{name} fell from {money_(first)} to {money_(lo)}, then rose to {money_(last)}"
    if hi["value"] > 1.05 * max(ends) and hi["year"] not in (first["year"], last["year"]):
        return f"{name} rose from {money_(first)} to {money_(hi)}, then fell to {money_(last)}"
    factor = last["value"] / first["value"]
    years = int(last["year"]) - int(first["year"])
    if factor >= 2 and years > 0:
        # an annual rate: a multiple says more about the window's length than about the payment
        rate = (factor ** (1 / years) - 1) * 100
        return f"{name} grew {rate:.1f}% a year, from {money_(first)} to {money_(last)}"
    verb = "rose" if factor > 1.005 else "fell" if factor < 0.995 else "held"
    return f"{name} {verb} from {money_(first)} to {money_(last)}"


def burden_finding(series: pd.DataFrame, params) -> str:
    """The burden chart's title: each country's trajectory, computed."""
    parts = []
    for c in params.countries:
        t = trajectory(series, c, currency_of(params, c), noun="" if parts else "payment")
        if t:
            parts.append(t)
    if not parts:
        return "No payment on record in the years shown"
    text = "; ".join(parts)
    return text[0].upper() + text[1:]


def per_member_finding(table: pd.DataFrame, params, reference=None) -> str:
    """The per-member chart's title: the latest year both countries have a value, compared."""
    valued = table[table["value"].notna()]
    if valued.empty:
        return "No year has both a payment and a troop count"
    if len(params.countries) == 1 or valued["country"].nunique() == 1:
        c = valued["country"].iloc[0]
        return trajectory(valued, c, currency_of(params, c), True, noun="payment per US service member stationed there")
    if reference is not None:
        # the two compared only as far as every choice of year, rate, scope and troops agrees
        from costshare import compare

        pm = compare.per_member(reference, params)
        if pm is not None:
            return compare.per_member_title(pm)
    ccy = params.currency
    if ccy == "own":
        return "Per US service member stationed there, each country in its own currency"
    years = sorted(set(valued.loc[valued["country"] == JAPAN, "year"])
                   & set(valued.loc[valued["country"] == KOREA, "year"]))
    if not years:
        return "Per US service member: no year has a value for both countries"
    y = years[-1]
    j = valued[(valued["country"] == JAPAN) & (valued["year"] == y)].iloc[0]
    k = valued[(valued["country"] == KOREA) & (valued["year"] == y)].iloc[0]
    diff = _pct(k["value"], j["value"])
    both = f"Korea {short_money(k['value'], ccy, True)}, Japan {short_money(j['value'], ccy, True)} ({y})"
    if abs(diff) < 10:
        return f"Per US service member stationed there, the two pay about the same: {both}"
    more, less = ("Korea", "Japan") if diff > 0 else ("Japan", "Korea")
    pct = abs(diff) if diff > 0 else abs(_pct(j["value"], k["value"]))
    return f"Per US service member stationed there, {more} pays {pct:.0f}% more than {less}: {both}"


def timeline_finding(agreements: pd.DataFrame, params) -> str:
    """The SMA-tracks chart's title: the longest lapse and the one-year stopgaps, computed."""
    import pandas as pd

    first, after = pd.Timestamp(params.start_year, 1, 1), pd.Timestamp(params.end_year + 1, 1, 1)
    # ``end`` is exclusive (the day after the term ends)
    in_window = agreements[(agreements["start"] < after)
                           & (agreements["end"].isna() | (agreements["end"] > first))]
    parts = []
    lapses = in_window[in_window["lapse_days"] > 0]
    if not lapses.empty:
        worst = lapses.loc[lapses["lapse_days"].idxmax()]
        span = (f"{worst['lapse_start'].year}-{str(worst['lapse_end'].year)[2:]}"
                if worst["lapse_end"].year != worst["lapse_start"].year else str(worst["lapse_start"].year))
        parts.append(f"{SHORT_NAME[worst['country']]} went {lapse_length(worst['lapse_days'])} "
                     f"without an SMA in force ({span})")
    stopgaps = in_window[in_window["stopgap"]]
    if not stopgaps.empty:
        names = [f"{SHORT_NAME[r['country']]} {period_label(r['country'], _fiscal_start(r))}"
                 for r in stopgaps.to_dict("records")]
        word = "stopgap" if len(names) == 1 else "stopgaps"
        parts.append(f"one-year {word}: {', '.join(names)}")
    if not parts:
        return f"{len(in_window)} agreements in force, none late"
    text = "; ".join(parts)
    return text[0].upper() + text[1:]


def lapse_length(days: int) -> str:
    """609 -> '20 months'; 30 -> '30 days'."""
    months = days / 30.44
    return f"{months:.0f} months" if months >= 1.5 else f"{days} days"


def _fiscal_start(r: dict) -> int:
    start = r["start"]
    return start.year if (r["country"] != JAPAN or start.month >= 4) else start.year - 1


def claims_finding(claims: pd.DataFrame) -> str:
    """The claims chart's title: how many money claims are flagged, and the worst."""
    n = len(claims)
    if n == 0:
        return "The articles state no money claim about the countries shown"
    flagged = claims[claims["severity"].isin(["error", "warning"])]
    head = f"{len(flagged)} of {n} money claims in the articles do not match the records"
    if flagged.empty:
        return f"All {n} money claims in the articles match the records"
    # how far off, as a factor either way (10x above and 1/10 below are equally far)
    factor = flagged["ratio"].apply(lambda r: max(r, 1 / r) if r and r == r else 0.0)
    worst = flagged.loc[factor.idxmax()]
    name = f"\u201c{worst['surface']}\u201d"
    if factor.max() >= 2:
        if worst["ratio"] > 1:
            return f"{head}; {name} is {worst['ratio']:.0f} times the record"
        return f"{head}; {name} is 1/{1 / worst['ratio']:.0f} of the record"
    return f"{head}; the furthest, {name}, is {abs(worst['ratio'] - 1) * 100:.1f}% off"


# --------------------------------------------------------------------------------- key numbers


def key_numbers(reference, params, claims: pd.DataFrame | None = None) -> dict[str, Any]:
    """The numbers notebook text quotes, computed from the records (native currencies, so they
    hold whatever ``params.currency``; amounts in ``params.currency`` are named ``*_value``).
    A number whose country is not in ``params.countries`` or whose records are missing is None.
    """
    out: dict[str, Any] = {}
    series = burden_series(reference, params)

    def native(country: str, period: str, measure: str = "annual") -> float | None:
        rows = reference.find(country, period, scope=SCOPE[country], measure=measure)
        rows = rows[rows["amount"].notna() & (rows["currency"] == OWN_CURRENCY[country])]
        return float(rows.iloc[0]["amount_base"]) if len(rows) else None

    if JAPAN in params.countries:
        fy21, avg = native(JAPAN, "FY2021"), native(JAPAN, "FY2022-FY2026", "annual_avg")
        out["japan_fy2021_jpy"] = fy21
        out["japan_fy2022_26_avg_jpy"] = avg
        out["japan_fy2022_26_avg_vs_fy2021_pct"] = _pct(avg, fy21) if fy21 and avg else None
        jp = reference.annual(JAPAN, SCOPE[JAPAN])
        # told on the line's basis only: a settled outturn or a derived value is another number
        jp = jp[jp["amount"].notna() & (jp["year"] >= 1991)
                & (jp["basis_kind"] == SERIES_BASIS[JAPAN])]
        if len(jp):
            peak = jp.loc[jp["amount_base"].idxmax()]
            after = jp[jp["year"] > peak["year"]]
            low = after.loc[after["amount_base"].idxmin()] if len(after) else peak
            latest = jp.iloc[-1]
            out.update({
                "japan_peak_period": peak["period"], "japan_peak_jpy": float(peak["amount_base"]),
                "japan_low_period": low["period"], "japan_low_jpy": float(low["amount_base"]),
                "japan_peak_to_low_pct": float(_pct(low["amount_base"], peak["amount_base"])),
                "japan_latest_period": latest["period"], "japan_latest_jpy": float(latest["amount_base"]),
                "japan_low_to_latest_pct": float(_pct(latest["amount_base"], low["amount_base"])),
            })
        out["japan_gaps"] = gap_years(series, JAPAN)
        out["japan_apart"] = drawn_apart(series, JAPAN)
        out["japan_line_gaps"] = line_gaps(series, JAPAN)
        out["japan_weak_only"] = weak_only(series, JAPAN)
    if KOREA in params.countries:
        k19, k26 = native(KOREA, "2019"), native(KOREA, "2026")
        out["korea_2019_krw"], out["korea_2026_krw"] = k19, k26
        out["korea_2026_vs_2019_pct"] = _pct(k26, k19) if k19 and k26 else None
        k21 = native(KOREA, "2021")
        out["korea_2021_vs_2019_pct"] = _pct(k21, k19) if k19 and k21 else None
        kr = _valued(series, KOREA)
        if len(kr) >= 2:
            out.update({
                "korea_first_period": kr.iloc[0]["period"], "korea_first_value": float(kr.iloc[0]["value"]),
                "korea_last_period": kr.iloc[-1]["period"], "korea_last_value": float(kr.iloc[-1]["value"]),
                "korea_growth_factor": float(kr.iloc[-1]["value"] / kr.iloc[0]["value"]),
            })
        out["korea_gaps"] = gap_years(series, KOREA)
        out["korea_apart"] = drawn_apart(series, KOREA)
        out["korea_weak_only"] = weak_only(series, KOREA)
    table = per_member(series, reference)
    valued = table[table["value"].notna()]
    for country in params.countries:
        mine = valued[valued["country"] == country]
        key = SHORT_NAME[country].lower()
        if len(mine):
            last = mine.iloc[-1]
            out[f"{key}_per_member_period"] = last["period"]
            out[f"{key}_per_member_value"] = float(last["value"])
            out[f"{key}_per_member_troops"] = int(last["troops"])
    timeline = agreements_timeline(reference, params)
    lapses = timeline[timeline["lapse_days"] > 0]
    if len(lapses):
        worst = lapses.loc[lapses["lapse_days"].idxmax()]
        out["longest_lapse_country"] = worst["country"]
        out["longest_lapse_agreement"] = worst["agreement"]
        out["longest_lapse_days"] = int(worst["lapse_days"])
        out["longest_lapse_basis"] = worst["lapse_basis"]
        out["longest_lapse_start"] = worst["lapse_start"].date().isoformat()
        out["longest_lapse_end"] = worst["lapse_end"].date().isoformat()
    from costshare import compare
    from costshare.narrative import growth_sentence

    out["growth_sentence"] = growth_sentence(compare.growth(reference, params), params)
    out["_reference"] = reference
    if claims is not None:
        out["claims_money"] = int(len(claims))
        out["claims_flagged"] = int(claims["severity"].isin(["error", "warning"]).sum())
    return out


# --------------------------------------------------------------------------------- sentences


def missing_years(series: pd.DataFrame) -> pd.DataFrame:
    """The rows without a value between each country's first and last record: gaps, years not
    researched, amounts that cannot be converted; with the reason."""
    import pandas as pd

    parts = []
    for country, rows in series.groupby("country", sort=False):
        recorded = rows[rows["status"] != "no record"]
        if recorded.empty:
            continue
        inside = rows[(rows["year"] >= recorded["year"].min()) & (rows["year"] <= recorded["year"].max())]
        parts.append(inside[inside["status"] != "value"])
    if not parts:
        return series.iloc[0:0][["country", "period", "status", "note"]]
    return pd.concat(parts)[["country", "period", "status", "note"]].reset_index(drop=True)


def _bn(value: float | None, currency: str) -> str:
    return display.amount(value, currency, digits=5) if value is not None else "n/a"


def burden_sentences(k: dict, params) -> list[str]:
    """What notebook 02 says in words: every number from :func:`key_numbers`."""
    out = []
    if k.get("japan_peak_period"):
        out.append(
            f"Japan's host-nation support (the whole budget) fell "
            f"{abs(k['japan_peak_to_low_pct']):.1f}% from {_bn(k['japan_peak_jpy'], 'JPY')} in "
            f"{k['japan_peak_period']} to {_bn(k['japan_low_jpy'], 'JPY')} in "
            f"{k['japan_low_period']}, then rose {k['japan_low_to_latest_pct']:.1f}% to "
            f"{_bn(k['japan_latest_jpy'], 'JPY')} in {k['japan_latest_period']}, the latest year "
            "on record.")
    if k.get("growth_sentence"):
        out.append(k["growth_sentence"])
    for prefix, name, country in (("japan", "Japan", JAPAN), ("korea", "Korea", KOREA)):
        apart = dict(k.get(f"{prefix}_apart") or {})
        derived = apart.pop("derived", [])
        if apart:
            listing = "; ".join(f"{BASIS_WORDS.get(b, b)} {compact_periods(p)}"
                                for b, p in apart.items())
            out.append(f"{name}'s line is the {series_basis_text(country)}; years known only on "
                       f"another basis are drawn apart from it ({listing}).")
        if derived:
            out.append(f"{name} {compact_periods(derived)} {'is' if len(derived) == 1 else 'are'} "
                       "derived from other figures, not read in any source: the charts draw "
                       f"{'it' if len(derived) == 1 else 'them'} as derived.")
        gaps = (k.get(f"{prefix}_gaps") or {}).get("gap")
        if gaps:
            out.append(f"{name} has no figure for {compact_periods(gaps)}: the charts leave these "
                       "years as gaps.")
        weak = k.get(f"{prefix}_weak_only") or []
        if weak:
            out.append(f"{name} {compact_periods(weak)} rest{'s' if len(weak) == 1 else ''} only "
                       "on a weak source (marked in the charts).")
    if k.get("claims_money") is not None:
        out.append(f"{k['claims_flagged']} of the {k['claims_money']} money claims in the "
                   "articles do not match the records (Chart 2).")
    return out


def comparison_sentences(k: dict, per_member_table: pd.DataFrame, agreements: pd.DataFrame,
                         params) -> list[str]:
    """What notebook 03 says in words: every number computed."""
    out = []
    if k.get("longest_lapse_days"):
        start, end = _iso_date(k["longest_lapse_start"]), _iso_date(k["longest_lapse_end"])
        what = {"in force": "entered into force", "signed": "was signed",
                "agreed": "was agreed"}[k["longest_lapse_basis"]]
        out.append(
            f"The longest lapse: {SHORT_NAME[k['longest_lapse_country']]} went "
            f"{lapse_length(k['longest_lapse_days'])} ({k['longest_lapse_days']} days) without an "
            f"SMA in force, from {_long(start)} until the {k['longest_lapse_agreement']} {what} on "
            f"{_long(end)}.")
    stopgaps = agreements[agreements["stopgap"]]
    if len(stopgaps):
        names = [f"{SHORT_NAME[r['country']]}'s {re.sub(r' [(].*[)]$', '', r['agreement'])} "
                 f"({period_label(r['country'], _fiscal_start(r))})" for r in stopgaps.to_dict("records")]
        out.append("One-year stopgaps: " + " and ".join(names) + ".")
    if k.get("growth_sentence"):
        out.append(k["growth_sentence"])
    latest = {}
    for c in params.countries:
        key = SHORT_NAME[c].lower()
        if f"{key}_per_member_troops" in k:
            latest[c] = k[f"{key}_per_member_troops"]
    if len(latest) == 2:
        ratio = latest[JAPAN] / latest[KOREA]
        out.append(f"Japan hosts {ratio:.1f} times as many US service members as Korea "
                   f"({latest[JAPAN]:,} against {latest[KOREA]:,} in the latest counts used), so "
                   "its larger total says little about who pays more for the same presence.")
    out.append(per_member_finding(per_member_table, params, k.get("_reference")) + ".")
    return out


def _iso_date(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)


def _long(day) -> str:
    months = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
    return f"{day.day} {months[day.month - 1]} {day.year}"


def captions(kind: str, params, **tables) -> str:
    """The numbered caption under each chart, computed (Chart 1-4 in briefing order)."""
    if kind == "burden":
        s, c = tables["series"], tables.get("claims")
        drawn = c[(c["restates"] == "") & c["claim_value"].notna()] if c is not None else None
        flagged = int((drawn["severity"] != "").sum()) if drawn is not None else 0
        text = (f"**Chart 1. {burden_finding(s, params)}.** Annual payments to host US forces, "
                f"{value_label(params)}; "
                + "; ".join(f"{SHORT_NAME[x]}: {scope_text(x)}" for x in params.countries) + ".")
        shown = s[(s["year"] >= params.start_year) & (s["year"] <= params.end_year)]
        missing = "; ".join(f"{SHORT_NAME[x]} {compact_periods(g)}"
                            for x in params.countries if (g := line_gaps(shown, x)))
        if missing:
            bases = "; ".join(f"{SHORT_NAME[x]}: {series_basis_text(x)}" for x in params.countries)
            text += (f" Each line is drawn on one basis ({bases}) and breaks where that basis has "
                     f"no figure: {missing}.")
        if drawn is not None and len(drawn):
            text += (f" Circles: {len(drawn) - flagged} amounts the articles state that match the "
                     f"records; crosses: {flagged} flagged by the checks, labelled with the reading "
                     "the records support.")
        return text + " Bars below: the agreement terms."
    if kind == "claims":
        c = tables["claims"]
        return (f"**Chart 2. {claims_finding(c)}.** One row per country and period: the spread of "
                "what the articles said against the record, in percent of the record, the flagged "
                "amounts named with the reading the records support.")
    if kind == "tracks":
        a = tables["agreements"]
        return (f"**Chart 3. {timeline_finding(a, params)}.** The Special Measures Agreements of "
                + " and ".join(SHORT_NAME[x] for x in params.countries)
                + ": terms, lapses without an agreement in force, one-year stopgaps and, zoomed, "
                "the negotiation events.")
    if kind == "per_member":
        t = tables["per_member"]
        return (f"**Chart 4. {per_member_finding(t, params, tables.get('reference'))}.** Annual payment per US service "
                f"member stationed in the country, {value_label(params, per_member=True)}; "
                f"{TROOPS_BASIS} troop count (headline figures, one basis for every year) of the "
                f"same year or the nearest within {TROOPS_WINDOW} years; only payments on each "
                "line's basis are divided.")
    raise ValueError(f"unknown chart {kind!r}")


# --------------------------------------------------------------------------------- tables


def _money_column(values, countries, params, per_member: bool = False, digits: int = 3):
    """A column of amounts: numbers in the header's unit, or in own currencies each amount
    written with its own unit ('¥202bn', '₩1.52tn'), yen and won sharing no unit."""
    if params.currency != "own":
        scale, _ = unit_scale(params.currency, per_member)
        return (values / scale).round(digits)
    return [short_money(v, OWN_CURRENCY[c], per_member) if v == v else "" for v, c in zip(values, countries)]


def unit_short(params, per_member: bool = False) -> str:
    """'US$ bn', '₩ tn, 2020 prices', 'US$ k' for column headers; 'own currency' in own
    currencies."""
    if params.currency == "own":
        return "own currency" + (f", {params.base_year} prices" if params.real else "")
    _, word = unit_scale(params.currency, per_member)
    abbreviation = {"billion": "bn", "trillion": "tn", "million": "m", "thousand": "k"}[word]
    name = {"USD": "US$", "JPY": "¥", "KRW": "₩"}[params.currency]
    return f"{name} {abbreviation}" + (f", {params.base_year} prices" if params.real else "")


def claims_table(claims: pd.DataFrame, params) -> pd.DataFrame:
    """Chart 2 as a table: each claim as printed, claim and record in the chosen unit, the ratio
    in the payer's currency, the finding and the suggested reading."""
    unit = unit_short(params)
    rows = claim_order(claims)
    return rows.assign(**{
        f"claim ({unit})": _money_column(rows["claim_value"], rows["country"], params),
        f"record ({unit})": _money_column(rows["record_value"], rows["country"], params),
        "claim / record": rows["ratio"].round(3),
    }).rename(columns={"surface": "claim as printed", "record_id": "record",
                       "severity": "finding", "suggested_text": "read as"})[
        ["claim_id", "claim as printed", "period", f"claim ({unit})", "record",
         f"record ({unit})", "claim / record", "finding", "read as"]].rename(
            columns={"claim_id": "number (article:offset)"}).set_index("number (article:offset)")


def per_member_table(table: pd.DataFrame, params) -> pd.DataFrame:
    """Chart 4 as a table: payment, the troop count used (and its year), payment per member."""
    rows = table[table["value"].notna()]
    return rows.assign(**{
        f"payment ({unit_short(params)})": _money_column(rows["payment"], rows["country"], params),
        f"per member ({unit_short(params, True)})": _money_column(rows["value"], rows["country"], params, True, 1),
    }).rename(columns={"troops": "US personnel", "troops_year": "count of"})[
        ["country", "period", f"payment ({unit_short(params)})", "US personnel", "count of",
         f"per member ({unit_short(params, True)})"]].set_index(["country", "period"])


def agreements_table(agreements: pd.DataFrame) -> pd.DataFrame:
    """Chart 3 as a table: each agreement's term, length, stopgap flag and the lapse before it."""
    import pandas as pd

    last = (agreements["end"] - pd.Timedelta(days=1)).dt.strftime("%Y-%m-%d")
    open_end = agreements["concluded"].map({True: "unknown", False: "not concluded"})
    return pd.DataFrame({
        "country": agreements["country"], "agreement": agreements["agreement"],
        "first day": agreements["start"].dt.strftime("%Y-%m-%d"),
        "last day": last.fillna(open_end),
        "years": [str(int(y)) if pd.notna(y) else "" for y in agreements["years"]],
        "stopgap": agreements["stopgap"].map({True: "yes", False: ""}),
        "lapse before (days)": [str(d) if d > 0 else "" for d in agreements["lapse_days"]],
        "lapse until": agreements["lapse_basis"],
    }).set_index(["country", "agreement"])


def burden_table(series: pd.DataFrame, params) -> pd.DataFrame:
    """Chart 1 as a table: each value with the record it comes from (amount as recorded, the rate
    and CPI factor used, the record id), so every point can be traced to its source row."""
    rows = series[series["status"] == "value"]
    return rows.assign(**{
        "recorded": [f"{a:g} {u}" for a, u in zip(rows["amount"], rows["unit"])],
        f"value ({unit_short(params)})": _money_column(rows["value"], rows["country"], params),
        "rate": rows["rate_period"].replace("", "none (same currency)"),
        # nominal prices apply no CPI factor: say so rather than show NaN
        "CPI factor": [f"{x:.4f}" if not math.isnan(x) else "none (current prices)" for x in rows["cpi_factor"]],
        "record": rows["record_id"],
    })[["country", "period", "recorded", "rate", "CPI factor", f"value ({unit_short(params)})",
        "record"]].set_index(["country", "period"])
