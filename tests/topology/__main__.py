"""`make cluster`: the multi-node topology on this machine with the demo content, until Ctrl-C.

    python -m tests.topology [--now 2026-12-10T09:57:30+08:00] [--nodes 2]

Loads the demo into a throwaway warehouse, starts PostgreSQL, SeaweedFS, the nodes and nginx on
free loopback ports and prints their addresses; everything is stopped and removed on Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import tempfile
from pathlib import Path

from statpub.etl.load import load
from statpub.kernel.clock import Clock
from statpub.kernel.config import Settings
from tests.paths import REPO_ROOT
from tests.topology.cluster import Topology


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--now", default=None, help="the shared injected clock (default: the real time)")
    parser.add_argument("--nodes", type=int, default=2)
    args = parser.parse_args(argv)
    now = args.now or Clock().now().isoformat(timespec="seconds")
    # Ctrl-C and SIGTERM are waited for below, never raised mid-way: everything started is stopped.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    with tempfile.TemporaryDirectory(prefix="statpub-cluster-demo-") as folder:
        warehouse = Path(folder) / "warehouse"
        print("loading the demo content…", flush=True)
        load(Settings(root=REPO_ROOT, warehouse_dir=warehouse), clock=Clock())
        topology = Topology(warehouse, now=now, nodes=args.nodes).start()
        try:
            print(f"nginx (the public address): {topology.proxy.url}")
            for i, node in enumerate(topology.nodes):
                print(f"node {i}: {node.url}")
            print(f"PostgreSQL: {topology.database_url}")
            print(f"S3 (SeaweedFS): {topology.s3.endpoint}")
            print("Ctrl-C stops everything.", flush=True)
            signal.sigwait({signal.SIGINT, signal.SIGTERM})
        finally:
            topology.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
