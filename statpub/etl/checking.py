"""The checking path: every source staged as text rows that remember file, sheet, row and column,
then every rule run over the whole release (`validate.py`), so that each problem is reported
where it is. The load takes it for what the single pass (`onepass.py`) does not take, and to say
what is wrong with content that does not even parse."""

from __future__ import annotations

from pathlib import Path

import duckdb

from statpub.etl.interpretations import check_and_load
from statpub.etl.long_layout import read_long_csv, read_long_xlsx
from statpub.etl.sources import read_provenance
from statpub.etl.staging import SourceContext
from statpub.etl.validate import ReleaseCheck
from statpub.etl.wide_layout import load_mapping, read_wide_xlsx
from statpub.kernel.content import Catalogue, ContentRoot, Release
from statpub.kernel.errors import Problem, ValidationFailed
from statpub.kernel.hashing import sha256_of


def checked_release(con: duckdb.DuckDBPyConnection, content: ContentRoot, release: Release, catalogue: Catalogue,
                     first_index: int, tmp_dir: Path) -> tuple[list[SourceContext], list[Problem]]:
    contexts, problems, all_read = read_and_check(con, content.root, release, catalogue, first_index, tmp_dir)
    if all_read:  # the texts' figures are checked against every row, even when some are wrong
        problems += check_and_load(con, release.id, content.release_dir(release.id), f"releases/{release.id}")
    return contexts, problems


def read_and_check(con: duckdb.DuckDBPyConnection, root: Path, release: Release, catalogue: Catalogue,
                    first_index: int, tmp_dir: Path) -> tuple[list[SourceContext], list[Problem], bool]:
    """Every problem of one release at once: each file that reads is validated even when another
    does not, or when a provenance checksum does not match (that must not hide the data's errors).
    Also says whether every source was read (then the interpretations can be checked too)."""
    contexts, read_problems, provenance_problems = stage_release(con, root, release, first_index, tmp_dir)
    failed = {p.file for p in read_problems}
    tables = {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()}
    staged = [ctx for ctx in contexts if ctx.file not in failed and f"stage_{ctx.index}" in tables]
    check_problems = []
    complete = bool(staged) and len(staged) == len(contexts)
    if staged:
        check_problems = ReleaseCheck(con, release, catalogue, staged, complete=complete).run()
    return contexts, read_problems + provenance_problems + check_problems, complete


def stage_release(con: duckdb.DuckDBPyConnection, root: Path, release: Release, first_index: int,
                   tmp_dir: Path) -> tuple[list[SourceContext], list[Problem], list[Problem]]:
    """Read each source into its staging table: (contexts, reading problems, provenance problems)."""
    folder = root / "releases" / release.id
    contexts, problems, provenance_problems = [], [], []
    for offset, source in enumerate(release.sources):
        index = first_index + offset
        display = f"releases/{release.id}/{source.file}"
        ctx = SourceContext(index=index, release_id=release.id, file=display, sheet=source.sheet,
                            layout=source.layout, encoding=source.encoding)
        contexts.append(ctx)
        path = folder / source.file
        if not path.is_file():
            problems.append(Problem(display, None, None, None, "source file listed in calendar.yaml not found"))
            continue
        ctx.sha256, ctx.bytes = sha256_of(path), path.stat().st_size
        provenance = read_provenance(path, ctx.sha256, display)
        ctx.provenance = provenance.data
        provenance_problems += provenance.problems
        table = f"stage_{index}"
        suffix = path.suffix.lower()
        try:
            if source.layout == "wide":
                if suffix != ".xlsx":
                    problems.append(Problem(display, None, None, None, "the wide layout is read from XLSX only"))
                    continue
                mapping = load_mapping(folder / source.mapping_name, f"releases/{release.id}/{source.mapping_name}")
                problems += read_wide_xlsx(con, ctx, path, mapping, table)
            elif suffix == ".csv":
                problems += read_long_csv(con, ctx, path, table, tmp_dir)
            elif suffix == ".xlsx":
                problems += read_long_xlsx(con, ctx, path, table)
            else:
                problems.append(Problem(display, None, None, None, "expected a .csv or .xlsx file"))
        except ValidationFailed as exc:
            problems += exc.problems
    return contexts, problems, provenance_problems
