"""Which JSON Schema describes which content file, and the first line that tells editors so.

Content files start with `# yaml-language-server: $schema=<relative path>`; editors with the YAML
language server (VS Code's YAML extension, and others) then validate and complete as you type.
The schemas live in `schema/` at the top of the content root (`statpub schema` writes them).
"""

from __future__ import annotations

SCHEMA_DIR = "schema"
# kind → (how far below the content root such a file sits)
DEPTH = {"calendar": 0, "workdays": 0, "office": 1, "catalogue": 1, "review": 1, "mapping": 2, "provenance": 2}


def kind_of(name: str) -> str | None:
    """The kind of content file a file name is, by the layout of a content root."""
    if name.endswith(".mapping.yaml"):
        return "mapping"
    if name.endswith(".provenance.yaml"):
        return "provenance"
    return {"calendar.yaml": "calendar", "workdays.yaml": "workdays", "catalogue.yaml": "catalogue",
            "office.yaml": "office", "review.yaml": "review"}.get(name)


def schema_file(kind: str) -> str:
    return f"{kind}.schema.json"


def modeline(name: str) -> str:
    """The editor hint for a content file (with its newline), or "" for other files."""
    kind = kind_of(name)
    if kind is None:
        return ""
    up = "../" * DEPTH[kind] or "./"
    return f"# yaml-language-server: $schema={up}{SCHEMA_DIR}/{schema_file(kind)}\n"
