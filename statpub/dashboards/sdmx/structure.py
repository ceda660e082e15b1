"""SDMX-ML 2.1 structure messages (the DSD, its concepts and code lists, the dataflow), built with
sdmx1's information model and written by its XML writer, names in Chinese and English.

The indicator code list holds only the series the gate shows (a series whose figures are all
embargoed does not exist yet); the rest depends on nothing public."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sdmx
from sdmx.message import Header, StructureMessage
from sdmx.model import common
from sdmx.model import v21 as m

from statpub.dashboards.sdmx import model as M
from statpub.warehouse.reader import SeriesInfo, TopicInfo

CONCEPTS = {
    "FREQ": ("频率", "Frequency"), "INDICATOR": ("指标", "Indicator"),
    "TRANSFORMATION": ("变换", "Transformation"), "TIME_PERIOD": ("时期", "Time period"),
    "OBS_VALUE": ("数值", "Observation value"), "OBS_STATUS": ("观测值状态", "Observation status"),
    "CONF_STATUS": ("保密状态", "Confidentiality status"),
    "OBS_FLAGS": ("标志（p初步 r修订 e估计 b断点 c保密）", "Flags (p provisional, r revised, e estimated, "
                  "b break, c confidential)"),
    "COMMENT_OBS": ("注", "Note"), "RELEASE_ID": ("发布", "Release that published the figure"),
    "VINTAGE": ("发布时间（版本）", "Vintage: the instant that release went public (UTC)"),
    "UNIT_MEASURE": ("计量单位", "Unit of measure"), "DECIMALS": ("小数位数", "Decimals"),
    "TIME_FORMAT": ("时间格式", "Time format"), "TOPIC": ("专题", "Topic"),
}
# attribute → (its code list, or None for text; attached to the observation or the series)
ATTRIBUTES = {
    "OBS_STATUS": ("CL_OBS_STATUS", "obs", True), "CONF_STATUS": ("CL_CONF_STATUS", "obs", False),
    "OBS_FLAGS": (None, "obs", False), "COMMENT_OBS": (None, "obs", False),
    "RELEASE_ID": (None, "obs", True), "VINTAGE": (None, "obs", True),
    "UNIT_MEASURE": ("CL_UNIT", "series", True), "DECIMALS": ("CL_DECIMALS", "series", True),
    "TIME_FORMAT": ("CL_TIME_FORMAT", "series", True), "TOPIC": ("CL_TOPIC", "series", True),
}


def _name(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def _text(value_type) -> common.Representation:
    return common.Representation(non_enumerated=[common.Facet(value_type=value_type)])


@dataclass
class Structures:
    agency: common.Agency
    codelists: dict[str, common.Codelist]
    concepts: common.ConceptScheme
    dsds: dict[str, m.DataStructureDefinition]
    dataflows: dict[str, m.DataflowDefinition]


def _codelist(agency: common.Agency, cl_id: str, name: tuple[str, str],
              codes: Iterable[tuple[str, str, str, str | None]]) -> common.Codelist:
    """codes: (id, name zh, name en, English description or None)."""
    cl = common.Codelist(id=cl_id, maintainer=agency, version=M.VERSION, is_final=True,
                         is_external_reference=False, name=_name(*name))
    for code_id, zh, en, description in codes:
        cl.append(common.Code(id=code_id, name=_name(zh, en),
                              **({"description": {"en": description}} if description else {})))
    return cl


def codelists(agency: common.Agency, series: list[SeriesInfo], topics: list[TopicInfo]) -> dict[str, common.Codelist]:
    units: dict[str, tuple[str, str]] = {}
    for zh, en in [(s.unit_zh, s.unit_en) for s in series] + list(M.DERIVED_UNITS):
        units.setdefault(M.unit_id(en), (zh, en))
    flags = M.flag_names()
    lists = [
        ("CL_FREQ", ("频率", "Frequency"), [(k, zh, en, None) for k, (zh, en) in M.FREQUENCIES.items()]),
        ("CL_INDICATOR", ("指标", "Indicators"),
         [(s.code, s.name_zh, s.name_en, s.definition_en or None) for s in series]),
        ("CL_TRANSFORMATION", ("变换", "Transformations"),
         [(M.transformation_id(k), zh, en, None) for k, (zh, en) in M.TRANSFORMATIONS.items()]),
        ("CL_OBS_STATUS", ("观测值状态", "Observation status (SDMX CL_OBS_STATUS 2.2 codes)"),
         [(k, zh, en, None) for k, (zh, en) in M.OBS_STATUS.items()]),
        ("CL_CONF_STATUS", ("保密状态", "Confidentiality status"),
         [(k, zh, en, None) for k, (zh, en) in M.CONF_STATUS.items()]),
        ("CL_FLAG", ("标志", "statpub flags and their OBS_STATUS"),
         [(letter.upper(), zh, en, f"OBS_STATUS {M.FLAG_TO_OBS_STATUS[letter]}") for letter, (zh, en) in flags.items()]),
        ("CL_UNIT", ("计量单位", "Units of measure"), [(k, zh, en, None) for k, (zh, en) in units.items()]),
        ("CL_DECIMALS", ("小数位数", "Decimals"), [(str(d), str(d), str(d), None) for d in range(7)]),
        ("CL_TIME_FORMAT", ("时间格式", "Time formats"),
         [(k, zh, en, None) for k, (zh, en) in M.TIME_FORMAT_NAMES.items()]),
        ("CL_TOPIC", ("专题", "Topics"), [(t.code, t.name_zh, t.name_en, None) for t in topics]),
    ]
    return {cl_id: _codelist(agency, cl_id, name, codes) for cl_id, name, codes in lists}


def _dsd(agency: common.Agency, dsd_id: str, name: tuple[str, str], concepts: common.ConceptScheme,
         lists: dict[str, common.Codelist], *, history: bool) -> m.DataStructureDefinition:
    """The DSD; with `history`, the release that published each figure is a dimension (before
    TIME_PERIOD), so every vintage of a period is an observation of its own."""
    dsd = m.DataStructureDefinition(id=dsd_id, maintainer=agency, version=M.VERSION, is_final=True,
                                    is_external_reference=False, name=_name(*name))
    # SDMX 2.1's schema wants the component lists' fixed ids (sdmx1 leaves them empty).
    dsd.dimensions.id, dsd.attributes.id, dsd.measures.id = "DimensionDescriptor", "AttributeDescriptor", \
        "MeasureDescriptor"
    for dim_id, cl_id in (("FREQ", "CL_FREQ"), ("INDICATOR", "CL_INDICATOR"), ("TRANSFORMATION", "CL_TRANSFORMATION")):
        dsd.dimensions.getdefault(dim_id, concept_identity=concepts[dim_id],
                                  local_representation=common.Representation(enumerated=lists[cl_id]))
    if history:
        dsd.dimensions.getdefault("RELEASE_ID", concept_identity=concepts["RELEASE_ID"],
                                  local_representation=_text(common.FacetValueType.string))
    dsd.dimensions.getdefault("TIME_PERIOD", cls=common.TimeDimension, concept_identity=concepts["TIME_PERIOD"],
                              local_representation=_text(common.FacetValueType.observationalTimePeriod))
    dsd.measures.getdefault("OBS_VALUE", concept_identity=concepts["OBS_VALUE"],
                            local_representation=_text(common.FacetValueType.double))
    series_dims = [dsd.dimensions.get(d) for d in ("FREQ", "INDICATOR", "TRANSFORMATION")]
    for attr_id, (cl_id, level, mandatory) in ATTRIBUTES.items():
        if history and attr_id == "RELEASE_ID":
            continue
        related = (m.PrimaryMeasureRelationship() if level == "obs"
                   else common.DimensionRelationship(dimensions=series_dims))
        representation = (common.Representation(enumerated=lists[cl_id]) if cl_id
                          else _text(common.FacetValueType.string))
        dsd.attributes.getdefault(attr_id, concept_identity=concepts[attr_id], related_to=related,
                                  local_representation=representation,
                                  usage_status=common.UsageStatus.mandatory if mandatory
                                  else common.UsageStatus.conditional)
    return dsd


def build(agency_info: M.Agency, series: Iterable[SeriesInfo], topics: Iterable[TopicInfo]) -> Structures:
    agency = common.Agency(id=agency_info.id, name=_name(agency_info.name_zh, agency_info.name_en))
    lists = codelists(agency, list(series), list(topics))
    concepts = common.ConceptScheme(id=M.CONCEPTS_ID, maintainer=agency, version=M.VERSION, is_final=True,
                                    is_external_reference=False, name=_name("统计概念", "Statistical concepts"))
    for concept_id, (zh, en) in CONCEPTS.items():
        concepts.append(common.Concept(id=concept_id, name=_name(zh, en)))
    dsd = _dsd(agency, M.DSD_ID, ("已发布统计数据", "Published statistics"), concepts, lists, history=False)
    history = _dsd(agency, M.HISTORY_DSD_ID, ("已发布统计数据（历次版本）", "Published statistics, every vintage"),
                   concepts, lists, history=True)
    flows = {}
    for flow_id, structure, zh, en in (
            (M.DATAFLOW_ID, dsd, "已发布的全部统计数据（最新版本）", "every published figure (latest vintage)"),
            (M.HISTORY_DATAFLOW_ID, history, "已发布的全部统计数据（历次版本）", "every vintage of every published figure")):
        flows[flow_id] = m.DataflowDefinition(id=flow_id, maintainer=agency, version=M.VERSION, is_final=True,
                                              is_external_reference=False, structure=structure,
                                              name=_name(f"{agency_info.name_zh}：{zh}", f"{agency_info.name_en}: {en}"))
    return Structures(agency, lists, concepts, {M.DSD_ID: dsd, M.HISTORY_DSD_ID: history}, flows)


def message(structures: Structures, parts: Iterable[str], prepared: datetime) -> StructureMessage:
    """A structure message holding `parts`: ids of dataflows, DSDs, the concept scheme or code lists."""
    msg = StructureMessage(header=Header(id=f"statpub-structure-{prepared:%Y%m%dT%H%M%S}", prepared=prepared,
                                         sender=structures.agency))
    found = {**structures.dataflows, **structures.dsds, structures.concepts.id: structures.concepts,
             **structures.codelists}
    for part in parts:
        if part in found:
            msg.add(found[part])
    return msg


def everything(structures: Structures) -> list[str]:
    return [*structures.dataflows, *structures.dsds, structures.concepts.id, *structures.codelists]


def children(structures: Structures, artefact: str) -> list[str]:
    """An artefact with what it refers to (SDMX-REST `references=children|descendants|all`)."""
    if artefact in structures.dataflows:
        dsd = structures.dataflows[artefact].structure.id
        return [artefact, dsd, *children(structures, dsd)[1:]]
    if artefact in structures.dsds:
        return [artefact, structures.concepts.id, *structures.codelists]
    return [artefact]


def to_xml(msg: StructureMessage) -> bytes:
    return sdmx.to_xml(msg, pretty_print=True, xml_declaration=True, encoding="utf-8")


def to_json(msg: StructureMessage, structures: Structures) -> bytes:
    """The same structures as an SDMX-JSON 2.0 structure message: the SDMX-ML read by pysdmx
    (which checks it against SDMX 2.1's XML schema) and written by its SDMX-JSON writer, then
    completed where that writer falls short of the SDMX-JSON schema (full URNs of the dataflows'
    DSDs, no empty group list) and given the names in both languages (`names`), the sender and
    the message's own instant. pysdmx's reader checks the result against the SDMX-JSON schema."""
    from pysdmx.io import read_sdmx
    from pysdmx.io.format import Format
    from pysdmx.io.writer import write_sdmx

    read = read_sdmx(to_xml(msg).decode("utf-8"))
    body = json.loads(write_sdmx(read.structures, Format.STRUCTURE_SDMX_JSON_2_0_0))
    names = _names(structures)
    for kind, artefacts in body["data"].items():
        for artefact in artefacts:
            artefact.update(names.get(artefact["id"], {}))
            for item in artefact.get("codes", artefact.get("concepts", [])):
                item.update(names.get(f"{artefact['id']}.{item['id']}", {}))
            if kind == "dataStructures":
                artefact["dataStructureComponents"].pop("groups", None)
            if kind == "dataflows" and not artefact["structure"].startswith("urn:"):
                artefact["structure"] = f"urn:sdmx:org.sdmx.infomodel.datastructure.{artefact['structure']}"
    prepared = msg.header.prepared
    body["meta"].update(id=msg.header.id, prepared=prepared.isoformat().replace("+00:00", "Z"),
                        sender={"id": structures.agency.id}, contentLanguages=["zh", "en"])
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def _names(structures: Structures) -> dict[str, dict]:
    """`names` (and `descriptions`) in both languages, by artefact id and by `artefact.item`."""
    def both(text) -> dict:
        return {lang: str(value) for lang, value in text.localizations.items()} if text else {}

    out: dict[str, dict] = {}
    artefacts = [*structures.codelists.values(), structures.concepts, *structures.dsds.values(),
                 *structures.dataflows.values()]
    for artefact in artefacts:
        out[artefact.id] = {"names": both(artefact.name)}
        for item in getattr(artefact, "items", {}).values():
            entry = {"names": both(item.name)}
            if item.description and item.description.localizations:
                entry["descriptions"] = both(item.description)
            out[f"{artefact.id}.{item.id}"] = entry
    return out
