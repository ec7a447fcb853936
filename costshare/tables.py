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
