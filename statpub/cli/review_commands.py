"""The review commands: check, approve, reschedule, cancel, correct, check-links."""

from __future__ import annotations

import argparse
import json

from rich.table import Table

from statpub.cli.registry import command, console, settings_of
from statpub.kernel.clock import clock_from_env, format_beijing, parse_instant
from statpub.kernel.errors import UserError

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}




def _findings_table(findings, title: str) -> Table:
    table = Table(title=title)
    for col in ("release", "severity", "check", "where", "finding"):
        table.add_column(col, overflow="fold")
    for f in findings:
        table.add_row(f.release, f"[{SEVERITY_STYLE[f.severity]}]{f.severity}[/]", f.check, f.where, f.message)
    return table


def _load(settings, clock) -> None:
    from statpub.etl.load import load

    load(settings, clock=clock)


@command("check", "Check releases before approval: validation, consistency, disclosure control, "
                  "interpretations, links. Exit 1 when any error is found.")
def check_cmd(args: argparse.Namespace) -> int:
    from statpub.dashboards.linkcheck import site_links
    from statpub.review.checks import run

    if not args.release_ids and not args.all:
        raise SystemExit("statpub check: name release ids or use --all")
    settings = settings_of(args)
    report = run(settings, args.release_ids or None, clock_from_env(), site=site_links, external=args.external)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
        return 1 if report.errors else 0
    shown = [f for f in report.findings if args.verbose or f.severity != "info"]
    out = console()
    if shown:
        out.print(_findings_table(shown, f"Checks ({report.snapshot})"))
    counts = {s: sum(f.severity == s for f in report.findings) for s in SEVERITY_STYLE}
    out.print(f"{len(report.releases)} release(s) checked: {counts['error']} error(s), "
                  f"{counts['warning']} warning(s), {counts['info']} note(s)"
                  + ("" if args.verbose else " (-v shows notes)"))
    return 1 if report.errors else 0


def _check_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("release_ids", nargs="*", metavar="RELEASE_ID")
    p.add_argument("--all", action="store_true", help="check every release in the calendar")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--external", action="store_true", help="also check external links (network)")
    p.add_argument("-v", "--verbose", action="store_true", help="show notes (e.g. withheld cells)")


check_cmd.configure = _check_args


@command("approve", "Approve a release's loaded content as a named reviewer (refused while checks fail).")
def approve_cmd(args: argparse.Namespace) -> int:
    from statpub.dashboards.linkcheck import site_links
    from statpub.review.approve import ApprovalRefused, approve

    settings = settings_of(args)
    if args.metadata:
        return _approve_metadata(args, settings)
    if not args.release_id:
        raise UserError("name the RELEASE_ID to approve, or --metadata for public metadata alone")
    try:
        approval = approve(settings, args.release_id, args.reviewer, clock_from_env(), site=site_links,
                           external_links=args.external)
    except ApprovalRefused as exc:
        if exc.findings:
            console(stderr=True).print(_findings_table(exc.findings, "Errors"))
        raise
    if args.json:
        print(approval.record())
    else:
        console().print(f"{approval.release} approved by {approval.reviewer} at "
                         f"{format_beijing(approval.approved_at, 'en')}; content {approval.content_hash[:16]}…")
    return 0


def _approve_metadata(args: argparse.Namespace, settings) -> int:
    from statpub.review.approve import approve_metadata

    approval = approve_metadata(settings, args.reviewer, clock_from_env(), items=args.item or None)
    if args.json:
        print(approval.record())
    else:
        console().print(f"public metadata ({len(approval.items or {})} item(s)) approved by {approval.reviewer} at "
                         f"{format_beijing(approval.approved_at, 'en')}")
    return 0


def _approve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("release_id", metavar="RELEASE_ID", nargs="?")
    p.add_argument("--metadata", action="store_true",
                   help="approve the public metadata (catalogue, topics, office, the register's matters and "
                        "privacy rules) as loaded now, without a release")
    p.add_argument("--item", action="append", metavar="ITEM",
                   help="with --metadata: only this item ('office', 'topic:CODE', 'series:CODE', "
                        "'register:matter:ID', 'register:rules'); repeatable")
    p.add_argument("--reviewer", required=True, help="the name of the reviewer approving (审核人)")
    p.add_argument("--external", action="store_true", help="also check external links (network)")
    p.add_argument("--json", action="store_true")


approve_cmd.configure = _approve_args


@command("import-history", "Bring in releases published before the office adopted statpub (calendar.yaml "
                           "`adopted`): checked, then approved as an import; they keep their original instants.")
def import_history_cmd(args: argparse.Namespace) -> int:
    from statpub.dashboards.linkcheck import site_links
    from statpub.etl.load import load
    from statpub.review.approve import ApprovalRefused, history_to_import, import_history

    if not args.release_ids and not args.all:
        raise SystemExit("statpub import-history: name release ids or use --all")
    settings = settings_of(args)
    clock = clock_from_env()
    ids = list(args.release_ids)
    if args.all:
        load(settings, clock=clock)
        ids = history_to_import(settings, clock.now())
        if not ids:
            console().print("no history waiting to be imported (calendar.yaml `adopted` sets what is history)")
            return 0
    try:
        approvals = import_history(settings, ids, args.reviewer, clock, site=site_links)
    except ApprovalRefused as exc:
        if exc.findings:
            console(stderr=True).print(_findings_table(exc.findings, "Errors"))
        raise
    if args.json:
        print(json.dumps([json.loads(a.record()) for a in approvals], ensure_ascii=False, indent=1))
        return 0
    for a in approvals:
        console().print(f"{a.release} imported by {a.reviewer} at {format_beijing(a.approved_at, 'en')}; public "
                        f"since its original instant {format_beijing(a.published_at, 'en')}; content "
                        f"{a.content_hash[:16]}…")
    return 0


def _import_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("release_ids", nargs="*", metavar="RELEASE_ID")
    p.add_argument("--all", action="store_true", help="every history release loaded and not yet imported")
    p.add_argument("--reviewer", required=True, help="the name of the reviewer approving the import (审核人)")
    p.add_argument("--json", action="store_true")


import_history_cmd.configure = _import_args


def _reason_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--reason", required=True, help="the public reason, in Chinese (中文原因)")
    p.add_argument("--reason-en", help="the public reason in English (defaults to --reason)")


@command("reschedule", "Move a release to a new instant with a public notice (kept in its history).")
def reschedule_cmd(args: argparse.Namespace) -> int:
    from statpub.review.schedule import Reason, reschedule

    settings = settings_of(args)
    clock = clock_from_env()
    instant = parse_instant(args.new_instant, what="NEW_INSTANT")
    reschedule(settings, args.release_id, instant, Reason.from_args(args.reason, args.reason_en), clock, _load)
    console().print(f"{args.release_id} rescheduled to {format_beijing(instant, 'en')}; the calendar entry "
                     "changed, so the release needs approving again (`statpub approve`)")
    return 0


def _reschedule_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("release_id", metavar="RELEASE_ID")
    p.add_argument("new_instant", metavar="NEW_INSTANT", help="e.g. 2026-12-17T10:00:00+08:00")
    _reason_args(p)


reschedule_cmd.configure = _reschedule_args


@command("cancel", "Cancel a release with a public notice (kept in its history).")
def cancel_cmd(args: argparse.Namespace) -> int:
    from statpub.review.schedule import Reason, cancel

    settings = settings_of(args)
    cancel(settings, args.release_id, Reason.from_args(args.reason, args.reason_en), clock_from_env(), _load)
    console().print(f"{args.release_id} cancelled")
    return 0


def _cancel_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("release_id", metavar="RELEASE_ID")
    _reason_args(p)


cancel_cmd.configure = _cancel_args


@command("correct", "Open a correction of a published release: a new vintage with a correction notice.")
def correct_cmd(args: argparse.Namespace) -> int:
    from statpub.review.schedule import Reason, correct

    settings = settings_of(args)
    instant = parse_instant(args.instant, what="--instant") if args.instant else None
    new_id = correct(settings, args.release_id, Reason.from_args(args.reason, args.reason_en), clock_from_env(),
                     _load, instant)
    console().print(f"correction {new_id} opened in releases/{new_id}/: fix the figures there (and the "
                     f"sha256 in their provenance files), then `statpub check {new_id}` and "
                     f"`statpub approve {new_id} --reviewer NAME`")
    return 0


def _correct_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("release_id", metavar="RELEASE_ID")
    p.add_argument("--instant", help="when the correction goes out (default: as soon as it is approved)")
    _reason_args(p)


correct_cmd.configure = _correct_args


@command("check-links", "Crawl the running site and report broken links (pages in both languages, "
                        "downloads, API links, feeds). Exit 1 when any is broken.")
def check_links_cmd(args: argparse.Namespace) -> int:
    from statpub.review.linkpatrol import patrol

    result = patrol(args.base, max_pages=args.max_pages, external=args.external, render=not args.no_render,
                    not_found_texts=tuple(args.not_found_text), workers=args.workers)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return 1 if result.broken else 0
    out = console()
    if result.broken:
        table = Table(title="Broken links")
        for col in ("link", "problem", "found on"):
            table.add_column(col, overflow="fold")
        for link in result.broken:
            table.add_row(link.url, link.problem, ", ".join(link.referrers[:3]))
        out.print(table)
    for note in result.notes:
        out.print(f"note: {note}")
    out.print(f"{result.visited} URL(s) visited, {len(result.broken)} broken")
    return 1 if result.broken else 0


def _check_links_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--base", default="http://127.0.0.1:8050", help="the running site (default %(default)s)")
    p.add_argument("--max-pages", type=int, default=50_000,
                   help="stop after this many URLs (default %(default)s)")
    p.add_argument("--workers", type=int, default=2,
                   help="URLs visited at a time, each worker with its own Chromium (default %(default)s)")
    p.add_argument("--external", action="store_true", help="also check links to other sites")
    p.add_argument("--no-render", action="store_true",
                   help="do not render pages in Chromium (only links present in the HTML are found)")
    p.add_argument("--not-found-text", action="append", default=[],
                   help="text a rendered page shows when it does not exist (repeatable)")
    p.add_argument("--json", action="store_true")


check_links_cmd.configure = _check_links_args
