"""The tables every entry point writes: claims.csv and findings.csv."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from costshare import changes, pipeline

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A9)",
                                  "\tleading tab", "'=already quoted"])
def test_formula_cells_are_neutralised_and_read_back(tmp_path, cell):
    path = tmp_path / "t.csv"
    pipeline.write_csv([{"a": cell, "b": "-5", "c": "+2.5", "d": "plain", "e": 7}], ["a", "b", "c", "d", "e"], path)
    with path.open(encoding="utf-8", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["a"] == "'" + cell, "a spreadsheet shows it as text"
    assert (row["b"], row["c"], row["d"], row["e"]) == ("-5", "+2.5", "plain", "7"), "numbers stay numbers"
    assert changes._read_csv(path)[0]["a"] == cell, "what changed compares the text itself"


def test_seeds_sentence_and_file_name_starting_with_a_formula(tmp_path):
    seeds = tmp_path / "seeds_formula_in_sentence_and_file_name"
    seeds.mkdir()
    (seeds / "=cmd.txt").write_text("=HYPERLINK(\"http://evil\",\"x\") Japan paid 201.7 billion yen in FY2021.\n"
                                    "@SUM(1) South Korea paid 1.03 trillion won.\n", encoding="utf-8")
    out = tmp_path / "out"
    pipeline.extract_to(seeds, out)
    with (out / "claims.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows, "claims were extracted"
    for row in rows:
        for column, value in row.items():
            assert not value or value[0] not in "=+@\t\r" and not (value[0] == "-" and not value[1:2].isdigit()), (column, value)
    assert {r["article"] for r in rows} == {"'=cmd.txt"}
    assert any(r["sentence"].startswith("'=HYPERLINK") for r in rows)


def test_parallel_extraction_gives_the_same_claims_in_the_same_order(tmp_path, monkeypatch):
    # a year of coverage is extracted by a pool of processes: the result must not depend on it
    import shutil

    from costshare import paths, pipeline

    for i in range(3):
        for p in paths.SEEDS_DIR.glob("*.txt"):
            shutil.copy(p, tmp_path / f"{i}_{p.name}")
    one = pipeline.run(tmp_path)
    monkeypatch.setenv("COSTSHARE_WORKERS", "2")
    assert pipeline.extraction_workers(3) == 2
    two = pipeline.run(tmp_path)
    assert pipeline.claims_rows(two.claims) == pipeline.claims_rows(one.claims)
    assert [f.id for f in two.findings] == [f.id for f in one.findings]
