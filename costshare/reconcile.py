"""Check claims against each other, against ECB exchange rates and against the reference records.

A finding says what is wrong and why, in words a reader can quote:
- error: the claim is wrong and a reading is suggested (a power-of-ten slip, a dropped digit, a
  restatement at an impossible exchange rate, a term the agreement does not have);
- warning: something does not fit, cause unclear (a real figure of another year);
- info: a spread worth knowing (several articles report one quantity differently).
Correct claims produce nothing: tolerances follow the precision the article printed ("200 billion"
is two significant digits) and its hedges ("nearly", "about").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

from costshare import display
from costshare.times import JAPAN, KOREA, parse_period

FINDING_COLUMNS = ["id", "check", "severity", "message", "claims", "records", "suggested_value", "suggested_unit",
                   "mechanism"]
#: how a misprint came about, as a finding names it (the findings codebook documents each)
MECHANISMS = ("power_of_ten", "dropped_decimal", "dropped_digit", "transposed_digit", "native_unit_rendering",
              "misprinted_conversion", "bad_conversion", "other_year", "wrong_term", "wrong_change",
              "garbled_numeral", "line_break", "misprinted_amounts", "unexplained", "spread")
SEVERITIES = ("error", "warning", "info")
CHECKS = ("print", "magnitude", "currency_pair", "stated_change", "agreement_term", "cross_source")

HEDGES = {"nearly", "about", "approximately", "around", "roughly", "some", "almost", "close to", "an estimated", "estimated"}
#: The exchange rate a reporter used may be a few days or a monthly average away from the ECB
#: rate of the publication date.
FX_SLACK = 0.03
HEDGE_SLACK = 0.03
#: how far a newsroom's working exchange rate may drift from the ECB rate of the day (a rate of some
#: weeks before, rounded) before a conversion is worth a warning
RATE_DRIFT = 0.10
#: an unexplained deviation larger than this is taken for another quantity, not noted
UNEXPLAINED_LIMIT = 0.25
SCOPE = {JAPAN: "HNS_total", KOREA: "SMA_total"}
#: the currencies of the records: only amounts in these are held against them
CHECKED_CURRENCIES = ("USD", "JPY", "KRW")


@dataclass
class Finding:
    id: str
    check: str
    severity: str
    message: str
    claims: str  # claim ids joined by ';', the claim the finding is about first
    records: str = ""  # record ids joined by ';'
    suggested_value: Decimal | None = None
    suggested_unit: str = ""
    mechanism: str = ""
    # internal: for ordering and for the "what changed" diff
    _order: tuple = field(default=(), repr=False)


NOT_CHECKED_COLUMNS = ["claim", "article", "surface", "country", "kind", "period", "reason"]


def not_checked(claims) -> list[dict]:
    """The burden amounts no check could judge because their attribution is not sure: each with the
    reason ("period unclear: ..."). They are listed, never turned into findings."""
    out = []
    for c in claims:
        if c.restates or c.kind not in ("annual", "total") or c.unit not in CHECKED_CURRENCIES:
            continue
        if checkable(c):
            continue
        if not c.country:
            reason = "country unclear"
        elif not c.period:
            reason = "period unknown"
        else:
            reason = "period unclear"
        cue = next((part.strip() for part in c.cues.split(";") if part.strip().startswith("period:")), "")
        out.append({"claim": c.id, "article": c.article, "surface": c.surface, "country": c.country,
                    "kind": c.kind, "period": c.period, "reason": f"{reason} ({cue.removeprefix('period: ')})" if cue else reason})
    return out


def reconcile(claims, articles, reference) -> list:
    """All findings about a corpus's claims, in a stable order (check, article, offset)."""
    ctx = _Context(claims, articles, reference)
    findings: list[Finding] = []
    findings += _print_defects(ctx)
    findings += _magnitude(ctx)
    findings += _currency_pairs(ctx)
    findings += _stated_changes(ctx)
    findings += _agreement_terms(ctx)
    explained = {f.claims.split(";")[0] for f in findings if f.severity == "error"}
    findings += _cross_source(ctx, explained)
    order = {c: i for i, c in enumerate(CHECKS)}
    findings.sort(key=lambda f: (order[f.check], f._order, f.id))
    return findings


# --- shared context ------------------------------------------------------------------------------


class _Context:
    def __init__(self, claims, articles, reference):
        self.claims = claims
        self.by_id = {c.id: c for c in claims}
        self.articles = {a.id: a for a in articles}
        self.reference = reference
        self.restated_by: dict[str, list] = {}
        self.by_article: dict[str, list] = {}
        self.by_sentence: dict[tuple[str, int], list] = {}
        for c in claims:
            self.by_article.setdefault(c.article, []).append(c)
            self.by_sentence.setdefault((c.article, c._sent), []).append(c)
            if c.restates:
                self.restated_by.setdefault(c.restates, []).append(c)
        self._records: dict[tuple, object] = {}
        #: claims that are another year's figure: claim id -> (the right year's value, its currency, the other year)
        self.other_year: dict[str, tuple] = {}
        self._annual: dict[str, dict] = {}
        #: magnitude corrections found so far: claim id -> corrected value (same unit)
        self.corrected: dict[str, Decimal] = {}
        #: every record with an amount, any scope, basis or preference, by (country, period): a claim
        #: that matches any of them ("SMA items only", a draft budget) is not a misprint
        self.any_record: dict[tuple[str, str], list] = {}
        records = reference.records
        if len(records):
            cols = ["country", "period", "amount_base", "currency", "scope", "record_id", "preferred"] + (
                ["basis_kind"] if "basis_kind" in records else [])
            usable = records["amount"].notna()
            if "basis_kind" in records:
                usable &= records["basis_kind"] != "derived"
            for row in records[usable][cols].itertuples(index=False):
                self.any_record.setdefault((row.country, row.period), []).append(row)

    def published(self, claim):
        return self.articles[claim.article].published

    def record_for(self, country: str, period: str, kind: str, currency: str = ""):
        """The preferred record a claim of this country, period and kind speaks of, or None;
        looked up once per distinct question (a corpus asks the same few many times)."""
        key = (country, period, kind, currency)
        if key not in self._records:
            self._records[key] = self._record_for(country, period, kind, currency)
        return self._records[key]

    def _record_for(self, country: str, period: str, kind: str, currency: str = ""):
        if not period or country not in SCOPE:
            return None
        measure = "annual"
        if "-" in period:
            measure = "period_total" if kind == "total" else "annual_avg"
        elif kind == "total":
            return None
        rows = self.reference.find(country, period, scope=SCOPE[country], measure=measure)
        if len(rows):
            # a derived value (Korea 2023-24 from the 11th SMA's rule) is no evidence against a claim
            rows = rows[rows["amount"].notna() & (rows.get("basis_kind", "") != "derived")]
        if not len(rows):
            return self._mean_of_years(country, period) if measure == "annual_avg" else None
        # Korea's early years have a USD and a KRW record: the claim's own currency first (no rate
        # needed), else the won
        order = {"KRW": 1, "JPY": 1, "USD": 2}
        if currency:
            order[currency] = 0
        rows = rows.sort_values("currency", key=lambda s: s.map(order))
        return rows.iloc[0]

    def _mean_of_years(self, country: str, period: str):
        """An annual average over a span with no record of its own: the mean of the span's yearly
        records, when every year has one in the same currency ("68.04 billion won in each of the
        two years" against the 2005 and 2006 records). Marked as derived in its record id."""
        import pandas as pd

        years = parse_period(period)
        if years is None:
            return None
        rows = []
        for y in range(years[0], years[1] + 1):
            r = self.record_for(country, f"FY{y}" if country == JAPAN else str(y), "annual")
            if r is None:
                return None
            rows.append(r)
        if len({r["currency"] for r in rows}) != 1:
            return None
        mean = sum(float(r["amount_base"]) for r in rows) / len(rows)
        scale = float(rows[0]["amount_base"]) / float(rows[0]["amount"]) if float(rows[0]["amount"]) else 1.0
        return pd.Series({
            "amount_base": mean, "amount": mean / scale, "currency": rows[0]["currency"], "period": period,
            "record_id": "mean of " + ", ".join(str(r["record_id"]) for r in rows),
        })

    def annual_records(self, country: str) -> dict[int, list]:
        """The country's preferred yearly records with an amount, by year: built once per country."""
        cached = self._annual.get(country)
        if cached is None:
            series = self.reference.annual(country, SCOPE[country])
            cached = {}
            for row in series[series["amount"].notna()].to_dict("records"):
                cached.setdefault(int(row["year"]), []).append(row)
            self._annual[country] = cached
        return cached


def _label(c) -> str:
    return f"\u201c{c.surface}\u201d ({c.article.rsplit('.', 1)[0][:3]}, {c.period or 'no period'})"


def _fid(check: str, claim) -> str:
    return f"{check}:{claim.id}"


def _order(c) -> tuple:
    return (c.article, c.start)


def tolerance(claim) -> float:
    """How far a value may sit from the truth and still be what the article meant: half a unit of
    the last printed digit (trailing zeros of a whole number count as rounding), widened by hedges."""
    digits = re.sub(r"[^\d.]", "", re.match(r"[\d,.]*\d", re.sub(r"^[^\d]*", "", claim.surface)).group(0)) if re.search(r"\d", claim.surface) else ""
    if re.search(r"[조억만천兆億万千]", claim.surface) and claim.value:
        # "1조5192억원" says five digits, down to the 억: read the precision off the whole value
        whole = format(Decimal(claim.value).quantize(Decimal(1)), "f").lstrip("-")
        kept = max(len(whole.rstrip("0")), 2)
        rel = float(Decimal(10) ** max(len(whole) - kept, 0) / 2 / abs(Decimal(claim.value)))
    elif digits:
        mantissa = Decimal(digits.replace(",", "") or "0")
        if "." in digits:
            unit = Decimal(1).scaleb(-len(digits.split(".")[1]))
        else:
            # trailing zeros of a whole number are rounding, but "200" still says two digits
            whole = digits.replace(",", "")
            kept = max(len(whole.rstrip("0")), 2)
            unit = Decimal(10) ** max(len(whole) - kept, 0)
        rel = float(unit / 2 / mantissa) if mantissa else 0.5
    else:
        rel = 0.005  # word numbers ("one trillion")
    if claim.qualifier in HEDGES:
        rel += HEDGE_SLACK
    return rel


def record_tolerance(amount) -> float:
    """A record is only as exact as it is printed: "260" (billion, an approximate editorial figure)
    is good to half a unit of its last significant digit, "199.3" to 0.05."""
    try:
        d = Decimal(str(amount)).normalize()
    except Exception:
        return 0.0
    if not d:
        return 0.0
    digits = len(d.as_tuple().digits)
    exponent = d.as_tuple().exponent
    if digits < 2:
        exponent -= 2 - digits  # "200" still says two digits: 195 to 205
    return float(Decimal(10) ** exponent / 2 / abs(d))


def _convert(value: Decimal, frm: str, to: str, day) -> tuple[float, object]:
    from costshare import money

    if frm == to:
        return float(value), None
    if day is None:
        # an undated article has no exchange rate of the day: left out of rate-dependent checks
        raise money.NoRateError(f"no publication date to convert {frm} to {to}")
    rate = money.rate_on(frm, to, day)
    return float(value) * rate.value, rate


def _rate_text(rate) -> str:
    """The rate in the direction a reader knows (1 USD = 104.6 JPY, not 1 JPY = 0.00956 USD)."""
    if rate is None:
        return ""
    base, quote, value = rate.base, rate.quote, rate.value
    if value < 1:
        base, quote, value = quote, base, 1 / value
    return f"ECB rate of {rate.period} (1 {base} = {value:,.4g} {quote})"


def _rate_id(rate) -> str:
    return f"ECB {rate.base}/{rate.quote} {rate.period}" if rate is not None else ""


def _off(ratio: float) -> str:
    """1.162 -> '16.2% above'; 0.968 -> '3.2% below'."""
    return f"{abs(ratio - 1) * 100:.1f}% {'above' if ratio > 1 else 'below'}"


def _dec(value) -> Decimal:
    """A suggested value in base units, whole where it is whole (no '199300000000.0')."""
    d = Decimal(str(value))
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


# --- print ---------------------------------------------------------------------------------------


def _print_defects(ctx: _Context) -> list[Finding]:
    """Amounts the article printed garbled (a letter for a digit, "9억 2500억" for 9억 2500만) or
    broke across a line: read as meant, and said so, whatever their kind."""
    out = []
    for c in ctx.claims:
        if not c.rule.startswith("money"):
            continue
        read = display.amount(c.value, c.unit) if c.unit in CHECKED_CURRENCIES else f"{c.value} {c.unit}"
        printed = " ".join(c.surface.split())
        if ".garbled(repeated scale" in c.rule:
            out.append(Finding(
                _fid("print", c), "print", "error",
                f"{_label(c)} repeats a native unit where the next lower one was meant (억 or 億 twice); "
                f"read as {read}.", c.id, "", Decimal(c.value), c.unit, "garbled_numeral", _order(c)))
        elif ".garbled(" in c.rule:
            out.append(Finding(
                _fid("print", c), "print", "error",
                f"\u201c{printed}\u201d ({c.article.rsplit('.', 1)[0][:3]}) prints a letter where a digit belongs; "
                f"read as {read}.", c.id, "", Decimal(c.value), c.unit, "garbled_numeral", _order(c)))
        elif ".linebreak" in c.rule:
            out.append(Finding(
                _fid("print", c), "print", "warning",
                f"\u201c{printed}\u201d ({c.article.rsplit('.', 1)[0][:3]}) is one number split across a line break; "
                f"read as {read}: check the original page.", c.id, "", Decimal(c.value), c.unit, "line_break", _order(c)))
    return out


# --- magnitude -----------------------------------------------------------------------------------


def _digit_slip(claimed: Decimal, true: Decimal) -> str:
    """A slip of the printed digits against the true value, trying the true value also rounded to
    the precision the article printed ("1.55 trillion" for 1.0551: the 1.055 it meant, one digit
    dropped)."""
    slip = _digit_slip_exact(claimed, true)
    if slip or not true:
        return slip
    printed = len(format(claimed.normalize(), "f").replace(".", "").lstrip("0").rstrip("0"))
    for keep in (printed + 1, printed):
        if keep < 2:
            continue
        rounded = Decimal(true).quantize(Decimal(10) ** (Decimal(true).adjusted() - keep + 1))
        slip = _digit_slip_exact(claimed, rounded)
        if slip and slip != "dropped decimal point":
            return slip
    return ""


def _digit_slip_exact(claimed: Decimal, true: Decimal) -> str:
    """'dropped decimal point' (2017 for 201.7), 'dropped digit' (193 for 199.3), 'transposed
    digits' (193 for 139), or '' when the printed digits are not a slip of the true ones."""
    a = format(claimed.normalize(), "f").replace(".", "").lstrip("0").rstrip("0")
    b = format(true.normalize(), "f").replace(".", "").lstrip("0").rstrip("0")
    if a == b:
        return "dropped decimal point" if claimed != true else ""
    if len(b) == len(a) + 1 and any(b[:i] + b[i + 1:] == a for i in range(len(b))):
        return "dropped digit"
    if len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 2:
        i = [k for k in range(len(a)) if a[k] != b[k]]
        if i[1] == i[0] + 1 and a[i[0]] == b[i[1]] and a[i[1]] == b[i[0]]:
            return "transposed digits"
    return ""


def _printed(c) -> Decimal:
    """The number as printed, before its scale word (2017 of '2017 billion yen'). An amount written
    with native units ("1조389억원", "2,017億円") is read in billions, as the records are."""
    if re.search(r"[조억만천兆億万千]", c.surface):
        return (Decimal(c.value) / Decimal(10) ** 9).normalize()
    m = re.search(r"\d[\d,]*(?:\.\d+)?", c.surface)
    return Decimal(m.group(0).replace(",", "")) if m else c.value


def checkable(c) -> bool:
    """Only a confident attribution is checked against the records: unknown beats wrong."""
    return c.confidence in ("high", "medium") and bool(c.period) and bool(c.country)


def _magnitude(ctx: _Context) -> list[Finding]:
    out = []
    for c in ctx.claims:
        if c.restates or c.kind not in ("annual", "total") or c.unit not in CHECKED_CURRENCIES:
            continue
        if not checkable(c):
            continue
        record = ctx.record_for(c.country, c.period, c.kind, c.unit)
        published = ctx.published(c)
        if record is None or published is None:
            continue
        finding = _magnitude_one(ctx, c, record, published)
        if finding:
            out.append(finding)
    return out


def _native_rendering(c, article, rec_value: float, rec_ccy: str) -> str:
    """The Korean 억 or Japanese 億 (100 million) printed as "billion" in a translation: "10,389
    billion won" for 1조389억 원, "2017 billion yen" for 2,017億円."""
    if c.unit != rec_ccy or (article is not None and article.origin_language not in ("ko", "ja")):
        return ""
    if not re.search(r"billion|bn|bln", c.surface, re.I):
        return ""
    as_oku = float(_printed(c)) * 1e8
    if abs(as_oku / rec_value - 1) <= 0.005:
        native = "억" if c.unit == "KRW" or (article is not None and article.origin_language == "ko") else "億"
        return f"{_printed(c)}{native} (= {display.amount(as_oku, c.unit)}) rendered as \u201c{_printed(c)} billion\u201d"
    return ""


def _other_scope(ctx: _Context, c, claimed: float, tol: float, rec_ccy: str, record=None):
    """A record of the claim's period in another scope or on another basis that the claim matches.
    A source that lost to the preferred record on the same scope and basis is no such record: a
    claim that repeats it repeats its error (a source giving 2015's 932.0 as 2016's)."""
    same = (record.get("scope"), record.get("basis_kind")) if record is not None else None
    for row in ctx.any_record.get((c.country, c.period), ()):
        if row.currency != rec_ccy or not row.amount_base:
            continue
        if same is not None and not row.preferred and (row.scope, getattr(row, "basis_kind", None)) == same:
            continue
        if abs(claimed / float(row.amount_base) - 1) <= tol:
            return row
    return None


def _magnitude_one(ctx: _Context, c, record, published) -> Finding | None:
    from costshare.money import NoRateError

    rec_value, rec_ccy = float(record["amount_base"]), record["currency"]
    try:
        claimed, rate = _convert(c.value, c.unit, rec_ccy, published)
    except NoRateError:
        return None
    tol = tolerance(c) + (FX_SLACK if rate is not None else 0) + record_tolerance(record["amount"])
    ratio = claimed / rec_value
    if abs(ratio - 1) <= tol:
        return None
    if _other_scope(ctx, c, claimed, tol, rec_ccy, record) is not None:
        return None  # "SMA items only", a draft budget, a settled outturn: right, in another scope or basis
    rec_text = display.amount(rec_value, rec_ccy)
    conv = f" ({display.amount(claimed, rec_ccy)} at the {_rate_text(rate)})" if rate else ""
    source = f"{record['period']} record of {rec_text} ({record['record_id']})"
    article = ctx.articles.get(c.article)
    # a power of ten away: the printed number lost or gained a decimal point or zeros
    k = round(math.log10(ratio))
    if k != 0 and abs(ratio / 10**k - 1) <= tol:
        corrected = (c.value / Decimal(10) ** k)
        slip = _digit_slip(_printed(c), _printed(c) / Decimal(10) ** k) or f"a factor of {10 ** abs(k):,}"
        native = _native_rendering(c, article, rec_value, rec_ccy)
        mechanism = "native_unit_rendering" if native else ("dropped_decimal" if "decimal" in slip else "power_of_ten")
        how = f" (likely {native} in translation)" if native else ""
        ctx.corrected[c.id] = corrected
        times = f"{10 ** abs(k):,} times {'larger' if k > 0 else 'smaller'} than"
        return Finding(
            _fid("magnitude", c), "magnitude", "error",
            f"{_label(c)} is {times} the {source}{conv}: a {slip}{how}. Read {display.amount(corrected, c.unit)}.",
            c.id, record["record_id"], corrected, c.unit, mechanism, _order(c),
        )
    # a slip of one digit against the record, in the record's own currency
    if rate is None:
        slip = _digit_slip(_printed(c), _printed_like(record["amount"], _printed(c)))
        if slip:
            corrected = _dec(rec_value)
            ctx.corrected[c.id] = corrected
            evidence = _restatement_evidence(ctx, c, corrected, published)
            return Finding(
                _fid("magnitude", c), "magnitude", "error",
                f"{_label(c)} is {_off(ratio)} the {source}: a {slip} "
                f"({_printed(c)} for {record['amount']}).{evidence} Read {rec_text}.",
                c.id, record["record_id"], corrected, c.unit, slip.replace("digits", "digit").replace(" ", "_")
                .replace("dropped_decimal_point", "dropped_decimal"), _order(c),
            )
    # a real figure of another year
    other = _matching_other_period(ctx, c, claimed, tol)
    if other is not None:
        ctx.other_year[c.id] = (_dec(rec_value), rec_ccy, str(other["period"]))
        return Finding(
            _fid("magnitude", c), "magnitude", "warning",
            f"{_label(c)} does not match the {source}{conv}, but it is the {other['period']} figure "
            f"({display.amount(other['amount_base'], other['currency'])}, {other['record_id']}): "
            f"the article likely gives the {other['period']} budget as {c.period}'s.",
            c.id, f"{record['record_id']};{other['record_id']}", _dec(rec_value), rec_ccy, "other_year", _order(c),
        )
    if c.confidence != "high" or abs(ratio - 1) > UNEXPLAINED_LIMIT:
        # far off with no mechanism: more likely another quantity (an item, another budget) than a
        # misprint; not a finding to quote
        return None
    return Finding(
        _fid("magnitude", c), "magnitude", "info",
        f"{_label(c)} is {_off(ratio)} the {source}{conv}; no slip, other year or other scope explains it, "
        "so it is noted, not called an error.",
        c.id, record["record_id"], _dec(rec_value), rec_ccy, "unexplained", _order(c),
    )


def _printed_like(record_amount, printed: Decimal) -> Decimal:
    """The record in the printed scale of the claim (both are in billions for JPY/KRW records)."""
    return Decimal(str(record_amount))


def _restatement_evidence(ctx: _Context, c, corrected: Decimal, published) -> str:
    """When the article's own restatement in another currency fits the record, say so."""
    for r in ctx.restated_by.get(c.id, []):
        try:
            implied, rate = _convert(r.value, r.unit, c.unit, published)
        except Exception:
            continue
        if abs(implied / float(corrected) - 1) <= tolerance(r) + FX_SLACK:
            return (f" The article's own restatement, {r.surface}, is worth {display.amount(implied, c.unit)}"
                    f" at the {_rate_text(rate)}, which fits the record.")
    return ""


def _matching_other_period(ctx: _Context, c, claimed: float, tol: float):
    if "-" in c.period:
        return None
    by_year = ctx.annual_records(c.country)
    year = int(re.sub(r"\D", "", c.period))
    for offset in (-1, 1, -2, 2):
        for row in by_year.get(year + offset, ()):
            if abs(claimed / float(row["amount_base"]) - 1) <= min(tol, 0.005):
                return row
    return None


# --- currency pairs ------------------------------------------------------------------------------


def _currency_pairs(ctx: _Context) -> list[Finding]:
    from costshare.money import NoRateError, average_rate

    out = []
    for b in ctx.claims:
        if not b.restates:
            continue
        a = ctx.by_id[b.restates]
        published = ctx.published(b)
        if published is None or {a.unit, b.unit} - {"USD", "JPY", "KRW"}:
            continue
        try:
            expected, rate = _convert(a.value, a.unit, b.unit, published)
        except NoRateError:
            continue
        tol = tolerance(a) + tolerance(b) + FX_SLACK
        years = parse_period(a.period)
        if years is not None and years[0] <= published.year - 2:
            # an amount of years ago may be converted at that year's rate: judged by it when the ECB
            # has one, not judged at all when it has none (before 1999)
            try:
                then = average_rate(a.unit, b.unit, years[0], fiscal=a.country == JAPAN)
            except NoRateError:
                continue
            corrected = ctx.corrected.get(a.id)
            base_value = float(corrected) if corrected is not None else float(a.value)
            if abs(float(b.value) / (base_value * then.value) - 1) <= tol or abs(float(b.value) / (float(a.value) * then.value) - 1) <= tol:
                continue
        dev = float(b.value) / expected - 1
        implied = float(b.value) / float(a.value)
        corrected_a = ctx.corrected.get(a.id)
        if corrected_a is not None:
            expected_fixed = float(corrected_a) * rate.value
            dev_fixed = float(b.value) / expected_fixed - 1
            if abs(dev) <= tolerance(b) + 0.01 and abs(dev_fixed) > tolerance(b) + 0.015:
                # the conversion was computed from the misprinted amount: it carries the same slip
                out.append(Finding(
                    _fid("currency_pair", b), "currency_pair", "error",
                    f"{_label(b)} converts {_label(a)} as printed; {a.surface} is a misprint for "
                    f"{display.amount(corrected_a, a.unit)}, which at the {_rate_text(rate)} is "
                    f"{display.amount(expected_fixed, b.unit, 3)}. Read about {display.amount(expected_fixed, b.unit, 3)}.",
                    f"{b.id};{a.id}", _rate_id(rate), _dec(round(expected_fixed)), b.unit, "misprinted_conversion", _order(b),
                ))
                continue
        if a.id in ctx.other_year and abs(dev) <= tolerance(b) + 0.01:
            # the restatement converts a figure of another year: it carries the same slip
            right, right_ccy, year = ctx.other_year[a.id]
            try:
                should, _ = _convert(right, right_ccy, b.unit, published)
            except NoRateError:
                should = None
            if should is not None and abs(float(b.value) / should - 1) > tolerance(b) + 0.015:
                out.append(Finding(
                    _fid("currency_pair", b), "currency_pair", "warning",
                    f"{_label(b)} converts {_label(a)}, which is the {year} figure; {a.period}'s "
                    f"{display.amount(right, right_ccy)} would be about {display.amount(should, b.unit, 3)} at the "
                    f"{_rate_text(rate)}.", f"{b.id};{a.id}", _rate_id(rate), _dec(round(should)), b.unit,
                    "misprinted_conversion", _order(b),
                ))
                continue
        if abs(dev) <= tol:
            continue
        if corrected_a is not None:
            # the primary amount is a known slip: judge the restatement against its correct reading
            expected_fixed = float(corrected_a) * rate.value
            dev_fixed = float(b.value) / expected_fixed - 1
            if abs(dev_fixed) <= tol:
                continue  # the restatement was made from the right number; the magnitude finding covers it
            out.append(Finding(
                _fid("currency_pair", b), "currency_pair", "error",
                f"{_label(b)} restates {_label(a)}, read as {display.amount(corrected_a, a.unit)}; at the "
                f"{_rate_text(rate)} that is {display.amount(expected_fixed, b.unit, 3)}, so the restatement is "
                f"{_off(1 + dev_fixed)} it as well. Read about {display.amount(expected_fixed, b.unit, 3)}.",
                f"{b.id};{a.id}", _rate_id(rate), _dec(round(expected_fixed)), b.unit, "misprinted_conversion", _order(b),
            ))
            continue
        k = round(math.log10(float(b.value) / expected))
        if k != 0 and abs(float(b.value) / expected / 10**k - 1) <= tol:
            fixed = b.value / Decimal(10) ** k
            out.append(Finding(
                _fid("currency_pair", b), "currency_pair", "error",
                f"{_label(b)} restates {_label(a)} at an implied {implied:,.4g} {b.unit} per {a.unit}; the "
                f"{_rate_text(rate)}. The restatement is off by a factor of {10 ** abs(k):,}. "
                f"Read {display.amount(fixed, b.unit)}.",
                f"{b.id};{a.id}", _rate_id(rate), fixed, b.unit, "power_of_ten", _order(b),
            ))
            continue
        if abs(dev) <= tol + RATE_DRIFT:
            continue  # a reporter's rate of some weeks before, rounded: not worth a finding
        out.append(Finding(
            _fid("currency_pair", b), "currency_pair", "warning" if abs(dev) < 0.25 else "error",
            f"{_label(b)} restates {_label(a)} at an implied {implied:,.4g} {b.unit} per {a.unit}, "
            f"{_off(1 + dev)} the {_rate_text(rate)}, which gives {display.amount(expected, b.unit, 3)}.",
            f"{b.id};{a.id}", _rate_id(rate), _dec(round(expected)), b.unit, "bad_conversion", _order(b),
        ))
    return out


# --- stated change -------------------------------------------------------------------------------


def _stated_changes(ctx: _Context) -> list[Finding]:
    out = []
    for pct in ctx.claims:
        if pct.kind != "increase_pct" or not pct.country:
            continue
        base, new = _change_operands(ctx, pct)
        if base is None or new is None:
            continue
        if not (checkable(base) and checkable(new)) or base.period == new.period:
            continue  # which amounts the change is between is not clear enough to call it wrong
        if pct.period and new.period != pct.period:
            continue  # "2002년 제5차 협정(25.7%)": the change of another year than these amounts'
        if _conditional(ctx, pct):
            continue
        stated = float(pct.value)
        ratio = float(new.value) / float(base.value) if base.value else 0
        if not (base.id in ctx.corrected or new.id in ctx.corrected) and not (0.5 <= ratio <= 2.0):
            continue  # amounts that far apart are not the two ends of one stated change
        # the change the printed amounts allow: their rounding moves it as much as the stated digits do
        slack = float(tolerance(pct)) * abs(stated) + 0.05 + 100 * (tolerance(base) + tolerance(new))
        article_change = (float(new.value) / float(base.value) - 1) * 100
        if abs(article_change - stated) <= slack:
            continue
        if new.value and abs((float(base.value) / float(new.value) - 1) * 100 - stated) <= slack:
            continue  # the two ends read the other way round fit: which is the base was misread, not printed
        rec_new = ctx.record_for(new.country, new.period, "annual")
        rec_base = ctx.record_for(base.country, base.period, "annual")
        records_text, severity, record_ids, mechanism = "", "warning", "", "wrong_change"
        own = f"the article's own amounts, {base.surface} to {new.surface}, are a change of {display.percent(article_change)}"
        if rec_new is not None and rec_base is not None and rec_new["currency"] == rec_base["currency"]:
            rec_change = (float(rec_new["amount_base"]) / float(rec_base["amount_base"]) - 1) * 100
            record_ids = f"{rec_base['record_id']};{rec_new['record_id']}"
            if abs(rec_change - stated) <= slack:
                # the percentage is right: the amounts are what is misprinted, and their own findings say so
                out.append(Finding(
                    _fid("stated_change", pct), "stated_change", "info",
                    f"{_label(pct)} is right: the records give {display.percent(rec_change)} "
                    f"({display.amount(rec_base['amount_base'], rec_base['currency'])} in {rec_base['period']} to "
                    f"{display.amount(rec_new['amount_base'], rec_new['currency'])} in {rec_new['period']}). "
                    f"But {own}: the amounts are misprinted, not the change.",
                    f"{pct.id};{base.id};{new.id}", record_ids, None, "", "misprinted_amounts", _order(pct),
                ))
                continue
            records_text = f" The records give {display.percent(rec_change)}."
            if abs(rec_change - article_change) <= slack:
                severity = "error"  # the amounts fit the records; the percentage fits neither
        out.append(Finding(
            _fid("stated_change", pct), "stated_change", severity,
            f"{_label(pct)}: {own}, not {display.percent(stated)}.{records_text}",
            f"{pct.id};{base.id};{new.id}", record_ids, None, "", mechanism, _order(pct),
        ))
    out += _stated_changes_against_records(ctx)
    return out


_CONDITIONAL = re.compile(r"\b(?:if|would|could|might|should)\b|다면|라면|으면|れば|なら|場合|を上限|上限|이내|以内|까지|\bcap", re.I)


def _conditional(ctx: _Context, pct) -> bool:
    """A change said as a condition, a projection or a cap ("국방비가 매년 5~6%씩 늘어난다면", "年5%を上限に"):
    no stated fact to check."""
    text = ctx.articles[pct.article].norm.text
    return bool(_CONDITIONAL.search(text[pct._nend: pct._nend + 25]) or
                re.search(r"\b(?:if|would|could)\b", text[max(0, pct._nstart - 60): pct._nstart], re.I))


def _stated_changes_against_records(ctx: _Context) -> list[Finding]:
    """A change stated beside one amount only ("760 billion won this year, up 3.5 percent from last
    year"): the base is the record of the year it is measured from. Raised only when the amount
    itself fits its record, so that the percentage is what does not fit."""
    from costshare.money import NoRateError

    out = []
    for pct in ctx.claims:
        if pct.kind != "increase_pct" or not pct._base or not checkable(pct) or pct.unit != "percent":
            continue
        if _conditional(ctx, pct):
            continue
        news = [c for c in ctx.by_sentence.get((pct.article, pct._sent), ()) if c.unit in CHECKED_CURRENCIES
                and not c.restates and c.kind == "annual" and c.period == pct.period and checkable(c)]
        if len(news) != 1 or any(c.period == pct._base for c in ctx.by_sentence.get((pct.article, pct._sent), ())):
            continue
        new = news[0]
        rec_new = ctx.record_for(new.country, new.period, "annual", new.unit)
        rec_base = ctx.record_for(new.country, pct._base, "annual", new.unit)
        if rec_new is None or rec_base is None or rec_new["currency"] != rec_base["currency"]:
            continue
        try:
            value, _ = _convert(new.value, new.unit, rec_new["currency"], ctx.published(new))
        except NoRateError:
            continue
        if abs(value / float(rec_new["amount_base"]) - 1) > tolerance(new) + record_tolerance(rec_new["amount"]):
            continue  # the amount itself is off: its own finding speaks
        stated = float(pct.value)
        change = (value / float(rec_base["amount_base"]) - 1) * 100
        slack = float(tolerance(pct)) * abs(stated) + 0.05 + 100 * tolerance(new)
        if abs(change - stated) <= slack:
            continue
        out.append(Finding(
            _fid("stated_change", pct), "stated_change", "error",
            f"{_label(pct)}: {new.surface} against the {rec_base['period']} record of "
            f"{display.amount(rec_base['amount_base'], rec_base['currency'])} ({rec_base['record_id']}) is a change of "
            f"{display.percent(change)}, not {display.percent(stated)}; the amount fits its own record.",
            f"{pct.id};{new.id}", f"{rec_base['record_id']};{rec_new['record_id']}", None, "", "wrong_change", _order(pct),
        ))
    return out


def _change_operands(ctx: _Context, pct):
    """The base ("from last year's 193 billion yen") and the new amount of a stated change: money
    claims of the same article and country in its sentence or the one before, not restatements."""
    def sentences(first: int) -> list:
        return [c for i in range(first, pct._sent + 1) for c in ctx.by_sentence.get((pct.article, i), ())]

    same = [c for c in sentences(pct._sent - 1) if c.country == pct.country
            and c.unit in CHECKED_CURRENCIES and not c.restates and c.kind in ("annual", "total")]
    if pct._base:
        # "今年度は99年度比23%減": the base is the amount of the compared year, the new one that of the change's year
        near = sorted((c for c in sentences(pct._sent - 3) if c.country == pct.country
                       and c.unit in CHECKED_CURRENCIES and not c.restates and c.kind == "annual"
                       and pct._sent - 3 <= c._sent <= pct._sent), key=lambda c: abs(c._sent - pct._sent))
        base = next((c for c in near if c.period == pct._base), None)
        new = next((c for c in near if c.period == pct.period and c.period != pct._base), None)
        if base is not None and new is not None and base.unit == new.unit:
            return base, new
    after = [c for c in same if c.start > pct.start and c._sent == pct._sent]
    before = [c for c in same if c.start < pct.start]
    text = ctx.articles[pct.article].norm.text
    marked = [c for c in before if re.match(r"\s*\)?\s*(?:から|より|보다|에서|대비)", text[c._nend: c._nend + 5])]
    origin = [c for c in same if re.search(r"\bfrom\s+(?:\S+\s+){0,4}$", text[max(0, c._nstart - 40): c._nstart], re.I)
              and c._sent == pct._sent]
    target = [c for c in same if re.search(r"\bto\s+(?:about\s+|some\s+|nearly\s+|around\s+)?$", text[max(0, c._nstart - 20): c._nstart], re.I)
              and c._sent == pct._sent]
    if origin and target and origin[0] is not target[0] and origin[0].unit == target[0].unit:
        # "fell 32 percent from 275.6 billion yen to 188.1 billion yen"
        return origin[0], target[0]
    if marked and len(before) >= 2:
        # Japanese and Korean put the base before the change: "前年度の2112億円から0.6%増えた"
        base = marked[-1]
        new = next((c for c in reversed(before) if c is not base), None)
        return (base, new) if new is not None and base.unit == new.unit else (None, None)
    if after and before:
        base, new = after[0], before[-1]
    elif len(before) >= 2:
        new, base = before[-1], before[-2]
    else:
        return None, None
    if base.unit != new.unit:
        return None, None
    return base, new


# --- agreement terms ------------------------------------------------------------------------------


def _agreement_terms(ctx: _Context) -> list[Finding]:
    agreements = ctx.reference.agreements
    # the recorded agreements with a length, by (country, first year of their term): built once
    by_start: dict[tuple[str, int], object] = {}
    for _, row in agreements[agreements["years"].notna()].iterrows():
        by_start.setdefault((row["country"], int(row["term_start"].year)), row)
    out = []
    terms = [c for c in ctx.claims if c.kind == "term" and c.period and c.country and c.confidence != "low"]
    named = {c.id for c in terms if c.confidence == "high"}
    terms_of: dict[str, list] = {}
    for c in terms:
        terms_of.setdefault(c.article, []).append(c)
    for c in terms:
        start = int(re.sub(r"\D", "", c.period.split("-")[0]))
        agreement = by_start.get((c.country, start))
        if agreement is None:
            continue
        years = int(agreement["years"])
        if int(c.value) == years:
            continue
        others = [o for o in terms_of[c.article] if o is not c
                  and o.period.split("-")[0] == c.period.split("-")[0] and int(o.value) != int(c.value)]
        if c.id not in named:
            continue  # the agreement is only guessed: a term is called wrong only against one the text names
        two_ways = (f" The same article also calls it {', '.join(repr(o.surface) for o in others)}."
                    if others else "")
        span = _span_text(agreement)
        out.append(Finding(
            _fid("agreement_term", c), "agreement_term", "error",
            f"{_label(c)} describes the {agreement['agreement']}, which runs {span} "
            f"({years} year{'s' if years != 1 else ''}; agreements.csv).{two_ways} Read {years}-year.",
            ";".join([c.id] + [o.id for o in others]), str(agreement["agreement"]),
            Decimal(years), "years", "wrong_term", _order(c),
        ))
    return out


def _span_text(agreement) -> str:
    start, end = agreement["term_start"], agreement["term_end"]
    if agreement["country"] == JAPAN:
        fy_end = end.year - 1 if end.month <= 3 else end.year
        return f"FY{start.year}-FY{fy_end}"
    return f"{start.year}-{end.year}"


# --- the same quantity in several articles ---------------------------------------------------------


def _cross_source(ctx: _Context, explained: set[str]) -> list[Finding]:
    """Spreads among claims not already shown wrong (an explained slip is no spread worth knowing)."""
    from costshare.money import NoRateError

    groups: dict[tuple, list] = {}
    for c in ctx.claims:
        if c.id in explained or c.restates or c.kind != "annual" or not c.period or c.unit not in CHECKED_CURRENCIES:
            continue
        if not checkable(c) or ctx.published(c) is None:
            continue
        groups.setdefault((c.country, c.period), []).append(c)
    out = []
    for (country, period), claims in sorted(groups.items()):
        if len({c.article for c in claims}) < 2:
            continue
        record = ctx.record_for(country, period, "annual")
        ccy = record["currency"] if record is not None else ("JPY" if country == JAPAN else "KRW")
        values = []
        for c in claims:
            try:
                v, _ = _convert(c.value, c.unit, ccy, ctx.published(c))
            except NoRateError:
                continue
            values.append((c, v))
        if len(values) < 2:
            continue
        lo, hi = min(v for _, v in values), max(v for _, v in values)
        spread = (hi / lo - 1) * 100
        if spread <= 1.0:
            continue
        parts = "; ".join(
            f"{c.surface} in {c.article.rsplit('.', 1)[0][:3]}"
            + (f" (= {display.amount(v, ccy)})" if c.unit != ccy else "")
            for c, v in values
        )
        if record is not None:
            rv = float(record["amount_base"])
            matching = [c.article.rsplit(".", 1)[0][:3] for c, v in values if abs(v / rv - 1) <= tolerance(c) + (FX_SLACK if c.unit != ccy else 0)]
            verdict = (f" The record ({display.amount(rv, ccy)}, {record['record_id']}) matches "
                       f"{', '.join(sorted(set(matching))) if matching else 'none of them'}.")
        else:
            verdict = " There is no record for that period to settle it."
        first = min(values, key=lambda cv: _order(cv[0]))[0]
        out.append(Finding(
            f"cross_source:{country}:{period}", "cross_source", "info",
            f"{len({c.article for c, _ in values})} articles report {country}'s {period} burden as {parts}: "
            f"a spread of {spread:.1f}%.{verdict}",
            ";".join(c.id for c, _ in values), record["record_id"] if record is not None else "",
            _dec(record["amount_base"]) if record is not None else None,
            ccy if record is not None else "", "spread", (country, period) and _order(first),
        ))
    return out
