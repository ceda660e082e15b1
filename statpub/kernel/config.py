"""Where things live: the content root and the warehouse folder, from flags and environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from statpub.kernel.content import ContentRoot
from statpub.kernel.errors import UserError

ENV_ROOT = "STATPUB_ROOT"
ENV_WAREHOUSE = "STATPUB_WAREHOUSE"
ENV_BASE_URL = "STATPUB_BASE_URL"
# postgresql://user:password@host:port/db puts the operational store on PostgreSQL (several nodes);
# unset, it is a SQLite file beside the snapshots (one machine).
ENV_DATABASE_URL = "STATPUB_DATABASE_URL"


@dataclass(frozen=True)
class Settings:
    root: Path
    warehouse_dir: Path
    database_url: str | None = None  # None: the SQLite file beside the snapshots
    # STATPUB_BASE_URL: the public address when it is not office.yaml's (a local or test server).
    base_url_override: str | None = None

    @property
    def content(self) -> ContentRoot:
        return ContentRoot(self.root)


def is_content_root(folder: Path) -> bool:
    return (folder / "calendar.yaml").is_file() and (folder / "releases").is_dir()


def checkout_root() -> Path | None:
    """The source checkout this code runs from, when it is one (its demo content sits at the top);
    None for an installed wheel, which must never guess at files it does not have."""
    top = Path(__file__).resolve().parents[2]
    return top if (top / "pyproject.toml").is_file() and is_content_root(top) else None


def resolve_settings(root: str | os.PathLike | None = None,
                     env: Mapping[str, str] | None = None) -> Settings:
    """`--root` wins, then STATPUB_ROOT, then the current folder if it is a content root, then the
    demo content of the checkout this code runs from (never for an installed wheel)."""
    env = os.environ if env is None else env
    if root is not None:
        chosen = Path(root)
    elif env.get(ENV_ROOT):
        chosen = Path(env[ENV_ROOT])
    elif is_content_root(Path.cwd()):
        chosen = Path.cwd()
    else:
        chosen = checkout_root()
        if chosen is None:
            raise UserError("no content root: pass --root DIR or set STATPUB_ROOT to a folder holding "
                            "calendar.yaml and releases/, or create one with `statpub init DIR`")
    chosen = chosen.resolve()
    if not (chosen / "calendar.yaml").is_file():
        raise UserError(f"{chosen} is not a content root: it has no calendar.yaml "
                        "(create one with `statpub init DIR`)")
    warehouse = Path(env[ENV_WAREHOUSE]).resolve() if env.get(ENV_WAREHOUSE) else chosen / "warehouse" / "data"
    return Settings(root=chosen, warehouse_dir=warehouse, database_url=env.get(ENV_DATABASE_URL) or None,
                    base_url_override=env.get(ENV_BASE_URL) or None)
