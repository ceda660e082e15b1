"""Commands that write content: schema, init, release new, source add."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from statpub.cli.registry import command, console


@command("schema", "Write the JSON Schemas of the content files (editors validate as you type), or "
                   "print the reference of every field (--reference).")
def schema_cmd(args: argparse.Namespace) -> int:
    from statpub.etl.content_reference import reference_markdown, schema_summary
    from statpub.etl.content_schema import write_schemas

    if args.reference is not None:
        text = reference_markdown()
        if args.reference == "-":
            sys.stdout.write(text)
        else:
            Path(args.reference).write_text(text, encoding="utf-8")
            console().print(f"wrote {args.reference}")
        return 0
    base = Path(getattr(args, "root", None) or ".")
    folder = Path(args.out) if args.out else base / "schema"
    write_schemas(folder)
    console().print(f"wrote {folder}/\n{schema_summary()}")
    return 0


def _schema_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", metavar="DIR", help="folder for the *.schema.json files (default: schema/ in the "
                                                "content root given by --root, else in the current folder)")
    p.add_argument("--reference", nargs="?", const="-", metavar="FILE",
                   help="write the Markdown reference of every field instead (to FILE, or - for the screen)")


schema_cmd.configure = _schema_args


def _today(clock) -> str:
    from statpub.kernel.clock import BEIJING

    return clock.now().astimezone(BEIJING).date().isoformat()


@command("init", "Start a new office: a minimal valid content root in DIR (catalogue, calendar, one release "
                 "with a long CSV, interpretation templates, review rules, schemas) that loads and serves at once.")
def init_cmd(args: argparse.Namespace) -> int:
    from statpub.kernel.clock import clock_from_env
    from statpub.review.scaffold import OfficeNames, init_office

    folder = Path(args.dir)
    names = OfficeNames(args.name, args.name_en, args.licence, args.licence_en, args.base_url, args.licence_url,
                        args.short_name, args.short_name_en)
    written = init_office(folder, names, clock_from_env().now())
    out = console()
    out.print(f"wrote {len(written)} files into {folder}/")
    out.print(f"next: statpub --root {folder} load && statpub --root {folder} serve   "
              f"(then read {folder}/README.md)")
    return 0


def _init_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", metavar="DIR", help="the folder to create (must not hold content yet)")
    p.add_argument("--name", required=True, help="the office's name in Chinese, e.g. 某市统计局")
    p.add_argument("--name-en", required=True, help="the office's name in English")
    p.add_argument("--licence", default="知识共享 CC0 1.0 公共领域贡献",
                   help="the licence you publish under, in Chinese (default: a public domain dedication)")
    p.add_argument("--licence-en", default="CC0 1.0 public domain dedication",
                   help="the licence, in English")
    p.add_argument("--licence-url", default="https://creativecommons.org/publicdomain/zero/1.0/",
                   help="address of the licence's text")
    p.add_argument("--short-name", help="the site's name in Chinese (default: the office's name)")
    p.add_argument("--short-name-en", help="the site's name in English (default: the office's name)")
    p.add_argument("--base-url", default="http://127.0.0.1:8050", help="the site's public address")


init_cmd.configure = _init_args


@command("release", "Announce a new release: `statpub release new ID --title … --title-en … --instant … "
                    "--series A,B` adds its calendar entry and makes its folder.")
def release_cmd(args: argparse.Namespace) -> int:
    from statpub.cli.registry import settings_of
    from statpub.kernel.clock import clock_from_env, parse_instant
    from statpub.review.scaffold import new_release

    settings = settings_of(args)
    series = [c.strip() for c in args.series.split(",") if c.strip()]
    folder = new_release(settings, args.release_id, (args.title, args.title_en), parse_instant(args.instant),
                         args.kind, series, args.state, today=_today(clock_from_env()))
    console().print(f"announced {args.release_id} in calendar.yaml; its folder is {folder}\n"
                    f"next: statpub source add {args.release_id} FILE --source \"…\"")
    return 0


def _release_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["new"], help="new: announce a release")
    p.add_argument("release_id", metavar="ID", help="lower-case letters, digits and hyphens, e.g. 2026-q1-economy")
    p.add_argument("--title", required=True, help="title in Chinese")
    p.add_argument("--title-en", required=True, help="title in English")
    p.add_argument("--instant", required=True, help="when it goes public, with its offset: 2026-04-20T10:00:00+08:00")
    p.add_argument("--series", required=True, help="codes of the series it carries, comma-separated")
    p.add_argument("--kind", default="quarterly", choices=["quarterly", "annual", "verification", "monthly", "ad-hoc"])
    p.add_argument("--state", default="provisional", choices=["provisional", "confirmed"])


release_cmd.configure = _release_args


@command("source", "Bring a source table into a release: `statpub source add RELEASE FILE` copies it, lists it "
                   "in the calendar entry and records its provenance with the checksum computed (--update after an edit).")
def source_cmd(args: argparse.Namespace) -> int:
    from statpub.cli.registry import settings_of
    from statpub.kernel.clock import clock_from_env
    from statpub.review.scaffold import add_source

    settings = settings_of(args)
    added = add_source(settings, args.release_id, Path(args.file), layout=args.layout, source=args.source,
                       producer=args.producer, description=args.description, url=args.url,
                       day=args.date or _today(clock_from_env()), update=args.update, sheet=args.sheet,
                       encoding=args.encoding)
    out = console()
    out.print(f"{added.file}: sha256 {added.sha256} recorded in {added.sidecar.name}"
              + ("; listed in the release's sources in calendar.yaml" if added.listed else ""))
    if args.layout == "wide":
        from statpub.review.scaffold import mapping_skeleton

        skeleton = mapping_skeleton(added.file, args.sheet)
        if skeleton is not None:
            out.print(f"wrote {skeleton.name}: fill in the series codes of each row (fields: statpub schema --reference)")
    out.print(f"next: statpub check {args.release_id}")
    return 0


def _source_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["add"], help="add: bring a file (or record an edited one with --update)")
    p.add_argument("release_id", metavar="RELEASE")
    p.add_argument("file", metavar="FILE", help="the source table (CSV or XLSX); copied into the release's folder")
    p.add_argument("--layout", choices=["long", "wide"], help="long (one figure per row) or wide (mapped table); "
                                                              "default long")
    p.add_argument("--source", help="where the data come from (division, system, public origin)")
    p.add_argument("--producer", help="who produced the file (default: your user name)")
    p.add_argument("--description", help="what the file holds")
    p.add_argument("--url", help="public address it was taken from")
    p.add_argument("--date", help="date received (default: today, Beijing time)")
    p.add_argument("--sheet", help="XLSX sheet (default: the first)")
    p.add_argument("--encoding", choices=["utf-8", "utf-8-sig", "utf-16", "gbk", "gb18030"])
    p.add_argument("--update", action="store_true", help="the file was edited: record its new checksum")


source_cmd.configure = _source_args
