"""Query parameters of the API: every one is named, typed and bounded here, so a bad value is
refused with 400 naming the parameter, an unknown parameter is refused rather than ignored (a
typo such as `unit=pch` must not silently return levels), and nothing reaches SQL unbound."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from werkzeug.datastructures import MultiDict

from statpub.kernel.clock import parse_instant
from statpub.kernel.errors import StatpubError, UserError
from statpub.kernel.periods import PeriodError, period_from_code
from statpub.kernel.transforms import TRANSFORMS

SERIES_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,47}$")
RELEASE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
TOPIC_CODE = RELEASE_ID
PERIOD = re.compile(r"^(19\d{2}|2[01]\d{2}|2200)(-Q[1-4]|-(0[1-9]|1[0-2]))?$")  # years 1900-2200

MAX_LIST_LIMIT = 1000
DEFAULT_LIST_LIMIT = 100
MAX_QUERY_LENGTH = 100
# The most rows one API answer carries; more is refused with 413 (bulk files have no limit).
MAX_ROWS = 100_000

OBSERVATION_FORMATS = ("json", "csv", "parquet", "jsonstat", "sdmx-csv", "sdmx-ml", "zip")
SDMX_FORMATS = ("sdmx-csv", "sdmx-ml")
MAX_PERIODS = 10_000
FREQUENCIES = ("A", "Q", "M")
STATES = ("provisional", "confirmed", "postponed", "cancelled")


class BadParameter(UserError):
    """400 naming the parameter (`parameter` travels in the JSON body)."""

    title = "Bad parameter"
    code = "bad_parameter"

    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter

    def details(self) -> dict[str, str]:
        return {"parameter": self.parameter}


class TooManyRows(StatpubError):
    status = 413
    title = "Too many rows"


@dataclass(frozen=True)
class Param:
    name: str
    parse: Callable[[str], Any]
    default: Any = None
    description: str = ""
    schema: dict | None = None  # its JSON Schema in the OpenAPI document


def parse_params(args: MultiDict | Mapping[str, str], spec: tuple[Param, ...]) -> dict[str, Any]:
    """Values for every parameter of `spec` (defaults filled in); refuses unknown or repeated ones."""
    known = {p.name: p for p in spec}
    keys = list(args.keys())
    for key in keys:
        if key not in known:
            names = ", ".join(sorted(known)) or "none"
            raise BadParameter(key, f"unknown parameter; this endpoint accepts: {names}")
        if isinstance(args, MultiDict) and len(args.getlist(key)) > 1:
            raise BadParameter(key, "given more than once")
    out = {}
    for name, param in known.items():
        raw = args.get(name)
        out[name] = param.default if raw is None else _parse_one(param, raw)
    return out


def _parse_one(param: Param, raw: str) -> Any:
    try:
        return param.parse(raw)
    except BadParameter:
        raise
    except (ValueError, StatpubError) as exc:
        message = exc.message if isinstance(exc, StatpubError) else str(exc)
        raise BadParameter(param.name, message) from None


# -- parsers -----------------------------------------------------------------------------------
def choice(*allowed: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw not in allowed:
            raise ValueError(f"{raw[:40]!r} is not one of {', '.join(allowed)}")
        return raw
    return parse


def period(raw: str) -> str:
    if not PERIOD.match(raw):
        raise ValueError(f"{raw[:40]!r} is not a period code such as 2024, 2024-Q3 or 2024-07")
    try:
        return period_from_code(raw).code
    except PeriodError as exc:
        raise ValueError(str(exc)) from None


def instant(raw: str) -> datetime:
    if len(raw) > 40:
        raise ValueError("too long for an ISO 8601 instant")
    return parse_instant(raw, what="instant")


def pattern(regex: re.Pattern, what: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if not regex.match(raw):
            raise ValueError(f"{raw[:40]!r} is not a {what}")
        return raw
    return parse


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        if not re.fullmatch(r"\d{1,10}", raw):
            raise ValueError(f"{raw[:40]!r} is not a whole number")
        value = int(raw)
        if not low <= value <= high:
            raise ValueError(f"{value} is outside {low}..{high}")
        return value
    return parse


def text(max_length: int) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip()
        if len(value) > max_length:
            raise ValueError(f"longer than {max_length} characters")
        if any(ord(c) < 32 for c in value):
            raise ValueError("control characters are not allowed")
        return value
    return parse


# -- the parameter sets of the endpoints ---------------------------------------------------------
LIMIT = Param("limit", bounded_int(1, MAX_LIST_LIMIT), DEFAULT_LIST_LIMIT,
              f"How many items per page (1..{MAX_LIST_LIMIT}).",
              {"type": "integer", "minimum": 1, "maximum": MAX_LIST_LIMIT, "default": DEFAULT_LIST_LIMIT})
OFFSET = Param("offset", bounded_int(0, 10**9), 0, "How many items to skip.",
               {"type": "integer", "minimum": 0, "maximum": 10**9, "default": 0})
PERIOD_SCHEMA = {"type": "string", "pattern": PERIOD.pattern, "examples": ["2024", "2024-Q3", "2024-07"]}
INSTANT_SCHEMA = {"type": "string", "format": "date-time", "maxLength": 40,
                  "examples": ["2025-01-20T10:00:00+08:00"]}

SERIES_LIST = (
    Param("topic", pattern(TOPIC_CODE, "topic code"), None, "Only series of this topic.",
          {"type": "string", "pattern": TOPIC_CODE.pattern}),
    Param("frequency", choice(*FREQUENCIES), None, "Only series of this frequency: A, Q or M.",
          {"type": "string", "enum": list(FREQUENCIES)}),
    Param("q", text(MAX_QUERY_LENGTH), None,
          "Text search (case-insensitive) in the code and the Chinese and English names.",
          {"type": "string", "maxLength": MAX_QUERY_LENGTH, "pattern": "^[^\\x00-\\x1f]*$"}),
    LIMIT, OFFSET,
)

FORMAT_TEXT = ("json, csv, parquet, jsonstat (JSON-stat 2.0), sdmx-csv (SDMX-CSV 2.0) or sdmx-ml (SDMX-ML 2.1 "
               "structure-specific data; structures under /api/v1/sdmx/), or zip (the data as CSV and Parquet with a README and "
               "datapackage.json). SDMX formats carry one vintage.")

OBSERVATIONS = (
    Param("start", period, None, "First period, e.g. 2020, 2020-Q1 or 2020-01.", PERIOD_SCHEMA),
    Param("end", period, None, "Last period.", PERIOD_SCHEMA),
    Param("as_of", instant, None,
          "What was public at this instant (ISO 8601 with an offset); a future instant is refused (400).",
          INSTANT_SCHEMA),
    Param("vintages", choice("latest", "all"), "latest",
          "`latest`: one value per period; `all`: every vintage with its release, instant and `valid_to`.",
          {"type": "string", "enum": ["latest", "all"], "default": "latest"}),
    Param("units", choice(*TRANSFORMS), "lin",
          "Transform (FRED's names): lin levels, single single-period from cumulative, chg/ch1 change "
          "from previous period/year, pch/pc1 % change. Only `lin` with vintages=all.",
          {"type": "string", "enum": list(TRANSFORMS), "default": "lin"}),
    Param("first_n", bounded_int(1, MAX_PERIODS), None,
          "Only the first N periods (after start/end and the transform); not with last_n.",
          {"type": "integer", "minimum": 1, "maximum": MAX_PERIODS}),
    Param("last_n", bounded_int(1, MAX_PERIODS), None,
          "Only the latest N periods (after start/end and the transform), so a saved link keeps up with "
          "new releases; not with first_n.", {"type": "integer", "minimum": 1, "maximum": MAX_PERIODS}),
    Param("format", choice(*OBSERVATION_FORMATS), "json", FORMAT_TEXT,
          {"type": "string", "enum": list(OBSERVATION_FORMATS), "default": "json"}),
)

RELEASE_OBSERVATIONS = (
    Param("format", choice(*OBSERVATION_FORMATS), "json", FORMAT_TEXT,
          {"type": "string", "enum": list(OBSERVATION_FORMATS), "default": "json"}),
)

RELEASE_LIST = (LIMIT, OFFSET)

SINCE_TEXT = "Changes published after this instant (ISO 8601 with an offset); a future instant is refused."
CHANGES = (Param("since", instant, None, SINCE_TEXT + " Required.", INSTANT_SCHEMA),)
CHANGES_FEED = (
    Param("since", instant, None, SINCE_TEXT + " Default: 90 days ago.", INSTANT_SCHEMA),
    Param("lang", choice("zh", "en"), "zh", "zh or en.", {"type": "string", "enum": ["zh", "en"], "default": "zh"}),
)

# SDMX-REST 1.5 query parameters (their names are the standard's, camel case).
STRUCTURE_FORMAT = Param("format", choice("sdmx-ml", "sdmx-json"), None,
                         "sdmx-ml (SDMX-ML 2.1) or sdmx-json (SDMX-JSON 2.0); without it the Accept header decides "
                         "(application/vnd.sdmx.structure+json for JSON), SDMX-ML otherwise.",
                         {"type": "string", "enum": ["sdmx-ml", "sdmx-json"]})
SDMX_EVERYTHING = (STRUCTURE_FORMAT,)
SDMX_STRUCTURE = (
    STRUCTURE_FORMAT,
    Param("references", choice("none", "children", "descendants", "all", "parents", "parentsandsiblings"), "none",
          "What to include besides the artefact: children/descendants/all add the DSD, concepts and code lists.",
          {"type": "string", "enum": ["none", "children", "descendants", "all", "parents", "parentsandsiblings"],
           "default": "none"}),
    Param("detail", choice("full"), "full", "Only `full` is served.",
          {"type": "string", "enum": ["full"], "default": "full"}),
)

SDMX_DATA = (
    Param("startPeriod", period, None, "First period (an annual period covers its quarters and months).",
          PERIOD_SCHEMA),
    Param("endPeriod", period, None, "Last period.", PERIOD_SCHEMA),
    Param("firstNObservations", bounded_int(1, MAX_PERIODS), None, "The first N observations of each series.",
          {"type": "integer", "minimum": 1, "maximum": MAX_PERIODS}),
    Param("lastNObservations", bounded_int(1, MAX_PERIODS), None, "The last N observations of each series.",
          {"type": "integer", "minimum": 1, "maximum": MAX_PERIODS}),
    Param("dimensionAtObservation", choice("TIME_PERIOD"), "TIME_PERIOD", "Only TIME_PERIOD is served.",
          {"type": "string", "enum": ["TIME_PERIOD"], "default": "TIME_PERIOD"}),
    Param("detail", choice("full"), "full", "Only `full` is served.",
          {"type": "string", "enum": ["full"], "default": "full"}),
    Param("format", choice(*SDMX_FORMATS), None,
          "sdmx-ml (SDMX-ML 2.1 structure-specific) or sdmx-csv (SDMX-CSV 2.0); without it, the Accept header "
          "decides (application/vnd.sdmx.data+csv for CSV), SDMX-ML otherwise.",
          {"type": "string", "enum": list(SDMX_FORMATS)}),
)

CALENDAR = (
    Param("year", bounded_int(1900, 2999), None, "Only releases whose instant falls in this year (Beijing time).",
          {"type": "integer", "minimum": 1900, "maximum": 2999}),
    Param("state", choice(*STATES), None, "Only this state.", {"type": "string", "enum": list(STATES)}),
)

CITATION = (
    Param("vintage", lambda raw: raw if raw == "latest" else pattern(RELEASE_ID, "release id")(raw), "latest",
          "`latest` or the id of a release (the vintage to cite).",
          {"type": "string", "pattern": RELEASE_ID.pattern, "default": "latest"}),
    Param("format", choice("text", "json"), "text", "text (plain) or json.",
          {"type": "string", "enum": ["text", "json"], "default": "text"}),
)

NO_PARAMS: tuple[Param, ...] = ()
