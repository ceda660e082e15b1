"""Findings of the checks: one thing a reviewer should know, with its severity and where."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Finding:
    release: str
    severity: str  # error (blocks approval) | warning (a human should look) | info
    check: str  # validation | consistency | disclosure | interpretation | links | office | workdays
    where: str  # file, row, column or series@period
    message: str

    def to_dict(self) -> dict:
        return asdict(self)


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]
