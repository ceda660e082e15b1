"""The multi-node topology on one machine: PostgreSQL, SeaweedFS (S3), a loading machine's folder,
two app nodes (separate processes, each with its own content copy and snapshot folder: nothing
shared on disk) and nginx in front. Every clock is the same injected one (STATPUB_NOW with one
anchor), so the nodes cross a release instant together.

    topology = Topology(demo_warehouse, now="2026-12-10T09:57:30+08:00").start()
    ... topology.proxy.url, topology.nodes[0].url, topology.loader_env() ...
    topology.stop()
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from statpub.kernel.config import Settings
from statpub.kernel.content import copy_content
from tests.helpers import LiveServer, run_cli, start_server
from tests.paths import REPO_ROOT
from tests.topology.objectstore import ObjectStoreServer
from tests.topology.postgres import PostgresCluster
from tests.topology.proxy import CachingProxy


def content_copy(target: Path) -> Path:
    target.mkdir(parents=True)
    copy_content(REPO_ROOT, target)
    return target


class Topology:
    def __init__(self, demo_warehouse: Path, now: str, *, nodes: int = 2, workers: int = 2,
                 postgres: PostgresCluster | None = None):
        self.base = Path(tempfile.mkdtemp(prefix="statpub-cluster-"))
        self.demo_warehouse = demo_warehouse
        self.now, self.anchor = now, repr(time.time())
        self.node_count, self.workers = nodes, workers
        self.postgres, self.own_postgres = postgres, postgres is None
        self.s3 = ObjectStoreServer()
        self.nodes: list[LiveServer] = []
        self.node_settings: list[Settings] = []
        self.proxy: CachingProxy | None = None
        self.database_url = ""

    def shared_env(self) -> dict[str, str]:
        return {**self.s3.env(), "STATPUB_DATABASE_URL": self.database_url, "STATPUB_CLOCK_ANCHOR": self.anchor,
                "STATPUB_NOW": self.now, "STATPUB_OBJECT_STORE_POLL": "0.5",
                "STATPUB_TRUSTED_PROXIES": "1"}  # nginx forwards the client's address

    @property
    def loader(self) -> Settings:
        root = self.base / "loader"
        return Settings(root=root, warehouse_dir=root / "warehouse" / "data", database_url=self.database_url)

    def loader_cli(self, *args: str, timeout: float = 300):
        """The statpub command on the loading machine (its own folder, the shared store and clock)."""
        return run_cli(*args, settings=self.loader, timeout=timeout, **self.shared_env())

    def start(self) -> Topology:
        try:
            if self.postgres is None:
                self.postgres = PostgresCluster().start()
            self.database_url = self.postgres.create_database()
            self.s3.start()
            # The loading machine: the demo content and its loaded warehouse, uploaded by `statpub sync`.
            content_copy(self.loader.root)
            shutil.copytree(self.demo_warehouse, self.loader.warehouse_dir, symlinks=True,
                            ignore=shutil.ignore_patterns("cache", "operational.sqlite*", "*.lock"))
            synced = self.loader_cli("sync", "--json")
            if synced.returncode != 0:
                raise RuntimeError(f"statpub sync failed:\n{synced.stdout}\n{synced.stderr}")
            for i in range(self.node_count):
                self.start_node(i)
            self.proxy = CachingProxy([n.url.removeprefix("http://") for n in self.nodes]).start()
        except BaseException:
            self.stop()
            raise
        return self

    def start_node(self, i: int) -> LiveServer:
        root = self.base / f"node{i}"
        if not root.exists():  # a restarted node keeps its folder, as a rebooted machine would
            content_copy(root)
        settings = Settings(root=root, warehouse_dir=root / "warehouse" / "data", database_url=self.database_url)
        env = {k: v for k, v in self.shared_env().items() if k != "STATPUB_NOW"}
        node = start_server(settings, now=self.now, workers=self.workers, env=env, timeout=120)
        if i < len(self.nodes):
            self.nodes[i], self.node_settings[i] = node, settings
        else:
            self.nodes.append(node)
            self.node_settings.append(settings)
        return node

    def kill_node(self, i: int) -> None:
        """As a machine dies: SIGKILL to gunicorn's master, then to its workers."""
        import os
        import signal

        import psutil

        process = psutil.Process(self.nodes[i].process.pid)
        family = [process, *process.children(recursive=True)]
        for p in family:
            try:
                os.kill(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.nodes[i].process.wait(10)

    def stop(self) -> None:
        if self.proxy is not None:
            self.proxy.stop()
        for node in self.nodes:
            node.stop()
        self.s3.stop()
        if self.own_postgres and self.postgres is not None:
            self.postgres.stop()
        shutil.rmtree(self.base, ignore_errors=True)
