"""Nothing about an office lives in code: the demo is one office among many. The code (the
`statpub` package: Python, stylesheets, scripts) never says the demo office's names, notice,
licence or address; those come from the content root's releases/office.yaml."""

from __future__ import annotations

import yaml

from tests.paths import REPO_ROOT

CODE = REPO_ROOT / "statpub"
SUFFIXES = {".py", ".css", ".js", ".html", ".sql", ".yaml", ".toml"}


def demo_wording() -> set[str]:
    office = yaml.safe_load((REPO_ROOT / "releases" / "office.yaml").read_text(encoding="utf-8"))
    words = {"示例市", "演示数据", "Example City", "example.gov.cn"}
    for key in ("name", "short_name", "notice"):
        words.update(office[key].values())
    words.update(office["licence"]["name"].values())
    words.update({office["licence"]["spdx"], office["licence"]["url"], "CC BY 4.0", "Creative Commons Attribution"})
    words.add(office["base_url"].split("//", 1)[1])
    return {w for w in words if w}


def test_the_code_names_no_office():
    words = demo_wording()
    found = []
    for path in sorted(CODE.rglob("*")):
        if path.suffix not in SUFFIXES or not path.is_file() or "node_modules" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            found += [f"{path.relative_to(REPO_ROOT)}:{number}: {word!r}" for word in words if word in line]
    assert found == [], "office wording in code (move it to office.yaml):\n" + "\n".join(found)
