"""`/api/v1/sdmx/...`: the structures of the SDMX data the API and files serve, and a data query,
in the URL shapes of SDMX-REST 1.5 (SDMX 2.1), so SDMX clients (sdmx1, pandaSDMX, .Stat tools)
talk to the site as to any statistics office's endpoint.

    /api/v1/sdmx/                                            index (JSON): these paths and the ids
    /api/v1/sdmx/structure                                   every structure in one SDMX-ML message
    /api/v1/sdmx/{dataflow|datastructure|codelist|conceptscheme}[/{agency}[/{id}[/{version}]]]
                                                             ?references=none|children|descendants|all
    /api/v1/sdmx/data/{flow}[/{key}]                         ?startPeriod&endPeriod&firstNObservations
                                                             &lastNObservations&format=sdmx-ml|sdmx-csv

`flow` is OBSERVATIONS (or AGENCY,OBSERVATIONS[,1.0]); `key` is FREQ.INDICATOR.TRANSFORMATION with
`+` for alternatives and an empty part for all (`Q.GDP+RETAIL.`, `..PC1`, `all`). Everything comes
through the gate: a series not yet public is not in the indicator code list, and asking for it
answers as for a code that does not exist."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pyarrow as pa
from flask import Blueprint, Response, current_app, request

from statpub.dashboards.api import params as P
from statpub.dashboards.api import shapes
from statpub.dashboards.api.respond import (
    current_gate,
    file_answer,
    fingerprint,
    json_answer,
    not_found,
)
from statpub.dashboards.api.state import PublicView
from statpub.dashboards.components.publisher import agency_of
from statpub.dashboards.formats import FORMATS
from statpub.dashboards.pages.explorer_model import in_range, shown_info
from statpub.dashboards.sdmx import model as M
from statpub.kernel.transforms import TRANSFORMS, TransformError, allowed
from statpub.warehouse.gate import Gate

if TYPE_CHECKING:
    from statpub.dashboards.sdmx import structure as S


def _structures_module():
    """The structure builder, imported with the first structure asked for: it brings sdmx1 (about
    17 MB a process) that no other answer needs, so web workers do not all hold it."""
    from statpub.dashboards.sdmx import structure

    return structure

sdmx_bp = Blueprint("api_v1_sdmx", __name__, url_prefix="/api/v1/sdmx")

RESOURCES = ("dataflow", "datastructure", "codelist", "conceptscheme")
MEMO_KEY = "statpub.sdmx.structures"
KEY_PART = re.compile(r"^([A-Z0-9_]{1,48}(\+[A-Z0-9_]{1,48})*)?$")
FLOW = re.compile(r"^(?:(?P<agency>[A-Za-z][A-Za-z0-9_-]{0,63}),)?(?P<id>[A-Za-z][A-Za-z0-9_]{0,63})"
                  r"(?:,(?P<version>latest|[0-9.]{1,10}))?$")


def structures(gate: Gate, view: PublicView) -> S.Structures:
    """The structures for this public state (the indicator list follows what is public), built
    once per state and process."""
    memo = current_app.extensions.setdefault(MEMO_KEY, {})
    found = memo.get(view.key)
    if found is None:
        if len(memo) > 4:
            memo.clear()
        found = memo[view.key] = _structures_module().build(agency_of(shapes.publisher()), gate.series(), gate.topics())
    return found


def _prepared(gate: Gate, view: PublicView) -> datetime:
    """A fixed instant for the message header (the newest release behind it), so the same state
    gives the same bytes."""
    if view.latest_release is None:
        return datetime(1970, 1, 1, tzinfo=UTC)
    return gate.snapshot.releases[view.latest_release].instant


def _structure_answer(gate: Gate, view: PublicView, structs: S.Structures, parts: list[str], name: str,
                      fmt: str | None) -> Response:
    """SDMX-ML 2.1, or SDMX-JSON 2.0 (`format=sdmx-json`, or an Accept header asking for it)."""
    as_json = fmt == "sdmx-json" or (fmt is None and "structure+json" in request.headers.get("Accept", ""))
    key = fingerprint("sdmx-structure", view.key, parts, shapes.publisher(), as_json)

    def build(path) -> None:
        structure = _structures_module()
        message = structure.message(structs, parts, _prepared(gate, view))
        path.write_bytes(structure.to_json(message, structs) if as_json else structure.to_xml(message))
    suffix = ".json" if as_json else ".xml"
    return file_answer(key, suffix, build, mimetype=M.MEDIA_STRUCTURE_JSON if as_json else M.MEDIA_STRUCTURE,
                       download_name=f"{name}{suffix}", immutable=False)


@sdmx_bp.get("/")
def index() -> Response:
    P.parse_params(request.args, P.NO_PARAMS)
    gate, view = current_gate()
    agency = agency_of(shapes.publisher())
    base = f"{shapes.API}/sdmx"
    return json_answer({
        "agency": agency.id, "version": M.VERSION,
        "dataflows": [M.DATAFLOW_ID, M.HISTORY_DATAFLOW_ID], "datastructures": [M.DSD_ID, M.HISTORY_DSD_ID],
        "dimensions": list(M.DIMENSIONS), "attributes": [*M.OBS_ATTRIBUTES, *M.SERIES_ATTRIBUTES],
        "links": {
            "structure": f"{base}/structure",
            "dataflow": f"{base}/dataflow/{agency.id}/{M.DATAFLOW_ID}/{M.VERSION}?references=all",
            "datastructure": f"{base}/datastructure/{agency.id}/{M.DSD_ID}/{M.VERSION}?references=children",
            "codelists": f"{base}/codelist/{agency.id}",
            "data_example": f"{base}/data/{M.DATAFLOW_ID}/.GDP.LIN?lastNObservations=8",
        },
    }, view=view)


@sdmx_bp.get("/structure")
def everything() -> Response:
    p = P.parse_params(request.args, P.SDMX_EVERYTHING)
    gate, view = current_gate()
    structs = structures(gate, view)
    return _structure_answer(gate, view, structs, _structures_module().everything(structs), "structure",
                             p["format"])


def _artefacts(structs: S.Structures, resource: str) -> dict[str, object]:
    return {"dataflow": structs.dataflows, "datastructure": structs.dsds,
            "conceptscheme": {structs.concepts.id: structs.concepts}, "codelist": structs.codelists}[resource]


@sdmx_bp.get("/<resource>")
@sdmx_bp.get("/<resource>/<agency>")
@sdmx_bp.get("/<resource>/<agency>/<artefact>")
@sdmx_bp.get("/<resource>/<agency>/<artefact>/<version>")
def artefacts(resource: str, agency: str = "all", artefact: str = "all", version: str = "latest") -> Response:
    p = P.parse_params(request.args, P.SDMX_STRUCTURE)
    if resource not in RESOURCES:
        raise not_found()
    gate, view = current_gate()
    structs = structures(gate, view)
    if agency not in ("all", structs.agency.id) or version not in ("latest", "all", "~", "+", M.VERSION):
        raise not_found()
    known = _artefacts(structs, resource)
    chosen = list(known) if artefact == "all" else [artefact] if artefact in known else []
    if not chosen:
        raise not_found()
    parts: list[str] = []
    for item in chosen:
        wanted = _structures_module().children(structs, item) if p["references"] in ("children", "descendants", "all") else [item]
        parts += [x for x in wanted if x not in parts]
    return _structure_answer(gate, view, structs, parts, f"{resource}-{artefact}", p["format"])


@sdmx_bp.get("/data/<flow>")
@sdmx_bp.get("/data/<flow>/<key>")
@sdmx_bp.get("/data/<flow>/<key>/<provider>")
def data(flow: str, key: str = "all", provider: str = "all") -> Response:
    p = P.parse_params(request.args, P.SDMX_DATA)
    gate, view = current_gate()
    agency = agency_of(shapes.publisher())
    found = FLOW.match(flow)
    if not found or found["id"] != M.DATAFLOW_ID or found["agency"] not in (None, "all", agency.id) \
            or found["version"] not in (None, "latest", M.VERSION) or provider not in ("all", agency.id):
        raise not_found()
    if p["firstNObservations"] is not None and p["lastNObservations"] is not None:
        raise P.BadParameter("lastNObservations", "give firstNObservations or lastNObservations, not both")
    freqs, codes, transform = _parse_key(key)
    fmt = FORMATS[_data_format(p["format"])]
    cache_key = fingerprint("sdmx-data", view.key, flow, key, sorted(p.items()), fmt.name, shapes.publisher())
    rows, series = _data_rows(gate, freqs, codes, transform, p)
    if not rows.num_rows:
        raise not_found()
    pub = shapes.publisher()
    table = shapes.export_table(rows, series, pub, title_zh=f"{pub.office_zh}：SDMX 查询",
                                title_en=f"{pub.office_en}: SDMX query {key}",
                                citation_text=f"{pub.office_en}. {pub.base_url}{request.full_path.rstrip('?')}",
                                transform=transform)
    return file_answer(cache_key, fmt.suffix, lambda path: fmt.write(table, path), mimetype=fmt.mimetype,
                       download_name=f"{M.DATAFLOW_ID}{fmt.suffix}", immutable=False)


def _data_format(asked: str | None) -> str:
    if asked:
        return asked
    accept = request.headers.get("Accept", "")
    return "sdmx-csv" if "data+csv" in accept or accept.startswith("text/csv") else "sdmx-ml"


def _parse_key(key: str) -> tuple[set[str] | None, set[str] | None, str]:
    """FREQ.INDICATOR.TRANSFORMATION → (frequencies or None for all, codes or None, transform)."""
    if key == "all":
        return None, None, "lin"
    parts = key.split(".")
    if len(parts) != 3 or not all(KEY_PART.match(part) for part in parts):
        raise P.BadParameter("key", "is FREQ.INDICATOR.TRANSFORMATION, e.g. Q.GDP+RETAIL.LIN (empty part: all)")
    freqs = set(parts[0].split("+")) if parts[0] else None
    codes = set(parts[1].split("+")) if parts[1] else None
    transforms = parts[2].lower().split("+") if parts[2] else ["lin"]
    if len(transforms) != 1 or transforms[0] not in TRANSFORMS:
        raise P.BadParameter("key", f"TRANSFORMATION must be one of {', '.join(t.upper() for t in TRANSFORMS)}")
    return freqs, codes, transforms[0]


def _data_rows(gate: Gate, freqs, codes, transform: str, p: dict) -> tuple[pa.Table, dict]:
    chosen = [s for s in gate.series() if (freqs is None or s.frequency in freqs)
              and (codes is None or s.code in codes) and transform in allowed(s.measure, s.cumulative)]
    tables, series = [], {}
    for info in chosen:
        rows = gate.observations([info.code])
        if transform != "lin":
            try:
                rows = shapes.transformed(rows, info, transform)
            except TransformError:
                continue
        keep = [in_range(period, p["startPeriod"], p["endPeriod"]) for period in rows.column("period").to_pylist()]
        rows = shapes.keep_periods(rows.filter(pa.array(keep, pa.bool_())), first_n=p["firstNObservations"],
                                   last_n=p["lastNObservations"])
        if rows.num_rows:
            tables.append(rows)
            series[info.code] = shown_info(info, transform)
        if sum(t.num_rows for t in tables) > P.MAX_ROWS:
            raise P.TooManyRows(f"more than {P.MAX_ROWS} observations; narrow the key or the periods, or use "
                                "the bulk files under /api/v1/files/")
    if not tables:
        return pa.table({"series_code": pa.array([], pa.string())}), {}
    return pa.concat_tables(tables), series

