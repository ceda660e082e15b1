"""What a message may be about, asked of the public gate: a public release, a published series or
a topic with published series. Anything else — missing or embargoed — is the same 404."""

from __future__ import annotations

import re

from statpub.features.messages.board import Subject
from statpub.kernel.errors import NotFound
from statpub.warehouse.gate import Gate

ABOUT_RE = re.compile(r"^(release|series|topic):([A-Za-z0-9][A-Za-z0-9_-]{0,63})$")
NOT_FOUND = "Nothing is published at this address."


def resolve(gate: Gate, about: object) -> Subject:
    found = ABOUT_RE.match(about) if isinstance(about, str) else None
    if found is None:
        raise NotFound(NOT_FOUND)
    kind, ident = found.groups()
    if kind == "release":
        release = gate.calendar_entry(ident)
        if release is None or not gate.is_public(release) or not gate.can_see(ident):
            raise NotFound(NOT_FOUND)
        topics = [info.topic for code in release.series if (info := gate.series_info(code)) is not None]
        return Subject(kind, ident, topics[0] if topics else None)
    if kind == "series":
        info = gate.series_info(ident)
        if info is None:
            raise NotFound(NOT_FOUND)
        return Subject(kind, ident, info.topic)
    if not any(t.code == ident for t in gate.topics()):
        raise NotFound(NOT_FOUND)
    return Subject(kind, ident, ident)


def title(gate: Gate, about: str, lang: str) -> str:
    """The subject's name for a page (its id when it is not public any more)."""
    kind, _, ident = about.partition(":")
    if kind == "release" and (release := gate.calendar_entry(ident)) is not None and gate.is_public(release):
        return release.title(lang)
    if kind == "series" and (info := gate.series_info(ident)) is not None:
        return info.name(lang)
    if kind == "topic" and (topic := next((t for t in gate.topics() if t.code == ident), None)) is not None:
        return topic.name(lang)
    return ident


def path(about: str) -> str:
    kind, _, ident = about.partition(":")
    return f"/{kind}/{ident}"
