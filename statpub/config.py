"""Where things live: the content root and the warehouse folder, from flags and environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from statpub.content import ContentRoot
from statpub.errors import UserError

ENV_ROOT = "STATPUB_ROOT"
ENV_WAREHOUSE = "STATPUB_WAREHOUSE"
REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Settings:
    root: Path
    warehouse_dir: Path

    @property
    def content(self) -> ContentRoot:
        return ContentRoot(self.root)


def resolve_settings(root: str | os.PathLike | None = None,
                     env: Mapping[str, str] | None = None) -> Settings:
    """`--root` wins, then STATPUB_ROOT, then the current folder if it is a content root, then the
    repository's own demo content."""
    env = os.environ if env is None else env
    if root is not None:
        chosen = Path(root)
    elif env.get(ENV_ROOT):
        chosen = Path(env[ENV_ROOT])
    elif (Path.cwd() / "calendar.yaml").is_file() and (Path.cwd() / "releases").is_dir():
        chosen = Path.cwd()
    else:
        chosen = REPO_ROOT
    chosen = chosen.resolve()
    if not (chosen / "calendar.yaml").is_file():
        raise UserError(f"{chosen} is not a content root: it has no calendar.yaml")
    warehouse = Path(env[ENV_WAREHOUSE]).resolve() if env.get(ENV_WAREHOUSE) else chosen / "warehouse" / "data"
    return Settings(root=chosen, warehouse_dir=warehouse)
