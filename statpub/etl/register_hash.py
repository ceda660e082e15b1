"""The content hash a register approval binds: everything an item will publish.

    statpub-register/1
        item   sha256 of the item as validated (its model as JSON, keys sorted, dates and instants
               in ISO 8601): every field, whether the page shows it or not
        files  sha256 over `name:sha256` lines of its attachments, by name
        hash   sha256 of `statpub-register/1`, `kind:`, `id:`, `item:` and `files:` lines

Change one character, a date, the instant or an attachment, and the hash changes. The hash is
versioned: an approval records the version it was computed under, and the loader computes every
version it knows for every item, so approvals made under an older version stay valid for exactly
what they approved when a new version changes what is covered or how.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from statpub.kernel.hashing import sha256_of
from statpub.kernel.register_root import LoadedItem

VERSION_1 = "statpub-register/1"
CURRENT = VERSION_1


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def canonical_json(item: LoadedItem) -> str:
    data = item.model.model_dump(mode="json")
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _version_1(item: LoadedItem) -> str:
    files = "".join(f"{name}:{sha256_of(path)}\n" for name, path in sorted(item.files))
    return _sha(f"{VERSION_1}\nkind:{item.kind}\nid:{item.id}\nitem:{_sha(canonical_json(item))}\n"
                f"files:{_sha(files)}\n")


HASHERS: dict[str, Callable[[LoadedItem], str]] = {VERSION_1: _version_1}


def item_hash(item: LoadedItem, version: str = CURRENT) -> str:
    return HASHERS[version](item)


def all_hashes(item: LoadedItem) -> dict[str, str]:
    """The item's hash under every version this code knows."""
    return {version: hasher(item) for version, hasher in HASHERS.items()}
