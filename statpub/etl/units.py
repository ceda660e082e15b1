"""Units as written in headers, compared with the catalogue; scale conversions between units of
the same dimension (万元 → 亿元) are applied at load and recorded."""

from __future__ import annotations

from statpub.kernel.numbers import to_halfwidth

# (unit in the source, unit in the catalogue) → factor to multiply by
FACTORS: dict[tuple[str, str], float] = {
    ("万元", "亿元"): 1e-4,
    ("元", "亿元"): 1e-8,
    ("元", "万元"): 1e-4,
    ("亿元", "万元"): 1e4,
    ("人", "万人"): 1e-4,
    ("千人", "万人"): 1e-1,
    ("万人", "人"): 1e4,
}
_ALIASES = {"％": "%", "百分比": "%", "percent": "%"}


def normalise_unit(text: str) -> str:
    unit = to_halfwidth(text).strip().strip("()（）").replace(" ", "")
    return _ALIASES.get(unit, unit)


def unit_factor(source_unit: str, unit_zh: str, unit_en: str) -> float:
    """The factor that converts a source unit to the catalogue's; ValueError when they differ in kind."""
    unit = normalise_unit(source_unit)
    if unit in (normalise_unit(unit_zh), normalise_unit(unit_en)):
        return 1.0
    factor = FACTORS.get((unit, normalise_unit(unit_zh)))
    if factor is None:
        raise ValueError(f"unit {source_unit!r} does not match the catalogue's {unit_zh!r} ({unit_en})")
    return factor
