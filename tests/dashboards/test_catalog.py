"""The DCAT-AP 3 catalogue (/catalog.ttl, .jsonld, .rdf): parsed by rdflib (and the JSON-LD by
pyld), checked against SHACL shapes of DCAT-AP's mandatory properties with pyshacl, on the demo
and on a second office; a release appears only once public, with its versions and files."""

from __future__ import annotations

import json
from pathlib import Path

import pyshacl
import pytest
from pyld import jsonld
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from tests.fixtures.api import FINAL
from tests.fixtures.mini import MINI_BASE, MINI_OFFICE

SHAPES = Path(__file__).parent / "shapes" / "dcat_ap.ttl"
DCAT3 = Namespace("http://www.w3.org/ns/dcat#")
BASE = "https://stats.example.gov.cn"


def parsed(client, ext: str) -> Graph:
    response = client.get(f"/catalog.{ext}")
    assert response.status_code == 200, response.data[:300]
    fmt = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}[ext]
    return Graph().parse(data=response.data, format=fmt)


def conforms(graph: Graph) -> None:
    ok, _report, text = pyshacl.validate(graph, shacl_graph=Graph().parse(SHAPES), inference="none")
    assert ok, text[:3000]


@pytest.fixture(scope="module")
def demo_graph(after_client) -> Graph:
    return parsed(after_client, "ttl")


def test_the_three_serialisations_say_the_same(mini_client):
    graphs = [parsed(mini_client, ext) for ext in ("ttl", "jsonld", "rdf")]
    assert len(graphs[0]) > 100 and len({len(g) for g in graphs}) == 1
    expanded = jsonld.expand(json.loads(mini_client.get("/catalog.jsonld").data))
    types = {t for node in expanded for t in node.get("@type", [])}
    assert str(DCAT.Catalog) in types and str(DCAT.Dataset) in types


def test_demo_catalogue_conforms_and_has_what_portals_need(demo_graph):
    conforms(demo_graph)
    g = demo_graph
    catalog = URIRef(f"{BASE}/catalog")
    assert (catalog, RDF.type, DCAT.Catalog) in g
    gdp = URIRef(f"{BASE}/series/GDP")
    assert (gdp, DCTERMS.accrualPeriodicity,
            URIRef("http://publications.europa.eu/resource/authority/frequency/QUARTERLY")) in g
    assert Literal("地区生产总值", lang="zh") in set(g.objects(gdp, DCTERMS.title))
    media = {str(g.value(d, DCAT.mediaType)) for d in g.objects(gdp, DCAT.distribution)}
    assert {"http://www.iana.org/assignments/media-types/text/csv",
            "http://www.iana.org/assignments/media-types/application/vnd.sdmx.data+csv"} <= media
    versions = list(g.objects(gdp, DCTERMS.hasVersion))
    assert len(versions) > 10 and all((v, DCTERMS.isVersionOf, gdp) in g for v in versions)
    assert str(g.value(gdp, DCAT3.version)) == FINAL
    assert g.value(gdp, DCTERMS.temporal) is not None
    release = URIRef(f"{BASE}/release/{FINAL}")
    assert (catalog, DCAT.dataset, release) in g and g.value(release, DCTERMS.issued) is not None


def test_a_release_is_in_the_catalogue_only_once_public(before_client):
    g = parsed(before_client, "ttl")
    assert (URIRef(f"{BASE}/release/{FINAL}"), None, None) not in g
    assert not [v for v in g.objects(None, DCAT3.version) if str(v) == FINAL]


def test_a_second_office_is_its_own_publisher(mini_client):
    g = parsed(mini_client, "ttl")
    conforms(g)
    catalog = URIRef(f"{MINI_BASE}/catalog")
    agent = g.value(catalog, DCTERMS.publisher)
    assert Literal(MINI_OFFICE["en"], lang="en") in set(g.objects(agent, FOAF.name))
    releases = {str(s) for s in g.objects(catalog, DCAT.dataset) if "/release/" in str(s)}
    assert releases == {f"{MINI_BASE}/release/q1", f"{MINI_BASE}/release/q1-final"}  # q2 embargoed
    final = URIRef(f"{MINI_BASE}/release/q1-final")
    assert any("final verification" in str(d) for d in g.objects(final, DCTERMS.description))
