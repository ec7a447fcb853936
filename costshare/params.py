"""The one typed parameter set of a briefing, validated before anything runs.

papermill only warns about an unknown parameter and happily injects a string where a number was
meant; a scheduled render must instead stop at once with a line that names the parameter. Every
entry point (the command line, the notebooks' parameters cell, the render) goes through
:func:`validate`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any, Mapping

from costshare import paths
from costshare.errors import ParameterError

COUNTRIES = ("Japan", "South Korea")
COUNTRY_ALIASES = {
    "japan": "Japan",
    "jp": "Japan",
    "jpn": "Japan",
    "korea": "South Korea",
    "south korea": "South Korea",
    "republic of korea": "South Korea",
    "rok": "South Korea",
    "kr": "South Korea",
    "kor": "South Korea",
}
#: "own": each country in its own currency (yen for Japan, won for Korea), so a chart shows the
#: burden rather than the exchange rate; one of the others puts every amount in that currency.
CURRENCIES = ("own", "USD", "JPY", "KRW")
FORMATS = ("html", "pdf")
#: The first year with a reference record of either series, and the last a chart may show.
MIN_YEAR, MAX_YEAR = 1978, 2035
#: CPI-U as shipped by the cpi package ends here; a later base year would be a guess.
MAX_BASE_YEAR = 2025
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclasses.dataclass(frozen=True)
class Params:
    """A validated parameter set. ``as_of`` is ``None`` until resolved against the corpus."""

    seeds_dir: str = "seeds"
    reference_dir: str = "data/reference"
    countries: tuple[str, ...] = COUNTRIES
    start_year: int = 1991
    end_year: int = 2030
    currency: str = "own"
    real: bool = False
    base_year: int = 2020
    as_of: str | None = None
    title: str = "What Japan and South Korea pay to host US forces"
    formats: tuple[str, ...] = FORMATS
    name: str = "default"

    @property
    def seeds_path(self) -> Path:
        return resolve_dir(self.seeds_dir)

    @property
    def reference_path(self) -> Path:
        return resolve_dir(self.reference_dir)

    @property
    def as_of_date(self) -> dt.date | None:
        return dt.date.fromisoformat(self.as_of) if self.as_of else None

    def to_notebook(self) -> dict[str, Any]:
        """Plain JSON-able values, as papermill injects them into a parameters cell."""
        d = dataclasses.asdict(self)
        d["countries"] = list(self.countries)
        d["formats"] = list(self.formats)
        return d


FIELDS = {f.name: f for f in dataclasses.fields(Params)}
DEFAULTS = Params().to_notebook()

DOC = {
    "seeds_dir": "folder of articles + manifest.csv (relative to the project, or absolute)",
    "reference_dir": "folder of the curated reference CSVs",
    "countries": "Japan, South Korea or both (list, or comma-separated)",
    "start_year": f"first year on the time axis ({MIN_YEAR}-{MAX_YEAR})",
    "end_year": f"last year on the time axis ({MIN_YEAR}-{MAX_YEAR}, not before start_year)",
    "currency": "own (each country in its own: yen, won), USD, JPY or KRW",
    "real": "true for constant prices of base_year (US CPI-U), false for nominal",
    "base_year": f"price base for real=true (1999-{MAX_BASE_YEAR})",
    "as_of": "YYYY-MM-DD the briefing speaks from; empty = newest article's date",
    "title": "title of the briefing",
    "formats": "html, pdf or both",
    "name": "output folder under reports/ (letters, digits, . _ -)",
}


#: A parameter file is a dozen lines; a larger one is not a parameter set.
MAX_YAML_BYTES = 64 * 1024
#: Parameters are flat (a list at most); deeper nesting is refused before it is built.
MAX_YAML_DEPTH = 8


def _short(value: Any, limit: int = 60) -> str:
    """A value as a message quotes it: its repr, cut to ``limit`` characters (a message never
    prints a whole input value, which may be megabytes or a billion-laughs expansion)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def resolve_dir(value: str | Path) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() else paths.ROOT / p


def _int(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ParameterError(f"parameter {key}: expected a whole number, got {_short(value)}")
    if isinstance(value, str):
        if not re.fullmatch(r"\s*-?\d+\s*", value):
            raise ParameterError(f"parameter {key}: expected a whole number, got {_short(value)}")
        value = int(value)
    return value


def _bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "false", "no", "0"):
        return value.strip().lower() in ("true", "yes", "1")
    raise ParameterError(f"parameter {key}: expected true or false, got {_short(value)}")


def _str(key: str, value: Any) -> str:
    if not isinstance(value, (str, Path)):
        raise ParameterError(f"parameter {key}: expected text, got {_short(value)}")
    return str(value)


def _list(key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [v for v in (s.strip() for s in value.split(",")) if v]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ParameterError(f"parameter {key}: expected a list of names, got {_short(value)}")
    if not value:
        raise ParameterError(f"parameter {key}: must name at least one")
    return list(value)


def _country(value: str) -> str:
    c = COUNTRY_ALIASES.get(value.strip().lower())
    if c is None:
        raise ParameterError(
            f"parameter countries: unknown country {_short(value)}; use {' or '.join(COUNTRIES)}"
        )
    return c


def validate(values: Mapping[str, Any] | None = None, **overrides: Any) -> Params:
    """Check every key and type; return a :class:`Params`. Raise :class:`ParameterError` with a
    one-line message naming the parameter on the first problem."""
    merged = dict(values or {})
    merged.update(overrides)
    unknown = sorted(set(merged) - set(FIELDS))
    if unknown:
        raise ParameterError(
            f"unknown parameter {_short(unknown[0])}; known: {', '.join(FIELDS)}"
        )
    out: dict[str, Any] = {}
    for key, value in merged.items():
        if value is None and key not in ("as_of",):
            continue  # None means "the default" (as a YAML key with no value)
        if key in ("seeds_dir", "reference_dir", "title", "name"):
            out[key] = _str(key, value)
        elif key in ("start_year", "end_year", "base_year"):
            out[key] = _int(key, value)
        elif key == "real":
            out[key] = _bool(key, value)
        elif key == "currency":
            c = _str(key, value).strip()
            c = c.lower() if c.lower() == "own" else c.upper()
            if c not in CURRENCIES:
                raise ParameterError(f"parameter currency: {_short(value)} is not one of {', '.join(CURRENCIES)}")
            out[key] = c
        elif key == "countries":
            countries = [_country(v) for v in _list(key, value)]
            # keep the canonical order so the same set always gives the same briefing
            out[key] = tuple(c for c in COUNTRIES if c in countries)
        elif key == "formats":
            formats = [f.strip().lower() for f in _list(key, value)]
            bad = [f for f in formats if f not in FORMATS]
            if bad:
                raise ParameterError(f"parameter formats: {_short(bad[0])} is not one of {', '.join(FORMATS)}")
            out[key] = tuple(f for f in FORMATS if f in formats)
        elif key == "as_of":
            out[key] = _date(value)
    p = Params(**out)
    _check_consistency(p)
    return p


def _date(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise ParameterError(f"parameter as_of: expected a date as YYYY-MM-DD, got {_short(value)}")


def _check_consistency(p: Params) -> None:
    for key in ("start_year", "end_year"):
        v = getattr(p, key)
        if not MIN_YEAR <= v <= MAX_YEAR:
            raise ParameterError(f"parameter {key}: {v} is outside {MIN_YEAR}-{MAX_YEAR}")
    if p.start_year > p.end_year:
        raise ParameterError(
            f"parameter start_year ({p.start_year}) is after end_year ({p.end_year}); swap them"
        )
    if not 1999 <= p.base_year <= MAX_BASE_YEAR:
        raise ParameterError(
            f"parameter base_year: {p.base_year} is outside 1999-{MAX_BASE_YEAR} "
            "(CPI-U shipped with the cpi package; ECB rates start in 1999)"
        )
    if not NAME_PATTERN.match(p.name) or p.name in (".", "..", "latest") or ".." in p.name:
        raise ParameterError(
            f"parameter name: {_short(p.name)} must be a plain folder name (letters, digits, . _ -), "
            "not a path and not 'latest'"
        )
    if p.as_of_date and not MIN_YEAR <= p.as_of_date.year <= MAX_YEAR:
        raise ParameterError(f"parameter as_of: {p.as_of} is outside {MIN_YEAR}-{MAX_YEAR}, the years the "
                             "briefing covers; leave it empty for the newest article's date")
    if not p.title.strip():
        raise ParameterError("parameter title: must not be empty")


#: Parameters whose values are text as typed (``--set title=2026`` is the title "2026").
TEXT_FIELDS = ("seeds_dir", "reference_dir", "title", "name", "as_of")


def load_yaml(path: str | Path) -> dict[str, Any]:
    """Read a named parameter set. A file that is not a YAML mapping is a one-line error."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"{path}: parameter file not found; see params/ for named sets")
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise ParameterError(f"{path}: {size:,} bytes is too large for a parameter file "
                             f"(limit {MAX_YAML_BYTES // 1024} KB); a parameter set is a few lines")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_loader(path))  # noqa: S506 - a SafeLoader
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as exc:  # ValueError: "as_of: 2021-02-30"
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ParameterError(f"{path}: not valid YAML ({first})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: expected a mapping of parameter: value")
    return data


def _loader(path: Path):
    """yaml.SafeLoader without anchors and aliases (a few lines of aliases expand to billions of
    values before anything could look at them) and without nesting past MAX_YAML_DEPTH (a
    100,000-deep list exhausts the recursion of the composer)."""
    import yaml

    class Loader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent, index):
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                mark = event.start_mark
                raise ParameterError(f"{path} line {mark.line + 1}: YAML anchors and aliases (& and *) "
                                     "are not accepted in a parameter file; write each value out")
            self.depth += 1
            if self.depth > MAX_YAML_DEPTH:
                mark = event.start_mark
                raise ParameterError(f"{path} line {mark.line + 1}: nested deeper than {MAX_YAML_DEPTH} levels; "
                                     "parameters are plain values or lists")
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    return Loader


def parse_set(items: list[str]) -> dict[str, Any]:
    """``--set key=value`` pairs; values are read as YAML scalars (2020 -> int, true -> bool)."""
    import yaml

    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ParameterError(f"--set {_short(item)}: expected key=value")
        if not raw.strip():
            raise ParameterError(f"--set {key}=: empty value; leave the --set out to use the default")
        if key in TEXT_FIELDS:
            out[key] = raw  # "Host-nation support: 2026" is a title, not a YAML mapping
            continue
        try:
            value = yaml.safe_load(raw)
        except (yaml.YAMLError, ValueError):  # ValueError: an impossible date such as 2021-02-30
            value = raw
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()[:10]
        out[key.strip()] = value
    return out
