"""`statpub register` (the proactive-disclosure register: list, due and overdue items, survey
projects lapsing; check; approve) and `statpub report annual YEAR` (the yearly report on open
government information as DOCX). Office tools run on the server: they read the whole register,
published or not; the public sees it only through the gate."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from statpub.cli.registry import command, console, settings_of


def _now():
    from statpub.kernel.clock import clock_from_env

    return clock_from_env().now()


def _rows(args: argparse.Namespace):
    from statpub.features.register.deadlines import staff_rows
    from statpub.kernel.workdays import work_calendar
    from statpub.warehouse.gate import Gate
    from statpub.warehouse.reader import WarehouseReader

    settings = settings_of(args)
    now = _now()
    view = Gate(WarehouseReader(settings.warehouse_dir).snapshot(), now).register
    # deadlines count with the approved time limits (an edit awaiting approval changes none)
    return staff_rows(view.state, work_calendar(settings.root), now, view.time_limit), view.catalogue.pending


def _print_rows(title: str, rows) -> None:
    out = console()
    out.print(f"[bold]{title}[/bold] ({len(rows)})")
    for row in rows:
        v, when = row.version, row.timeliness
        due = f"due {when.due}{' (provisional)' if when.provisional else ''}"
        extra = f"  valid until {v.data.get('valid_until')}" if v.data.get("valid_until") else ""
        why = f"  — {row.why}" if row.why and when.state in ("pending", "overdue") else ""
        out.print(f"  {v.item_id:<40} {v.kind:<16} {when.state:<8} {due}{extra}{why}")


def _list(args: argparse.Namespace) -> int:
    from statpub.features.register.deadlines import due_report

    rows, pending = _rows(args)
    if args.due:
        report = due_report(rows)
        if args.json:
            print(json.dumps({**{k: [r.to_dict() for r in v] for k, v in report.items()},
                              "catalogue_awaiting_approval": list(pending)}, ensure_ascii=False))
        else:
            for view in ("overdue", "due", "lapsing", "lapsed"):
                _print_rows(view, report[view])
            if pending:
                console().print("catalogue edits awaiting approval (the public sees the approved version; deadlines "
                                f"count with its time limits): {', '.join(pending)} — `statpub approve --metadata`")
        return 1 if report["overdue"] and args.fail_overdue else 0
    if args.json:
        print(json.dumps([r.to_dict() for r in rows], ensure_ascii=False))
    else:
        _print_rows("items", rows)
    return 0


def _check(args: argparse.Namespace) -> int:
    from statpub.review.register_approve import partner_notes, require_register

    register = require_register(settings_of(args))
    notes = [n for item in register.items.values() for n in partner_notes(register, item, set(), None)]
    if args.json:
        print(json.dumps({"items": len(register.items), "problems": [], "notes": notes}, ensure_ascii=False))
    else:
        console().print(f"register valid: {len(register.items)} item(s), {len(register.catalogue.matters)} matter(s)")
    return 0


def _approve(args: argparse.Namespace) -> int:
    from statpub.kernel.clock import clock_from_env
    from statpub.review.register_approve import approve_items

    if not args.items:
        raise SystemExit("statpub register approve: name the item(s) to approve")
    if not args.reviewer:
        raise SystemExit("statpub register approve: --reviewer NAME is required")
    done = approve_items(settings_of(args), args.items, args.reviewer, clock_from_env())
    out = console()
    for approved in done:
        a = approved.approval
        out.print(f"{a.item} approved by {a.reviewer} at {a.approved_at.isoformat()} ({a.content_hash[:12]}…)")
        for note in approved.notes:
            out.print(f"  note: {note}")
    return 0


@command("register", "Proactive-disclosure register: list [--due] [--json], check, approve ITEM... --reviewer NAME.")
def register_cmd(args: argparse.Namespace) -> int:
    if args.action == "check":
        return _check(args)
    if args.action == "approve":
        return _approve(args)
    return _list(args)


def _register_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", nargs="?", choices=("list", "check", "approve"), default="list")
    p.add_argument("items", nargs="*", help="approve: the item ids")
    p.add_argument("--due", action="store_true", help="items due, overdue, and survey projects lapsing or lapsed")
    p.add_argument("--fail-overdue", action="store_true", help="with --due: exit 1 when an item is overdue")
    p.add_argument("--reviewer", help="approve: the person approving")
    p.add_argument("--json", action="store_true")


register_cmd.configure = _register_args


@command("catalogue", "The catalogue of matters to publish (主动公开事项目录) and its deadlines: --due [--json] "
                      "[--fail-overdue] (the same listing as `statpub register --due`).")
def catalogue_cmd(args: argparse.Namespace) -> int:
    args.action, args.items, args.reviewer = "list", [], None
    return _list(args)


def _catalogue_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--due", action="store_true", help="items due, overdue, and survey projects lapsing or lapsed")
    p.add_argument("--fail-overdue", action="store_true", help="with --due: exit 1 when an item is overdue")
    p.add_argument("--json", action="store_true")


catalogue_cmd.configure = _catalogue_args


@command("report", "Reports: annual YEAR --out DIR (the yearly report on open government information, DOCX).")
def report_cmd(args: argparse.Namespace) -> int:
    from statpub.dashboards.hooks import plugin_manager
    from statpub.features.register.report.build import annual_report
    from statpub.features.register.report.word import write_docx
    from statpub.warehouse.reader import WarehouseReader

    settings = settings_of(args)
    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    report = annual_report(settings, snapshot, args.year, _now(), plugin_manager().hook, public_only=False)
    path = write_docx(report, Path(args.out))
    if args.json:
        print(json.dumps({"year": report.year, "public": report.public, "docx": str(path),
                          "sections": report.sections}, ensure_ascii=False))
    else:
        state = "published" if report.public else "DRAFT (the report is not approved and public yet)"
        console().print(f"{path} — {state}")
    return 0


def _report_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", choices=("annual",))
    p.add_argument("year", type=int)
    p.add_argument("--out", default=".", help="folder for annual-report-YEAR.docx (default: here)")
    p.add_argument("--json", action="store_true")


report_cmd.configure = _report_args
