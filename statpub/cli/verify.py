"""Recording manifests at publication and verifying every published vintage against them.

`record` writes one manifest per release that has gone public and has none yet (and a new file
entry when a pinned file's format version changed, once the data inside is shown unchanged).
`verify` recomputes from the current snapshot — its rows, its texts, and each pinned file as the
site serves it now — and lists every difference by release, series and period. Pinned files are
fetched through the site itself (an in-process client of the app), so what is checked is what a
researcher downloads, cache and all.

Until the project's scheduler exists, `statpub watch` records manifests when it sees a release go
out, and operators run `statpub manifests record` after each instant (or from cron).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime

from statpub import __version__
from statpub.kernel.clock import Clock
from statpub.kernel.config import Settings
from statpub.kernel.errors import UserError
from statpub.warehouse import manifests as mf
from statpub.warehouse.publication import is_public, public_since
from statpub.warehouse.reader import ReleaseInfo, Snapshot, WarehouseReader


@dataclass
class VerifyReport:
    checked: list[str] = field(default_factory=list)
    drift: list[mf.Drift] = field(default_factory=list)
    unrecorded: list[str] = field(default_factory=list)  # public, but no manifest yet
    format_changes: list[str] = field(default_factory=list)  # pinned files whose format version moved on
    files_checked: int = 0
    series_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.drift

    def as_json(self) -> dict:
        return {"ok": self.ok, "checked": self.checked, "drift": [d.as_json() for d in self.drift],
                "unrecorded": self.unrecorded, "format_changes": self.format_changes,
                "files_checked": self.files_checked, "series_checked": self.series_checked}


def published(snapshot: Snapshot, now: datetime) -> list[ReleaseInfo]:
    return [r for r in snapshot.releases.values() if r.observation_count and is_public(r, now)]


class SiteFiles:
    """Pinned files as the site serves them, fetched through an in-process client of the app."""

    def __init__(self, settings: Settings, clock: Clock):
        from statpub.dashboards.api import ENV_RATE
        from statpub.dashboards.app import create_app
        from statpub.dashboards.formats import PINNED_FORMAT_VERSIONS

        # The office's own tool fetching every pinned file is not a visitor to throttle.
        saved = os.environ.get(ENV_RATE)
        os.environ[ENV_RATE] = "0"
        try:
            # follow_store=False: the bytes the app builds, never a redirect to the object store.
            self.client = create_app(settings, clock, follow_store=False).server.test_client()
        finally:
            if saved is None:
                os.environ.pop(ENV_RATE, None)
            else:
                os.environ[ENV_RATE] = saved
        self.versions = PINNED_FORMAT_VERSIONS

    def fetch(self, path: str) -> bytes | None:
        """The bytes served at `path`; None when it is not found (404)."""
        answer = self.client.get(path)
        if answer.status_code == 404:
            return None
        if answer.status_code != 200:
            raise UserError(f"{path}: the site answered {answer.status_code}: {answer.get_data(as_text=True)[:200]}")
        return answer.get_data()

    def entries(self, release: ReleaseInfo) -> list[dict]:
        from statpub.dashboards.api.files import pinned_files

        out = []
        for path, kind in pinned_files(release):
            body = self.fetch(path)
            if body is not None:  # a series the vintage has no figure of is not a file
                out.append({"path": path, "format": kind, "format_version": self.versions[kind],
                            "sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body)})
        return out


def record(settings: Settings, clock: Clock, *, files: bool = True) -> list[str]:
    """Append a manifest for every published release without one; returns the ids recorded."""
    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    folder = mf.manifests_dir(settings)
    done = []
    with mf.exclusive(folder):
        record_ = mf.ManifestRecord.open(folder)
        if record_.problems:
            raise UserError("the manifest record is damaged; nothing appended: "
                            + "; ".join(str(p) for p in record_.problems))
        have = record_.latest()
        site = SiteFiles(settings, clock) if files else None
        cur = snapshot.cursor()
        try:
            public = published(snapshot, clock.now())
            new = [r.id for r in public if r.id not in have]
            mf.prepare(cur, [r.id for r in public if r.id not in have or site is not None])
            digests = mf.release_digests(cur)
            sidecar = None
            if new:  # one sidecar for the rows of every release recorded now
                name = f"rows/{len(record_.lines):06d}-{len(new)}.parquet"
                sidecar = (name, mf.write_rows_sidecar(cur, new, folder / name))
            for release in public:
                if release.id not in have:
                    record_.append(_publication(cur, snapshot, release, digests, sidecar, site, clock.now()))
                    done.append(release.id)
                elif site is not None and _format_update(cur, record_, have[release.id], release, site, clock,
                                                         digests):
                    done.append(f"{release.id} (new file format versions)")
        finally:
            cur.close()
    return done


def _publication(cur, snapshot: Snapshot, release: ReleaseInfo, digests: dict, sidecar: tuple[str, str],
                 site: SiteFiles | None, now: datetime) -> dict:
    rows, series, digest = digests.get(release.id, (0, 0, mf.EMPTY))
    content = cur.execute("SELECT content_hash, data_hash, texts_hash, entry_hash FROM release_content "
                          "WHERE release_id = ?", [release.id]).fetchone()
    since = public_since(release)
    return {
        "kind": "publication", "manifest": mf.MANIFEST_VERSION, "release": release.id,
        "recorded_at": now.isoformat(), "instant": release.instant.isoformat(),
        "public_since": since.isoformat() if since else None, "statpub": __version__, "snapshot": snapshot.name,
        "content": dict(zip(("content_hash", "data_hash", "texts_hash", "entry_hash"), content or (), strict=False)),
        "rows": {"digest": mf.ROWS_DIGEST, "count": rows, "series": series, "sha256": digest,
                 "sidecar": sidecar[0], "sidecar_sha256": sidecar[1]},
        "texts": mf.text_digests(cur, release.id),
        "files": site.entries(release) if site is not None else [],
    }


def _format_update(cur, record_: mf.ManifestRecord, manifest: dict, release: ReleaseInfo, site: SiteFiles,
                   clock: Clock, digests: dict) -> bool:
    """Record pinned files whose format version moved on — only if the data inside is unchanged."""
    stale = [e for e in record_.files(release.id).values() if e["format_version"] != site.versions[e["format"]]]
    if not stale or _data_drift(cur, release.id, manifest, record_.folder, digests, {}):
        return False
    wanted = {e["path"] for e in stale}
    fresh = [e for e in site.entries(release) if e["path"] in wanted]
    record_.append({"kind": "format-update", "manifest": mf.MANIFEST_VERSION, "release": release.id,
                    "recorded_at": clock.now().isoformat(), "statpub": __version__, "files": fresh})
    return True


def verify(settings: Settings, clock: Clock, *, every: bool = False, release_ids: list[str] | None = None,
           files: bool = True, sample: int = 3) -> VerifyReport:
    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    folder = mf.manifests_dir(settings)
    record_ = mf.ManifestRecord.open(folder)
    report = VerifyReport(drift=list(record_.problems))
    manifests = record_.latest()
    public = published(snapshot, clock.now())
    chosen = _choose(public, every, release_ids, sample, clock.now())
    site = SiteFiles(settings, clock) if files and chosen else None
    cur = snapshot.cursor()
    sidecars: dict[str, bool] = {}  # sidecar → intact (hashed once, shared by the releases it holds)
    try:
        mf.prepare(cur, [r.id for r in chosen])
        digests = mf.release_digests(cur)
        for release in chosen:
            manifest = manifests.get(release.id)
            if manifest is None:
                report.unrecorded.append(release.id)
                continue
            report.checked.append(release.id)
            report.series_checked += manifest["rows"]["series"]
            report.drift += _data_drift(cur, release.id, manifest, folder, digests, sidecars)
            if site is not None:
                _check_files(site, record_, release.id, report)
    finally:
        cur.close()
    public_ids = {r.id for r in public}
    report.drift += [mf.Drift(rid, "record", detail="a manifest exists but the release is not public in the "
                              "current snapshot") for rid in manifests if rid not in public_ids
                     and (every or rid in (release_ids or []))]
    return report


def _choose(public: list[ReleaseInfo], every: bool, release_ids: list[str] | None, sample: int,
            now: datetime) -> list[ReleaseInfo]:
    if release_ids:
        unknown = set(release_ids) - {r.id for r in public}
        if unknown:
            raise UserError(f"not a published release: {', '.join(sorted(unknown))}")
        return [r for r in public if r.id in release_ids]
    if every or len(public) <= sample:
        return public
    # The newest release, and a sample that rotates day by day so every release gets its turn.
    rest = public[:-1]
    start = now.toordinal() * (sample - 1) % len(rest)
    return [*(rest[(start + i) % len(rest)] for i in range(sample - 1)), public[-1]]


def _data_drift(cur, release_id: str, manifest: dict, folder, digests: dict, sidecars: dict) -> list[mf.Drift]:
    drift = []
    rows = manifest["rows"]
    count, _series, digest = digests.get(release_id, (0, 0, mf.EMPTY))
    if (count, digest) != (rows["count"], rows["sha256"]):
        name = rows["sidecar"]
        if name not in sidecars:
            path = folder / name
            sidecars[name] = path.is_file() and mf.file_sha256(path) == rows["sidecar_sha256"]
        located = mf.locate(cur, release_id, folder / name) if sidecars[name] else []
        drift += located or [mf.Drift(release_id, "rows", None, None, (
            f"its rows differ from what was published ({name} is missing or damaged: series and periods "
            "cannot be named)") if not sidecars[name] else "its rows differ from what was published")]
    for lang, text_digest in mf.text_digests(cur, release_id).items():
        if text_digest != manifest["texts"].get(lang):
            drift.append(mf.Drift(release_id, "texts", None, None, f"the {lang} interpretation differs from "
                                                                   "what was published"))
    return drift


def _check_files(site: SiteFiles, record_: mf.ManifestRecord, release_id: str, report: VerifyReport) -> None:
    for path, entry in record_.files(release_id).items():
        if entry["format_version"] != site.versions[entry["format"]]:
            report.format_changes.append(f"{path}: recorded as {entry['format']} v{entry['format_version']}, "
                                         f"now v{site.versions[entry['format']]} (`statpub manifests record`)")
            continue
        body = site.fetch(path)
        report.files_checked += 1
        series = path.rsplit("/", 1)[-1].split(".", 1)[0] if "/series/" in path else None
        if body is None:
            report.drift.append(mf.Drift(release_id, "file", series, None, f"{path} is no longer served"))
        elif hashlib.sha256(body).hexdigest() != entry["sha256"]:
            report.drift.append(mf.Drift(release_id, "file", series, None,
                                         f"{path}: sha256 {hashlib.sha256(body).hexdigest()[:16]}… served, "
                                         f"{entry['sha256'][:16]}… published (a cached file was altered, or "
                                         "the data it is built from changed)"))
