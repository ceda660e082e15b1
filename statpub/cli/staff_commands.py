"""Office commands for staff accounts (every role): add, edit, list, disable, reset, unlock, alerts.
The account machinery is imported when a command runs, not when the parser is built."""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from rich.table import Table

from statpub.cli.registry import command, console, settings_of
from statpub.features.staff.roles import ROLES
from statpub.kernel.clock import clock_from_env
from statpub.kernel.errors import UserError


def _read_password(args: argparse.Namespace) -> str:
    from statpub.features.staff.accounts import check_password

    if args.password_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    if not sys.stdin.isatty():
        raise UserError("no terminal to prompt for the password; pipe it with --password-stdin")
    first = getpass.getpass(f"password for {args.name}: ")
    check_password(first)
    if getpass.getpass("again: ") != first:
        raise UserError("the two passwords differ; nothing was changed")
    return first


def _list(accounts, as_json: bool) -> None:
    rows = accounts.list()
    if as_json:
        print(json.dumps([a.to_dict() for a in rows], ensure_ascii=False, indent=1))
        return
    table = Table(title="Staff accounts")
    for col in ("name", "role", "display name", "organisation", "state", "created", "disabled"):
        table.add_column(col)
    for a in rows:
        table.add_row(a.name, a.role, a.display_name or "(none: add one with `user edit`)", a.organisation or "",
                      "disabled" if a.disabled else "enabled", a.created_at, a.disabled_at or "")
    console().print(table)


def _alerts(settings, as_json: bool) -> None:
    from statpub.features.staff.service import alerts_for

    alerts = alerts_for(settings).list()
    if as_json:
        print(json.dumps([a.to_dict() for a in alerts], ensure_ascii=False, indent=1))
        return
    for alert in alerts:
        print(f"{alert.at}  {alert.kind}  {alert.subject}  {alert.detail}")
    if not alerts:
        print("no alerts")


@command("user", "Staff accounts (press, reviewer, responder…): add, edit, list, disable, reset, unlock, alerts.")
def user_cmd(args: argparse.Namespace) -> int:
    from statpub.features.staff.service import accounts_for, throttle_for

    settings = settings_of(args)
    accounts = accounts_for(settings)
    now = clock_from_env().now()
    if args.action == "add":
        account = accounts.add(args.name, args.role, _read_password(args), now, display_name=args.display_name,
                               organisation=args.org)
        print(f"added {account.role} account {account.name} ({account.display_name}, {account.organisation})")
    elif args.action == "edit":
        account = accounts.edit(args.name, display_name=args.display_name, organisation=args.org, role=args.role)
        print(f"{account.name}: {account.role}, {account.display_name} ({account.organisation})")
    elif args.action == "disable":
        account = accounts.disable(args.name, now)
        print(f"disabled {account.name}; its sessions are closed")
    elif args.action == "reset":
        accounts.set_password(args.name, _read_password(args), now)
        throttle_for(settings).unlock(args.name)
        print(f"new password for {args.name}; its sessions and known devices are forgotten, any lock lifted")
    elif args.action == "unlock":
        accounts.get(args.name)
        was = throttle_for(settings).unlock(args.name)
        print(f"{args.name}: {'lock lifted' if was else 'was not locked'}; its failed sign-ins are forgotten")
    elif args.action == "alerts":
        _alerts(settings, args.json)
    else:
        _list(accounts, args.json)
    return 0


def _user_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="add an account (password prompted, or read from stdin)")
    add.add_argument("name", help="the login name (private: never published)")
    add.add_argument("--role", choices=list(ROLES), required=True)
    add.add_argument("--display-name", required=True, help="the name the site may publish, e.g. 张三 Zhang San")
    add.add_argument("--org", required=True, help="the organisation the site publishes with it")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    edit = sub.add_parser("edit", help="change an account's display name, organisation or role")
    edit.add_argument("name")
    edit.add_argument("--display-name")
    edit.add_argument("--org")
    edit.add_argument("--role", choices=list(ROLES))
    for action, text in (("list", "list accounts (never their passwords)"), ("alerts", "alerts sent to staff")):
        listing = sub.add_parser(action, help=text)
        listing.add_argument("--json", action="store_true")
    disable = sub.add_parser("disable", help="disable an account and close its sessions")
    disable.add_argument("name")
    reset = sub.add_parser("reset", help="set a new password: sessions and known devices forgotten, lock lifted")
    reset.add_argument("name")
    reset.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    unlock = sub.add_parser("unlock", help="lift a lock that failed sign-ins put on an account")
    unlock.add_argument("name")


user_cmd.configure = _user_args
