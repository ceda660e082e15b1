"""`statpub messages` and `statpub applications`: the office's lists from the command line, the
daily summary (the scheduler's `messages.summary` job makes and keeps it every morning; this prints
it as of now), statistics, the yearly report's tables and the retention of contact data (the
scheduler's `messages.retention` job runs it daily).

Lists and summaries carry codes, dates and states only: never a citizen's text or contact data."""

from __future__ import annotations

import argparse
import json

from statpub.cli.registry import command, console, settings_of

OFFICE = "statpub-cli"  # the name these commands act under (read-only lists; retention)


def _office(args: argparse.Namespace):
    from statpub.features.messages.service import Office

    return Office(settings_of(args))


def _now():
    from statpub.kernel.clock import clock_from_env

    return clock_from_env().now()


@command("messages", "Message board: list [--overdue|--due-soon] [--json], summary, stats PERIOD, clusters, purge.")
def messages_cmd(args: argparse.Namespace) -> int:
    from statpub.features.messages.jobs import make_summary
    from statpub.features.messages.records import beijing_day
    from statpub.features.messages.stats import board_statistics, clusters
    from statpub.warehouse.gate import Reader

    office, now = _office(args), _now()
    reader = Reader(OFFICE, "reviewer")  # lists without contact data
    today = beijing_day(now)
    office.lists.refresh_due_dates(now)
    if args.action == "list":
        _, rows = office.lists.staff_list(reader, today, overdue=args.overdue, due_soon=args.due_soon, limit=200)
        if not (args.overdue or args.due_soon or args.all):
            rows = [r for r in rows if r.status in ("received", "assigned")]
        if args.json:
            print(json.dumps([r.to_dict() for r in rows], ensure_ascii=False))
        else:
            out = console()
            for r in rows:
                mark = " OVERDUE" if r.overdue else (" due soon" if r.due_soon else "")
                out.print(f"{r.code}  {r.status:<12} {r.category:<12} due {r.due_on}"
                          f"{' (provisional)' if r.due_provisional else ''}{mark}  {r.about}")
            out.print(f"{len(rows)} message(s)")
        return 0
    if args.action == "summary":
        print(json.dumps(make_summary(office, today, now), ensure_ascii=False, indent=None if args.json else 1))
        return 0
    if args.action == "stats":
        period = args.period or str(today.year)
        print(json.dumps(board_statistics(office.store, office.calendar, period), ensure_ascii=False))
        return 0
    if args.action == "clusters":
        print(json.dumps([c.to_dict() | {"sample": None} for c in clusters(office.store, office.rules.messages, today)],
                         ensure_ascii=False))
        return 0
    deleted = office.lists.purge_contacts(now, office.rules.retention_days)
    console().print(f"contact data deleted from {deleted} message(s) closed over "
                    f"{office.rules.retention_days} days ago")
    return 0


def _messages_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("list", "summary", "stats", "clusters", "purge"))
    p.add_argument("period", nargs="?", help="stats: YYYY or YYYY-MM")
    p.add_argument("--overdue", action="store_true", help="open messages past their due date")
    p.add_argument("--due-soon", action="store_true", help="open messages due within the office's due-soon days")
    p.add_argument("--all", action="store_true", help="every message, not only open ones")
    p.add_argument("--json", action="store_true")


messages_cmd.configure = _messages_args


@command("applications", "Disclosure applications: list [--overdue] [--json], report YEAR, purge.")
def applications_cmd(args: argparse.Namespace) -> int:
    from statpub.features.messages.records import beijing_day
    from statpub.features.messages.report import yearly_report
    from statpub.warehouse.gate import Reader

    office, now = _office(args), _now()
    if args.action == "list":
        reader = Reader(OFFICE, "reviewer")  # no personal data in any export
        rows = office.applications.listing(reader, beijing_day(now), overdue=args.overdue)
        if args.json:
            print(json.dumps([{k: v for k, v in a.to_dict().items() if k != "events"} for a in rows],
                             ensure_ascii=False))
        else:
            out = console()
            for a in rows:
                clock = a.clock
                out.print(f"{a.number}  {a.state:<20} received {a.received_on}  due "
                          f"{clock.due or clock.paused or '—'}{' (provisional)' if clock.provisional else ''}")
            out.print(f"{len(rows)} application(s)")
        return 0
    if args.action == "report":
        year = int(args.year) if args.year and args.year.isdigit() else beijing_day(now).year
        print(json.dumps(yearly_report(office.store, year), ensure_ascii=False))
        return 0
    deleted = office.applications.purge_personal_data(now, office.rules.retention_days)
    console().print(f"personal data deleted from {deleted} application(s)")
    return 0


def _applications_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("list", "report", "purge"))
    p.add_argument("year", nargs="?", help="report: the year")
    p.add_argument("--overdue", action="store_true", help="open applications past their legal due date")
    p.add_argument("--json", action="store_true")


applications_cmd.configure = _applications_args
