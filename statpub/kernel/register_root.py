"""Reading a content root's register folder: `register/catalogue.yaml` and one YAML file per item
under a folder per kind. Every problem is collected (file, line, field) before anything is used:
unknown matters, a matter of another kind, interpretations of missing documents or with another
instant (三同步), missing or mislabelled attachments, mappings onto unknown codes, ids used twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from statpub.kernel.content import ID_PATTERN
from statpub.kernel.errors import Problem, ValidationFailed
from statpub.kernel.register_models import (
    ATTACHMENT_TYPES,
    FOLDERS,
    KIND_FOLDER,
    MODELS,
    Classification,
    Interpretation,
    Item,
    RegisterCatalogue,
)
from statpub.kernel.yamlfile import load_model

FOLDER = "register"
CATALOGUE_FILE = "catalogue.yaml"
APPROVALS_FILE = "approvals.yaml"
_ID = re.compile(ID_PATTERN)
# What the first bytes of an attachment must be, so a file named .pdf is a PDF.
_MAGIC = {".pdf": (b"%PDF-",), ".docx": (b"PK\x03\x04",), ".html": None}


@dataclass(frozen=True)
class LoadedItem:
    id: str
    kind: str
    model: Item
    path: Path  # the YAML file
    display: str  # its path inside the content root, for messages
    files: tuple[tuple[str, Path], ...] = ()  # (file name, path) of each attachment


@dataclass
class Register:
    catalogue: RegisterCatalogue
    items: dict[str, LoadedItem] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[LoadedItem]:
        return [i for i in self.items.values() if i.kind == kind]

    def interpretation_of(self, document_id: str) -> LoadedItem | None:
        return next((i for i in self.of_kind("interpretation")
                     if isinstance(i.model, Interpretation) and i.model.interprets == document_id), None)


def register_dir(root: Path) -> Path:
    return Path(root) / FOLDER


def approvals_path(root: Path) -> Path:
    return register_dir(root) / APPROVALS_FILE


def has_register(root: Path) -> bool:
    return (register_dir(root) / CATALOGUE_FILE).is_file()


def item_paths(root: Path) -> list[tuple[str, Path]]:
    """(kind, path) of every item file, in a stable order."""
    base = register_dir(root)
    found = []
    for folder, kind in FOLDERS.items():
        where = base / folder
        if where.is_dir():
            found += [(kind, p) for p in sorted(where.glob("*.yaml"))]
    return found


def load_register(root: Path) -> Register | None:
    """The register of a content root (None when it keeps none), fully validated."""
    base = register_dir(root)
    if not has_register(root):
        return None
    problems: list[Problem] = []
    catalogue = None
    try:
        catalogue = load_model(base / CATALOGUE_FILE, RegisterCatalogue, display_name=f"{FOLDER}/{CATALOGUE_FILE}")
    except ValidationFailed as exc:
        problems += exc.problems
    items: dict[str, LoadedItem] = {}
    for kind, path in item_paths(root):
        display = f"{FOLDER}/{KIND_FOLDER[kind]}/{path.name}"
        item_id = path.stem
        if not _ID.match(item_id):
            problems.append(Problem(display, None, None, None, f"{item_id!r} is not an item id: lower-case "
                                    "letters, digits and hyphens (2 to 64), starting with a letter or digit"))
            continue
        if item_id in items:
            problems.append(Problem(display, None, None, None,
                                    f"id {item_id} is used twice (also {items[item_id].display}); ids are "
                                    "unique across the register"))
            continue
        try:
            model = load_model(path, MODELS[kind], display_name=display)
        except ValidationFailed as exc:
            problems += exc.problems
            continue
        files, found = _attachments(path, model, display)
        problems += found
        items[item_id] = LoadedItem(item_id, kind, model, path, display, files)
    stray = [p for p in base.iterdir() if p.is_dir() and p.name not in FOLDERS and not p.name.startswith(".")]
    for folder in sorted(stray):
        problems.append(Problem(f"{FOLDER}/{folder.name}", None, None, None,
                                f"unknown folder; item kinds are kept in: {', '.join(FOLDERS)}"))
    if catalogue is not None:
        problems += cross_check(Register(catalogue, items))
    if problems:
        raise ValidationFailed(problems, context="register")
    return Register(catalogue, items)


def _attachments(path: Path, model: Item, display: str) -> tuple[tuple[tuple[str, Path], ...], list[Problem]]:
    files, problems = [], []
    for index, attachment in enumerate(model.files):
        where = path.parent / attachment.file
        column = f"files[{index}].file"
        if not where.is_file():
            problems.append(Problem(display, None, None, column, f"{attachment.file} not found beside the item"))
            continue
        suffix = where.suffix.lower()
        magic = _MAGIC.get(suffix)
        if magic is not None:
            with open(where, "rb") as handle:
                head = handle.read(8)
            if not head.startswith(magic):
                problems.append(Problem(display, None, None, column,
                                        f"{attachment.file} is not a {suffix[1:].upper()} file"))
                continue
        elif suffix == ".html":
            try:
                where.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                problems.append(Problem(display, None, None, column, f"{attachment.file} is not UTF-8 HTML"))
                continue
        if suffix not in ATTACHMENT_TYPES:
            problems.append(Problem(display, None, None, column, "expected a .pdf, .docx or .html file"))
            continue
        files.append((attachment.file, where))
    return tuple(files), problems


def cross_check(register: Register) -> list[Problem]:
    """What no single file can say: matters, links between items, mappings between versions."""
    matters = {m.id: m for m in register.catalogue.matters}
    problems = []
    interpreted: dict[str, str] = {}
    for item in register.items.values():
        matter = matters.get(item.model.matter)
        if matter is None:
            problems.append(Problem(item.display, None, None, "matter",
                                    f"{item.model.matter} is not a matter of register/catalogue.yaml "
                                    f"(known: {', '.join(sorted(matters))})"))
        elif matter.kind != item.kind:
            problems.append(Problem(item.display, None, None, "matter",
                                    f"{matter.id} is a matter for {matter.kind} items, not {item.kind}"))
        if isinstance(item.model, Interpretation):
            problems += _check_interpretation(register, item, interpreted)
        if isinstance(item.model, Classification):
            problems += _check_mappings(register, item)
    return problems


def _check_interpretation(register: Register, item: LoadedItem, interpreted: dict[str, str]) -> list[Problem]:
    model = item.model
    assert isinstance(model, Interpretation)
    document = register.items.get(model.interprets)
    if document is None or document.kind != "document":
        return [Problem(item.display, None, None, "interprets", f"{model.interprets} is not a document of the register")]
    problems = []
    if model.interprets in interpreted:
        problems.append(Problem(item.display, None, None, "interprets",
                                f"{model.interprets} already has an interpretation ({interpreted[model.interprets]})"))
    interpreted[model.interprets] = item.id
    if model.instant != document.model.instant:
        problems.append(Problem(item.display, None, None, "instant",
                                f"a document and its interpretation are published together (三同步): the instant "
                                f"must equal {document.id}'s ({document.model.instant.isoformat()})"))
    return problems


def _check_mappings(register: Register, item: LoadedItem) -> list[Problem]:
    model = item.model
    assert isinstance(model, Classification)
    problems = []
    for index, mapping in enumerate(model.mappings):
        target = register.items.get(mapping.to)
        if target is None or not isinstance(target.model, Classification):
            problems.append(Problem(item.display, None, None, f"mappings[{index}].to",
                                    f"{mapping.to} is not a classification of the register"))
            continue
        codes = {c.code for c in target.model.codes}
        unknown = sorted({b for _, b in mapping.pairs} - codes)
        if unknown:
            problems.append(Problem(item.display, None, None, f"mappings[{index}].pairs",
                                    f"{unknown[0]} is not a code of {mapping.to}"))
    return problems
