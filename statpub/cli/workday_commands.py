"""`statpub workdays`: the working-day engine every deadline uses, from the command line.

    statpub workdays add DATE N      the date N working days after DATE (provisional when it reaches
                                     into a year whose holidays are not announced yet)
    statpub workdays check           validate workdays.yaml and cross-check it with chinesecalendar
    statpub workdays draft YEAR      a year's entry drafted from chinesecalendar, to check and paste
"""

from __future__ import annotations

import argparse
import json
from datetime import date

from statpub.cli.registry import command, console, settings_of
from statpub.kernel.errors import UserError


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


@command("workdays", "Working days (mainland calendar with 调休): add N to a date, check or draft workdays.yaml.")
def workdays_cmd(args: argparse.Namespace) -> int:
    from statpub.kernel.workdays import check_root, draft_year, work_calendar

    settings = settings_of(args)
    if args.action == "add":
        if len(args.values) != 2:
            raise UserError("usage: statpub workdays add DATE N")
        start = _date(args.values[0]) if _is_date(args.values[0]) else None
        if start is None or not args.values[1].lstrip("-").isdigit():
            raise UserError("usage: statpub workdays add DATE N (DATE as YYYY-MM-DD, N a whole number)")
        deadline = work_calendar(settings.root).add(start, int(args.values[1]))
        if args.json:
            print(json.dumps({"start": start.isoformat(), "working_days": int(args.values[1]), **deadline.to_dict()}))
        else:
            print(deadline.day.isoformat() + ("  (provisional: holidays of that year not announced yet)"
                                              if deadline.provisional else ""))
        return 0
    if args.action == "check":
        problems = check_root(settings.root)
        for problem in problems:
            console(stderr=True).print(f"  - {problem}")
        if not problems:
            years = sorted(work_calendar(settings.root).announced_years)
            console().print(f"workdays.yaml: {len(years)} year(s) announced"
                            + (f" ({years[0]}–{years[-1]})" if years else "") + ", consistent with chinesecalendar")
        return 1 if problems else 0
    if args.action == "draft":
        import yaml

        if len(args.values) != 1 or not args.values[0].isdigit():
            raise UserError("usage: statpub workdays draft YEAR")
        print(yaml.safe_dump({"years": [draft_year(int(args.values[0]))]}, allow_unicode=True, sort_keys=False,
                             default_flow_style=None, width=120), end="")
        return 0
    raise UserError(f"unknown action {args.action!r}")


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("add", "check", "draft"))
    p.add_argument("values", nargs="*", help="add: DATE N; draft: YEAR")
    p.add_argument("--json", action="store_true", help="add: print the answer as JSON")


workdays_cmd.configure = _args
