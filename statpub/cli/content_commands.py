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
