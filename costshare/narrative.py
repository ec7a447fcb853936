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
    """The sentences of the briefing's bottom line, in reading order (page one)."""
    return bottom_line(extraction, params)


def corpus_findings(extraction, params) -> list[str]:
    """The earlier key findings: the latest payments, the corpus and the findings in words."""
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


# --------------------------------------------------------------------------- page one


def bottom_line(extraction, params) -> list[str]:
    """Page one's four to six sentences about the burden itself: each country's latest payment and
    agreement in its own currency, growth over one horizon, the per-member comparison only as far
    as every choice agrees, and what comes next. Every number computed from the records."""
    from costshare import compare, tables

    ref = extraction.reference
    if ref is None:
        return ["No reference data was loaded: the briefing cannot say what the countries pay."]
    status = {r["country"]: r for r in tables.status_rows(ref, params)}
    out = [japan_bottom_line(ref, status.get(JAPAN)), korea_bottom_line(ref, status.get(KOREA)),
           growth_sentence(compare.growth(ref, params), params),
           per_member_sentence(compare.per_member(ref, params)),
           next_steps_sentence(list(status.values()))]
    return [s for s in out if s and not _has_nan(s)]


def japan_bottom_line(ref, status: dict | None) -> str | None:
    """The latest budget, and the agreement's average against the previous agreement's: an
    estimate against an estimate, never against one year's budget."""
    if status is None:
        return None
    text = f"Japan budgeted {status['payment_text']} of host-nation support (the whole budget) for {status['payment_period']}"
    avg = _agreement_averages(ref)
    if len(avg) >= 2:
        new, old = avg[-1], avg[-2]
        text += (f"; its current agreement ({status['agreement']}, {new['period'].replace('-', '–')}) averages "
                 f"{_amount(new['amount_base'], new['currency'])} a year, "
                 f"{_pct(new['amount_base'], old['amount_base'])} the "
                 f"{_amount(old['amount_base'], old['currency'])} a year of the agreement before it "
                 f"({old['period'].replace('-', '–')}; both agreement figures)")
    return text + "."


def _agreement_averages(ref) -> list:
    rec = ref.records
    rows = rec[(rec["country"] == JAPAN) & (rec["scope"] == "HNS_total") & (rec["measure"] == "annual_avg")
               & rec["preferred"] & rec["amount_base"].notna() & (rec["basis_kind"] == "agreement")]
    return [r for _, r in rows.sort_values("year_start").iterrows()]


def korea_bottom_line(ref, status: dict | None) -> str | None:
    """The latest agreed amount against the previous agreed one (derived years skipped)."""
    if status is None:
        return None
    annual = ref.annual(KOREA, currency="KRW")
    agreed = annual[annual["amount_base"].notna() & (annual["basis_kind"] == "agreement")].sort_values("year")
    text = f"South Korea's {status['agreement']} sets {status['payment_text']} for {status['payment_period']}"
    if len(agreed) >= 2:
        last, prev = agreed.iloc[-1], agreed.iloc[-2]
        text += (f", {_pct(last['amount_base'], prev['amount_base'])} the "
                 f"{_amount(prev['amount_base'], 'KRW')} agreed for {int(prev['year'])}")
    return text + "."


def _words(n: int) -> str:
    return {5: "five", 10: "ten", 15: "fifteen"}.get(n, str(n))


def _rate(x: float) -> str:
    verb = "grew" if x > 0.0005 else "fell" if x < -0.0005 else "held at"
    return f"{verb} {abs(x) * 100:.1f}% a year" if verb != "held at" else "held level"


def growth_sentence(g, params) -> str | None:
    """Annualised growth over the same years for every country, own currency and constant
    dollars."""
    if g is None or not g.own:
        return None
    names = {JAPAN: ("Japan's", "in yen"), KOREA: ("Korea's", "in won")}
    span = f"{g.first}–{g.last}"
    own = _join([f"{names[c][0]} payment {_rate(r)} {names[c][1]}" if i == 0 else f"{names[c][0]} {_rate(r)} {names[c][1]}"
                 for i, (c, r) in enumerate(g.own.items())])
    real = _join([f"{names[c][0]} {_rate(r)}" for c, r in g.real_usd.items()])
    return (f"Over the same {_words(g.years)} years ({span}), {own}; in constant {params.base_year} US dollars "
            f"{real}, the difference being the exchange rate and US prices.")


def per_member_sentence(pm) -> str | None:
    """A direction only where every choice agrees; otherwise the range, and that it depends."""
    if pm is None:
        return None
    years = f"{pm.years[0]}–{pm.years[-1]}" if len(pm.years) > 1 else str(pm.years[0])
    choices = (f"the years {years}, each year's or the latest exchange rate, Japan's whole budget or its "
               "SMA items alone, and official or Defense Department troop counts")
    lo, hi = (pm.low - 1) * 100, (pm.high - 1) * 100

    def side(x: float) -> str:
        return f"{abs(x):.0f}% {'above' if x >= 0 else 'below'}"

    if pm.direction == "Korea":
        return (f"Per US service member stationed there, Korea pays more than Japan under every choice "
                f"({choices}): between {lo:.0f}% and {hi:.0f}% more.")
    if pm.direction == "Japan":
        return (f"Per US service member stationed there, Japan pays more than Korea under every choice "
                f"({choices}): Korea's payment is {side(hi)} to {side(lo)} Japan's.")
    if pm.direction == "same":
        return (f"Per US service member stationed there, the two pay about the same under every choice "
                f"({choices}).")
    return (f"Which country pays more per US service member depends on the choices ({choices}): "
            f"Korea's payment per member ranges from {side(lo)} to {side(hi)} Japan's.")


def next_steps_sentence(status: list[dict]) -> str | None:
    parts = [f"{'Japan' if r['country'] == JAPAN else 'Korea'}'s {r['agreement']} runs to {r['expiry']}"
             + (f", {r['escalator'][0].lower() + r['escalator'][1:].rstrip('.')}" if r["escalator_known"] else "")
             + f"; {r['next_step'][0].lower() + r['next_step'][1:].rstrip('.')}" for r in status if r.get("expiry")]
    return ("What comes next: " + "; ".join(parts) + ".") if parts else None


#: How a misprint came about, in words (reconcile.MECHANISMS).
MECHANISM_WORDS = {
    "power_of_ten": "a slip of a power of ten", "dropped_decimal": "a dropped decimal point",
    "dropped_digit": "a dropped digit", "transposed_digit": "transposed digits",
    "native_unit_rendering": "a Korean or Japanese number unit (억, 兆) rendered as “billion” in translation",
    "misprinted_conversion": "a conversion of a misprinted amount", "bad_conversion": "a wrong conversion",
    "other_year": "another year's figure", "wrong_term": "the wrong term", "wrong_change": "a wrong change",
    "garbled_numeral": "a garbled numeral", "line_break": "a number split by a line break",
    "unexplained": "no known mechanism", "spread": "a spread between sources",
}
CHECK_WORDS = {
    "print": "printing", "magnitude": "size against the record", "currency_pair": "conversion between currencies",
    "stated_change": "stated change", "agreement_term": "agreement term", "cross_source": "agreement between articles",
}


def mechanism_words(f) -> str:
    """The likely cause of a misprint in words, unless the finding's message already says it."""
    if "likely" in f.message.lower():
        return ""
    return MECHANISM_WORDS.get(getattr(f, "mechanism", ""), "")


def news_counts(extraction) -> dict[str, int]:
    """Errors, warnings, notes and not checked: the same counts as findings.csv and
    not_checked.csv."""
    out = {s: sum(1 for f in extraction.findings if f.severity == s) for s in ("error", "warning", "info")}
    out["not checked"] = len(getattr(extraction, "unchecked", []) or [])
    return out


def worst_cases(extraction, top: int = 3) -> list[dict]:
    """The errors a reader should know first (those with a reading to use instead first), each
    in one short line: the number as printed, where, what to read instead and the likely cause;
    the finding's whole message is in the news section."""
    from costshare import display

    claims = {c.id: c for c in extraction.claims}
    errors = [f for f in extraction.findings if f.severity == "error"]
    errors.sort(key=lambda f: (f.suggested_value in (None, ""),))
    out = []
    for f in errors[:top]:
        c = claims.get(str(f.claims).split(";")[0])
        where = f"“{c.surface}” ({c.article[:3]}, {c.period})" if c is not None else f.id
        read = ""
        if f.suggested_value not in (None, ""):
            unit = f.suggested_unit
            read = display.amount(f.suggested_value, unit) if unit in ("JPY", "KRW", "USD") else f"{f.suggested_value} {unit}".strip()
        cause = MECHANISM_WORDS.get(getattr(f, "mechanism", ""), "")
        text = f"{where}: {CHECK_WORDS.get(f.check, f.check)}" + (f"; read {read}" if read else "")
        out.append({"message": text + ".", "mechanism": cause, "check": CHECK_WORDS.get(f.check, f.check)})
    return out
