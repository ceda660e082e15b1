"""The roles a staff account can have. Adding a role is one line here; what a role may do is
decided where it matters: pre-release rights by the gate (`PRERELEASE_ROLES` in
statpub/warehouse/gate.py: press and reviewer only), a feature's staff pages by that feature."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    name: str
    zh: str
    en: str

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


ROLES: dict[str, Role] = {role.name: role for role in (
    Role("press", "新闻发布", "press"),
    Role("reviewer", "审核", "reviewer"),
    Role("responder", "留言答复", "responder"),  # answers the public's messages (message board)
)}
