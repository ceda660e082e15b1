"""The `statpub` command line. Exit codes: 0 ok, 1 validation or user error, 2 usage."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from statpub import __version__, cli
from statpub.cli.registry import COMMANDS
from statpub.kernel.errors import StatpubError, ValidationFailed


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", default=argparse.SUPPRESS,
                        help="content root holding calendar.yaml and releases/ (default: STATPUB_ROOT or the demo)")
    return common


def load_commands() -> None:
    """Import every `*commands` module of this package: each registers its commands with @command
    (a new group of commands is a new module, no list to edit)."""
    for module in pkgutil.iter_modules(cli.__path__):
        if module.name.endswith("commands"):
            importlib.import_module(f"{cli.__name__}.{module.name}")


def build_parser() -> argparse.ArgumentParser:
    load_commands()
    parser = argparse.ArgumentParser(
        prog="statpub",
        description="Publish official statistics on a pre-announced calendar: load releases into the "
                    "warehouse, keep them embargoed until their instant, serve the public site.",
    )
    parser.add_argument("--version", action="version", version=f"statpub {__version__}")
    parser.add_argument("--root", default=None,
                        help="content root holding calendar.yaml and releases/ (default: STATPUB_ROOT or the demo)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    common = _common()
    for name, (fn, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text, parents=[common])
        configure = getattr(fn, "configure", None)
        if configure:
            configure(p)
        p.set_defaults(handler=fn)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except ValidationFailed as exc:
        print(exc.report(), file=sys.stderr)
        if any(p.file.endswith(".yaml") for p in exc.problems):
            print("Every field of the content files, with examples: `statpub schema --reference` "
                  "(docs/content-reference.md)", file=sys.stderr)
        return 1
    except StatpubError as exc:
        print(f"statpub: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
