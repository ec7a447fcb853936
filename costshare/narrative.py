"""Key findings: sentences the briefing opens with, every number in them computed from the data.

Nothing here is typed by hand: counts come from the extraction, amounts and changes from the
reference records, error messages from reconciliation. A country outside ``params.countries`` or
missing from the reference produces no sentence instead of a wrong one.
"""

from __future__ import annotations

import datetime as dt
import re

from costshare import display

JAPAN, KOREA = "Japan", "South Korea"


def long_date(day: dt.date) -> str:
    """7 January 2022 (English month names whatever the locale)."""
    months = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
    return f"{day.day} {months[day.month - 1]} {day.year}"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _pct(new: float, old: float) -> str:
    """'4.6% above', '0.3% below' or 'the same as' (the next words name what it is compared with)."""
    change = (new / old - 1.0) * 100.0
    if round(change, 1) == 0:
        return "the same as"
    return f"{abs(change):.1f}% {'above' if change > 0 else 'below'}"


def corpus_sentence(extraction, params) -> str | None:
    articles = extraction.articles
    if not articles:
        return None
    dates = sorted(a.published for a in articles if a.published)
    span = f" published {long_date(dates[0])} to {long_date(dates[-1])}" if dates else ""
    if len(dates) == 1:
        span = f" published {long_date(dates[0])}"
    claims = extraction.claims
    by_country = []
    for country in params.countries:
        n = sum(1 for c in claims if c.country == country)
        by_country.append(f"{n} about {country}")
    rest = f": {_join(by_country)}" if by_country else ""
    return (f"The {_plural(len(articles), 'article')}{span} state "
            f"{_plural(len(claims), 'number')} about the burden (claims){rest}.")


def findings_sentences(extraction, top: int = 3) -> list[str]:
    findings = extraction.findings
    if extraction.reference is None:
        return ["No reference data was loaded, so the claims were not checked."]
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    if not findings:
        return [f"Checked against the reference records, none of the "
                f"{_plural(len(extraction.claims), 'claim')} raises a finding."]
    parts = [_plural(counts["error"], "error"), _plural(counts["warning"], "warning"),
             _plural(counts["info"], "note")]
    out = [f"Checked against the reference records and each other, the claims raise "
           f"{_join([p for p in parts if not p.startswith('0 ')])}; the data-quality "
           "section lists each with its reason."]
    errors = [f for f in findings if f.severity == "error"]
    for f in errors[:top]:
        out.append(f"Error: {f.message}")
    if len(errors) > top:
        out.append(f"{_plural(len(errors) - top, 'more error')} in the data-quality section.")
    return out


def _amount(value_base: float, currency: str) -> str:
    return display.amount(value_base, currency)


def japan_sentence(reference, params, as_of: dt.date | None) -> str | None:
    """The latest agreement's annual average against the fiscal year before it began."""
    if JAPAN not in params.countries or reference is None:
        return None
    records = reference.records
    latest_year = (as_of.year + 1) if as_of else None
    avgs = records[(records["country"] == JAPAN) & (records["scope"] == "HNS_total")
                   & (records["measure"] == "annual_avg") & records["preferred"]
                   & records["amount_base"].notna()]
    if latest_year is not None:
        avgs = avgs[avgs["year_start"] <= latest_year]
    if avgs.empty:
        return None
    avg = avgs.sort_values(["year_start", "record_id"]).iloc[-1]
    annual = reference.annual(JAPAN, scope="HNS_total")
    before = annual[(annual["year"] == avg["year_start"] - 1) & annual["amount_base"].notna()]
    period = str(avg["period"]).replace("-", "–")
    text = (f"Japan's {period} agreement averages {_amount(avg['amount_base'], avg['currency'])} "
            "a year of host-nation support (whole budget)")
    if not before.empty:
        b = before.iloc[-1]
        if b["currency"] == avg["currency"] and b["amount_base"] > 0:
            text += (f", {_pct(avg['amount_base'], b['amount_base'])} {b['period']}'s "
                     f"{_amount(b['amount_base'], b['currency'])}")
    return text + "."


def korea_sentence(reference, params, as_of: dt.date | None) -> str | None:
    """The latest recorded year against the year before it and the first year in the window."""
    if KOREA not in params.countries or reference is None:
        return None
    annual = reference.annual(KOREA, currency="KRW")
    # a derived amount (2023, 2024: the 11th SMA's rule applied) is never quoted as the payment
    sourced = annual["amount_base"].notna() & (annual["basis_kind"] != "derived")
    known = annual[sourced
                   & (annual["year"] >= params.start_year) & (annual["year"] <= params.end_year)]
    if as_of is not None:
        known = known[known["year"] <= as_of.year]
    if known.empty:
        return None
    known = known.sort_values("year")
    last = known.iloc[-1]
    text = (f"South Korea's SMA contribution for {int(last['year'])} is "
            f"{_amount(last['amount_base'], 'KRW')}")
    if len(known) >= 2:
        prev = known.iloc[-2]
        text += (f", {_pct(last['amount_base'], prev['amount_base'])} {int(prev['year'])} "
                 f"({_amount(prev['amount_base'], 'KRW')})")
        first = known.iloc[0]
        if int(first["year"]) != int(prev["year"]) and first["amount_base"] > 0:
            ratio = last["amount_base"] / first["amount_base"]
            text += (f" and {ratio:.1f} times the {_amount(first['amount_base'], 'KRW')} "
                     f"of {int(first['year'])}")
    window = (annual["year"] <= int(last["year"])) & (annual["year"] >= params.start_year)
    gaps = annual[~sourced & window]
    text += "."
    if not gaps.empty:
        years = [str(int(y)) for y in gaps["year"]]
        derived = gaps["basis_kind"] == "derived"
        it = "it" if len(years) == 1 else "them"
        how = ("draw values derived from the agreement's rule, marked as derived" if derived.all()
               else f"leave {it} as gaps" if not derived.any()
               else "leave the gaps and mark the derived values")
        text += f" No published figure exists for {_join(years)}; the charts {how}."
    return text


def key_findings(extraction, params) -> list[str]:
    """The sentences of the briefing's "Key findings", in reading order."""
    from costshare import tables

    as_of = tables.as_of(params, extraction.articles)
    sentences = [japan_sentence(extraction.reference, params, as_of),
                 korea_sentence(extraction.reference, params, as_of),
                 corpus_sentence(extraction, params)]
    sentences += findings_sentences(extraction)
    return [s for s in sentences if s and not _has_nan(s)]


def _has_nan(sentence: str) -> bool:
    """A guard: a sentence built from a missing value is dropped, never printed."""
    return re.search(r"\bnan\b", sentence, re.IGNORECASE) is not None


def numbers(extraction, params) -> dict:
    """The key numbers as values, for tests and run.json: what the sentences are made of."""
    out = {"articles": len(extraction.articles), "claims": len(extraction.claims),
           "findings": len(extraction.findings),
           "errors": sum(1 for f in extraction.findings if f.severity == "error")}
    return out
