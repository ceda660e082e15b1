"""Chinese first, English alongside: the one place that decides which text of a zh/en pair a
language reads (anything but English reads Chinese)."""

from __future__ import annotations

LANGS = ("zh", "en")


def in_lang(lang: str, zh, en):
    return en if lang == "en" else zh


class Paired:
    """For records that hold their texts as `<field>_zh` / `<field>_en` pairs."""

    def text(self, field: str, lang: str):
        return in_lang(lang, getattr(self, f"{field}_zh"), getattr(self, f"{field}_en"))
