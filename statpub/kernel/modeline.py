"""Which JSON Schema describes which content file, and the first line that tells editors so.

Content files start with `# yaml-language-server: $schema=<relative path>`; editors with the YAML
language server (VS Code's YAML extension, and others) then validate and complete as you type.
The schemas live in `schema/` at the top of the content root (`statpub schema` writes them).
"""

from __future__ import annotations

from pathlib import PurePath

from statpub.kernel.register_models import FOLDERS

SCHEMA_DIR = "schema"
REGISTER = "register"  # the register's folder at the top of a content root
# kind → (how far below the content root such a file sits)
DEPTH = {"calendar": 0, "workdays": 0, "office": 1, "catalogue": 1, "review": 1, "mapping": 2, "provenance": 2,
         "register-catalogue": 1, **{f"register-{kind}": 2 for kind in FOLDERS.values()}}


def kind_of(name: str) -> str | None:
    """The kind of content file a file name is, by the layout of a content root."""
    if name.endswith(".mapping.yaml"):
        return "mapping"
    if name.endswith(".provenance.yaml"):
        return "provenance"
    return {"calendar.yaml": "calendar", "workdays.yaml": "workdays", "catalogue.yaml": "catalogue",
            "office.yaml": "office", "review.yaml": "review"}.get(name)


def kind_of_path(path: PurePath) -> str | None:
    """The kind of a content file by its name and place: the register's catalogue and items
    (`register/catalogue.yaml`, `register/<folder>/<id>.yaml`) have their own."""
    by_name = kind_of(path.name)
    if by_name == "catalogue" and path.parent.name == REGISTER:
        return "register-catalogue"
    if by_name is None and path.suffix == ".yaml" and path.parent.name in FOLDERS \
            and path.parent.parent.name == REGISTER:
        return f"register-{FOLDERS[path.parent.name]}"
    return by_name


def schema_file(kind: str) -> str:
    return f"{kind}.schema.json"


def modeline(name: str | PurePath) -> str:
    """The editor hint for a content file (with its newline), or "" for other files; register
    files are known by their place, so give their path."""
    kind = kind_of_path(name) if isinstance(name, PurePath) else kind_of(name)
    if kind is None:
        return ""
    up = "../" * DEPTH[kind] or "./"
    return f"# yaml-language-server: $schema={up}{SCHEMA_DIR}/{schema_file(kind)}\n"
