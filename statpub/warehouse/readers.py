"""Who asks the gate (`Reader`) and which roles widen what it shows (re-exported by gate.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Roles are named by the features that grant them (the staff feature keeps the list); the gate only
# knows which of them widen what a reader sees: press and reviewer accounts, inside a release's
# pre-release window. Every other role (e.g. `responder` for the message board) sees what the
# public sees.
PRERELEASE_ROLES = frozenset({"press", "reviewer"})
ROLE_NAME = re.compile(r"^[a-z][a-z0-9-]{1,31}$")


@dataclass(frozen=True)
class Reader:
    """Who is asking. Only the server sets this, from an authenticated session. The display name
    and organisation are what may be published about the reader (never the login name); they do
    not take part in the reader's identity."""

    name: str | None = None
    role: str = "public"
    display_name: str | None = field(default=None, compare=False)
    organisation: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.role != "public" and not ROLE_NAME.match(self.role):
            raise ValueError(f"unknown role {self.role!r}")

    @property
    def has_prerelease_rights(self) -> bool:
        return self.role in PRERELEASE_ROLES and bool(self.name)


PUBLIC = Reader()
