"""Office commands for pre-release access: the access log and the briefing pack (accounts are the
staff feature's: statpub/cli/staff_commands.py).

`statpub pack` is an office tool run on the server, by staff who can read the warehouse anyway.
After the instant it builds the public pack. Before it, the pack is personal: `--user NAME` must
name an enabled press or reviewer account, the gate applies that account's rights (its
pre-release window), and the export is logged under that name with channel `cli`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.table import Table

from statpub.cli.registry import command, console, settings_of
from statpub.kernel.clock import clock_from_env, format_beijing
from statpub.kernel.errors import NotFound, UserError

# press.service (pack building: pandas, plotly, office writers) is imported inside the commands
# that need it: every `statpub` command builds this module's parsers, and that import alone took
# about a second.


@command("access-log", "Who viewed or exported a release before its instant (append-only log).")
def access_log_cmd(args: argparse.Namespace) -> int:
    from statpub.features.press.service import access_log_for

    entries = access_log_for(settings_of(args)).entries(args.release_id)
    if args.json:
        print(json.dumps([e.to_dict() for e in entries], ensure_ascii=False, indent=1))
        return 0
    table = Table(title=f"Pre-release access to {args.release_id}")
    for col in ("at (Beijing time)", "user", "published as", "role", "what", "via", "file", "sha256"):
        table.add_column(col)
    from datetime import datetime

    for e in entries:
        shown = f"{e.display_name or '-'} ({e.organisation or '-'})"
        table.add_row(format_beijing(datetime.fromisoformat(e.at), "en"), e.user_name, shown, e.role, e.what,
                      e.channel, e.file_name or "", e.sha256 or "")
    console().print(table)
    if not entries:
        print("no pre-release access logged")
    return 0


def _access_log_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("release_id", metavar="RELEASE")
    p.add_argument("--json", action="store_true")


access_log_cmd.configure = _access_log_args


@command("pack", "Build a release's briefing pack (ZIP); before the instant only for --user, logged.")
def pack_cmd(args: argparse.Namespace) -> int:
    from statpub.features.press.service import deliver_pack
    from statpub.features.staff.service import accounts_for
    from statpub.warehouse.gate import PUBLIC, Gate
    from statpub.warehouse.reader import WarehouseReader

    settings = settings_of(args)
    now = clock_from_env().now()
    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    release = snapshot.releases.get(args.release_id)
    if release is None:
        raise NotFound(f"no release {args.release_id!r} in the calendar")
    reader = PUBLIC
    if args.user:
        account = accounts_for(settings).get(args.user)
        if account.disabled:
            raise UserError(f"account {account.name!r} is disabled")
        if not account.reader().has_prerelease_rights:
            raise UserError(f"account {account.name!r} ({account.role}) has no pre-release rights")
        reader = account.reader()
    gate = Gate(snapshot, now, reader)
    if not gate.can_see(release.id):
        opens = format_beijing(release.instant - release.window, "en")
        if not release.publishable_state:
            raise UserError(f"{release.id} is {release.state}: there is nothing to pack")
        if not args.user:
            raise UserError(f"{release.id} is embargoed until {format_beijing(release.instant, 'en')}; a "
                            "pre-release pack needs --user NAME (a press or reviewer account) and is logged")
        raise UserError(f"{release.id} is outside {reader.name}'s pre-release window now (it opens "
                        f"{opens} and closes at the instant)")
    generated_for = {"name": reader.name, "role": reader.role, "via": "cli"}
    pack = deliver_pack(gate, release.id, Path(args.out), settings, channel="cli", generated_for=generated_for)
    if args.json:
        print(json.dumps({"path": str(pack.path), "sha256": pack.sha256, "embargoed": pack.embargoed,
                          "manifest": pack.manifest}, ensure_ascii=False))
    else:
        state = "EMBARGOED, logged" if pack.embargoed else "public"
        print(f"{pack.path} ({state}; sha256 {pack.sha256})")
    return 0


def _pack_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("release_id", metavar="RELEASE")
    p.add_argument("--out", default=".", help="folder for the ZIP (default: the current folder)")
    p.add_argument("--user", help="the account the pack is for (required before the instant; logged)")
    p.add_argument("--json", action="store_true", help="print the path, sha256 and manifest as JSON")


pack_cmd.configure = _pack_args
