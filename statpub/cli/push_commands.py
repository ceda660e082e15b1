"""`statpub push ...`: subscribers, organisations, the delivery worker, statistics, bounces."""

from __future__ import annotations

import argparse
import json
import signal
import threading

from statpub.cli.registry import command, console, settings_of
from statpub.kernel.clock import clock_from_env
from statpub.kernel.errors import UserError


def _push(args: argparse.Namespace):
    from statpub.features.push.service import Push

    return Push(settings_of(args), clock_from_env())


def _interests(args: argparse.Namespace, settings):
    from statpub.features.push.subscriptions import Interests, check_interests

    catalogue = settings.content.load_catalogue()
    interests = Interests(tuple(args.topic or ()), tuple(args.series or ()), tuple(args.release_kind or ()),
                          bool(args.notices), bool(getattr(args, "all", False)))
    return check_interests(interests, {t.code for t in catalogue.topics}, {s.code for s in catalogue.series})


def _subscribe(args: argparse.Namespace) -> int:
    service = _push(args)
    interests = _interests(args, service.settings)
    fmt = "digest" if args.digest else "each"
    if args.confirmed:
        sid = service.subscriptions.import_confirmed(args.email, interests, args.lang, fmt, "cli", service.clock.now())
        print(f"subscribed {args.email.strip().lower()} (confirmed by staff; id {sid})")
    else:
        service.request(args.email, interests, args.lang, fmt, "cli")
        print(f"confirmation link queued for {args.email.strip().lower()} (double opt-in)")
    return 0


def _run(args: argparse.Namespace) -> int:
    from statpub.kernel import logs

    logs.configure()
    if args.once:
        print(json.dumps(_push(args).run_once(), ensure_ascii=False))
        return 0
    from statpub.features.push.plugin import push_jobs
    from statpub.store import open_store
    from statpub.store.scheduler import Scheduler

    settings, clock = settings_of(args), clock_from_env()
    scheduler = Scheduler(open_store(settings), clock, push_jobs(settings, clock), max_sleep=1.0)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    scheduler.run_forever(stop)
    return 0


def _stats(args: argparse.Namespace) -> int:
    rows = _push(args).stats()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    from rich.table import Table

    table = Table(title="Push per release (opened: only when STATPUB_PUSH_TRACK_OPENS=1)")
    for col in ("release", "messages", "queued", "sent", "delivered", "bounced", "failed", "opened",
                "unsubscribed", "webhooks"):
        table.add_column(col)
    for r in rows:
        table.add_row(*(str(r[c]) if r[c] is not None else "off" for c in (
            "release", "messages", "queued", "sent", "delivered", "bounced", "failed", "opened", "unsubscribed",
            "webhooks")))
    console().print(table)
    return 0


def _org(args: argparse.Namespace) -> int:
    service = _push(args)
    subs, now = service.subscriptions, service.clock.now()
    if args.org_action == "add":
        org_id = subs.add_org(args.name, args.kind, _interests(args, service.settings), now, args.webhook)
        org = subs.org(org_id)
        print(f"added {org['name']} ({org['kind']})")
        if org["webhook_secret"]:
            print(f"webhook secret (give it to the organisation to verify X-Statpub-Signature): {org['webhook_secret']}")
    elif args.org_action == "contact":
        subs.add_contact(args.org, args.email, args.lang, now, relay=args.relay)
        print(f"{args.email.strip().lower()} receives what {args.org} follows")
    elif args.org_action == "enable-webhook":
        subs.enable_webhook(args.org)
        print(f"webhook of {args.org} enabled")
    else:
        orgs = subs.orgs()
        for org in orgs:
            org["interests"] = org["interests"].to_dict()
            org.pop("webhook_secret")
        print(json.dumps(orgs, ensure_ascii=False, indent=1))
    return 0


def _bounces(args: argparse.Namespace) -> int:
    from statpub.features.push.bounces import read_mailbox

    service = _push(args)
    found = read_mailbox(args.path)
    recorded = sum(service.record_bounce(b.message_id, b.hard, b.reason) for b in found)
    print(f"{len(found)} delivery reports read, {recorded} matched a message")
    return 0


def _unsubscribe(args: argparse.Namespace) -> int:
    service = _push(args)
    found = service.subscriptions.find(args.email)
    if found is None:
        raise UserError(f"no subscriber {args.email!r}")
    service.subscriptions.unsubscribe(found.id, service.clock.now())
    print(f"unsubscribed {found.email}")
    return 0


ACTIONS = {"subscribe": _subscribe, "run": _run, "stats": _stats, "org": _org, "bounces": _bounces,
           "unsubscribe": _unsubscribe}


@command("push", "Precise push: subscribers, organisations, the delivery worker, statistics, bounces.")
def push_cmd(args: argparse.Namespace) -> int:
    return ACTIONS[args.action](args)


def _interest_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--topic", action="append", metavar="CODE", help="a topic to follow (repeat for more)")
    p.add_argument("--series", action="append", metavar="CODE", help="a series to follow (repeat for more)")
    p.add_argument("--release-kind", dest="release_kind", action="append", metavar="KIND",
                   help="a kind of release to follow: quarterly, annual, verification, monthly, ad-hoc")
    p.add_argument("--notices", action="store_true", help="also notices of reschedules, cancellations, corrections")


def _push_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = sub.add_parser("subscribe", help="subscribe an address (double opt-in unless --confirmed)")
    s.add_argument("email")
    _interest_args(s)
    s.add_argument("--all", action="store_true", help="every release")
    s.add_argument("--lang", choices=("zh", "en"), default="zh")
    s.add_argument("--digest", action="store_true", help="a weekly digest (Mondays 09:00) instead of each release")
    s.add_argument("--confirmed", action="store_true",
                   help="staff import of an address that has consented already (no confirmation mail)")
    r = sub.add_parser("run", help="the delivery worker: build what is due at the clock's instant and send it")
    r.add_argument("--once", action="store_true", help="process the outbox once and exit")
    st = sub.add_parser("stats", help="per release: sent, delivered, bounced, opened, unsubscribed")
    st.add_argument("--json", action="store_true")
    o = sub.add_parser("org", help="organisations: add, contact, list, enable-webhook")
    osub = o.add_subparsers(dest="org_action", metavar="ORG_ACTION", required=True)
    add = osub.add_parser("add", help="register an organisation and what its members care about")
    add.add_argument("name")
    add.add_argument("--kind", default="association", help="association | park | committee | company | other")
    _interest_args(add)
    add.add_argument("--webhook", help="an https URL receiving signed JSON at each release")
    contact = osub.add_parser("contact", help="add a contact (or, with --relay, the organisation's relay list)")
    contact.add_argument("org")
    contact.add_argument("email")
    contact.add_argument("--relay", action="store_true")
    contact.add_argument("--lang", choices=("zh", "en"), default="zh")
    osub.add_parser("list", help="organisations, contacts, webhook state")
    enable = osub.add_parser("enable-webhook", help="turn a disabled webhook back on")
    enable.add_argument("org")
    b = sub.add_parser("bounces", help="record bounces from delivery reports (an mbox file or a Maildir)")
    b.add_argument("path")
    u = sub.add_parser("unsubscribe", help="stop every message to an address")
    u.add_argument("email")


push_cmd.configure = _push_args
