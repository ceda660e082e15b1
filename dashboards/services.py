"""What a request needs, held by the app (never module globals): settings, the clock, the
warehouse reader. `gate()` builds the public gate for this instant."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from statpub.clock import Clock
from statpub.config import Settings
from warehouse.gate import PUBLIC, Gate, Reader
from warehouse.reader import WarehouseReader

EXTENSION_KEY = "statpub"


@dataclass
class Services:
    settings: Settings
    clock: Clock
    warehouse: WarehouseReader

    def gate(self, reader: Reader = PUBLIC) -> Gate:
        return Gate(self.warehouse.snapshot(), self.clock.now(), reader)


def services() -> Services:
    """The services of the app serving the current request."""
    return current_app.extensions[EXTENSION_KEY]


def current_reader() -> Reader:
    """Who is asking: the account of a live pre-release session (cookie checked on the server),
    else the public. Pages and callbacks pass it to `services().gate(...)`."""
    from press.web import reader_from_request

    return reader_from_request()


def current_gate() -> Gate:
    """The gate for the current request's reader at the clock's instant."""
    return services().gate(current_reader())
