"""statpub: a data-publication platform for an official statistics office.

Layers, each importing only those below it (enforced by import-linter, see pyproject.toml):
`kernel` → `warehouse` | `store` → `etl` → `review` → `dashboards` (the site) → `features` → `cli`.
"""

__version__ = "0.2.0"
