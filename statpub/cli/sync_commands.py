"""`statpub sync`: put this machine's current snapshot and the public files on the object store
(`STATPUB_OBJECT_STORE_URL`, keys in the usual AWS_* variables), for the app nodes that follow it
and for the public / a CDN.

    statpub sync            upload the current snapshot if the store does not have it, then the files
                            of every vintage public now (pinned: once; latest: when it changed)
    statpub sync --json     the same, reporting as JSON

`statpub load` uploads the new snapshot by itself when the store is configured; the scheduler
publishes each vintage's files at its instant (job `objectstore.files`).
"""

from __future__ import annotations

import argparse
import json

from statpub.cli.registry import command, console, settings_of
from statpub.kernel.errors import UserError


@command("sync", "Upload the current snapshot and the public files to the object store (STATPUB_OBJECT_STORE_URL).")
def sync_cmd(args: argparse.Namespace) -> int:
    from statpub.dashboards.objectfiles import publish_files
    from statpub.kernel.clock import clock_from_env
    from statpub.warehouse.objectstore import ObjectStore, upload_snapshot

    settings = settings_of(args)
    store = ObjectStore.from_env()
    if store is None:
        raise UserError("no object store: set STATPUB_OBJECT_STORE_URL=s3://bucket/prefix "
                        "(endpoint and keys in AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)")
    client = store.client()
    pointer = upload_snapshot(store, settings.warehouse_dir, client)
    report = publish_files(settings, clock_from_env(), store, client)
    result = {"snapshot": pointer or "unchanged", "files_uploaded": report.uploaded,
              "vintages_already_there": report.skipped_vintages}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        out = console()
        out.print(f"snapshot: {pointer['name'] + ' uploaded' if pointer else 'the store has it already'}")
        out.print(f"files: {len(report.uploaded)} uploaded; {len(report.skipped_vintages)} vintage(s) already there")
    return 0


def _sync_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="report as JSON")


sync_cmd.configure = _sync_args
