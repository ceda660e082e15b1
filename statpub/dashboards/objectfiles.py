"""The researchers' files on the object store, under `<prefix>/public/`, for the public and a CDN.

Each file is fetched through the site itself (its Flask app, as an anonymous public reader, at the
clock's instant), so the bytes, Content-Type and Cache-Control are exactly what the site serves,
and nothing the gate has not made public can be fetched: a release before its instant answers 404
and is not uploaded. Embargoed bytes therefore never sit under `public/`.

- pinned vintages (`api/v1/files/<release-id>/…`): uploaded once, after the release's instant,
  `immutable`; a `.complete` marker written last says the vintage is whole.
- `latest` (`api/v1/files/latest/…`): re-uploaded whenever the latest public release or the next
  instant changes. An object's max-age would count from whenever a CDN fetches it, so it could
  reach past the instant; these carry their bound as an absolute `Expires` at the next release
  instant instead (with `Cache-Control: public` and no max-age, so the Expires is what counts).

`publish_files` is called by `statpub sync` and by the scheduler at every release instant (job
`objectstore.files`), so each vintage appears within moments of its instant.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

from statpub.kernel.clock import Clock, clock_from_env
from statpub.kernel.config import Settings
from statpub.kernel.errors import StatpubError
from statpub.kernel.jobs import Job, Occurrence, at_instants, hookimpl
from statpub.warehouse.gate import Gate
from statpub.warehouse.objectstore import COMPLETE, ObjectStore, read_json
from statpub.warehouse.reader import WarehouseReader

PUBLIC = "public"
FILES = "api/v1/files"
log = logging.getLogger("statpub.objectstore")


def vintage_files(release_id: str) -> list[str]:
    """What is uploaded per vintage: the whole-vintage files and the release's own figures."""
    return ["datapackage.json", "history.parquet", "values.parquet", "values.csv",
            f"releases/{release_id}.parquet", f"releases/{release_id}.csv", f"releases/{release_id}.jsonstat.json"]


@dataclass
class PublishReport:
    uploaded: list[str] = field(default_factory=list)
    skipped_vintages: list[str] = field(default_factory=list)
    not_public: list[str] = field(default_factory=list)


def _exists(client, store: ObjectStore, key: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        client.head_object(Bucket=store.bucket, Key=store.key(key))
        return True
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise


def _fetch(site, path: str):
    """The site's answer for one file; waits out the API's rate limit (this process is one client
    asking for many files), and refuses anything but 200 or 404 so a vintage is never marked
    complete with a file missing."""
    for _ in range(120):
        response = site.get(f"/{FILES}/{path}")
        if response.status_code != 429:
            break
        time.sleep(min(5.0, float(response.headers.get("Retry-After", "1"))))
    if response.status_code not in (200, 404):
        raise StatpubError(f"{FILES}/{path}: the site answered {response.status_code}; nothing marked complete")
    return response


def _upload(client, store: ObjectStore, site, path: str, report: PublishReport,
            expires: datetime | None = None) -> bool:
    response = _fetch(site, path)
    if response.status_code != 200:
        return False
    body = response.get_data()
    timing = {"CacheControl": response.headers.get("Cache-Control", "public, max-age=60")}
    if expires is not None:  # latest: an absolute bound, whenever the object is fetched
        timing = {"CacheControl": "public", "Expires": expires}
    client.put_object(Bucket=store.bucket, Key=store.key(f"{PUBLIC}/{FILES}/{path}"), Body=body,
                      ContentType=response.headers.get("Content-Type", "application/octet-stream"),
                      Metadata={"sha256": hashlib.sha256(body).hexdigest()}, **timing)
    report.uploaded.append(path)
    return True


def publish_files(settings: Settings, clock: Clock, store: ObjectStore, client=None) -> PublishReport:
    from statpub.dashboards.app import create_app

    client = client or store.client()
    report = PublishReport()
    gate = Gate(WarehouseReader(settings.warehouse_dir).snapshot(), clock.now())
    site = create_app(settings, clock, follow_store=False).server.test_client()  # an anonymous, public reader
    public = [r for r in gate.visible_releases() if r.observation_count and gate.is_public(r)]
    complete = set(read_json(store, client, COMPLETE) or ())
    for release in public:
        marker = f"{PUBLIC}/{FILES}/{release.id}/.complete"
        if _exists(client, store, marker):
            report.skipped_vintages.append(release.id)
            continue
        for name in vintage_files(release.id):
            if not _upload(client, store, site, f"{release.id}/{name}", report):
                report.not_public.append(f"{release.id}/{name}")
        client.put_object(Bucket=store.bucket, Key=store.key(marker), Body=b"{}", ContentType="application/json")
        complete.add(release.id)
    if complete != set(read_json(store, client, COMPLETE) or ()):  # nodes redirect to these
        client.put_object(Bucket=store.bucket, Key=store.key(COMPLETE), Body=json.dumps(sorted(complete)).encode(),
                          ContentType="application/json", CacheControl="public, max-age=5")
    latest = gate.latest_shown()  # the pinned twin of `latest` (the last release statpub showed)
    _publish_latest(client, store, site, latest.id if latest else None, gate.next_instant(), report)
    if report.uploaded:
        log.info(json.dumps({"event": "files_published", "count": len(report.uploaded),
                             "vintages": sorted({p.split("/")[0] for p in report.uploaded})}))
    return report


def _publish_latest(client, store: ObjectStore, site, latest: str | None, next_instant: datetime | None,
                    report: PublishReport) -> None:
    """`latest/…` follows the newest public release; its marker names the release it holds and
    the instant its objects expire at."""
    if latest is None:
        return
    state = f"{latest} {next_instant.isoformat() if next_instant else '-'}"
    from botocore.exceptions import ClientError

    marker = store.key(f"{PUBLIC}/{FILES}/latest/.release")
    try:
        held = client.get_object(Bucket=store.bucket, Key=marker)["Body"].read().decode()
    except ClientError:
        held = None
    if held == state:
        return
    for name in vintage_files(latest)[:4]:
        _upload(client, store, site, f"latest/{name}", report, expires=next_instant)
    client.put_object(Bucket=store.bucket, Key=marker, Body=state.encode(), ContentType="text/plain")


@hookimpl
def scheduled_jobs(settings: Settings):
    """At every release instant, the newly public vintage's files go to the store."""
    store = ObjectStore.from_env()
    if store is None:
        return []

    def instants():
        return [r.instant for r in WarehouseReader(settings.warehouse_dir).snapshot().releases.values()]

    def run(occurrence: Occurrence) -> None:
        publish_files(settings, clock_from_env(), store)

    return [Job("objectstore.files", at_instants(instants), run,
                description="upload the files of each vintage to the object store once it is public")]
