"""Comparisons that survive their choices.

A comparison of Japan and Korea rests on choices nobody can settle once for all: which year,
which exchange rate, which Japanese scope (the whole host-nation-support budget or the SMA items
alone), which troop count. This module computes a comparison under every reasonable choice and
keeps the range; the narrative then states a direction only where every choice agrees.

Growth is told as annualised rates over one horizon for both countries (the same years), in each
country's own currency (nominal) and in constant US dollars: never a multiple over windows of
different lengths.
"""

from __future__ import annotations

import dataclasses
import itertools
import math

from costshare import money
from costshare import series as S

JAPAN, KOREA = S.JAPAN, S.KOREA
#: Troop counts the per-member comparison divides by (reference.TROOP_BASES, Japan's DoD count
#: without the afloat fleet left out: it is not a count of the same presence).
TROOP_BASES = ("official", "DoD count")
#: The most recent years both countries have a payment on their line's basis: the years compared.
YEARS = 3
#: Growth horizons tried, longest first: the first with a value at both ends for both countries.
HORIZONS = (10, 5)
#: Below this difference either way, two payments are "about the same".
SAME = 0.10


@dataclasses.dataclass(frozen=True)
class Choice:
    year: int
    fx: str  # "that year's average" or "the <year> average"
    scope: str  # "whole HNS budget" or "SMA items only"
    troops: str  # a troop basis


@dataclasses.dataclass(frozen=True)
class Outcome:
    choice: Choice
    japan_usd: float  # per US service member, US dollars
    korea_usd: float

    @property
    def ratio(self) -> float:
        """Korea's payment per member over Japan's."""
        return self.korea_usd / self.japan_usd


@dataclasses.dataclass(frozen=True)
class PerMember:
    outcomes: tuple[Outcome, ...]
    years: tuple[int, ...]
    sma_share: tuple[float, float] | None  # Japan's SMA items / HNS total, lowest and highest

    @property
    def low(self) -> float:
        return min(o.ratio for o in self.outcomes)

    @property
    def high(self) -> float:
        return max(o.ratio for o in self.outcomes)

    @property
    def direction(self) -> str:
        """'Korea', 'Japan' (pays more per member under every choice), 'same' (within SAME under
        every choice) or 'depends'."""
        if self.low > 1 + SAME:
            return "Korea"
        if self.high < 1 / (1 + SAME):
            return "Japan"
        if 1 / (1 + SAME) <= self.low and self.high <= 1 + SAME:
            return "same"
        return "depends"


def sma_share(reference) -> tuple[float, float] | None:
    """Japan's SMA items as a share of its whole HNS budget, lowest and highest over the fiscal
    years that have both on the budget basis (None when none has)."""
    rec = reference.records
    both = []
    for scope in ("SMA", "HNS_total"):
        rows = rec[(rec["country"] == JAPAN) & (rec["scope"] == scope) & (rec["measure"] == "annual")
                   & rec["preferred"] & rec["amount_base"].notna() & (rec["basis_kind"] == "budget")]
        both.append(dict(zip(rows["period"], rows["amount_base"].astype(float))))
    shares = [both[0][p] / both[1][p] for p in both[0] if p in both[1] and both[1][p] > 0]
    return (min(shares), max(shares)) if shares else None


def _usd(amount: float, currency: str, year: int, fiscal: bool, at: int | None) -> float:
    """An own-currency amount in US dollars at its own year's average rate, or at year ``at``'s."""
    import pandas as pd

    table = pd.DataFrame({"year": [at or year], "amount_base": [amount], "currency": [currency],
                          "fiscal": [fiscal and at is None]})
    return float(money.convert_annual(table, to="USD", fiscal_col="fiscal")["value"].iloc[0])


def per_member(reference, params) -> PerMember | None:
    """The payment per US service member of Korea against Japan's, in US dollars, under every
    choice of year (the last YEARS both have), exchange rate (that year's average or the latest
    full year's), Japanese scope and troop basis. None when no year has both."""
    if not {JAPAN, KOREA} <= set(params.countries):
        return None
    own = dataclasses.replace(params, currency="own", real=False)
    series = S.burden_series(reference, own)
    tables = {b: S.per_member(series, reference, basis=b) for b in TROOP_BASES}
    valued = {b: t[t["value"].notna()] for b, t in tables.items()}
    years = sorted(set.intersection(*[set(v.loc[v["country"] == c, "year"])
                                      for v in valued.values() for c in (JAPAN, KOREA)]
                                    or [set()]))
    years = years[-YEARS:]
    if not years:
        # each troop basis on its own: the years either basis covers for both countries
        years = sorted(set().union(*[set(v.loc[v["country"] == JAPAN, "year"]) & set(v.loc[v["country"] == KOREA, "year"])
                                     for v in valued.values()]))[-YEARS:]
    if not years:
        return None
    share = sma_share(reference)
    latest_fx = _latest_full_year()
    scopes = [("whole HNS budget", 1.0)] + ([("SMA items only", share[0]), ("SMA items only", share[1])]
                                           if share else [])
    outcomes = []
    for year, fx, (scope, factor), basis in itertools.product(years, ("own", "latest"), scopes, TROOP_BASES):
        rows = valued[basis]
        j = rows[(rows["country"] == JAPAN) & (rows["year"] == year)]
        k = rows[(rows["country"] == KOREA) & (rows["year"] == year)]
        if j.empty or k.empty:
            continue
        at = None if fx == "own" else latest_fx
        ju = _usd(float(j.iloc[0]["value"]) * factor, "JPY", year, True, at)
        ku = _usd(float(k.iloc[0]["value"]), "KRW", year, False, at)
        if math.isnan(ju) or math.isnan(ku) or ju <= 0:
            continue
        label = "that year's average" if fx == "own" else f"the {latest_fx} average"
        outcomes.append(Outcome(Choice(year, label, scope, basis), ju, ku))
    if not outcomes:
        return None
    return PerMember(tuple(outcomes), tuple(years), share)


def _latest_full_year() -> int:
    d = money.describe_sources()
    last = d["ecb_last"]
    year = int(last[:4])
    return year if last[5:] >= "12-31" else year - 1


@dataclasses.dataclass(frozen=True)
class Growth:
    first: int
    last: int
    own: dict[str, float]  # country -> annual rate in its own currency, nominal (0.021 = 2.1%)
    real_usd: dict[str, float]  # country -> annual rate in constant US dollars

    @property
    def years(self) -> int:
        return self.last - self.first


def growth(reference, params) -> Growth | None:
    """Annualised growth of each country's payment over one horizon, the same years for every
    country: the latest end year at which all have a value on their line at both ends."""
    countries = list(params.countries)
    own = S.burden_series(reference, dataclasses.replace(params, currency="own", real=False,
                                                         start_year=1991, end_year=max(params.end_year, 2030)))
    real = S.burden_series(reference, dataclasses.replace(params, currency="USD", real=True,
                                                          start_year=1991, end_year=max(params.end_year, 2030)))

    def values(frame, c):
        rows = frame[(frame["country"] == c) & frame["value"].notna() & (frame["drawn"] == "line")]
        return dict(zip(rows["year"], rows["value"]))

    own_v = {c: values(own, c) for c in countries}
    real_v = {c: values(real, c) for c in countries}
    common = sorted(set.intersection(*[set(v) for v in own_v.values()])) if countries else []
    for h in HORIZONS:
        for end in reversed(common):
            if end - h in common and all(end - h in real_v[c] and end in real_v[c] for c in countries):
                rate = lambda v: (v[end] / v[end - h]) ** (1 / h) - 1  # noqa: E731
                return Growth(end - h, end, {c: rate(own_v[c]) for c in countries},
                              {c: rate(real_v[c]) for c in countries})
    return None


def per_member_title(pm: PerMember) -> str:
    """The per-member chart's title: a direction only where every choice agrees."""
    lo, hi = (pm.low - 1) * 100, (pm.high - 1) * 100
    if pm.direction == "Korea":
        return f"Per US service member, Korea pays more than Japan under every choice: {lo:.0f}% to {hi:.0f}% more"
    if pm.direction == "Japan":
        return (f"Per US service member, Japan pays more than Korea under every choice: Korea "
                f"{-hi:.0f}% to {-lo:.0f}% less")
    if pm.direction == "same":
        return "Per US service member, the two pay about the same under every choice"
    return (f"Per US service member, who pays more depends on the year, exchange rate, scope and troop "
            f"count: Korea from {abs(lo):.0f}% {'below' if lo < 0 else 'above'} to {abs(hi):.0f}% "
            f"{'below' if hi < 0 else 'above'} Japan")
