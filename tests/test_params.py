"""The parameter set: validated before anything runs, one line naming the parameter, exit code 2."""

from __future__ import annotations

import datetime as dt

import pytest

from costshare import cli, paths
from costshare import params as P
from costshare.errors import ParameterError


def test_defaults_are_valid_and_complete():
    p = P.validate({})
    assert p == P.Params()
    assert set(p.to_notebook()) == set(P.FIELDS)
    assert set(P.DOC) == set(P.FIELDS), "every parameter is documented for --help"


@pytest.mark.parametrize("path", sorted(paths.PARAMS_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_named_parameter_sets_validate(path):
    p = P.validate(P.load_yaml(path))
    assert p.name == path.stem, "a named set renders into the folder of its own name"


def test_default_yaml_is_the_default_set():
    assert P.validate(P.load_yaml(paths.PARAMS_DIR / "default.yaml")) == P.Params()


def test_unknown_key_is_named():
    with pytest.raises(ParameterError, match="unknown parameter 'curency'") as info:
        P.validate({"curency": "JPY"})
    assert info.value.exit_code == 2
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "key, value, words",
    [
        ("start_year", "nineteen", "whole number"),
        ("start_year", 1991.5, "whole number"),
        ("end_year", True, "whole number"),
        ("real", "maybe", "true or false"),
        ("real", 3, "true or false"),
        ("currency", "EUR", "not one of"),
        ("countries", "Japan, Taiwan", "unknown country"),
        ("countries", [], "at least one"),
        ("formats", "html,docx", "not one of"),
        ("as_of", "07/01/2022", "YYYY-MM-DD"),
        ("as_of", 20220107, "YYYY-MM-DD"),
        ("title", 42, "expected text"),
        ("title", "   ", "must not be empty"),
        ("start_year", 1900, "outside"),
        ("base_year", 2030, "outside"),
    ],
)
def test_ill_typed_value_is_one_line_naming_the_parameter(key, value, words):
    with pytest.raises(ParameterError) as info:
        P.validate({key: value})
    message = str(info.value)
    assert key in message and words in message
    assert "\n" not in message


def test_start_after_end():
    with pytest.raises(ParameterError, match="start_year .* is after end_year"):
        P.validate({"start_year": 2020, "end_year": 2010})


@pytest.mark.parametrize("name", ["../x", "a/b", "/etc", "..", ".", "latest", ".hidden", "a..b", "x" * 80, ""])
def test_name_cannot_leave_reports(name):
    with pytest.raises(ParameterError, match="parameter name"):
        P.validate({"name": name})


def test_aliases_and_order_are_canonical():
    p = P.validate({"countries": "korea, japan", "formats": ["pdf", "html"], "currency": "jpy"})
    assert p.countries == ("Japan", "South Korea")
    assert p.formats == ("html", "pdf")
    assert p.currency == "JPY"


def test_parse_set_reads_yaml_scalars():
    values = P.parse_set(["start_year=2000", "real=true", "as_of=2021-03-01", "title=a=b", "countries=Japan"])
    assert values == {"start_year": 2000, "real": True, "as_of": "2021-03-01", "title": "a=b", "countries": "Japan"}
    assert P.validate(values).as_of_date == dt.date(2021, 3, 1)


def test_parse_set_needs_key_value():
    with pytest.raises(ParameterError, match="expected key=value"):
        P.parse_set(["start_year"])


def test_load_yaml_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("start_year: [1991\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="not valid YAML"):
        P.load_yaml(bad)
    scalar = tmp_path / "scalar.yaml"
    scalar.write_text("just text\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="expected a mapping"):
        P.load_yaml(scalar)
    with pytest.raises(ParameterError, match="not found"):
        P.load_yaml(tmp_path / "missing.yaml")


def test_help_documents_every_option_and_parameter(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["render", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for option in ("--params", "--set", "--formats", "--name", "--if-changed"):
        assert option in out
    for key in P.FIELDS:
        assert f"  {key} " in out, key


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--set", "colour=red"], "unknown parameter 'colour'"),
        (["--set", "start_year=abc"], "parameter start_year"),
        (["--name", "../outside"], "parameter name"),
        (["--formats", "html,docx"], "parameter formats"),
        (["--params", "params/no_such_set.yaml"], "parameter file not found"),
    ],
)
def test_cli_rejects_before_anything_runs(argv, words, capsys, monkeypatch, tmp_path):
    reports = tmp_path / "reports"
    monkeypatch.setattr(paths, "REPORTS_DIR", reports)
    code = cli.main(["render", *argv])
    err = capsys.readouterr().err
    assert code == 2
    assert words in err
    assert err.count("\n") == 1 and err.startswith("costshare: error: ")
    assert not reports.exists(), "nothing may be created before the parameters are valid"


@pytest.mark.parametrize(
    "item,words",
    [("as_of=2021-02-30", "parameter as_of: expected a date"), ("start_year=", "empty value"), ("countries=", "empty value")],
)
def test_review_set_values_that_used_to_crash_or_pass_silently(item, words):
    with pytest.raises(ParameterError, match=words):
        P.validate(P.parse_set([item]))


def test_review_text_parameters_are_taken_as_typed():
    assert P.validate(P.parse_set(["title=Host-nation support: 2026 outlook"])).title == "Host-nation support: 2026 outlook"
    assert P.validate(P.parse_set(["title=No"])).title == "No"


def test_review_impossible_date_in_yaml(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("as_of: 2021-02-30\n")
    with pytest.raises(ParameterError, match="not valid YAML"):
        P.load_yaml(f)


# --------------------------------------------------------------------------- hostile parameter files


def _refused(tmp_path, name: str, text: str, capsys) -> str:
    path = tmp_path / name
    path.write_text(text)
    assert cli.main(["render", "--params", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and len(err) < 400, err
    return err


def test_params_yaml_nested_100000_deep_is_one_line(tmp_path, capsys):
    err = _refused(tmp_path, "nested_100000_deep.yaml", "a: " + "[" * 100_000 + "]" * 100_000 + "\n", capsys)
    assert "too large for a parameter file" in err


def test_params_yaml_nested_deep_within_the_size_limit_is_one_line(tmp_path, capsys):
    err = _refused(tmp_path, "nested_20000_deep.yaml", "countries: " + "[" * 20_000 + "]" * 20_000 + "\n", capsys)
    assert "nested deeper than" in err and "line 1" in err


def test_params_yaml_exponential_aliases_are_refused_before_expanding(tmp_path, capsys):
    laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 10):
        prev, cur = chr(ord("a") + n - 1), chr(ord("a") + n)
        laughs.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    err = _refused(tmp_path, "billion_laughs.yaml", "\n".join(laughs) + "\n", capsys)
    assert "anchors and aliases" in err and "lol" not in err


def test_params_yaml_over_the_size_limit(tmp_path, capsys):
    err = _refused(tmp_path, "title_of_a_megabyte.yaml", "title: " + "x" * 1_000_000 + "\n", capsys)
    assert "too large for a parameter file (limit 64 KB)" in err


def test_params_message_never_prints_a_whole_value(capsys):
    with pytest.raises(ParameterError) as info:
        P.validate({"start_year": "x" * 100_000})
    assert len(str(info.value)) < 200 and "..." in str(info.value)


@pytest.mark.parametrize("as_of", ["1977-12-31", "0001-01-01", "9999-12-31"])
def test_as_of_outside_the_covered_years_is_refused(as_of):
    with pytest.raises(ParameterError, match=rf"parameter as_of: {as_of} is outside {P.MIN_YEAR}-{P.MAX_YEAR}"):
        P.validate({"as_of": as_of})
    assert P.validate({"as_of": "1978-01-01"}).as_of == "1978-01-01"
