"""`statpub check`: everything a reviewer needs to know before approving a release.

The content root is first loaded as the ETL does it (a load never makes anything public), so the
checks look at exactly what would be published; a release that does not load reports the ETL's
problems. Then, on the snapshot: consistency, disclosure control, interpretations, links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import duckdb

from statpub.etl import disclosure
from statpub.etl.review_config import ReviewConfig, load_review_config
from statpub.kernel.clock import Clock
from statpub.kernel.config import Settings
from statpub.kernel.errors import Problem, ValidationFailed
from statpub.kernel.office import OFFICE_FILE, office_path, published_office
from statpub.kernel.workdays import cross_check, load_rules, rules_path
from statpub.review import consistency, texts
from statpub.review.findings import Finding, errors
from statpub.review.links import LinkResolver, SiteFactory, check_links, extract_links
from statpub.warehouse.reader import ReleaseInfo, SeriesInfo, Snapshot, WarehouseReader

ALL = "*"
_RELEASE_IN_FILE = re.compile(r"^releases/([^/]+)/")
_RELEASE_IN_FIELD = re.compile(r"releases\[([^\]]+)\]")


@dataclass
class Report:
    releases: list[str]
    findings: list[Finding] = field(default_factory=list)
    snapshot: str | None = None
    load_failed: bool = False

    @property
    def errors(self) -> list[Finding]:
        return errors(self.findings)

    def to_dict(self) -> dict:
        return {"snapshot": self.snapshot, "releases": self.releases, "load_failed": self.load_failed,
                "errors": len(self.errors), "findings": [f.to_dict() for f in self.findings]}


def _release_of(problem: Problem) -> str:
    match = _RELEASE_IN_FILE.match(problem.file) or _RELEASE_IN_FIELD.search(problem.column or "")
    return match.group(1) if match else ALL


def office_findings(settings: Settings) -> list[Finding]:
    """The office's identity: an older catalogue still carrying it is read, and told where it goes."""
    if office_path(settings.content).is_file():
        return []
    if settings.content.load_catalogue().office is None:
        return [Finding(ALL, "error", "office", OFFICE_FILE,
                        "the content root says nothing of its office: write releases/office.yaml (beside catalogue.yaml) "
                        "with name, short_name, base_url and licence (README, 'Start your own office')")]
    return [Finding(ALL, "warning", "office", "releases/catalogue.yaml",
                    "the office's identity (office, licence, base_url) is in the catalogue: move it to "
                    "releases/office.yaml, with the licence's url and the office's short_name "
                    "(README, 'Start your own office')")]


def workdays_findings(settings: Settings) -> list[Finding]:
    """The office's working-day rules (workdays.yaml), reviewed with the content they sit beside:
    a file that does not validate is an error (every legal deadline counts with it); a day that
    disagrees with chinesecalendar, or a year the library knows and the file lacks, is a warning for
    a human to settle against the State Council's notice. No file: nothing to review (deadlines
    count weekdays and say they are provisional)."""
    if not rules_path(settings.root).is_file():
        return []
    try:
        rules = load_rules(settings.root)
    except ValidationFailed as exc:
        return [Finding(ALL, "error", "workdays", problem.where(), problem.message) for problem in exc.problems]
    return [Finding(ALL, "warning", "workdays", problem.where(), problem.message) for problem in cross_check(rules)]


def _office_host(settings: Settings) -> str | None:
    """The site's own host (links to it are internal), when the office's identity can be read."""
    try:
        return urlsplit(published_office(settings).base_url).netloc or None
    except ValidationFailed:
        return None  # reported by the load, or by office_findings


def run(settings: Settings, release_ids: list[str] | None, clock: Clock, *, site: SiteFactory,
        load_first: bool = True, external: bool = False) -> Report:
    """Every check of these releases (all when None). `site` builds the site as it will be at an
    instant, to resolve internal links against."""
    from statpub.etl.load import load

    content = settings.content
    catalogue, calendar = content.load_content()
    calendar.require(release_ids or [])
    report = Report(list(release_ids or calendar.by_id))
    failed: set[str] = set()
    if load_first:
        try:
            load(settings, release_ids or None, clock=clock)
        except ValidationFailed as exc:
            report.load_failed = True
            for problem in exc.problems:
                rid = _release_of(problem)
                failed.add(rid)
                report.findings.append(Finding(rid, "error", "validation", problem.where(), problem.message))
    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    report.snapshot = snapshot.name
    config = load_review_config(content)
    report.findings += office_findings(settings) + workdays_findings(settings)
    host = _office_host(settings)
    link_sources: dict[str, list[tuple[str, str]]] = {}
    cur = snapshot.cursor()
    try:
        for rid in report.releases:
            if rid in failed or ALL in failed:
                continue
            release = snapshot.releases.get(rid)
            if release is None:
                report.findings.append(Finding(rid, "error", "validation", "calendar.yaml",
                                               "not in the loaded snapshot; run `statpub load`"))
                continue
            report.findings += check_release(cur, snapshot, release, config)
            link_sources[rid] = _link_sources(cur, release, snapshot.series)
    finally:
        cur.close()
    if any(extract_links(text) for sources in link_sources.values() for _w, text in sources):
        latest = max(snapshot.releases[rid].instant for rid in link_sources)
        resolver = LinkResolver(site(settings, max(clock.now(), latest)), host, external)
        for rid, sources in link_sources.items():
            report.findings += check_links(rid, sources, resolver)
    order = {s: i for i, s in enumerate(("error", "warning", "info"))}
    report.findings.sort(key=lambda f: (f.release, order[f.severity], f.check, f.where))
    return report


def check_release(cur: duckdb.DuckDBPyConnection, snapshot: Snapshot, release: ReleaseInfo,
                  config: ReviewConfig) -> list[Finding]:
    if not release.observation_count:
        return [Finding(release.id, "error", "validation", f"releases/{release.id}/",
                        "no data loaded: the release's folder has not arrived")]
    found = provenance_findings(cur, release)
    found += consistency.check_release(cur, release, snapshot.series, config.consistency)
    found += disclosure_findings(cur, release, snapshot.series, config)
    carried = texts.carried_figures(cur, release.id)
    found += texts.check_texts(release, texts.read_texts(cur, release.id), carried, snapshot.series)
    return found


def provenance_findings(cur: duckdb.DuckDBPyConnection, release: ReleaseInfo) -> list[Finding]:
    """Provenance is required for publication (not for a load): a file whose origin is not on
    record cannot be approved. The loader already refuses a sidecar whose checksum does not match."""
    missing = cur.execute("SELECT file FROM source_files WHERE release_id = ? AND provenance IS NULL ORDER BY file",
                          [release.id]).fetchall()
    return [Finding(release.id, "error", "provenance", file,
                    f"no provenance sidecar ({file.rsplit('/', 1)[-1]}.provenance.yaml): record where the file came "
                    f"from with `statpub source add {release.id} {file.rsplit('/', 1)[-1]} --source \"…\"` "
                    "(it computes the checksum)") for (file,) in missing]


def disclosure_findings(cur: duckdb.DuckDBPyConnection, release: ReleaseInfo,
                        series: dict[str, SeriesInfo], config: ReviewConfig) -> list[Finding]:
    """Verify the published pattern: every primary cell withheld, no withheld cell recoverable."""
    rules = config.disclosure
    controlled = [s.code for s in series.values() if s.disclosure_control]
    rows = cur.execute(
        "SELECT series_code, period, value, n_units, top2_share, status FROM observations "
        "WHERE release_id = ? AND list_contains(?, series_code)", [release.id, controlled]).fetchall()
    if not rows:
        return []
    found = []
    cells = {}
    for code, period, value, n_units, top2, status in rows:
        where = f"{code}@{period}"
        cell = disclosure.Cell((code, period), value, n_units, top2, "")
        withheld = "c" in (status or "")
        if n_units is None and top2 is None and not withheld:
            found.append(Finding(release.id, "error", "disclosure", where,
                                 "no contributor data (n_units, top2_share): disclosure control cannot be applied"))
        rule = disclosure.primary_rule(cell, rules)
        if rule and not withheld:
            found.append(Finding(release.id, "error", "disclosure", where,
                                 f"must be withheld: {disclosure.describe(cell, rule, rules)}"))
        cells[(code, period)] = disclosure.Cell((code, period), value, status=status or "")
    relations = disclosure.relations_for(series.values(), {p for _c, p in cells})
    outside = {k for r in relations for k in r.members if k not in cells}
    _known, unknown = disclosure.earlier_vintages(cur, release.id, outside)
    hidden = {k for k, c in cells.items() if "c" in c.status}
    for code, period in disclosure.recoverable(hidden | unknown, relations):
        if (code, period) in hidden:
            found.append(Finding(release.id, "error", "disclosure", f"{code}@{period}",
                                 "withheld, but it can be worked out from the published totals and components"))
    for code, period, rule, detail in cur.execute(
        "SELECT series_code, period, rule, detail FROM suppressed_cells WHERE release_id = ? "
        "ORDER BY series_code, period", [release.id]).fetchall():
        found.append(Finding(release.id, "info", "disclosure", f"{code}@{period}", f"withheld ({rule}): {detail}"))
    return found


def _link_sources(cur: duckdb.DuckDBPyConnection, release: ReleaseInfo,
                  series: dict[str, SeriesInfo]) -> list[tuple[str, str]]:
    sources = [(f"releases/{release.id}/interpretation.{lang}.md", text)
               for lang, text in sorted(texts.read_texts(cur, release.id).items())]
    meta = [release.title_zh, release.title_en, release.revision_reason_zh or "", release.revision_reason_en or ""]
    meta += [item.reason_zh or "" for item in release.history] + [item.reason_en or "" for item in release.history]
    sources.append((f"calendar.yaml releases[{release.id}]", "\n".join(meta)))
    for code in release.series:
        info = series.get(code)
        if info:
            sources.append((f"releases/catalogue.yaml {code}",
                            "\n".join((info.definition_zh, info.definition_en, info.source_zh, info.source_en))))
    return sources
