"""Which migration files apply to an engine, in order (both engines' stores use this)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path


def migration_files(folder: Path, dialect: str) -> Iterator[tuple[int, str, Path]]:
    """(number, name, file) in order: `NNN_name.sql` for every engine, `NNN_name.<dialect>.sql` for
    one; a number must not have both."""
    chosen: dict[int, tuple[str, Path]] = {}
    for path in sorted(folder.glob("*.sql")):
        stem = path.name.removesuffix(".sql")
        engine = None
        if "." in stem:
            stem, engine = stem.rsplit(".", 1)
        if engine not in (None, dialect):
            continue
        number, _, name = stem.partition("_")
        if int(number) in chosen:
            raise RuntimeError(f"{folder}: migration {number} exists twice for {dialect}")
        chosen[int(number)] = (name, path)
    for number in sorted(chosen):
        yield number, *chosen[number]
