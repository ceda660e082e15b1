"""Keeping everything for decades: retention (`gc`), verification of published vintages
(`manifests`, `verify`), `backup`, `restore` and `upgrade`."""

from __future__ import annotations

import argparse
import json

from statpub.cli.registry import command, console, settings_of


@command("gc", "Apply snapshot retention (STATPUB_KEEP_SNAPSHOTS) and remove what killed loads left behind.")
def gc_cmd(args: argparse.Namespace) -> int:
    from statpub.warehouse.diskuse import measure
    from statpub.warehouse.snapshots import SnapshotStore

    settings = settings_of(args)
    store = SnapshotStore(settings.warehouse_dir)
    with store.writer_lock():
        collected = store.collect_garbage(args.keep)
    disk = measure(settings.warehouse_dir, store.current())
    if args.json:
        print(json.dumps({**collected.as_json(), "disk": disk.as_json()}, ensure_ascii=False, indent=1))
        return 0
    out = console()
    out.print(f"removed {len(collected.removed)} snapshot(s), {len(collected.orphans)} leftover(s) of killed "
              f"loads; freed {collected.freed_bytes} bytes")
    if collected.held:
        out.print("still held by a running reader (removed by a later gc): " + ", ".join(collected.held))
    out.print("kept: " + (", ".join(collected.kept) or "nothing"))
    out.print(f"disk: {disk.summary()}")
    return 0


def _gc_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--keep", type=int, default=None,
                   help="previous snapshots to keep besides the current one (default STATPUB_KEEP_SNAPSHOTS or 2)")
    p.add_argument("--json", action="store_true")


gc_cmd.configure = _gc_args


@command("manifests", "Record the manifest of every release gone public that has none (run after each instant).")
def manifests_cmd(args: argparse.Namespace) -> int:
    from statpub.cli.verify import record
    from statpub.kernel.clock import clock_from_env

    recorded = record(settings_of(args), clock_from_env(), files=not args.no_files)
    if args.json:
        print(json.dumps({"recorded": recorded}, ensure_ascii=False, indent=1))
    else:
        console().print(f"recorded {len(recorded)} manifest(s)" + (": " + ", ".join(recorded) if recorded else ""))
    return 0


def _manifests_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["record"], help="record: manifests for releases public now without one")
    p.add_argument("--no-files", action="store_true", help="rows and texts only, no pinned files")
    p.add_argument("--json", action="store_true")


manifests_cmd.configure = _manifests_args


@command("verify", "Check published vintages against their manifests (exit 1 on any drift).")
def verify_cmd(args: argparse.Namespace) -> int:
    from statpub.cli.verify import verify
    from statpub.kernel.clock import clock_from_env

    report = verify(settings_of(args), clock_from_env(), every=args.all, release_ids=args.release or None,
                    files=not args.no_files)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=1))
        return 0 if report.ok else 1
    out = console()
    out.print(f"checked {len(report.checked)} release(s), {report.series_checked} series, "
              f"{report.files_checked} pinned file(s)")
    for drift in report.drift:
        out.print(f"[red]drift[/] {drift}")
    if report.unrecorded:
        out.print("[yellow]no manifest yet[/] (run `statpub manifests record`): " + ", ".join(report.unrecorded))
    for change in report.format_changes:
        out.print(f"[yellow]format version changed[/] {change}")
    out.print("no drift" if report.ok else f"[red]{len(report.drift)} difference(s) from what was published[/]")
    return 0 if report.ok else 1


def _verify_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("release", nargs="*", help="published releases to verify (default: a sample and the newest)")
    p.add_argument("--all", action="store_true", help="every published release")
    p.add_argument("--no-files", action="store_true", help="rows and texts only, no pinned files")
    p.add_argument("--json", action="store_true")


verify_cmd.configure = _verify_args


@command("backup", "Write a consistent copy of content, snapshot, store and manifests to DEST, with SHA256SUMS.")
def backup_cmd(args: argparse.Namespace) -> int:
    from pathlib import Path

    from statpub.cli.backup import backup
    from statpub.kernel.clock import clock_from_env

    description = backup(settings_of(args), Path(args.dest), clock_from_env().now())
    if args.json:
        print(json.dumps(description, ensure_ascii=False, indent=1))
    else:
        console().print(f"backup of {description['snapshot']} (schema {description['schema_version']}, "
                        f"{description['store']} store) written to {Path(args.dest).resolve()}")
    return 0


def _backup_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("dest", help="a new (or empty) folder")
    p.add_argument("--json", action="store_true")


backup_cmd.configure = _backup_args


@command("restore", "Restore a backup onto an empty machine: the configured content root, warehouse and store.")
def restore_cmd(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from statpub.cli.backup import restore
    from statpub.kernel.config import ENV_ROOT, ENV_WAREHOUSE, Settings
    from statpub.kernel.errors import UserError

    # The content root may not exist yet, so it is taken as given rather than resolved.
    root = getattr(args, "root", None) or os.environ.get(ENV_ROOT)
    if not root:
        raise UserError("restore needs the content root to create: --root DIR or STATPUB_ROOT")
    root_path = Path(root).resolve()
    warehouse = os.environ.get(ENV_WAREHOUSE)
    settings = Settings(root=root_path, warehouse_dir=Path(warehouse).resolve() if warehouse
                        else root_path / "warehouse" / "data")
    done = restore(settings, Path(args.src))
    if args.json:
        print(json.dumps(done, ensure_ascii=False, indent=1))
    else:
        console().print(f"restored {done['snapshot']} ({done['files_checked']} files checked) into "
                        f"{settings.root} and {settings.warehouse_dir}; now run `statpub doctor` and "
                        "`statpub verify --all`")
    return 0


def _restore_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("src", help="a folder written by `statpub backup`")
    p.add_argument("--json", action="store_true")


restore_cmd.configure = _restore_args


@command("upgrade", "Bring a warehouse and store from an earlier statpub up to this version, in place.")
def upgrade_cmd(args: argparse.Namespace) -> int:
    from statpub.cli.upgrade import upgrade
    from statpub.kernel.clock import clock_from_env

    entry = upgrade(settings_of(args), clock_from_env(), files=not args.no_files)
    if args.json:
        print(json.dumps(entry, ensure_ascii=False, indent=1))
    else:
        console().print(f"upgraded {entry['from']} → {entry['to']}: schema {entry['schema'][0]} → "
                        f"{entry['schema'][1]}, snapshot {entry['snapshot']}, store namespaces "
                        f"{', '.join(entry['store_namespaces'])}, {len(entry['manifests_recorded'])} manifest(s) "
                        "recorded; now run `statpub verify --all`")
    return 0


def _upgrade_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-files", action="store_true", help="manifests of rows and texts only (large warehouses)")
    p.add_argument("--json", action="store_true")


upgrade_cmd.configure = _upgrade_args
