"""The content hash a register approval binds: everything an item will publish.

The versions (what each covers) live with the releases' in statpub/warehouse/hash_versions.py, under
the same rule: a change of what is covered, or how a part is hashed, is a new version, and
approvals recorded under an older one stay valid for exactly what they approved (the loader
computes every version it knows for every item). The parts:

    kind   the item's kind            id     the item's id
    item   sha256 of the item as validated (its model as JSON, keys sorted, dates and instants in
           ISO 8601): every field, whether the page shows it or not
    files  sha256 over `name:sha256` lines of its attachments, by name

Change one character, a date, the instant or an attachment, and the hash changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from statpub.kernel.hashing import sha256_of
from statpub.kernel.register_root import LoadedItem
from statpub.warehouse.hash_versions import REGISTER_CURRENT, REGISTER_VERSIONS, combine_register

CURRENT = REGISTER_CURRENT
VERSIONS = tuple(REGISTER_VERSIONS)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def canonical_json(item: LoadedItem) -> str:
    data = item.model.model_dump(mode="json")
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _files(item: LoadedItem) -> str:
    return _sha("".join(f"{name}:{sha256_of(path)}\n" for name, path in sorted(item.files)))


PARTS: dict[str, Callable[[LoadedItem], str]] = {
    "kind": lambda item: item.kind,
    "id": lambda item: item.id,
    "item": lambda item: _sha(canonical_json(item)),
    "files": _files,
}


def item_parts(item: LoadedItem, version: str = CURRENT) -> dict[str, str]:
    return {name: PARTS[name](item) for name in REGISTER_VERSIONS[version].parts}


def item_hash(item: LoadedItem, version: str = CURRENT) -> str:
    return combine_register(item_parts(item, version), version)


def all_hashes(item: LoadedItem) -> dict[str, str]:
    """The item's hash under every version this code knows."""
    return {version: item_hash(item, version) for version in REGISTER_VERSIONS}
