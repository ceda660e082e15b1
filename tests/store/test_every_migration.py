"""Every feature's and layer's store migrations apply on both engines, twice without effect: no
feature ships SQL that only SQLite understands. (The warehouse's migrations are DuckDB's, not the
store's.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from statpub.store import Store
from tests.paths import REPO_ROOT

PACKAGE = REPO_ROOT / "statpub"


def store_migration_folders() -> list[Path]:
    folders = {p.parent for p in PACKAGE.rglob("migrations/**/*.sql")} | {p.parent for p in PACKAGE.rglob("migrations/*.sql")}
    return sorted(f for f in folders if "warehouse" not in f.relative_to(PACKAGE).parts)


def test_the_known_store_migrations_are_found():
    names = {str(f.relative_to(PACKAGE)) for f in store_migration_folders()}
    assert {"features/press/migrations", "dashboards/api/migrations", "store/migrations/scheduler"} <= names


@pytest.mark.parametrize("folder", store_migration_folders(), ids=lambda f: str(f.relative_to(PACKAGE)))
def test_every_store_migration_applies_on_both_engines(any_store: Store, folder: Path):
    namespace = "-".join(folder.relative_to(PACKAGE).parts)
    any_store.migrate(namespace, folder)
    any_store.migrate(namespace, folder)
    with any_store.connect() as con:
        applied = con.execute("SELECT count(*) FROM store_migrations WHERE namespace = ?", [namespace]).fetchone()[0]
    assert applied == len({p.name.split("_")[0] for p in folder.glob("*.sql")})
