"""The demo office's identity (written to releases/office.yaml, with its logo beside it): an invented city's bureau,
marked as a demonstration on every page and in every file."""

from __future__ import annotations

from pathlib import Path

LOGO = "logo.svg"

OFFICE = {
    "name": {"zh": "示例市统计局", "en": "Statistics Bureau of the Example City"},
    "short_name": {"zh": "示例市统计数据发布", "en": "Example City Statistics"},
    "base_url": "https://stats.example.gov.cn",
    "licence": {"name": {"zh": "知识共享署名 4.0（CC BY 4.0），引用请注明来源",
                         "en": "Creative Commons Attribution 4.0 (CC BY 4.0); cite the source"},
                "url": "https://creativecommons.org/licenses/by/4.0/", "spdx": "CC-BY-4.0"},
    "contact": {"email": "data@stats.example.gov.cn", "phone": "+86 00 0000 0000",
                "address": {"zh": "示例市人民路1号", "en": "1 Renmin Road, Example City"}},
    "logo": LOGO,
    "colours": {"accent": "#1f4e9c", "accent_dark": "#163a75"},
    "demo": True,
    "notice": {"zh": "演示数据，非官方统计", "en": "Illustrative data, not official statistics"},
}

# A plain mark: a bar chart in the accent colour, drawn by hand as SVG text (reproducible bytes).
LOGO_SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" width="48" height="48" role="img">
<title>示例市统计局 Statistics Bureau of the Example City</title>
<rect x="1" y="1" width="46" height="46" rx="8" fill="#ffffff" stroke="#1f4e9c" stroke-width="2"/>
<rect x="10" y="26" width="7" height="13" fill="#1f4e9c"/>
<rect x="20.5" y="18" width="7" height="21" fill="#1f4e9c"/>
<rect x="31" y="10" width="7" height="29" fill="#163a75"/>
</svg>
"""


def write_logo(root: Path) -> None:
    path = root / "releases" / LOGO
    path.write_text(LOGO_SVG, encoding="utf-8")
