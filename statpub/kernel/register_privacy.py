"""What the public sees of a person named in an enforcement result, by the rules of the item's kind
(`register/catalogue.yaml: privacy`): a natural person's name in full, masked (张某, J. S.) or
withheld; identity numbers masked or withheld; officials' names likewise. Organisations are shown
as they are (a company's name and credit code are public in enforcement results)."""

from __future__ import annotations

import copy
import unicodedata

from statpub.kernel.register_models import PrivacyRule


def _is_han(char: str) -> bool:
    return "CJK" in unicodedata.name(char, "")


def mask_name(name: str) -> str:
    """张三丰 → 张某; John Smith → J. S. (only the initials of a Latin name)."""
    text = name.strip()
    if not text:
        return text
    if _is_han(text[0]):
        return text[0] + "某"
    return " ".join(part[0] + "." for part in text.split())


def mask_number(number: str) -> str:
    """Keep the first and last two characters of an identity number."""
    text = number.strip()
    if len(text) <= 4:
        return "*" * len(text)
    return text[:2] + "*" * (len(text) - 4) + text[-2:]


def _name(value: str | None, how: str) -> str | None:
    if value is None or how == "full":
        return value
    return mask_name(value) if how == "masked" else None


def _party(party: dict, rule: PrivacyRule) -> dict:
    out = dict(party)
    if out.get("type") == "person":
        out["name"] = _name(out.get("name"), rule.person_name)
        if out.get("id_number"):
            out["id_number"] = mask_number(out["id_number"]) if rule.id_number == "masked" else None
    if out.get("legal_representative"):  # always a natural person
        out["legal_representative"] = _name(out["legal_representative"], rule.person_name)
    return out


def apply_privacy(kind: str, data: dict, rule: PrivacyRule) -> dict:
    """The item's data as the public may see it (a new dict; the stored one is untouched)."""
    out = copy.deepcopy(data)
    if isinstance(out.get("party"), dict):
        out["party"] = _party(out["party"], rule)
    if kind == "inspection":
        out["units"] = [_party(unit, rule) for unit in out.get("units", [])]
        inspectors = [_name(name, rule.official_name) for name in out.get("inspectors", [])]
        out["inspectors"] = [name for name in inspectors if name is not None]
        out["inspectors_withheld"] = len(inspectors) - len(out["inspectors"])
    return out
