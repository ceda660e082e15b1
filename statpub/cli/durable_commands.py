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
