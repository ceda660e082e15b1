"""The versions of the content hash an approval binds (how the hash is made: statpub/etl/content_hash.py).

Each version names its label and the parts it covers. An approval records the version it was made
under and is judged by that version's parts for as long as it exists, so changing what the hash
covers — or how a part is hashed — is a new version, and approvals made under an older one stay
valid for what they approved.

    1  statpub-content/1  data, texts, entry            approvals recorded before versions were
    2  statpub-content/2  data, texts, entry, metadata  public metadata (office, series, topics)
                                                        reviewed with the releases that carry it

Adding a version: one line in VERSIONS (and, for a new way of hashing, a new part name and its
function in `content_hash.PARTS`, plus its column or field where parts are kept); CURRENT names
the version new approvals are made under.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class HashVersion:
    number: int
    label: str
    parts: tuple[str, ...]


VERSIONS: dict[int, HashVersion] = {v.number: v for v in (
    HashVersion(1, "statpub-content/1", ("data", "texts", "entry")),
    HashVersion(2, "statpub-content/2", ("data", "texts", "entry", "metadata")),
)}
CURRENT = 2


def combine(parts: Mapping[str, str], version: int = CURRENT) -> str:
    """The content hash of `parts` under `version`: sha256 of the label, then `part:hash` lines."""
    spec = VERSIONS[version]
    text = f"{spec.label}\n" + "".join(f"{name}:{parts[name]}\n" for name in spec.parts)
    return hashlib.sha256(text.encode()).hexdigest()


def changed_parts(approved: Mapping[str, str | None], current: Mapping[str, str | None],
                  version: int) -> tuple[str, ...]:
    """The parts `version` covers that differ between an approval and the content now (none:
    the approval is valid)."""
    return tuple(name for name in VERSIONS[version].parts if approved.get(name) != current.get(name))
