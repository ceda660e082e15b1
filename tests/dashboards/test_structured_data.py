"""schema.org Dataset JSON-LD in the HTML the server sends (before any script runs) for every
series and release page: read back with pyld (schema.org's context served locally: tests never
leave the machine) and rdflib; a release's Dataset appears only once it is public."""

from __future__ import annotations

import json
import re

from pyld import jsonld
from rdflib import Graph, Literal, URIRef

from tests.fixtures.api import FINAL
from tests.fixtures.mini import MINI_OFFICE

SCHEMA = "https://schema.org/"
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
REQUIRED = ("name", "description", "temporalCoverage", "distribution", "license", "creator", "citation",
            "dateModified")


def _loader(url, options=None):
    # schema.org's JSON-LD context maps its terms onto its vocabulary; served from here.
    return {"contextUrl": None, "documentUrl": url, "document": {"@context": {"@vocab": SCHEMA}}}


def datasets(client, path: str) -> list[dict]:
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    head = html[:html.index("</head>")]
    return [json.loads(text) for text in SCRIPT.findall(head)]


def expanded(data: dict) -> dict:
    [node] = jsonld.expand(data, {"documentLoader": _loader})
    return node


def test_every_series_and_release_page_carries_its_dataset(after_client, gate_after):
    for path in ["/series/GDP", "/series/GDP?lang=en", f"/release/{FINAL}",
                 *(f"/series/{s.code}" for s in gate_after.series()[:5])]:
        [data] = datasets(after_client, path)
        assert data["@type"] == "Dataset" and all(data.get(k) for k in REQUIRED), (path, data)
        node = expanded(data)
        assert node["@type"] == [f"{SCHEMA}Dataset"]
        assert node[f"{SCHEMA}distribution"][0][f"{SCHEMA}contentUrl"][0]["@value"].startswith("https://")
    [release] = datasets(after_client, f"/release/{FINAL}")
    assert release["version"] == FINAL and release["datePublished"].startswith("2026-12-10T02:00")
    graph = Graph().parse(data=json.dumps(jsonld.expand(release, {"documentLoader": _loader})), format="json-ld")
    url = Literal(f"https://stats.example.gov.cn/release/{FINAL}")
    assert (None, URIRef(f"{SCHEMA}url"), url) in graph
    [english] = datasets(after_client, "/series/GDP?lang=en")
    assert english["name"].startswith("Gross domestic product") and english["alternateName"] == "地区生产总值"
    assert datasets(after_client, "/calendar") == [] and datasets(after_client, "/series/NOPE") == []


def test_no_dataset_for_a_release_before_its_instant(before_client):
    assert datasets(before_client, f"/release/{FINAL}") == []
    [series] = datasets(before_client, "/series/GDP")
    assert FINAL not in json.dumps(series)


def test_a_second_office(mini_client):
    [data] = datasets(mini_client, "/series/GDP?lang=en")
    assert data["creator"]["name"] == MINI_OFFICE["en"] and data["temporalCoverage"] == "2024-01-01/2024-03-31"
    assert datasets(mini_client, "/release/q2") == []
