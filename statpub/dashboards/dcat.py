"""The catalogue for data portals: DCAT-AP 3 (with StatDCAT-AP's statistical properties) as
Turtle, JSON-LD and RDF/XML, built with rdflib from what the gate shows (served by
`catalog.py`: /catalog.ttl, /catalog.jsonld, /catalog.rdf).

One `dcat:Catalog` (the office's, from the content root) with a `dcat:DataService` (the API and
its OpenAPI description, and the SDMX endpoint), and
- a dataset per series: names, definition, publisher, contact point, licence, update frequency,
  temporal coverage, topic (theme and keyword), SDMX dimensions and unit (StatDCAT-AP), the latest
  vintage as `dcat:version`, and each earlier vintage as a dataset of its own (`dct:hasVersion` /
  `dct:isVersionOf`, `dcat:version`, `dct:issued`) with its pinned files;
- a dataset per published release: its title, when it went public, what it revised and why, the
  periods it covers, and its files.
Every dataset has one distribution per file format, with its IANA media type and EU file type.
Nothing of a release appears before it is public: the graph is built through the gate."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from statpub.dashboards.components.publisher import Publisher
from statpub.dashboards.sdmx import model as sdmx_model
from statpub.kernel.periods import period_bounds
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import ReleaseInfo, SeriesInfo

# DCAT 3 terms rdflib's DCAT (version 2) does not list.
DCAT3 = Namespace("http://www.w3.org/ns/dcat#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
STAT = Namespace("http://data.europa.eu/(xyz)/statdcat-ap/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
EU_FREQ = Namespace("http://publications.europa.eu/resource/authority/frequency/")
EU_FILE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_LANG = Namespace("http://publications.europa.eu/resource/authority/language/")
IANA = "http://www.iana.org/assignments/media-types/"
FREQUENCY = {"A": "ANNUAL", "Q": "QUARTERLY", "M": "MONTHLY"}
# (extension in /api/v1/files, IANA media type, EU file type, title)
SERIES_FILES = (("csv", "text/csv", "CSV", "CSV (UTF-8)"), ("parquet", "application/vnd.apache.parquet", "PARQUET",
                                                               "Parquet"),
                ("jsonstat.json", "application/json", "JSON", "JSON-stat 2.0"),
                ("sdmx.csv", "application/vnd.sdmx.data+csv", "CSV", "SDMX-CSV 2.0"),
                ("sdmx.xml", "application/vnd.sdmx.structurespecificdata+xml", "XML", "SDMX-ML 2.1"))


def _both(graph: Graph, subject, predicate, zh: str | None, en: str | None) -> None:
    if zh:
        graph.add((subject, predicate, Literal(zh, lang="zh")))
    if en:
        graph.add((subject, predicate, Literal(en, lang="en")))


def _instant(at: datetime) -> Literal:
    return Literal(at.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)


class CatalogBuilder:
    """The graph for one gate (one public state)."""

    def __init__(self, gate: Gate, pub: Publisher):
        self.gate = gate
        self.pub = pub
        self.base = pub.base_url
        self.graph = Graph()
        for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD), ("skos", SKOS),
                           ("stat", STAT), ("adms", ADMS)):
            self.graph.bind(prefix, ns)
        self.catalog = URIRef(f"{self.base}/catalog")
        self.agent = URIRef(f"{self.base}/#office")
        self.licence = URIRef(pub.licence.url or f"{self.base}/#licence")
        self.contact = URIRef(f"{self.base}/#contact")

    def uri(self, path: str) -> URIRef:
        return URIRef(f"{self.base}{path}")

    def build(self) -> Graph:
        self._catalog_and_agents()
        series = list(self.gate.series())
        coverage = self._coverage(series)
        for info in series:
            self._series_dataset(info, coverage.get(info.code))
        for release in self.gate.visible_releases():
            if release.observation_count and self.gate.is_public(release):
                self._release_dataset(release)
        return self.graph

    def _catalog_and_agents(self) -> None:
        g, pub = self.graph, self.pub
        g.add((self.catalog, RDF.type, DCAT.Catalog))
        _both(g, self.catalog, DCTERMS.title, f"{pub.office_zh}数据目录", f"{pub.office_en}: data catalogue")
        _both(g, self.catalog, DCTERMS.description, f"{pub.office_zh}已发布的全部统计数据：指标、发布及其历次版本。",
              f"Every figure {pub.office_en} has published: indicators, releases and every vintage.")
        g.add((self.catalog, DCTERMS.publisher, self.agent))
        g.add((self.catalog, FOAF.homepage, self.uri("/")))
        g.add((self.catalog, DCTERMS.license, self.licence))
        for lang in ("ZHO", "ENG"):
            g.add((self.catalog, DCTERMS.language, EU_LANG[lang]))
        latest = [r.instant for r in self.gate.visible_releases() if self.gate.is_public(r)]
        if latest:
            g.add((self.catalog, DCTERMS.modified, _instant(max(latest))))
        g.add((self.agent, RDF.type, FOAF.Agent))
        g.add((self.agent, RDF.type, FOAF.Organization))
        _both(g, self.agent, FOAF.name, pub.office_zh, pub.office_en)
        g.add((self.licence, RDF.type, DCTERMS.LicenseDocument))
        _both(g, self.licence, RDFS.label, pub.licence_zh, pub.licence_en)
        g.add((self.contact, RDF.type, VCARD.Kind))
        g.add((self.contact, RDF.type, VCARD.Organization))
        _both(g, self.contact, VCARD.fn, pub.office_zh, pub.office_en)
        g.add((self.contact, VCARD.hasURL, URIRef(pub.contact.url) if pub.contact and pub.contact.url
               else self.uri("/")))
        if pub.contact and pub.contact.email:
            g.add((self.contact, VCARD.hasEmail, URIRef(f"mailto:{pub.contact.email}")))
        self._services()

    def _services(self) -> None:
        g = self.graph
        for path, title, spec in (
                ("/api/v1/", ("统计数据接口", "Statistics API"), "/api/v1/openapi.json"),
                ("/api/v1/sdmx/", ("SDMX 接口", "SDMX-REST endpoint"), "/api/v1/sdmx/structure")):
            service = self.uri(path)
            g.add((service, RDF.type, DCAT.DataService))
            _both(g, service, DCTERMS.title, *title)
            g.add((service, DCAT.endpointURL, service))
            g.add((service, DCAT.endpointDescription, self.uri(spec)))
            g.add((service, DCTERMS.publisher, self.agent))
            g.add((service, DCTERMS.license, self.licence))
            g.add((self.catalog, DCAT.service, service))

    def _coverage(self, series: list[SeriesInfo]) -> dict[str, tuple[str, str]]:
        if not series:
            return {}
        rows = self.gate.observations([s.code for s in series]).select(["series_code", "period"])
        grouped = pa.TableGroupBy(rows, "series_code").aggregate([("period", "min"), ("period", "max")])
        return {code: (first, last) for code, first, last in zip(
            grouped.column("series_code").to_pylist(), grouped.column("period_min").to_pylist(),
            grouped.column("period_max").to_pylist(), strict=True)}

    def _common(self, dataset: URIRef, identifier: str) -> None:
        g = self.graph
        g.add((dataset, RDF.type, DCAT.Dataset))
        g.add((dataset, DCTERMS.identifier, Literal(identifier)))
        g.add((dataset, DCTERMS.publisher, self.agent))
        g.add((dataset, DCAT.contactPoint, self.contact))
        g.add((dataset, DCTERMS.license, self.licence))
        g.add((self.catalog, DCAT.dataset, dataset))

    def _temporal(self, dataset: URIRef, first: str, last: str) -> None:
        span = BNode()
        self.graph.add((dataset, DCTERMS.temporal, span))
        self.graph.add((span, RDF.type, DCTERMS.PeriodOfTime))
        self.graph.add((span, DCAT.startDate, Literal(period_bounds(first)[0], datatype=XSD.date)))
        self.graph.add((span, DCAT.endDate, Literal(period_bounds(last)[1], datatype=XSD.date)))

    def _series_dataset(self, info: SeriesInfo, coverage: tuple[str, str] | None) -> None:
        g = self.graph
        dataset = self.uri(f"/series/{info.code}")
        self._common(dataset, info.code)
        _both(g, dataset, DCTERMS.title, info.name_zh, info.name_en)
        _both(g, dataset, DCTERMS.description, f"{info.definition_zh}（单位：{info.unit_zh}）",
              f"{info.definition_en} (unit: {info.unit_en})")
        g.add((dataset, DCTERMS.accrualPeriodicity, EU_FREQ[FREQUENCY[info.frequency]]))
        g.add((dataset, DCAT.landingPage, dataset))
        topic = next((t for t in self.gate.snapshot.topics if t.code == info.topic), None)
        if topic is not None:
            theme = self.uri(f"/catalogue#{topic.code}")
            g.add((dataset, DCAT.theme, theme))
            g.add((theme, RDF.type, SKOS.Concept))
            _both(g, theme, SKOS.prefLabel, topic.name_zh, topic.name_en)
            _both(g, dataset, DCAT.keyword, topic.name_zh, topic.name_en)
        if coverage:
            self._temporal(dataset, *coverage)
        self._statistical(dataset, info)
        vintages = self.gate.vintages(info.code)
        if vintages:
            newest_id, newest = vintages[-1]
            g.add((dataset, DCAT3.version, Literal(newest_id)))
            g.add((dataset, DCTERMS.modified, _instant(newest)))
            g.add((dataset, DCTERMS.issued, _instant(vintages[0][1])))
        for ext, media, file_type, title in SERIES_FILES:
            self._distribution(dataset, f"/api/v1/files/latest/series/{info.code}.{ext}", media, file_type, title,
                               f"{info.code}-latest-{ext}")
        for release_id, instant in vintages:
            self._vintage(dataset, info, release_id, instant)

    def _statistical(self, dataset: URIRef, info: SeriesInfo) -> None:
        """StatDCAT-AP: the SDMX dimensions of the data and the unit of measure."""
        g = self.graph
        for dimension in sdmx_model.DIMENSIONS:
            g.add((dataset, STAT.dimension, self.uri(f"/api/v1/sdmx/conceptscheme/all/{sdmx_model.CONCEPTS_ID}"
                                                      f"/latest#{dimension}")))
        unit = self.uri(f"/api/v1/sdmx/codelist/all/CL_UNIT/latest#{sdmx_model.unit_id(info.unit_en)}")
        g.add((dataset, STAT.statUnitMeasure, unit))
        _both(g, unit, SKOS.prefLabel, info.unit_zh, info.unit_en)
        g.add((dataset, STAT.numSeries, Literal(1, datatype=XSD.integer)))

    def _vintage(self, dataset: URIRef, info: SeriesInfo, release_id: str, instant: datetime) -> None:
        g = self.graph
        version = self.uri(f"/series/{info.code}#vintage-{release_id}")
        g.add((version, RDF.type, DCAT.Dataset))
        _both(g, version, DCTERMS.title, f"{info.name_zh}（{release_id}版）", f"{info.name_en} (vintage {release_id})")
        _both(g, version, DCTERMS.description, f"{info.name_zh}：{release_id}发布后的数据。",
              f"{info.name_en} as published right after release {release_id}.")
        g.add((version, DCTERMS.identifier, Literal(f"{info.code}@{release_id}")))
        g.add((version, DCAT3.version, Literal(release_id)))
        g.add((version, DCTERMS.issued, _instant(instant)))
        g.add((version, DCTERMS.isVersionOf, dataset))
        g.add((dataset, DCTERMS.hasVersion, version))
        g.add((version, DCTERMS.publisher, self.agent))
        g.add((version, DCTERMS.license, self.licence))
        self._distribution(version, f"/api/v1/files/{release_id}/series/{info.code}.csv", "text/csv", "CSV",
                           "CSV (UTF-8)", f"{info.code}-{release_id}-csv")

    def _release_dataset(self, release: ReleaseInfo) -> None:
        g = self.graph
        dataset = self.uri(f"/release/{release.id}")
        self._common(dataset, release.id)
        _both(g, dataset, DCTERMS.title, release.title_zh, release.title_en)
        since = self.gate.public_since(release) or release.instant
        reason = (f"修订：{release.revision_reason_zh}" if release.revision_reason_zh else "",
                  f"Revision: {release.revision_reason_en}" if release.revision_reason_en else "")
        _both(g, dataset, DCTERMS.description, f"{release.title_zh}。发布的全部数据。{reason[0]}".rstrip(),
              f"{release.title_en}. Every figure the release carried. {reason[1]}".rstrip())
        g.add((dataset, DCTERMS.issued, _instant(since)))
        g.add((dataset, DCAT3.version, Literal(release.id)))
        g.add((dataset, DCAT.landingPage, dataset))
        if release.revision_stage:
            g.add((dataset, ADMS.versionNotes, Literal(release.revision_stage)))
        if release.corrects:
            g.add((dataset, DCTERMS.replaces, self.uri(f"/release/{release.corrects}")))
        periods = sorted(set(self.gate.release_observations(release.id).column("period").to_pylist()),
                         key=lambda p: period_bounds(p))
        if periods:
            self._temporal(dataset, min(periods, key=lambda p: period_bounds(p)[0]),
                           max(periods, key=lambda p: period_bounds(p)[1]))
        for ext, media, file_type, title in SERIES_FILES:
            self._distribution(dataset, f"/api/v1/files/{release.id}/releases/{release.id}.{ext}", media,
                               file_type, title, f"{release.id}-{ext}")

    def _distribution(self, dataset: URIRef, path: str, media: str, file_type: str, title: str, slug: str) -> None:
        g = self.graph
        dist = self.uri(f"/catalog#dist-{slug}")
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.accessURL, self.uri(path)))
        g.add((dist, DCAT.downloadURL, self.uri(path)))
        g.add((dist, DCAT.mediaType, URIRef(IANA + media)))
        g.add((dist, DCTERMS.format, EU_FILE[file_type]))
        g.add((dist, DCTERMS.title, Literal(title, lang="en")))
        g.add((dist, DCTERMS.license, self.licence))


def build_catalog(gate: Gate, pub: Publisher) -> Graph:
    return CatalogBuilder(gate, pub).build()
