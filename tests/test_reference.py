"""Reference records: the real data loads and holds the facts the briefing relies on; a broken copy
fails with one line that names the file, the row and the column."""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import pytest

from costshare import paths, reference
from costshare.errors import InputError, ReferenceDataError

FIXTURES = Path(__file__).parent / "fixtures" / "reference"
#: Years no source states (Japan FY2011, FY2013, FY2017 and FY2018 were gaps until the November
#: 2026 additions; Korea 2023 and 2024 are now derived records, drawn as derived).
GAPS = {"Japan": [2025, 2026]}


@pytest.fixture(scope="module")
def ref() -> reference.Reference:
    return reference.load()


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A private copy of the real reference folder, to break."""
    folder = tmp_path / "reference"
    shutil.copytree(paths.REFERENCE_DIR, folder)
    return folder


def read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    return header, rows


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header, *rows])


def row_of(path: Path, column: str, value: str) -> int:
    """The 1-based data row whose ``column`` equals ``value`` (as the loader numbers rows)."""
    header, rows = read(path)
    i = header.index(column)
    return next(n for n, r in enumerate(rows, start=1) if r[i] == value)


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    header, rows = read(path)
    rows[row - 1][header.index(column)] = value
    write(path, header, rows)


def load_error(folder: Path) -> str:
    with pytest.raises(ReferenceDataError) as caught:
        reference.load(folder)
    message = str(caught.value)
    assert "\n" not in message
    assert isinstance(caught.value, InputError) and caught.value.exit_code == 2
    return message


def assert_names(message: str, file: str, row: int | None, column: str | None) -> None:
    where = file
    if row is not None:
        where += f" row {row}"
    if column is not None:
        where += f", column {column}:"
    assert where in message, message


# --------------------------------------------------------------------------- the real data

JAPAN_FACTS = [  # (period, measure, amount in JPY billion)
    ("FY2019", "annual", 197.4),
    ("FY2020", "annual", 199.3),
    ("FY2021", "annual", 201.7),
    ("FY2022-FY2026", "period_total", 1055.1),
    ("FY2022-FY2026", "annual_avg", 211.0),
    ("FY2016-FY2020", "annual_avg", 189.3),
]
KOREA_FACTS = {2019: 1038.9, 2020: 1038.9, 2021: 1183.3, 2022: 1247.2, 2025: 1402.8, 2026: 1519.2}


def test_real_data_loads(ref):
    assert len(ref.records) > 100
    assert set(ref.records["country"]) == {"Japan", "South Korea"}
    assert set(ref.records["file"]) == {"data/reference/japan_hns.csv", "data/reference/korea_sma.csv"}
    assert "records" in repr(ref)


@pytest.mark.parametrize("period, measure, amount", JAPAN_FACTS)
def test_japan_facts_are_preferred_records(ref, period, measure, amount):
    found = ref.find("Japan", period, scope="HNS_total", measure=measure)
    assert len(found) == 1
    assert found["amount"].iloc[0] == amount
    assert found["unit"].iloc[0] == "JPY billion"
    assert found["source_url"].iloc[0].startswith("http")


def test_korea_facts_are_preferred_records(ref):
    series = ref.annual("South Korea").set_index("year")
    for year, amount in KOREA_FACTS.items():
        assert series.loc[year, "amount"] == amount
        assert series.loc[year, "unit"] == "KRW billion"


@pytest.mark.parametrize("country", GAPS)
def test_gaps_are_nan_rows_not_dropped(ref, country):
    series = ref.annual(country).set_index("year")
    for year in GAPS[country]:
        assert math.isnan(series.loc[year, "amount"])
        assert math.isnan(series.loc[year, "amount_base"])
        assert series.loc[year, "verified"] == "no"
        assert "GAP" in series.loc[year, "note"]


def test_derived_numbers_are_derived_records(ref):
    # A number computed from others (Japan FY2013 from the five-year sum, Korea 2023-24 from the
    # 11th SMA's rule, FY1997-98 from a reported change) is a record only with basis 'derived'
    # and verified=no; the same number never poses as one read in a source.
    r = ref.records
    derived = {186.0, 1289.6, 1346.3, 253.8, 273.8}
    rows = r[r["amount"].isin(derived) & (r["scope"].isin(["HNS_total", "SMA_total"]))]
    assert set(rows["amount"]) == derived
    assert (rows["basis_kind"] == "derived").all() and (rows["verified"] == "no").all()
    assert (r.loc[r["basis_kind"] == "derived", "verified"] == "no").all()
    valued = r[r["amount"].notna()]
    assert (valued.loc[valued["verified"] == "no", "basis_kind"] == "derived").all()


def test_additions_close_japans_years(ref):
    japan = ref.annual("Japan").set_index("year")
    assert japan.loc[2011, "amount"] == 185.8 and japan.loc[2011, "basis_kind"] == "draft budget"
    assert japan.loc[2013, "amount"] == 186.0 and japan.loc[2013, "basis_kind"] == "derived"
    assert japan.loc[2001, "basis_kind"] == "settled"  # the only FY2001 figure is the outturn
    assert japan.loc[2007, "basis_kind"] == "request"  # the FY2007 final budget was not found
    assert japan.loc[2000, "amount"] == 260.3  # the budget basis over the contract-basis 260
    known = japan.loc[1999:2024]
    assert known["amount"].notna().all()


def test_every_record_has_a_basis_and_every_value_a_graded_source(ref):
    r = ref.records
    assert r["basis"].ne("").all()
    assert set(r["basis_kind"]) <= set(reference.BASES)
    valued = r[r["amount"].notna()]
    assert valued["grade"].isin(reference.GRADES).all()
    assert valued["source_url"].str.startswith("http").all()
    assert set(ref.troops["basis"]) == set(reference.TROOP_BASES)
    assert ref.troops["grade"].isin(reference.GRADES).all()


def test_the_preferred_record_is_the_strongest_source_of_its_value(ref):
    # Korea 2025: MND's own daily (primary) over Financial News and a portal repost.
    k2025 = ref.find("South Korea", "2025", measure="annual")
    assert k2025["grade"].iloc[0] == "primary" and "kookbang" in k2025["source_url"].iloc[0]
    # Japan FY2008: the Japan Times over the blog the value used to rest on.
    assert ref.find("Japan", "FY2008", scope="HNS_total")["grade"].iloc[0] == "established"


def test_weak_only_values_are_known_as_such(ref):
    japan = ref.annual("Japan").set_index("year")
    assert japan.loc[1985, "support_grade"] == "weak"  # an explainer blog is the only source
    assert japan.loc[2007, "support_grade"] == "weak"
    assert japan.loc[2021, "support_grade"] == "primary"


def test_one_preferred_record_per_key(ref):
    with_amount = ref.records.dropna(subset=["amount"])
    keys = ["country", "scope", "measure", "period", "unit"]
    counts = with_amount.groupby(keys)["preferred"].sum()
    assert (counts == 1).all(), counts[counts != 1]


def test_record_ids_are_unique_and_point_back_to_their_row(ref):
    assert ref.records["record_id"].is_unique
    for rec in ref.records.sample(10, random_state=0).itertuples():
        path = paths.ROOT / rec.file
        assert row_of(path, "record_id", rec.record_id) == rec.row


def test_amount_base_is_the_amount_in_currency_units(ref):
    fy2021 = ref.find("Japan", "FY2021", scope="HNS_total")
    assert fy2021["amount_base"].iloc[0] == 201_700_000_000.0
    assert fy2021["currency"].iloc[0] == "JPY"
    usd = ref.find("South Korea", "1991", measure="annual")
    assert usd.loc[usd["currency"] == "USD", "amount_base"].iloc[0] == 150_000_000.0


def test_annual_is_one_sorted_row_per_year(ref):
    for country in reference.COUNTRIES:
        series = ref.annual(country)
        assert list(series.columns) == reference.ANNUAL_COLUMNS
        assert series["year"].is_unique and series["year"].is_monotonic_increasing


def test_korea_annual_follows_the_agreement_currency(ref):
    default = ref.annual("South Korea").set_index("year")
    assert default.loc[2002, "amount"] == 470 and default.loc[2002, "currency"] == "USD"
    assert default.loc[2005, "currency"] == "KRW"
    assert set(default.loc[1991:2004, "currency"]) == {"USD"}
    krw = ref.annual("South Korea", currency="KRW").set_index("year")
    assert krw.loc[2002, "amount"] == 610
    usd = ref.annual("South Korea", currency="USD")
    assert usd["year"].max() == 2004


def test_scopes_are_kept_apart(ref):
    # FY2025 HNS is a gap; the broad USFJ-related total of that year must not stand in for it.
    assert math.isnan(ref.find("Japan", "FY2025", scope="HNS_total")["amount"].iloc[0])
    assert ref.find("Japan", "FY2025", scope="USFJ_related_total")["amount"].iloc[0] == 888.6
    assert ref.annual("Japan", scope="SMA").set_index("year").loc[2007, "amount"] == 140.9


def test_agreements_have_parsed_dates(ref):
    a = ref.agreements.set_index(["country", "agreement"])
    sma2016 = a.loc[("Japan", "2016 SMA")]
    assert str(sma2016["term_start"].date()) == "2016-04-01"
    assert str(sma2016["term_end"].date()) == "2021-03-31"
    assert sma2016["years"] == 5
    assert a.loc[("Japan", "2021 Protocol (one-year extension)"), "stopgap"]
    assert a.loc[("South Korea", "10th SMA"), "stopgap"]
    assert a.loc[("South Korea", "11th SMA"), "number"] == 11
    assert str(a.loc[("South Korea", "11th SMA"), "date_agreed"].date()) == "2021-03-07"
    assert ref.agreements["date_signed"].isna().any()  # unknown dates are NaT, not guesses


def test_troops_and_events(ref):
    troops = ref.troops[ref.troops["preferred"]].set_index(["country", "year", "basis"])
    assert troops["us_personnel"].loc[("Japan", 2021, "official")] == 55000
    assert troops.index.is_unique
    # Both bases of one year are kept: Korea's DoD count under the authorised 28,500.
    assert troops["us_personnel"].loc[("South Korea", 2016, "DoD count")] == 24189
    assert troops["us_personnel"].loc[("South Korea", 2018, "official")] == 28500
    bolton = ref.events[ref.events["date_text"] == "2019-07-21/22"]
    assert str(bolton["date"].iloc[0].date()) == "2019-07-21"


def test_unknown_country_is_a_programming_error(ref):
    with pytest.raises(ValueError, match="South Korea"):
        ref.annual("Korea")
    with pytest.raises(ValueError, match="JPY"):
        ref.annual("Japan", currency="USD")


# --------------------------------------------------------------------------- broken copies

JAPAN = "japan_hns.csv"
KOREA = "korea_sma.csv"


def break_record(folder: Path, file: str, record_id: str, column: str, value: str) -> int:
    row = row_of(folder / file, "record_id", record_id)
    set_cell(folder / file, row, column, value)
    return row


def test_amount_not_a_number(copy):
    row = break_record(copy, JAPAN, "JP-HNS_total-FY2021-1", "amount", "abc")
    message = load_error(copy)
    assert_names(message, JAPAN, row, "amount")
    assert "'abc' is not a number; fix the value or leave it empty for a gap" in message


def test_amount_negative(copy):
    row = break_record(copy, KOREA, "KR-SMA_total-2021-1", "amount", "-1183.3")
    assert_names(load_error(copy), KOREA, row, "amount")


def test_record_without_url(copy):
    row = break_record(copy, JAPAN, "JP-HNS_total-FY2011-2", "source_url", "")
    message = load_error(copy)
    assert_names(message, JAPAN, row, "source_url")
    assert "give the source URL" in message


def test_record_without_grade(copy):
    row = break_record(copy, KOREA, "KR-SMA_total-2024-2", "grade", "")
    message = load_error(copy)
    assert_names(message, KOREA, row, "grade")
    assert "grade its source (primary, established, secondary, weak" in message


def test_record_with_unknown_grade(copy):
    row = break_record(copy, JAPAN, "JP-HNS_total-FY2021-1", "grade", "official")
    assert_names(load_error(copy), JAPAN, row, "grade")


def test_record_without_basis(copy):
    row = break_record(copy, JAPAN, "JP-HNS_total-FY2017-2", "basis", "")
    message = load_error(copy)
    assert_names(message, JAPAN, row, "basis")
    assert "name the basis of the figure" in message


def test_record_with_unknown_basis(copy):
    row = break_record(copy, JAPAN, "JP-HNS_total-FY2001-1", "basis", "outturn")
    message = load_error(copy)
    assert_names(message, JAPAN, row, "basis")
    assert "start it with one of budget, draft budget, request, settled" in message


def test_derived_value_marked_verified(copy):
    row = break_record(copy, KOREA, "KR-SMA_total-2023-2", "verified", "yes")
    message = load_error(copy)
    assert_names(message, KOREA, row, "verified")
    assert "set verified=no" in message


def test_unverified_amount_not_marked_derived(copy):
    row = break_record(copy, JAPAN, "JP-HNS_total-FY2013-2", "basis", "budget")
    message = load_error(copy)
    assert_names(message, JAPAN, row, "verified")
    assert "derived" in message


def test_weaker_source_preferred_for_the_same_value(copy):
    # FY2021: MOFA (primary) and Kyodo give 201.7 on one basis; preferring Kyodo is refused.
    break_record(copy, JAPAN, "JP-HNS_total-FY2021-1", "preferred", "no")
    row = break_record(copy, JAPAN, "JP-HNS_total-FY2021-2", "preferred", "yes")
    break_record(copy, JAPAN, "JP-HNS_total-FY2021-2", "preference_reason", "Kyodo.")
    message = load_error(copy)
    assert_names(message, JAPAN, row, "preferred")
    assert "stronger source (primary)" in message


def test_troop_count_without_grade(copy):
    set_cell(copy / "troops.csv", 3, "grade", "")
    assert_names(load_error(copy), "troops.csv", 3, "grade")


def test_troop_count_with_unknown_basis(copy):
    set_cell(copy / "troops.csv", 2, "basis", "headline")
    message = load_error(copy)
    assert_names(message, "troops.csv", 2, "basis")
    assert "DoD count, DoD count excl. afloat, official" in message


def test_agreement_with_fewer_grades_than_urls(copy):
    row = row_of(copy / "agreements.csv", "agreement", "1991 SMA")
    header, rows = read(copy / "agreements.csv")
    grades = rows[row - 1][header.index("grade")].split(" | ")
    set_cell(copy / "agreements.csv", row, "grade", grades[0])
    message = load_error(copy)
    assert_names(message, "agreements.csv", row, "grade")
    assert "one grade per URL" in message


def test_two_preferred_rows(copy):
    row = break_record(copy, JAPAN, "JP-HNS_total-FY2019-3", "preferred", "yes")
    message = load_error(copy)
    assert_names(message, JAPAN, row, "preferred")
    assert "already the preferred record" in message


def test_no_preferred_row(copy):
    row = break_record(copy, KOREA, "KR-SMA_total-2016-1", "preferred", "no")
    message = load_error(copy)
    assert_names(message, KOREA, row, "preferred")
    assert "none of rows" in message


def test_preferred_gap_beside_an_amount(copy):
    # A source turns up for a gap year: the gap row must stop being preferred.
    header, rows = read(copy / JAPAN)
    extra = list(rows[row_of(copy / JAPAN, "record_id", "JP-HNS_total-FY2024-1") - 1])
    extra[header.index("record_id")] = "JP-HNS_total-FY2025-9"
    for column, value in [("period", "FY2025"), ("year_start", "2025"), ("year_end", "2025")]:
        extra[header.index(column)] = value
    write(copy / JAPAN, header, [*rows, extra])
    gap_row = row_of(copy / JAPAN, "record_id", "JP-HNS_total-FY2025-1")
    assert_names(load_error(copy), JAPAN, gap_row, "preferred")


def test_contested_preference_without_reason(copy):
    row = break_record(copy, JAPAN, "JP-HNS_total-FY2019-1", "preference_reason", "")
    assert_names(load_error(copy), JAPAN, row, "preference_reason")


def test_missing_column(copy):
    header, rows = read(copy / JAPAN)
    i = header.index("unit")
    write(copy / JAPAN, header[:i] + header[i + 1:], [r[:i] + r[i + 1:] for r in rows])
    message = load_error(copy)
    assert f"{JAPAN}, column unit: missing from the header" in message


def test_missing_file(copy):
    (copy / "troops.csv").unlink()
    message = load_error(copy)
    assert "troops.csv: file not found" in message


def test_missing_folder(tmp_path):
    assert "reference folder not found" in load_error(tmp_path / "nowhere")


def test_year_out_of_range(copy):
    row = break_record(copy, KOREA, "KR-SMA_total-2019-1", "year_start", "1890")
    message = load_error(copy)
    assert_names(message, KOREA, row, "year_start")
    assert "outside 1970-2040" in message


def test_year_not_a_year(copy):
    row = break_record(copy, JAPAN, "JP-HNS_total-FY1978-1", "year_end", "FY1978")
    assert_names(load_error(copy), JAPAN, row, "year_end")


def test_period_disagrees_with_years(copy):
    row = break_record(copy, JAPAN, "JP-HNS_total-FY2020-1", "period", "FY2021")
    message = load_error(copy)
    assert_names(message, JAPAN, row, "period")
    assert "expected 'FY2020'" in message


def test_year_end_before_year_start(copy):
    row = break_record(copy, JAPAN, "JP-HNS_total-FY2022-FY2026-1", "year_end", "2021")
    assert_names(load_error(copy), JAPAN, row, "year_end")


def test_annual_measure_over_several_years(copy):
    row = break_record(copy, JAPAN, "JP-HNS_total-FY2022-FY2026-1", "measure", "annual")
    assert_names(load_error(copy), JAPAN, row, "measure")


def test_unknown_unit(copy):
    row = break_record(copy, JAPAN, "JP-HNS_total-FY2021-1", "unit", "JPY 100 million")
    message = load_error(copy)
    assert_names(message, JAPAN, row, "unit")
    assert "JPY billion" in message


def test_unknown_scope(copy):
    row = break_record(copy, JAPAN, "JP-HNS_total-FY2021-1", "scope", "HNS")
    assert_names(load_error(copy), JAPAN, row, "scope")


def test_verified_not_in_vocabulary(copy):
    row = break_record(copy, KOREA, "KR-SMA_total-2026-1", "verified", "probably")
    assert_names(load_error(copy), KOREA, row, "verified")


def test_preferred_not_yes_no(copy):
    row = break_record(copy, KOREA, "KR-SMA_total-2026-1", "preferred", "TRUE")
    assert_names(load_error(copy), KOREA, row, "preferred")


def test_url_without_http(copy):
    row = break_record(copy, JAPAN, "JP-HNS_total-FY2021-1", "source_url", "www.mofa.go.jp")
    assert_names(load_error(copy), JAPAN, row, "source_url")


def test_amount_without_source(copy):
    row = break_record(copy, JAPAN, "JP-HNS_total-FY2021-1", "source_url", "")
    assert_names(load_error(copy), JAPAN, row, "source_url")


def test_duplicate_record_id(copy):
    row = break_record(copy, JAPAN, "JP-HNS_total-FY2019-2", "record_id", "JP-HNS_total-FY2019-1")
    message = load_error(copy)
    assert_names(message, JAPAN, row, "record_id")
    assert "repeats row" in message


def test_record_id_not_matching_its_row(copy):
    row = break_record(copy, JAPAN, "JP-HNS_total-FY2019-2", "record_id", "JP-SMA-FY2019-2")
    assert_names(load_error(copy), JAPAN, row, "record_id")


def test_unknown_korea_agreement(copy):
    row = break_record(copy, KOREA, "KR-SMA_total-2019-1", "agreement", "13th SMA")
    assert_names(load_error(copy), KOREA, row, "agreement")


def test_no_record_in_the_agreement_currency(copy):
    # 1992 has only a USD record; declaring the 1st SMA a KRW agreement leaves it without one
    # (1991 has a KRW record too, so 1992 is the first year reported).
    row = row_of(copy / "agreements.csv", "agreement", "1st SMA")
    set_cell(copy / "agreements.csv", row, "currency", "KRW")
    message = load_error(copy)
    assert_names(message, KOREA, row_of(copy / KOREA, "record_id", "KR-SMA_total-1992-1"), "unit")
    assert "1992 has no preferred record in KRW" in message


def test_agreement_date_not_iso(copy):
    row = row_of(copy / "agreements.csv", "agreement", "11th SMA")
    set_cell(copy / "agreements.csv", row, "date_agreed", "2021-03-07 (agreement in principle)")
    message = load_error(copy)
    assert_names(message, "agreements.csv", row, "date_agreed")
    assert "dates_note" in message


def test_agreement_years_disagree_with_term(copy):
    row = row_of(copy / "agreements.csv", "agreement", "2016 SMA")
    set_cell(copy / "agreements.csv", row, "years", "6")
    assert_names(load_error(copy), "agreements.csv", row, "years")


def test_troops_two_preferred_rows(copy):
    header, rows = read(copy / "troops.csv")
    col = {name: header.index(name) for name in header}

    def find(personnel: str, preferred: str) -> int:
        return next(n for n, r in enumerate(rows, start=1)
                    if (r[col["year"]], r[col["country"]], r[col["basis"]]) == ("2021", "Japan", "official")
                    and r[col["us_personnel"]] == personnel and r[col["preferred"]] == preferred)

    row, already = find("54000", "no"), find("55000", "yes")
    set_cell(copy / "troops.csv", row, "preferred", "yes")
    message = load_error(copy)
    first, second = sorted([row, already])
    assert_names(message, "troops.csv", second, "preferred")  # the second preferred row ...
    assert f"row {first} is already the preferred record" in message  # ... names the first


def test_troops_personnel_not_a_number(copy):
    set_cell(copy / "troops.csv", 1, "us_personnel", "about 50,000")
    assert_names(load_error(copy), "troops.csv", 1, "us_personnel")


def test_event_date_disagrees_with_text(copy):
    row = row_of(copy / "events.csv", "date_text", "2019-07-21/22")
    set_cell(copy / "events.csv", row, "date", "2019-07-22")
    assert_names(load_error(copy), "events.csv", row, "date")


@pytest.mark.parametrize("failure, expected", [
    ("not_utf8", "not UTF-8"),
    ("unquoted_comma", "row 1: not a well-formed CSV row"),
    ("empty_file", "the file is empty"),
])
def test_unreadable_file(copy, failure, expected):
    shutil.copy(FIXTURES / failure / JAPAN, copy / JAPAN)
    message = load_error(copy)
    assert_names(message, JAPAN, None, None)
    assert expected in message


def test_nothing_is_cached_between_loads(copy, ref):
    break_record(copy, JAPAN, "JP-HNS_total-FY2021-1", "amount", "abc")
    load_error(copy)
    assert reference.load().find("Japan", "FY2021", scope="HNS_total")["amount"].iloc[0] == 201.7
