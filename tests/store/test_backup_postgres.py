"""The operational store's PostgreSQL backup path on a real server (Debian's initdb/pg_ctl, run as
the `postgres` user when the tests run as root): `backup_store` writes a pg_dump, `restore_store`
puts it into an empty database, append-only triggers and rows intact. The store object here only
says what the PostgreSQL store says about itself (dialect and URL); the dump and restore are real."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from statpub.store.backup import PG_FILE, backup_store, restore_store
from tests.helpers import free_port

SCHEMA = """
CREATE TABLE access_log (id BIGSERIAL PRIMARY KEY, at TEXT NOT NULL, user_name TEXT NOT NULL, release_id TEXT NOT NULL);
CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'append-only'; END $$;
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log FOR EACH ROW EXECUTE FUNCTION refuse();
INSERT INTO access_log (at, user_name, release_id) VALUES
  ('2026-12-09T02:00:00+00:00', 'press.wang', '2026-q4-economy'), ('2026-12-09T02:05:00+00:00', '记者', 'q1');
"""


@dataclass(frozen=True)
class PostgresDatabase:
    dialect: str
    url: str


class Cluster:
    def __init__(self) -> None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
        assert found, "PostgreSQL server not installed (tools/install_system_deps.sh: postgresql)"
        self.bin = found[-1].parent
        self.base = Path(tempfile.mkdtemp(prefix="statpub-pg-backup-"))
        self.port = free_port()
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.base, user.pw_uid, user.pw_gid)

    def run(self, *args: str, stdin: str | None = None) -> str:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, input=stdin, cwd=self.base, timeout=120)
        assert done.returncode == 0, f"{args[0]}: {done.stdout}{done.stderr}"
        return done.stdout

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    pg = Cluster()
    data = pg.base / "data"
    pg.run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
    pg.run("pg_ctl", "-D", str(data), "-l", str(pg.base / "log"), "-w", "-t", "60", "-o",
           f"-p {pg.port} -k {pg.base} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
    try:
        yield pg
    finally:
        pg.run("pg_ctl", "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(pg.base, ignore_errors=True)


def _rows(pg: Cluster, database: str) -> str:
    return pg.run("psql", "-At", "-d", pg.url(database), "-c",
                  "SELECT id, at, user_name, release_id FROM access_log ORDER BY id")


def test_pg_dump_backup_restores_into_an_empty_database(cluster: Cluster, tmp_path: Path):
    cluster.run("createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "live")
    cluster.run("psql", "-v", "ON_ERROR_STOP=1", "-d", cluster.url("live"), stdin=SCHEMA)
    dump = backup_store(PostgresDatabase("postgresql", cluster.url("live")), tmp_path / "store")
    assert dump == tmp_path / "store" / PG_FILE and dump.stat().st_size > 0

    cluster.run("createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "restored")
    restore_store(PostgresDatabase("postgresql", cluster.url("restored")), tmp_path / "store")
    assert _rows(cluster, "restored") == _rows(cluster, "live")
    assert "记者" in _rows(cluster, "restored")
    refused = subprocess.run(["psql", "-d", cluster.url("restored"), "-c", "DELETE FROM access_log"],
                             capture_output=True, text=True)
    assert "append-only" in refused.stderr  # the trigger came back with the data
