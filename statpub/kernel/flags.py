"""Observation status flags (SDMX style) with their bilingual meaning."""

from __future__ import annotations

FLAGS: dict[str, dict[str, str]] = {
    "p": {"zh": "初步数", "en": "provisional"},
    "r": {"zh": "修订数", "en": "revised"},
    "e": {"zh": "估计数", "en": "estimated"},
    "b": {"zh": "序列断点", "en": "break in series"},
    "c": {"zh": "保密（不公布）", "en": "confidential (suppressed)"},
}
_ALIASES = {
    "初步": "p", "初步数": "p", "provisional": "p",
    "修订": "r", "修订数": "r", "revised": "r",
    "估计": "e", "估计数": "e", "estimated": "e",
    "断点": "b", "break": "b",
    "保密": "c", "confidential": "c", "suppressed": "c",
}


def normalise_status(text: str | None) -> str:
    """Return the flags as a string of letters in a fixed order, '' for none.

    Raises ValueError naming what was expected."""
    if text is None:
        return ""
    raw = str(text).strip()
    if not raw:
        return ""
    if raw.lower() in _ALIASES or raw in _ALIASES:
        return _ALIASES.get(raw, _ALIASES.get(raw.lower(), ""))
    letters = {c for c in raw.lower() if c not in " ,;/|"}
    unknown = letters - FLAGS.keys()
    if unknown:
        raise ValueError(
            f"status {raw!r} has unknown flag(s) {''.join(sorted(unknown))!r}; expected letters from "
            "p (provisional), r (revised), e (estimated), b (break), c (confidential)"
        )
    return "".join(f for f in FLAGS if f in letters)


def describe(flags: str, lang: str = "zh") -> str:
    sep = "；" if lang == "zh" else "; "
    return sep.join(FLAGS[f][lang] for f in flags if f in FLAGS)
