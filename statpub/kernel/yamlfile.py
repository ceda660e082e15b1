"""Reading YAML content files into pydantic models with errors that name file, line and field."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from statpub.kernel.errors import Problem, ValidationFailed
from statpub.kernel.explain import explain, yaml_syntax_message

M = TypeVar("M", bound=BaseModel)


def _line_of(node: yaml.Node | None, loc: tuple) -> int | None:
    """Follow a pydantic error location through the YAML node tree to a 1-based line."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            if match is None:
                break
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _field_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# libyaml's C loader when present: a catalogue of 10 000 series parses in a fraction of the time.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _cache_dir() -> Path | None:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "statpub" / "yaml"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def _parse(text: str) -> object:
    """YAML → Python, remembered as JSON by the text's sha256: even libyaml's loader spends
    seconds resolving a catalogue of ten thousand series, JSON a few milliseconds."""
    folder = _cache_dir()
    cached = folder / f"{hashlib.sha256(text.encode()).hexdigest()}.json" if folder else None
    if cached is not None and cached.is_file():
        try:
            return json.loads(cached.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    if cached is not None:
        try:
            tmp = cached.with_name(f".{cached.name}.{os.getpid()}")
            tmp.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
            os.replace(tmp, cached)
        except (OSError, TypeError, ValueError):
            pass
    return data


def read_yaml(path: Path, display: str | None = None) -> tuple[object, str]:
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValidationFailed([Problem(name, None, None, None, "file not found")]) from None
    except UnicodeDecodeError as exc:
        problem = Problem(name, None, None, None, f"not UTF-8 ({exc.reason}); save the file as UTF-8")
        raise ValidationFailed([problem]) from None
    try:
        return _parse(text), text
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark else None
        column = f"char {mark.column + 1}" if mark else None
        raise ValidationFailed([Problem(name, None, row, column, yaml_syntax_message(exc))]) from None


# Checks beyond the model's own rules, run on the parsed YAML (so they report even when the model
# does not validate): (location in the file, message) for each problem found.
Checks = Callable[[object], list[tuple[tuple, str]]]


def load_model(path: Path, model: type[M], *, display_name: str | None = None,
               checks: Checks | None = None) -> M:
    """The file as `model`, or ValidationFailed with every problem located (line and field) and
    explained (found, expected, how to fix); `checks` add problems the model alone cannot see and
    speak first where both find one at the same place."""
    name = display_name or str(path)
    data, text = read_yaml(path, name)
    found = checks(data) if checks is not None else []
    try:
        result = model.model_validate(data)
    except ValidationError as exc:
        checked = {loc for loc, _m in found}
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            message = explain(model, {**err, "loc": loc})
            # The checks say it with a line where the model only knows the whole file (loc ()).
            if message and loc not in checked and not (loc == () and found):
                found.append((loc, message))
        raise ValidationFailed(_locate(name, text, found), context=name) from None
    if found:
        raise ValidationFailed(_locate(name, text, found), context=name)
    return result


def _locate(name: str, text: str, found: list[tuple[tuple, str]]) -> list[Problem]:
    node = yaml.compose(text, Loader=_Loader)  # only now: node positions name the lines
    return [Problem(name, None, _line_of(node, loc), _field_path(loc) or None, message) for loc, message in found]
