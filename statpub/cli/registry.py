"""How commands join the command line, and what they share: settings from `--root`, a console.

Command modules import only what building their parsers needs; each command imports its working
parts when it runs, so `statpub --help` (and every command) starts in half a second instead of
paying for DuckDB, pandas and the office writers it may not use.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from rich.console import Console

from statpub.kernel.config import Settings, resolve_settings

Command = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, tuple[Command, str]] = {}


def command(name: str, help_text: str) -> Callable[[Command], Command]:
    def register(fn: Command) -> Command:
        COMMANDS[name] = (fn, help_text)
        return fn
    return register


def settings_of(args: argparse.Namespace) -> Settings:
    return resolve_settings(getattr(args, "root", None))


def console(stderr: bool = False) -> Console:
    return Console(highlight=False, stderr=stderr, width=None if sys.stdout.isatty() else 160)
