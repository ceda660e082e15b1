"""Where the board's parts come from for a content root: the store (with this feature's tables),
the office's rules, the working-day calendar — for the site and the command line alike."""

from __future__ import annotations

from pathlib import Path

from statpub.features.messages.applications import Applications
from statpub.features.messages.board import Board
from statpub.features.messages.config import BoardRules, board_rules
from statpub.features.messages.faq import Faq
from statpub.features.messages.queries import Lists
from statpub.kernel.config import Settings
from statpub.kernel.workdays import WorkCalendar, work_calendar
from statpub.store import Store, open_store

MIGRATIONS = Path(__file__).parent / "migrations"
NAMESPACE = "messages"


def store_for(settings: Settings) -> Store:
    store = open_store(settings)
    store.migrate(NAMESPACE, MIGRATIONS)
    return store


class Office:
    """Everything the board needs for one content root (cheap to make: rules and calendar are
    cached by their files' modification times)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.store = store_for(settings)
        self.rules: BoardRules = board_rules(settings.root)
        self.calendar: WorkCalendar = work_calendar(settings.root)

    @property
    def board(self) -> Board:
        return Board(self.store, self.rules.messages, self.calendar)

    @property
    def lists(self) -> Lists:
        return Lists(self.store, self.rules.messages, self.calendar)

    @property
    def faq(self) -> Faq:
        return Faq(self.store)

    @property
    def applications(self) -> Applications:
        return Applications(self.store, self.rules.applications, self.calendar)
