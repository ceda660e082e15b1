"""A classification version as an SDMX-ML 2.1 code list (`/api/v1/register/items/<id>/codes?format=sdmx`),
built with sdmx1's information model like the site's own structures (statpub/dashboards/sdmx), the
office as its maintenance agency (office.yaml, through the site's publisher).

    id       CL_<scheme>, upper case, `-` → `_` (an SDMX id)
    version  the effective date as year.month.day (SDMX versions are dotted numbers; each version of a
             classification takes effect on its own date)
    codes    one per code, parents as SDMX parents; a `.` in a code becomes `_` (SDMX ids have none)

Mappings onto other versions are in the JSON and CSV answers (SDMX 2.1 would need a structure set
per pair of versions)."""

from __future__ import annotations

from datetime import date, datetime

import sdmx
from sdmx.message import Header, StructureMessage
from sdmx.model import common

from statpub.dashboards.sdmx.model import Agency
from statpub.warehouse.register_gate import PublicItem


def codelist_id(scheme: str) -> str:
    return "CL_" + scheme.upper().replace("-", "_")


def sdmx_version(effective: str) -> str:
    day = date.fromisoformat(effective)
    return f"{day.year}.{day.month}.{day.day}"


def code_id(code: str) -> str:
    return code.replace(".", "_")


def codelist(item: PublicItem, agency: common.Agency) -> common.Codelist:
    data = item.data
    effective = data["effective"]
    found = common.Codelist(
        id=codelist_id(data["scheme"]), maintainer=agency, version=sdmx_version(effective), is_final=True,
        is_external_reference=False, name={"zh": data["title"]["zh"], "en": data["title"]["en"]},
        description={"zh": f"{data['version']}，{effective}起施行", "en": f"{data['version']}, effective {effective}"})
    codes: dict[str, common.Code] = {}
    for row in data["codes"]:
        codes[row["code"]] = common.Code(id=code_id(row["code"]), name={"zh": row["name"]["zh"], "en": row["name"]["en"]})
        found.append(codes[row["code"]])
    for row in data["codes"]:
        if row.get("parent"):
            codes[row["parent"]].append_child(codes[row["code"]])
    return found


def codelist_xml(item: PublicItem, office: Agency, prepared: datetime) -> bytes:
    agency = common.Agency(id=office.id, name={"zh": office.name_zh, "en": office.name_en})
    msg = StructureMessage(header=Header(id=f"statpub-codelist-{item.id}", prepared=prepared, sender=agency))
    msg.add(codelist(item, agency))
    return sdmx.to_xml(msg, pretty_print=True, xml_declaration=True, encoding="utf-8")
