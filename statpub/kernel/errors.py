"""Errors that reach a user: one type carrying an HTTP-like status and a title, plus the
located problems that validation collects (file, sheet, row, column, what was expected)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


class StatpubError(Exception):
    """An error a user can act on. `status` follows HTTP (400 bad input, 404 missing...)."""

    status = 500
    title = "Internal error"
    code: str | None = None  # a stable machine-readable name for API clients (default: from the title)

    def __init__(self, message: str, *, status: int | None = None, title: str | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if title is not None:
            self.title = title

    def details(self) -> dict[str, str]:
        """Fields beside the message in an answer's error body (e.g. the parameter at fault)."""
        return {}


class UserError(StatpubError):
    status = 400
    title = "Bad input"


class NotFound(StatpubError):
    status = 404
    title = "Not found"


class Forbidden(StatpubError):
    """The request is understood but refused (e.g. a form without its anti-forgery token)."""

    status = 403
    title = "Forbidden"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input, located precisely enough to fix it."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def where(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"

    def to_dict(self) -> dict:
        return asdict(self)


class ValidationFailed(UserError):
    """Raised with every problem found, never just the first."""

    title = "Validation failed"

    def __init__(self, problems: list[Problem], *, context: str = ""):
        self.problems = sorted(set(problems), key=_problem_sort_key)
        head = f"{context}: " if context else ""
        super().__init__(f"{head}{len(self.problems)} problem(s) found")

    def report(self, limit: int = 200) -> str:
        lines = [self.message]
        lines += [f"  - {p}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  … and {len(self.problems) - limit} more")
        return "\n".join(lines)


def _problem_sort_key(p: Problem) -> tuple:
    return (p.file, p.sheet or "", p.row if p.row is not None else -1, p.column or "", p.message)
