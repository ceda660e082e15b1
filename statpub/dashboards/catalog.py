"""The DCAT-AP catalogue's routes: /catalog.ttl, /catalog.jsonld and /catalog.rdf, one graph per
public state (built by `dcat.py`) serialised three ways. The builder is imported with the first
catalogue asked for: rdflib (about 8 MB a process) is needed by nothing else a web worker does."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from flask import Blueprint, Response, current_app

from statpub.dashboards.api.respond import current_gate, file_answer, fingerprint
from statpub.dashboards.components.publisher import Publisher, publisher
from statpub.warehouse.gate import Gate

if TYPE_CHECKING:
    from rdflib import Graph

blueprint = Blueprint("catalog", __name__)
GRAPH_MEMO = "statpub.catalog.graph"
_graph_lock = threading.Lock()
SERIALISATIONS = {"ttl": ("turtle", "text/turtle"), "jsonld": ("json-ld", "application/ld+json"),
                  "rdf": ("xml", "application/rdf+xml")}


def graph_for(view_key: str, gate: Gate, pub: Publisher) -> Graph:
    """The graph of this public state, built once for its three serialisations (per process)."""
    memo = current_app.extensions.setdefault(GRAPH_MEMO, {})
    with _graph_lock:  # concurrent requests for the three formats wait for one build
        found = memo.get((view_key, pub))
        if found is None:
            memo.clear()  # one public state at a time
            from statpub.dashboards.dcat import build_catalog

            found = memo[(view_key, pub)] = build_catalog(gate, pub)
    return found


@blueprint.get("/catalog.<any(ttl, jsonld, rdf):ext>")
def catalog(ext: str) -> Response:
    gate, view = current_gate()
    pub = publisher()
    serialisation, mimetype = SERIALISATIONS[ext]
    key = fingerprint("catalog", ext, view.key, pub)

    def build(path) -> None:
        path.write_bytes(graph_for(view.key, gate, pub).serialize(format=serialisation, encoding="utf-8"))
    return file_answer(key, f".{ext}", build, mimetype=mimetype, download_name=f"catalog.{ext}", immutable=False)


def register(server) -> None:
    server.register_blueprint(blueprint)
