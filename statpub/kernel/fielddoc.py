"""Documentation carried by the content models themselves, in both languages.

Every field of a content file (calendar, catalogue, mappings, provenance, review rules) says what it
means in Chinese and English and gives an example. The JSON Schemas editors validate with and the
reference page staff read are both generated from these, so the documentation cannot drift from
what the loader accepts.
"""

from __future__ import annotations

from typing import Any

ZH = "x-zh"
EN = "x-en"
FIX = "x-fix"


def doc(zh: str, en: str, *examples: Any, fix: str | None = None) -> dict[str, Any]:
    """Keyword arguments for `pydantic.Field`: a bilingual description and examples; `fix` says how
    to put right a missing or wrong value when that is not typing it (a command, say)."""
    extra: dict[str, Any] = {ZH: zh, EN: en}
    if fix:
        extra[FIX] = fix
    out: dict[str, Any] = {"description": f"{zh} — {en}", "json_schema_extra": extra}
    if examples:
        out["examples"] = list(examples)
    return out
