"""What an office may set about its message board and applications: `<root>/messages.yaml`
(optional; every value has a documented default). Nothing about an office lives in code.

    messages:
      time_limits: {consultation: 10, evaluation: 15, suggestion: 15, error: 5}   # working days
      due_soon: 3                   # working days left that put a message on the due-soon list
      text_min: 5                   # characters
      text_max: 2000
      contact_max: 100
      rate_per_hour: 5              # submissions per client address (form and API together)
      rate_per_day: 20
      duplicate_hours: 72           # the same text about the same subject within this is a duplicate
      cluster_threshold: 5          # messages in a cluster that flag "consider an FAQ entry"
      cluster_days: 90              # how far back clusters look
      departments:                  # who answers; free text when empty
      - {code: office, name: {zh: 办公室, en: General office}}
    applications:
      time_limit: 20                # working days from receipt (条例 第三十三条)
      extension_max: 20             # one extension, at most this many working days
      correction_limit: 7           # a request to complete (补正) within this many working days
      third_party_limit: 15         # working days a third party has to give its opinion
    retention_days: 730             # contact data of closed messages and applications is deleted after
    schedule:                       # the scheduler's jobs (Beijing time of day)
      summary_at: "08:30"           # the daily summary for staff (counts, overdue, due soon: codes only)
      retention_at: "03:50"         # contact and personal data past retention deleted
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field

from statpub.kernel.content import Bilingual, Strict
from statpub.kernel.yamlfile import load_model

FILE_NAME = "messages.yaml"
CATEGORIES = ("consultation", "evaluation", "suggestion", "error")


class Department(Strict):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")
    name: Bilingual


class TimeLimits(Strict):
    consultation: int = Field(default=10, ge=1, le=60)
    evaluation: int = Field(default=15, ge=1, le=60)
    suggestion: int = Field(default=15, ge=1, le=60)
    error: int = Field(default=5, ge=1, le=60)


class MessageRules(Strict):
    time_limits: TimeLimits = TimeLimits()
    due_soon: int = Field(default=3, ge=0, le=20)
    text_min: int = Field(default=5, ge=1, le=100)
    text_max: int = Field(default=2000, ge=100, le=20000)
    contact_max: int = Field(default=100, ge=20, le=300)
    rate_per_hour: int = Field(default=5, ge=1, le=10000)
    rate_per_day: int = Field(default=20, ge=1, le=100000)
    duplicate_hours: int = Field(default=72, ge=0, le=24 * 365)
    cluster_threshold: int = Field(default=5, ge=2, le=1000)
    cluster_days: int = Field(default=90, ge=1, le=3660)
    departments: tuple[Department, ...] = ()

    def limit(self, category: str) -> int:
        return getattr(self.time_limits, category)


class ApplicationRules(Strict):
    time_limit: int = Field(default=20, ge=1, le=60)
    extension_max: int = Field(default=20, ge=1, le=60)
    correction_limit: int = Field(default=7, ge=1, le=30)
    third_party_limit: int = Field(default=15, ge=1, le=60)


TIME_OF_DAY = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class Schedule(Strict):
    summary_at: str = Field(default="08:30", pattern=TIME_OF_DAY)
    retention_at: str = Field(default="03:50", pattern=TIME_OF_DAY)


class BoardRules(Strict):
    messages: MessageRules = MessageRules()
    applications: ApplicationRules = ApplicationRules()
    retention_days: int = Field(default=730, ge=30, le=36500)
    schedule: Schedule = Schedule()


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int) -> BoardRules:
    return load_model(Path(path), BoardRules, display_name=FILE_NAME)


def board_rules(root: Path) -> BoardRules:
    """The office's rules (defaults without the file), read again when the file changes."""
    path = Path(root) / FILE_NAME
    try:
        mtime = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return BoardRules()
    return _load(str(path), mtime)
