"""`make cluster`: start the multi-node topology on this machine (PostgreSQL, SeaweedFS, two app
nodes, nginx in front; tests/topology/cluster.py) with the demo content, print where everything is,
and keep it running until Ctrl-C, then stop everything it started."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from statpub.etl.load import load  # noqa: E402
from statpub.kernel.clock import Clock  # noqa: E402
from statpub.kernel.config import Settings  # noqa: E402
from statpub.warehouse.snapshots import SnapshotStore  # noqa: E402
from tests.paths import REPO_ROOT  # noqa: E402
from tests.topology.cluster import Topology  # noqa: E402


def main() -> int:
    demo = Settings(root=REPO_ROOT, warehouse_dir=REPO_ROOT / "warehouse" / "data")
    if SnapshotStore(demo.warehouse_dir).current() is None:
        load(demo, clock=Clock())
    topology = Topology(demo.warehouse_dir, now="", workers=2)
    topology.now = Clock().now().isoformat()
    topology.start()
    print(f"cache (nginx):   {topology.proxy.url}")
    for i, node in enumerate(topology.nodes):
        print(f"node {i}:          {node.url}   log {node.log}")
    print(f"PostgreSQL:      {topology.database_url}")
    print(f"object store:    {topology.s3.endpoint} (bucket statpub, prefix site)")
    print("Ctrl-C stops everything.")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while True:
            time.sleep(3600)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        topology.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
