"""A new office built as its staff would build it, from real public data the test brings.

The data are official statistics shipped in a package on the registries (vega_datasets, public
domain): the U.S. Bureau of Labor Statistics' monthly employment (Current Employment Statistics,
thousands of persons, 2006–2015) and the U.S. Energy Information Administration's annual net
electricity generation of Iowa by source (thousand MWh). The office publishing them here is
invented ("河滨统计局 / Riverside Statistics Office"); its figures are real.

What staff do, in order: `statpub init`; write their own catalogue and calendar (past and future
releases, a revision, a wide table); `statpub release new` for what is announced; `statpub source
add` for every file (provenance recorded, no checksum typed); then load, check, approve and serve.
"""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import yaml
from openpyxl import Workbook

from statpub.kernel.config import Settings
from tests.helpers import run_cli

NAME = {"zh": "河滨统计局", "en": "Riverside Statistics Office"}
NOW = "2015-11-20T10:00:00+08:00"  # after the October release, before the November one
REVIEWER = "李审核 Li Reviewer"
# The first estimate of September 2015 that the October release revises (thousands of persons).
FIRST_ESTIMATE_CUT = 30


@dataclass(frozen=True)
class Plan:
    """What the test expects: which releases are public at NOW and which figures show what."""

    history: tuple[str, ...] = ("employment-history", "2015-09-employment")
    live: tuple[str, ...] = ("2014-iowa-electricity", "2015-10-employment")
    embargoed: str = "2015-11-employment"
    awaiting: str = "2015-12-employment"


PLAN = Plan()


def employment() -> list[dict[str, str]]:
    text = files("vega_datasets").joinpath("_data", "us-employment.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def electricity() -> dict[tuple[str, int], int]:
    text = files("vega_datasets").joinpath("_data", "iowa-electricity.csv").read_text(encoding="utf-8")
    return {(r["source"], int(r["year"][:4])): int(r["net_generation"]) for r in csv.DictReader(io.StringIO(text))}


EMPLOYMENT_SERIES = {"NONFARM": "nonfarm", "PRIVATE": "private", "GOVERNMENT": "government"}
ELECTRICITY_ROWS = {"化石燃料": ("Fossil Fuels", "IA_FOSSIL"), "核能": ("Nuclear Energy", "IA_NUCLEAR"),
                    "可再生能源": ("Renewables", "IA_RENEWABLE")}


def _series(code: str, topic: str, zh: str, en: str, unit: tuple[str, str], freq: str, **extra) -> dict:
    return {"code": code, "topic": topic, "name": {"zh": zh, "en": en}, "unit": {"zh": unit[0], "en": unit[1]},
            "frequency": freq, "measure": extra.pop("measure", "stock"), "decimals": 0,
            "definition": {"zh": f"{zh}。", "en": f"{en}."}, "source": extra.pop("source"), **extra}


def catalogue() -> dict:
    bls = {"zh": "美国劳工统计局当期就业统计（季节调整）", "en": "U.S. Bureau of Labor Statistics, Current Employment Statistics (seasonally adjusted)"}
    eia = {"zh": "美国能源信息署", "en": "U.S. Energy Information Administration"}
    people, energy = ("千人", "thousand persons"), ("千兆瓦时", "thousand MWh")
    return {
        "topics": [{"code": "employment", "name": {"zh": "就业", "en": "Employment"}},
                   {"code": "energy", "name": {"zh": "能源", "en": "Energy"}}],
        "series": [
            _series("NONFARM", "employment", "非农就业人数", "Total nonfarm employment", people, "M", source=bls,
                    components=["PRIVATE", "GOVERNMENT"], tolerance=1),
            _series("PRIVATE", "employment", "私营部门就业人数", "Total private employment", people, "M", source=bls),
            _series("GOVERNMENT", "employment", "政府部门就业人数", "Government employment", people, "M", source=bls),
            *[_series(code, "energy", f"艾奥瓦州{zh}净发电量", f"Iowa net generation, {en}", energy, "A",
                      measure="flow", source=eia) for zh, (en, code) in ELECTRICITY_ROWS.items()],
            _series("IA_TOTAL", "energy", "艾奥瓦州净发电量合计", "Iowa net generation, all sources", energy, "A",
                    measure="flow", source=eia, components=[c for _e, c in ELECTRICITY_ROWS.values()], tolerance=1),
        ],
    }


OFFICE = {"name": NAME, "short_name": {"zh": "河滨统计数据", "en": "Riverside Statistics"},
          "base_url": "https://stats.riverside.example",
          "licence": {"name": {"zh": "公共领域", "en": "Public domain"},
                      "url": "https://creativecommons.org/publicdomain/mark/1.0/", "spdx": "PDDL-1.0"},
          "contact": {"email": "data@riverside.example"}}
ADOPTED = "2015-10-15T00:00:00-04:00"  # releases before it are history, published elsewhere first


def _entry(rid: str, zh: str, en: str, kind: str, instant: str, series: list[str], **extra) -> dict:
    return {"id": rid, "title": {"zh": zh, "en": en}, "kind": kind, "instant": instant, "state": "confirmed",
            "series": series, "sources": [], **extra}


def calendar() -> dict:
    jobs = list(EMPLOYMENT_SERIES)
    energy = [c for _e, c in ELECTRICITY_ROWS.values()] + ["IA_TOTAL"]
    revision = {"stage": "routine", "reason": {"zh": "根据更完整的样本修订2015年9月数据",
                                               "en": "September 2015 revised with a fuller sample"}}
    return {"timezone": "Asia/Shanghai", "prerelease_window_hours": 24, "adopted": ADOPTED, "releases": [
        _entry("employment-history", "2006年1月至2015年8月就业数据", "Employment, January 2006 to August 2015",
               "ad-hoc", "2015-09-04T08:30:00-04:00", jobs),
        _entry("2015-09-employment", "2015年9月就业情况", "The employment situation, September 2015", "monthly",
               "2015-10-02T08:30:00-04:00", jobs),
        _entry("2014-iowa-electricity", "2014年艾奥瓦州分能源发电量", "Iowa electricity generation by source, 2014",
               "annual", "2015-10-20T10:00:00+08:00", energy),
        _entry("2015-10-employment", "2015年10月就业情况", "The employment situation, October 2015", "monthly",
               "2015-11-06T08:30:00-05:00", jobs, revision=revision),
    ]}


def _csv(rows: list[tuple[str, str, int, str]]) -> str:
    return "series_code,period,value,status\n" + "".join(f"{c},{p},{v},{s}\n" for c, p, v, s in rows)


def employment_rows(months: list[dict], status: str, cut: int = 0) -> list[tuple[str, str, int, str]]:
    out = []
    for row in months:
        period = row["month"][:7]
        for code, column in EMPLOYMENT_SERIES.items():
            value = int(row[column]) - (cut if code in ("NONFARM", "PRIVATE") else 0)
            out.append((code, period, value, status))
    return out


def electricity_xlsx(path: Path, years: tuple[int, ...]) -> dict:
    """The office's own wide table, and its mapping (one role per year column)."""
    data = electricity()
    wb = Workbook()
    ws = wb.active
    ws.title = "发电量"
    ws.append(["艾奥瓦州分能源净发电量"])
    ws.append(["能源", *[f"{y}年（千兆瓦时）" for y in years]])
    for zh, (en, _code) in ELECTRICITY_ROWS.items():
        ws.append([zh, *[data[(en, y)] for y in years]])
    ws.append(["合计", *[sum(data[(en, y)] for en, _c in ELECTRICITY_ROWS.values()) for y in years]])
    ws.append(["注：数据来源于美国能源信息署。"])
    wb.properties.created = datetime.datetime(2015, 10, 1)
    wb.save(path)
    roles = {f"{y}年（千兆瓦时）": f"y{y}" for y in years}
    rows = {zh: {f"y{y}": code for y in years} for zh, (_en, code) in ELECTRICITY_ROWS.items()}
    rows["合计"] = {f"y{y}": "IA_TOTAL" for y in years}
    return {"sheet": "发电量", "columns": roles, "rows": rows}


def interpretation(month: str, lang: str) -> str:
    if lang == "zh":
        return (f"# {month[:4]}年{int(month[5:])}月就业情况\n\n{month[:4]}年{int(month[5:])}月，非农就业人数为"
                f"{{{{NONFARM@{month}}}}}，其中私营部门{{{{PRIVATE@{month}}}}}，政府部门{{{{GOVERNMENT@{month}}}}}。\n")
    return (f"# Employment, {month}\n\nIn {month}, total nonfarm employment was {{{{NONFARM@{month}}}}}, of which "
            f"private {{{{PRIVATE@{month}}}}} and government {{{{GOVERNMENT@{month}}}}}.\n")


def _write(path: Path, text: str) -> None:
    """Keep the first line that `statpub init` wrote (the editor's schema hint)."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    path.write_text(first + "\n" + text, encoding="utf-8")


def cli(settings: Settings, *args: str, now: str = NOW) -> str:
    done = run_cli(*args, settings=settings, now=now, timeout=600)
    assert done.returncode == 0, f"statpub {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def build(root: Path) -> Settings:
    """Everything staff do before approving: init, describe, announce, bring the files, load."""
    done = run_cli("init", str(root), "--name", NAME["zh"], "--name-en", NAME["en"], now=NOW)
    assert done.returncode == 0, done.stderr
    settings = Settings(root=root, warehouse_dir=root / "warehouse" / "data")
    for example in (root / "releases").glob("*-example"):
        for item in example.iterdir():
            item.unlink()
        example.rmdir()
    dump = {"allow_unicode": True, "sort_keys": False, "width": 120}
    _write(root / "releases" / "office.yaml", yaml.safe_dump(OFFICE, **dump))
    _write(root / "releases" / "catalogue.yaml", yaml.safe_dump(catalogue(), **dump))
    _write(root / "calendar.yaml", yaml.safe_dump(calendar(), **dump))
    jobs = ",".join(EMPLOYMENT_SERIES)
    cli(settings, "release", "new", PLAN.embargoed, "--title", "2015年11月就业情况", "--title-en",
        "The employment situation, November 2015", "--instant", "2015-12-04T08:30:00-05:00", "--series", jobs,
        "--kind", "monthly", "--state", "confirmed")
    cli(settings, "release", "new", PLAN.awaiting, "--title", "2015年12月就业情况", "--title-en",
        "The employment situation, December 2015", "--instant", "2016-01-08T08:30:00-05:00", "--series", jobs,
        "--kind", "monthly")
    months = employment()
    by_month = {r["month"][:7]: r for r in months}
    bls = "U.S. Bureau of Labor Statistics (vega_datasets us-employment.csv)"
    with tempfile.TemporaryDirectory() as tmp:
        drop = Path(tmp)
        files_of = {
            "employment-history": _csv(employment_rows([r for r in months if r["month"] < "2015-09"], "")),
            "2015-09-employment": _csv(employment_rows([by_month["2015-09"]], "p", FIRST_ESTIMATE_CUT)),
            "2015-10-employment": _csv(employment_rows([by_month["2015-10"]], "p")
                                       + employment_rows([by_month["2015-09"]], "r")),
            PLAN.embargoed: _csv(employment_rows([by_month["2015-11"]], "p")),
        }
        for rid, text in files_of.items():
            (drop / "employment.csv").write_text(text, encoding="utf-8")
            cli(settings, "source", "add", rid, str(drop / "employment.csv"), "--source", bls)
        mapping = electricity_xlsx(drop / "generation.xlsx", (2012, 2013, 2014))
        folder = root / "releases" / "2014-iowa-electricity"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "generation.xlsx.mapping.yaml").write_text(
            "# yaml-language-server: $schema=../../schema/mapping.schema.json\n" + yaml.safe_dump(mapping, **dump),
            encoding="utf-8")
        cli(settings, "source", "add", "2014-iowa-electricity", str(drop / "generation.xlsx"), "--layout", "wide",
            "--source", "U.S. Energy Information Administration (vega_datasets iowa-electricity.csv)")
    texts = {"employment-history": ("# 2006年1月至2015年8月就业数据\n\n2015年8月，非农就业人数为{{NONFARM@2015-08}}。\n",
                                    "# Employment, 2006–2015\n\nIn August 2015, nonfarm employment was {{NONFARM@2015-08}}.\n"),
             "2014-iowa-electricity": ("# 2014年发电量\n\n2014年，艾奥瓦州净发电量合计{{IA_TOTAL@2014}}，其中可再生能源"
                                       "{{IA_RENEWABLE@2014}}。\n", "# Generation in 2014\n\nIn 2014, Iowa generated "
                                       "{{IA_TOTAL@2014}}, of which renewables {{IA_RENEWABLE@2014}}.\n")}
    for rid, (zh, en) in texts.items():
        (root / "releases" / rid / "interpretation.zh.md").write_text(zh, encoding="utf-8")
        (root / "releases" / rid / "interpretation.en.md").write_text(en, encoding="utf-8")
    for month, rid in (("2015-09", "2015-09-employment"), ("2015-10", "2015-10-employment"),
                       ("2015-11", PLAN.embargoed)):
        for lang in ("zh", "en"):
            (root / "releases" / rid / f"interpretation.{lang}.md").write_text(interpretation(month, lang),
                                                                              encoding="utf-8")
    cli(settings, "load")
    return settings


def approve(settings: Settings) -> None:
    """History comes in as an import (public since its original instant); the October release was
    approved before its instant; the electricity table only now, late (public since its approval);
    the November release now, ahead of its instant."""
    cli(settings, "import-history", "--all", "--reviewer", REVIEWER)
    cli(settings, "approve", "2015-10-employment", "--reviewer", REVIEWER, now="2015-11-06T07:30:00-05:00")
    for rid in ("2014-iowa-electricity", PLAN.embargoed):
        cli(settings, "approve", rid, "--reviewer", REVIEWER)
