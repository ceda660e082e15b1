"""`statpub doctor`: is this install able to publish? Content valid, warehouse readable and current,
the clock sane, and what briefing packs and browser tests need (Chromium, CJK fonts)."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime

from statpub.kernel.clock import ENV_NOW, Clock, format_beijing
from statpub.kernel.config import Settings
from statpub.kernel.errors import StatpubError

OK, WARN, FAIL = "ok", "warn", "fail"
MIN_FREE_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class Finding:
    check: str
    level: str
    detail: str


def run_checks(settings: Settings, clock: Clock) -> list[Finding]:
    findings = [_content(settings), *_warehouse(settings, clock), _verify_sample(settings, clock), _clock(clock),
                _disk(settings), _front(), _chromium(), _fonts(), _plotlyjs()]
    return findings


def _front() -> Finding:
    from statpub.dashboards.front import nginx_binary

    found = nginx_binary()
    if found is None:
        return Finding("front", FAIL, "nginx not found: `statpub serve` runs behind it (apt-get install nginx), "
                                      "or use --front none behind a buffering proxy of your own")
    return Finding("front", OK, f"nginx at {found} (in front of gunicorn)")


def _content(settings: Settings) -> Finding:
    try:
        catalogue = settings.content.load_catalogue()
        calendar = settings.content.load_calendar(catalogue)
    except StatpubError as exc:
        return Finding("content", FAIL, exc.message)
    return Finding("content", OK, f"{len(calendar.releases)} releases, {len(catalogue.series)} series "
                                  f"in {settings.root}")


def _warehouse(settings: Settings, clock: Clock) -> list[Finding]:
    from statpub.warehouse.gate import Gate
    from statpub.warehouse.reader import WarehouseReader
    from statpub.warehouse.schema import migrations, schema_version

    try:
        snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    except StatpubError as exc:
        return [Finding("warehouse", FAIL, exc.message)]
    except Exception as exc:  # a damaged file is exactly what doctor must report
        return [Finding("warehouse", FAIL, f"snapshot unreadable: {type(exc).__name__}: {exc}")]
    cur = snapshot.cursor()
    try:
        version = schema_version(cur)
        loaded = cur.execute("SELECT max(finished_at) FROM load_log").fetchone()[0]
    finally:
        cur.close()
    newest = max((v for v, _, _ in migrations()), default=0)
    findings = [Finding("warehouse", OK, f"{snapshot.name}: {len(snapshot.releases)} releases, schema {version}")]
    if version < newest:
        findings.append(Finding("schema", WARN, f"snapshot schema {version} < code's {newest}: run `statpub load`"))
    gate = Gate(snapshot, clock.now())
    missing = [r.id for r in gate.calendar() if not r.observation_count and r.instant <= clock.now()
               and r.publishable_state]
    if missing:
        findings.append(Finding("releases", WARN, f"instant passed but no data loaded: {', '.join(missing)}"))
    if loaded is not None and loaded.astimezone(UTC) > clock.now():
        findings.append(Finding("clock", FAIL, f"the last load finished at {loaded.isoformat()}, after the "
                                               "clock's now: the clock is behind, releases would go out late"))
    return findings


def _verify_sample(settings: Settings, clock: Clock) -> Finding:
    """A quick sample of `statpub verify`: the newest published release and two others, rows and
    texts against their manifests (`statpub verify --all` checks everything, files too)."""
    from statpub.cli.verify import verify

    try:
        report = verify(settings, clock, files=False)
    except StatpubError as exc:
        return Finding("verify", WARN, exc.message)
    except Exception as exc:
        return Finding("verify", FAIL, f"{type(exc).__name__}: {exc}")
    if report.drift:
        return Finding("verify", FAIL, f"{len(report.drift)} difference(s) from what was published, e.g. "
                                       f"{report.drift[0]} (`statpub verify --all`)")
    if report.unrecorded:
        return Finding("verify", WARN, "published without a manifest: " + ", ".join(report.unrecorded[:5])
                       + " (`statpub manifests record`)")
    return Finding("verify", OK, f"sample of {len(report.checked)} release(s) reads as published: "
                                 + ", ".join(report.checked))


def _clock(clock: Clock) -> Finding:
    now = clock.now()
    if clock.injected:
        return Finding("clock", WARN, f"{ENV_NOW} is set: the clock reads {format_beijing(now, 'en')} "
                                      "(demos and tests only, never in production)")
    drift = abs((now - datetime.now(UTC)).total_seconds())
    if now.year < 2020:
        return Finding("clock", FAIL, f"system clock reads {now.isoformat()}")
    return Finding("clock", OK, f"system clock {format_beijing(now, 'en')} (drift from wall clock {drift:.3f} s); "
                                "keep it synchronised with NTP")


def _disk(settings: Settings) -> Finding:
    from statpub.warehouse.diskuse import measure
    from statpub.warehouse.snapshots import SnapshotStore

    try:
        current = SnapshotStore(settings.warehouse_dir).current()
    except StatpubError:
        current = None
    use = measure(settings.warehouse_dir, current)
    warnings = use.warnings()
    if use.fs_free < MIN_FREE_BYTES:
        warnings.append(f"less than {MIN_FREE_BYTES // 1024**3} GiB free")
    return Finding("disk", WARN if warnings else OK, "; ".join([use.summary(), *warnings]))


def _chromium() -> Finding:
    path = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        return Finding("chromium", WARN, "not found: chart images in briefing packs and browser tests need it "
                                         "(tools/install_system_deps.sh)")
    try:
        version = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Finding("chromium", WARN, f"{path} did not answer: {exc}")
    return Finding("chromium", OK, version or path)


def _fonts() -> Finding:
    try:
        listing = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        listing = ""
    if "Noto Sans CJK" in listing or "Noto Serif CJK" in listing:
        return Finding("fonts", OK, "Noto CJK fonts present (Chinese labels in charts and documents)")
    return Finding("fonts", WARN, "no Noto CJK font: Chinese in charts would render as boxes (fonts-noto-cjk)")


def _plotlyjs() -> Finding:
    from statpub.dashboards import plotlyjs

    bundle = plotlyjs.basic_bundle()
    if bundle is None:
        return Finding("plotly.js", WARN, "the site uses Dash's full plotly.js (4.6 MB, slower first chart): "
                                          "`make install` fetches the pinned basic bundle")
    return Finding("plotly.js", OK, f"basic bundle {bundle.version} served to browsers")
