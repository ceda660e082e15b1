"""Checks of what content files refer to (topics, series, roles), run on the parsed YAML itself,
so they report alongside the model's own problems even when those are present: every problem of a
file at once, each located by its path in the file."""

from __future__ import annotations

from collections.abc import Iterable

from statpub.kernel.suggest import did_you_mean

Found = list[tuple[tuple, str]]


def items(data: object, key: str) -> list[tuple[int, dict]]:
    """(index, entry) for each mapping in the list `data[key]`; nothing when the shape is wrong
    (the model reports that)."""
    value = data.get(key) if isinstance(data, dict) else None
    return [(i, e) for i, e in enumerate(value) if isinstance(e, dict)] if isinstance(value, list) else []


def strings(value: object) -> list[tuple[int, str]]:
    return [(i, v) for i, v in enumerate(value) if isinstance(v, str)] if isinstance(value, list) else []


def series_codes(data: object) -> list[str]:
    """The series codes a catalogue declares (as far as its shape allows reading them)."""
    return [e["code"] for _i, e in items(data, "series") if isinstance(e.get("code"), str)]


def catalogue_problems(data: object) -> Found:
    """Codes once each; topics, components and the level of a growth rate exist."""
    found: Found = []
    topics = [e["code"] for _i, e in items(data, "topics") if isinstance(e.get("code"), str)]
    codes = series_codes(data)
    seen: set[str] = set()
    for i, s in items(data, "series"):
        code = s.get("code")
        if isinstance(code, str) and code in seen:
            found.append((("series", i, "code"), f"series code {code} is listed twice; list each series once"))
        seen.add(code)
        topic = s.get("topic")
        if isinstance(topic, str) and topic not in topics:
            found.append((("series", i, "topic"), f"unknown topic {topic!r}; expected one of the codes under "
                          f"`topics` ({', '.join(topics)}){did_you_mean(topic, topics)}"))
        refs = [(("components", j), c) for j, c in strings(s.get("components"))]
        refs += [(("growth_of",), s["growth_of"])] if isinstance(s.get("growth_of"), str) else []
        for path, ref in refs:
            if ref not in codes:
                found.append((("series", i, *path), f"series {code}: {path[0]} names unknown series {ref!r}"
                              f"{did_you_mean(ref, codes)}"))
    return found


def calendar_problems(data: object, known_codes: Iterable[str] | None) -> Found:
    """Release ids once each; every series a release promises is in the catalogue."""
    found: Found = []
    known = None if known_codes is None else list(known_codes)
    known_set = set(known or ())  # membership in a set: a list made this quadratic (0.5 s at 10,000 series)
    seen: set[str] = set()
    for i, release in items(data, "releases"):
        rid = release.get("id")
        if isinstance(rid, str) and rid in seen:
            found.append((("releases", i, "id"), f"release id {rid} is listed twice; list each release once"))
        seen.add(rid)
        if known is None:
            continue
        for j, code in strings(release.get("series")):
            if code not in known_set:
                found.append((("releases", i, "series", j), f"release {rid}: unknown series {code!r} (not in "
                              f"releases/catalogue.yaml){did_you_mean(code, known)}"))
    return found
