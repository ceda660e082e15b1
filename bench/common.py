"""Shared benchmark helpers: timed subprocesses with their peak memory, percentiles, machine info."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "bench" / "data"


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float


def run_measured(args: list[str], env: dict[str, str] | None = None, code: Path = REPO) -> Run:
    """Run a command in a fresh process; wall time and that process's peak RSS (via wait4).
    `code`: the checkout whose `statpub` it runs (another one to compare with an earlier version)."""
    full_env = {**os.environ, "PYTHONPATH": str(code), **(env or {})}
    start = time.perf_counter()
    process = subprocess.Popen(args, env=full_env, cwd=code)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(args)} failed")
    return Run(seconds, usage.ru_maxrss / 1024)


def python(*code_lines: str) -> list[str]:
    return [sys.executable, "-c", "\n".join(code_lines)]


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def median(samples: list[float]) -> float:
    return statistics.median(samples)




def approve_synthetic(con) -> None:
    """Synthetic warehouses are written by SQL, not by the loader, and have no reviewer: compute
    the content hashes as the loader does and record an approval of exactly that content an hour
    before each instant, so the gate publishes them at their instants (the review rules are
    exercised by tests/review, not here)."""
    from statpub.etl import content_hash

    ids = {rid for (rid,) in con.execute("SELECT release_id FROM releases").fetchall()}
    content_hash.refresh(con, ids, {}, set())
    con.execute(
        "INSERT INTO approvals (position, release_id, reviewer, approved_at, content_hash, data_hash, texts_hash, "
        "entry_hash, user_name, record) SELECT row_number() OVER (ORDER BY r.instant, r.release_id), r.release_id, "
        "'bench reviewer', r.instant - INTERVAL 1 HOUR, c.content_hash, c.data_hash, c.texts_hash, c.entry_hash, "
        "'bench', 'synthetic approval' FROM releases r JOIN release_content c USING (release_id)")
