"""From a seeds folder to the claims and findings tables: the steps every entry point shares
(the command line, notebook 01, the render)."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from costshare import paths
from costshare.errors import InputError

#: claims.csv, in this order; the README's codebook documents each column.
CLAIM_COLUMNS = [
    "id", "article", "start", "end", "sentence", "surface", "value", "value_high", "unit",
    "qualifier", "restates", "country", "kind", "period", "confidence", "rule", "cues",
]


@dataclass
class Extraction:
    articles: list  # list[Article]
    claims: list  # list[Claim]
    findings: list  # list[Finding]; empty when reconciliation is skipped
    reference: object  # costshare.reference.Reference
    unchecked: list = field(default_factory=list)  # rows of reconcile.not_checked: amounts no check could judge


def run(seeds_dir: str | Path, reference_dir: str | Path | None = None, *, reconcile: bool = True) -> Extraction:
    """Load, extract, attribute and reconcile. Input errors surface before any output exists."""
    from costshare import reference as reference_mod
    from costshare.attribute import attribute_article
    from costshare.corpus import load_corpus
    from costshare.extract import extract_claims
    from costshare.reconcile import not_checked
    from costshare.reconcile import reconcile as reconcile_claims

    articles = load_corpus(seeds_dir)
    reference = reference_mod.load(reference_dir if reference_dir is not None else paths.REFERENCE_DIR)
    agreements = reference.agreements.to_dict("records")
    claims = []
    for article in articles:
        claims.extend(attribute_article(article, extract_claims(article), agreements))
    findings = confirmed_as_notes(reconcile_claims(claims, articles, reference)) if reconcile else []
    return Extraction(articles, claims, findings, reference, not_checked(claims) if reconcile else [])


def confirmed_as_notes(findings: list) -> list:
    """A finding that confirms the number it is about is no error of that number. The stated-change
    check flags a percentage whose article's amounts do not fit it; when the records fit the
    percentage ("It fits the records ... The amounts are misprinted, not the change") the
    percentage is right and the amounts carry the error (each has its own finding), so that finding
    is a note. Counts, the news box and findings.csv then agree on what is wrong."""
    import dataclasses

    out = []
    for f in findings:
        if f.check == "stated_change" and f.severity == "error" and f.records:
            f = dataclasses.replace(f, severity="info")
        out.append(f)
    return out


def _cell(value) -> str | int:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def claims_rows(claims) -> list[dict]:
    return [{col: _cell(getattr(c, col)) for col in CLAIM_COLUMNS} for c in claims]


def claims_frame(claims):
    import pandas as pd

    return pd.DataFrame(claims_rows(claims), columns=CLAIM_COLUMNS)


def findings_rows(findings) -> list[dict]:
    from costshare.reconcile import FINDING_COLUMNS

    return [{col: _cell(getattr(f, col)) for col in FINDING_COLUMNS} for f in findings]


def findings_frame(findings):
    import pandas as pd
    from costshare.reconcile import FINDING_COLUMNS

    return pd.DataFrame(findings_rows(findings), columns=FINDING_COLUMNS)


#: A cell a spreadsheet would evaluate as a formula ("=HYPERLINK(...)", "+1+1", "@SUM(...)"), or
#: that starts with a tab or carriage return; numbers ("-5", "+2.5") are left as numbers.
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")  # with apostrophes already before it: kept reversible
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def spreadsheet_safe(value):
    """Text that a spreadsheet would run as a formula, prefixed with an apostrophe (what well-kept
    exporters do, and what spreadsheets then show as the text itself); anything else as it is.
    An article sentence or a file name is data, never a formula."""
    if isinstance(value, str) and _FORMULA.match(value) and not _NUMBER.match(value):
        return "'" + value
    return value


def spreadsheet_text(value: str) -> str:
    """The inverse of spreadsheet_safe, for reading a published CSV back (what changed)."""
    if value.startswith("'") and _FORMULA.match(value) and not _NUMBER.match(value[1:]):
        return value[1:]
    return value


def write_csv(rows: list[dict], columns: list[str], path: Path) -> None:
    """Deterministic CSV (UTF-8, \\n line ends, fixed column order), written atomically; cells
    that a spreadsheet would evaluate are neutralised (see spreadsheet_safe)."""
    import csv

    rows = [{k: spreadsheet_safe(v) for k, v in row.items()} for row in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class ExtractResult:
    n_articles: int
    n_claims: int
    n_findings: int


def extract_to(seeds_dir: str | Path, out_dir: str | Path, reference_dir: str | Path | None = None) -> ExtractResult:
    """The ``extract`` command: everything is computed before anything is written."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: --out must be a folder, not a file")
    from costshare.reconcile import FINDING_COLUMNS, NOT_CHECKED_COLUMNS

    result = run(seeds_dir, reference_dir)
    write_csv(claims_rows(result.claims), CLAIM_COLUMNS, out / "claims.csv")
    write_csv(findings_rows(result.findings), FINDING_COLUMNS, out / "findings.csv")
    write_csv(result.unchecked, NOT_CHECKED_COLUMNS, out / "not_checked.csv")
    return ExtractResult(len(result.articles), len(result.claims), len(result.findings))
