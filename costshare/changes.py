"""What changed since the previous good run: new or changed articles, claims and findings.

The previous run is the published folder of the same name (reports/<name>/): its run.json lists
the articles with their hashes, its claims.csv and findings.csv the rows. A claim is the same claim
when its id (article + offset) is the same; it changed when what it says changed (surface, value,
unit, qualifier, country, kind, period). A finding changed when its severity, message or suggested
reading changed. Nothing here reads a clock, so the section is the same for the same two runs.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

#: The columns of claims.csv that say what a claim is (not where or by which rule).
CLAIM_FIELDS = ("surface", "value", "value_high", "unit", "qualifier", "country", "kind", "period")
FINDING_FIELDS = ("severity", "message", "suggested_value", "suggested_unit")


@dataclass
class Previous:
    """The previous good run, as read from its folder."""

    folder: Path
    run: dict
    claims: list[dict]
    findings: list[dict]

    @property
    def label(self) -> str:
        params = self.run.get("params", {})
        fp = str(self.run.get("fingerprint", ""))[:12]
        return f"as of {params.get('as_of') or 'unknown'}, inputs {fp}"


@dataclass
class Change:
    id: str
    before: dict
    after: dict
    fields: tuple[str, ...]


@dataclass
class Changes:
    previous: Previous
    new_articles: list[dict] = field(default_factory=list)
    changed_articles: list[dict] = field(default_factory=list)
    removed_articles: list[dict] = field(default_factory=list)
    new_claims: list[dict] = field(default_factory=list)
    changed_claims: list[Change] = field(default_factory=list)
    removed_claims: list[dict] = field(default_factory=list)
    new_findings: list[dict] = field(default_factory=list)
    changed_findings: list[Change] = field(default_factory=list)
    resolved_findings: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any((self.new_articles, self.changed_articles, self.removed_articles,
                        self.new_claims, self.changed_claims, self.removed_claims,
                        self.new_findings, self.changed_findings, self.resolved_findings))

    def summary(self) -> dict:
        """Counts, for run.json and the command's last line."""
        return {k: len(getattr(self, k)) for k in (
            "new_articles", "changed_articles", "removed_articles", "new_claims",
            "changed_claims", "removed_claims", "new_findings", "changed_findings",
            "resolved_findings")}


def _read_csv(path: Path) -> list[dict] | None:
    if not path.is_file():
        return None
    from costshare.pipeline import spreadsheet_text

    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: spreadsheet_text(v) if isinstance(v, str) else v for k, v in row.items()}
                for row in csv.DictReader(fh)]


def read_previous(folder: Path) -> Previous | None:
    """The published run in ``folder``, or None when there is none (or it is unreadable: a
    briefing never fails because an old report was damaged; it just has no "what changed")."""
    try:
        run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(run, dict) or run.get("status") != "ok":
        return None
    claims = _read_csv(folder / "claims.csv")
    if claims is None:
        return None
    return Previous(folder, run, claims, _read_csv(folder / "findings.csv") or [])


def article_rows(articles) -> list[dict]:
    """What run.json keeps of each article: enough to tell new and changed ones apart."""
    return [
        {"id": a.id, "sha256": a.sha256, "published": a.published.isoformat() if a.published else "",
         "outlet": a.outlet, "title": a.title}
        for a in articles
    ]


def _by_id(rows: list[dict]) -> dict[str, dict]:
    return {r.get("id", ""): r for r in rows}


def _diff_rows(before: list[dict], after: list[dict], fields: tuple[str, ...]):
    old, new = _by_id(before), _by_id(after)
    added = [new[k] for k in new if k not in old]
    removed = [old[k] for k in old if k not in new]
    changed = []
    for k in new:
        if k in old:
            diff = tuple(f for f in fields if str(old[k].get(f, "")) != str(new[k].get(f, "")))
            if diff:
                changed.append(Change(k, old[k], new[k], diff))
    return added, changed, removed


def diff(previous: Previous | None, articles: list[dict], claims: list[dict],
         findings: list[dict]) -> Changes | None:
    """The changes from ``previous`` to this run's rows; None without a previous run."""
    if previous is None:
        return None
    ch = Changes(previous)
    old_articles = _by_id(previous.run.get("articles", []))
    new_articles = _by_id(articles)
    ch.new_articles = [a for k, a in new_articles.items() if k not in old_articles]
    ch.removed_articles = [a for k, a in old_articles.items() if k not in new_articles]
    ch.changed_articles = [a for k, a in new_articles.items()
                           if k in old_articles and old_articles[k].get("sha256") != a["sha256"]]
    ch.new_claims, ch.changed_claims, ch.removed_claims = _diff_rows(
        previous.claims, claims, CLAIM_FIELDS)
    ch.new_findings, ch.changed_findings, ch.resolved_findings = _diff_rows(
        previous.findings, findings, FINDING_FIELDS)
    return ch
