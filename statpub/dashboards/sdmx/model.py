"""The SDMX shape of the published figures: one data structure definition (DSD) and one dataflow
for every observation the gate lets out, and the mapping of statpub's words onto SDMX's.

    dimensions   FREQ (CL_FREQ) · INDICATOR (CL_INDICATOR: the series codes) ·
                 TRANSFORMATION (CL_TRANSFORMATION: lin, or a derived transform) · TIME_PERIOD
    measure      OBS_VALUE
    attributes   observation: OBS_STATUS (CL_OBS_STATUS), CONF_STATUS (CL_CONF_STATUS), OBS_FLAGS
                 (statpub's flag letters, see CL_FLAG), COMMENT_OBS (the note), RELEASE_ID and
                 VINTAGE (the release that published the figure and its instant)
                 series: UNIT_MEASURE (CL_UNIT), DECIMALS (CL_DECIMALS), TIME_FORMAT (CL_TIME_FORMAT),
                 TOPIC (CL_TOPIC)

Flags map to SDMX's OBS_STATUS (code list 2.2): p → P provisional, e → E estimated, b → B break,
c → Q missing value, suppressed (with CONF_STATUS C); `r` (revised) has no OBS_STATUS of its own
(SDMX tells revisions apart by version): it keeps A and its letter in OBS_FLAGS. A figure with
several flags takes the first of c, b, e, p.

Everything about the office (the maintenance agency's id, its names) comes from the content root
through the publisher; nothing here names an office."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from statpub.kernel.flags import FLAGS

VERSION = "1.0"
DSD_ID = "DSD_OBSERVATIONS"
DATAFLOW_ID = "OBSERVATIONS"
# Every vintage of every figure (the revision history): the release is a dimension, so each
# vintage of a period is an observation of its own.
HISTORY_DSD_ID = "DSD_HISTORY"
HISTORY_DATAFLOW_ID = "HISTORY"
CONCEPTS_ID = "CS_STATPUB"
DIMENSIONS = ("FREQ", "INDICATOR", "TRANSFORMATION", "TIME_PERIOD")
SERIES_ATTRIBUTES = ("UNIT_MEASURE", "DECIMALS", "TIME_FORMAT", "TOPIC")
OBS_ATTRIBUTES = ("OBS_STATUS", "CONF_STATUS", "OBS_FLAGS", "COMMENT_OBS", "RELEASE_ID", "VINTAGE")
CSV_COLUMNS = ("STRUCTURE", "STRUCTURE_ID", "ACTION", *DIMENSIONS, "OBS_VALUE", *OBS_ATTRIBUTES,
               *SERIES_ATTRIBUTES)

FREQUENCIES = {"A": ("年度", "Annual"), "Q": ("季度", "Quarterly"), "M": ("月度", "Monthly")}
TIME_FORMATS = {"A": "P1Y", "Q": "P3M", "M": "P1M"}
TIME_FORMAT_NAMES = {"P1Y": ("年（YYYY）", "Annual (YYYY)"), "P3M": ("季度（YYYY-Qn）", "Quarterly (YYYY-Qn)"),
                     "P1M": ("月（YYYY-MM）", "Monthly (YYYY-MM)")}
# SDMX CL_OBS_STATUS 2.2: the codes statpub's flags use, with their SDMX names.
OBS_STATUS = {"A": ("正常值", "Normal value"), "B": ("序列断点", "Time series break"),
              "E": ("估计值", "Estimated value"), "P": ("初步值", "Provisional value"),
              "Q": ("缺失值（保密不公布）", "Missing value; suppressed")}
FLAG_TO_OBS_STATUS = {"c": "Q", "b": "B", "e": "E", "p": "P", "r": "A"}
CONF_STATUS = {"F": ("可公开", "Free"), "C": ("保密", "Confidential statistical information")}
TRANSFORMATIONS = {
    "lin": ("水平值", "Level (as published)"),
    "single": ("当期值（由累计值推算）", "Single period (derived from cumulative)"),
    "chg": ("比上期增减", "Change from previous period"), "ch1": ("比上年同期增减", "Change from a year earlier"),
    "pch": ("比上期增长（%，推算）", "% change from previous period (derived)"),
    "pc1": ("比上年同期增长（%，推算）", "% change from a year earlier (derived)"),
    "share": ("占总量比重（%，推算）", "Share of total (%, derived)"),
}
# Units that transforms produce, always in CL_UNIT.
DERIVED_UNITS = (("%", "%"), ("百分点", "percentage points"))

MEDIA_CSV = "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8"
MEDIA_ML = "application/vnd.sdmx.structurespecificdata+xml; version=2.1"
MEDIA_STRUCTURE = "application/vnd.sdmx.structure+xml; version=2.1"
MEDIA_STRUCTURE_JSON = "application/vnd.sdmx.structure+json; version=2.0.0"


def agency_id(base_url: str) -> str:
    """The maintenance agency's id, from the office's address: `https://stats.some-city.org` →
    `STATS_SOME_CITY_ORG` (an SDMX id: letters, digits and `_`, starting with a letter)."""
    host = urlsplit(base_url).hostname or "statpub"
    text = re.sub(r"[^A-Za-z0-9]+", "_", host).strip("_").upper() or "STATPUB"
    return text if text[0].isalpha() else f"A_{text}"


def unit_id(unit_en: str) -> str:
    """A code for a unit, from its English name: `100 million yuan` → `100_MILLION_YUAN`, `%` → `PCT`."""
    text = unit_en.replace("%", " PCT ").replace("=", " ")
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper() or "UNKNOWN"


def obs_status(flags: str) -> str:
    for letter in "cbep":
        if letter in flags:
            return FLAG_TO_OBS_STATUS[letter]
    return "A"


def conf_status(flags: str) -> str:
    return "C" if "c" in flags else "F"


def transformation_id(transform: str) -> str:
    return transform.upper()


@dataclass(frozen=True)
class Agency:
    id: str
    name_zh: str
    name_en: str

    def urn_dsd(self) -> str:
        return f"urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure={self.id}:{DSD_ID}({VERSION})"

    def urn_dataflow(self) -> str:
        return f"urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow={self.id}:{DATAFLOW_ID}({VERSION})"

    def dataflow_ref(self, dataflow: str = DATAFLOW_ID) -> str:
        """The dataflow as SDMX-CSV 2.0 names it in STRUCTURE_ID."""
        return f"{self.id}:{dataflow}({VERSION})"


def flag_names() -> dict[str, tuple[str, str]]:
    return {letter: (words["zh"], words["en"]) for letter, words in FLAGS.items()}
