"""DataFrames the notebooks and the briefing show: one function per table, no logic beyond
choosing, ordering and labelling columns."""

from __future__ import annotations

import datetime as dt


def show_whole() -> None:
    """Every table a notebook shows is shown whole: pandas cuts a frame of more than 60 rows to
    10 and long text to 50 characters, and the briefing would then silently drop claims. The
    notebooks call this first; claims.csv has the same rows."""
    import pandas as pd

    pd.set_option("display.max_rows", None)
    pd.set_option("display.max_colwidth", None)


def corpus_frame(articles):
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "article": a.id,
                "published": a.published.isoformat() if a.published else "",
                "date from": a.published_basis,
                "outlet": a.outlet,
                "title": a.title,
                "language": a.origin_language,
                "encoding": a.encoding,
                "characters": a.n_chars,
                "sha256": a.sha256[:12],
            }
            for a in articles
        ]
    )


def as_of(params, articles) -> dt.date | None:
    """The date the briefing speaks from: the parameter, else the newest article's date, so that a
    render of the same seeds is reproducible whatever the day it runs."""
    if params.as_of_date:
        return params.as_of_date
    dates = [a.published for a in articles if a.published]
    return max(dates) if dates else None


def claims_overview(claims):
    """The claims table as a reader scans it: what was said, read as what, about whom and when."""
    cols = ["id", "surface", "value", "unit", "qualifier", "restates", "country", "kind", "period"]
    return claims[cols].set_index("id")


def claims_provenance(claims):
    return claims[["id", "article", "start", "end", "rule", "sentence"]].set_index("id")


def claims_cues(claims):
    return claims[["id", "surface", "cues"]].set_index("id")


def counts_by_country_and_kind(claims):
    import pandas as pd

    country = claims["country"].replace("", "(unknown)")
    return pd.crosstab(country, claims["kind"], margins=True, margins_name="all")


def findings_overview(findings):
    """Findings as a reader takes them in: severity, what was checked, the message."""
    return findings[["id", "severity", "check", "message", "suggested_value", "suggested_unit"]].set_index("id")


# --------------------------------------------------------------------------- page one


def records_through(reference) -> dict:
    """How far the records and exchange rates reach: the latest year with an amount, the latest
    dated event, the last ECB rate (the second date of the title block)."""
    from costshare import money

    rec = reference.records
    with_amount = rec[rec["amount_base"].notna()]
    out = {"year": int(with_amount["year_end"].max()) if len(with_amount) else None,
           "event": max(reference.events["date"]).date() if len(reference.events) else None}
    try:
        out["rates"] = dt.date.fromisoformat(money.describe_sources()["ecb_last"])
    except Exception:  # noqa: BLE001 - the rates' date is extra; the records' date stands alone
        out["rates"] = None
    return out


#: Sentences of an agreement's note that state how its amounts change from year to year.
_ESCALATOR = ("CPI", "cap", "index", "increase", "rise", "% a year", "per year")


def _escalator(note: str) -> str:
    import re

    for sentence in re.split(r"(?<=[.;])\s+", str(note or "")):
        if any(k.lower() in sentence.lower() for k in _ESCALATOR):
            return sentence.strip()
    return ""


def status_rows(reference, params) -> list[dict]:
    """One row per country of page one's status table: the latest payment on the line's basis
    (own currency, and dollars at that year's average rate where the ECB has one), the agreement
    whose term covers it, its escalator rule as the records state it, its expiry and the next
    step, each with the record or agreement it comes from."""
    import pandas as pd

    from costshare import display, money
    from costshare import series as S
    from costshare.narrative import long_date

    out = []
    for country in params.countries:
        annual = reference.annual(country, S.SCOPE[country], currency=S.OWN_CURRENCY[country])
        annual = annual[annual["amount_base"].notna() & (annual["basis_kind"] == S.SERIES_BASIS[country])]
        if annual.empty:
            continue
        last = annual.sort_values("year").iloc[-1]
        year, ccy = int(last["year"]), last["currency"]
        payment = display.amount(last["amount_base"], ccy)
        table = pd.DataFrame({"year": [year], "amount_base": [float(last["amount_base"])], "currency": [ccy],
                              "fiscal": [S.is_fiscal(country)]})
        usd = money.convert_annual(table, to="USD", fiscal_col="fiscal")["value"].iloc[0]
        rate_year = year
        if usd != usd:  # no average rate for that year yet: the latest full year's, said so
            rate_year = int(money.describe_sources()["ecb_last"][:4]) - 1
            table["year"], table["fiscal"] = rate_year, False
            usd = money.convert_annual(table, to="USD", fiscal_col="fiscal")["value"].iloc[0]
        usd_text = (display.amount(usd, "USD", digits=3) + (" at that year's average rate" if rate_year == year
                    else f" at the {rate_year} average rate (no {year} average yet)")) if usd == usd else ""
        ags = reference.agreements[reference.agreements["country"] == country].sort_values("term_start")
        point = pd.Timestamp(year + (1 if S.is_fiscal(country) else 0), 3 if S.is_fiscal(country) else 6, 1)
        covering = ags[(ags["term_start"].astype("datetime64[ns]") <= point)
                       & (ags["term_end"].isna() | (ags["term_end"].astype("datetime64[ns]") >= point))]
        ag = (covering if len(covering) else ags).iloc[-1] if len(ags) else None
        latest = ags.iloc[-1] if len(ags) else None
        row = {"country": country, "payment_text": payment, "payment_period": str(last["period"]),
               "payment_usd": usd_text, "record": str(last["record_id"]), "source_url": str(last["source_url"])}
        if ag is not None:
            end = ag["term_end"]
            years = f", {int(ag['years'])} years" if ag["years"] == ag["years"] and ag["years"] else ""
            start = ag["term_start"]
            term = (f"{S.period_label(country, start.year if not S.is_fiscal(country) or start.month >= 4 else start.year - 1)}"
                    f"–{S.period_label(country, (end.year - 1 if S.is_fiscal(country) and end.month < 4 else end.year))}"
                    if end == end and end is not None else f"from {long_date(start)}")
            escalator = _escalator(ag["note"])
            row.update({"agreement": str(ag["agreement"]), "term": term + years,
                        "escalator": escalator or "None stated in the records: fixed amounts agreed for the term.",
                        "escalator_known": bool(escalator),
                        "expiry": long_date(end) if end == end and end is not None else "open",
                        "agreement_source": str(ag["source_url"]).split(" | ")[0]})
            row["next_step"] = _next_step(country, ag, latest, reference)
        out.append(row)
    return out


def _escalator_free(note: str) -> str:
    """The first sentence of a note, lower-cased at the start, without its full stop."""
    import re

    first = str(note or "").strip().rstrip(".;")
    first = re.sub(r"^not concluded\b[^;]*;\s*", "", first, flags=re.I)
    return first[:1].lower() + first[1:] if first and first.lower() not in ("none", "none found") else ""


def _next_step(country, ag, latest, reference) -> str:
    """What the records say comes next: a later agreement already concluded, else talks on a
    successor before the current one expires."""
    from costshare.narrative import long_date

    if latest is not None and latest["agreement"] != ag["agreement"]:
        concluded = any(latest[k] == latest[k] and latest[k] is not None
                        for k in ("date_agreed", "date_signed", "date_in_force"))
        if concluded:
            return f"The {latest['agreement']} takes over on {long_date(latest['term_start'])}."
        # the records' own words on the talks (agreements.csv, lapse_note)
        talks = _escalator_free(latest["lapse_note"])
        return (f"Its successor, due to start on {long_date(latest['term_start'])}, is not concluded"
                + (f" ({talks})" if talks else "") + ".")
    end = ag["term_end"]
    if end == end and end is not None:
        return f"Talks on a successor are due before {long_date(end)}."
    return "No expiry in the records."


def article_rows(extraction) -> list[dict]:
    """The appendix's one row per article: what it states and what the checks found, so the
    briefing stays the same size whatever the corpus (claims.csv has every claim)."""
    from collections import Counter

    claims = Counter(c.article for c in extraction.claims)
    money = Counter(c.article for c in extraction.claims if c.unit in ("JPY", "KRW", "USD"))
    sev: dict[str, Counter] = {}
    for f in extraction.findings:
        first = str(f.claims).split(";")[0]
        art = first.rsplit(":", 1)[0]
        sev.setdefault(art, Counter())[f.severity] += 1
    unchecked = Counter(r["article"] for r in (getattr(extraction, "unchecked", []) or []))
    rows = []
    for a in extraction.articles:
        s = sev.get(a.id, Counter())
        rows.append({"article": a.id, "title": a.title or "", "outlet": a.outlet or "",
                     "published": a.published.isoformat() if a.published else "unknown",
                     "date_from": a.published_basis or "",
                     "language": a.origin_language or "", "sha256": a.sha256[:12],
                     "claims": claims.get(a.id, 0), "money": money.get(a.id, 0),
                     "errors": s.get("error", 0), "warnings": s.get("warning", 0), "notes": s.get("info", 0),
                     "not_checked": unchecked.get(a.id, 0)})
    return rows
