"""How the register plugs into the site (`statpub.dashboards.hooks`) and the scheduler."""

from __future__ import annotations
