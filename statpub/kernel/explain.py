"""Pydantic's validation errors said as a statistician can act on them: what was found, what was
expected (from the field's own documentation and examples), and how to fix it.

`Input should be a valid dictionary or instance of Catalogue` becomes "found a list; expected a
mapping with the fields office, licence, topics, series (`name: value` lines)".
"""

from __future__ import annotations

import types
from typing import Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from statpub.kernel.fielddoc import EN, FIX
from statpub.kernel.suggest import did_you_mean

MAX_FOUND = 60


def _unwrap(annotation: Any) -> Any:
    """`X | None` → X (the first non-None member of a union)."""
    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        return members[0] if members else annotation
    return annotation


def _step(annotation: Any, part: str | int) -> tuple[Any, FieldInfo | None]:
    """The annotation (and field) one location part further in."""
    annotation = _unwrap(annotation)
    origin = get_origin(annotation)
    if isinstance(part, int) and origin in (tuple, list):
        return get_args(annotation)[0], None
    if isinstance(part, str) and origin is dict:
        return get_args(annotation)[1], None
    if isinstance(part, str) and isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(part)
        return (field.annotation, field) if field else (None, None)
    return None, None


def resolve(model: type[BaseModel], loc: tuple) -> tuple[Any, FieldInfo | None]:
    """The annotation and field that a pydantic error location points at."""
    annotation: Any = model
    field = None
    for part in loc:
        annotation, field = _step(annotation, part)
        if annotation is None:
            return None, None
    return annotation, field


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    annotation = _unwrap(resolve(model, loc)[0])
    if get_origin(annotation) in (tuple, list):
        annotation = _unwrap(get_args(annotation)[0])
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def found(value: Any) -> str:
    """What the file held, in a few words."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping (`name: value` lines)"
    if isinstance(value, list | tuple):
        return "a list (`- item` lines)"
    text = repr(value)
    return text if len(text) <= MAX_FOUND else text[:MAX_FOUND] + "…'"


def _example(field: FieldInfo | None) -> str:
    if field is None or not field.examples:
        return ""
    text = yaml.safe_dump(field.examples[0], allow_unicode=True, default_flow_style=True, width=1000).strip()
    return text.removesuffix("\n...").removesuffix(" ...")


def _extra(field: FieldInfo | None, key: str) -> str:
    extra = field.json_schema_extra if field is not None and isinstance(field.json_schema_extra, dict) else {}
    return str(extra.get(key, ""))


def _meaning(field: FieldInfo | None) -> str:
    return _extra(field, EN)


def _mapping_expected(model: type[BaseModel] | None) -> str:
    if model is None:
        return "a mapping (`name: value` lines)"
    required = [name for name, f in model.model_fields.items() if f.is_required()]
    return f"a mapping with the fields {', '.join(required or list(model.model_fields))} (`name: value` lines)"


def _literal_values(annotation: Any) -> list[str]:
    annotation = _unwrap(annotation)
    return [str(v) for v in get_args(annotation)] if get_origin(annotation) is Literal else []


TYPE_WORDS = {
    "int": "a whole number", "float": "a number", "bool": "true or false", "string": "text",
    "datetime": "an instant with its offset, such as 2026-01-20T10:00:00+08:00",
    "date": "a date such as 2026-01-20", "tuple": "a list (`- item` lines)", "list": "a list (`- item` lines)",
}


def explain(model: type[BaseModel], error: dict) -> str:
    """One pydantic error (from `ValidationError.errors()`) as a message that guides; "" for an
    error that only echoes another (a list too short because its one item failed)."""
    kind, loc, value = error["type"], tuple(error["loc"]), error.get("input")
    annotation, field = resolve(model, loc)
    name = next((p for p in reversed(loc) if isinstance(p, str)), None)
    example = _example(field)
    hint = f" (e.g. `{example}`)" if example else ""
    meaning = _meaning(field)
    expected = f"{meaning}{hint}" if meaning else ""
    fix = _extra(field, FIX)
    if fix and kind in ("missing", "string_pattern_mismatch"):
        return (f"required field `{name}` is missing" if kind == "missing" else f"found {found(value)}") + f"; {fix}"
    if kind == "missing":
        return f"required field `{name}` is missing; add it" + (f", e.g. `{name}: {example}`" if example else "") + (
            f" ({meaning})" if meaning else "")
    if kind == "extra_forbidden":
        container = _model_at(model, loc[:-1])
        allowed = list(container.model_fields) if container else []
        return (f"unknown field `{name}`{did_you_mean(str(name), allowed)}"
                + (f" (the fields here: {', '.join(allowed)})" if allowed else ""))
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        where = "the file is empty" if value is None and not loc else f"found {found(value)}"
        return f"{where}; expected {_mapping_expected(_model_at(model, loc))}"
    if kind == "literal_error":
        values = _literal_values(annotation)
        listed = ", ".join(values) or error.get("ctx", {}).get("expected", "")
        return f"found {found(value)}; expected one of {listed}{did_you_mean(str(value), values)}"
    if kind == "string_pattern_mismatch":
        return f"found {found(value)}; expected {expected or 'text matching ' + error['ctx']['pattern']}"
    if kind in ("value_error", "assertion_error"):
        return error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind == "too_short" and value:
        return ""  # pydantic's echo of a failing item, reported on its own
    if kind in ("too_short", "string_too_short"):
        return f"found {found(value)}, which is empty; expected at least one" + (f": {expected}" if expected else "")
    base = kind.split("_")[0]
    if base in TYPE_WORDS and kind.endswith(("_type", "_parsing", "_from_float", "_fraction", "_invalid",
                                             "_from_date", "_future", "_past", "_too_short", "_too_long")) \
            or kind.startswith(("datetime_", "date_", "time_zone")):
        return f"found {found(value)}; expected {TYPE_WORDS.get(base, expected)}" + (f" — {meaning}" if meaning else "")
    message = error["msg"].replace("Input should be", "expected")
    return f"found {found(value)}; {message}"


def yaml_syntax_message(exc: yaml.YAMLError) -> str:
    """A YAML parser's complaint with the usual causes and cures."""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    said = f"{context}, {problem}" if context else problem
    return (f"YAML syntax error ({said}); check the indentation (spaces, never tabs) and quote values "
            "that contain `: ` or `#` or start with `*`, `&`, `{`, `[`, `%` or `@`")

