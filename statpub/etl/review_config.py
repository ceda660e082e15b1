"""Review parameters, from `releases/review.yaml` in the content root (optional; defaults below).

    disclosure:
      min_units: 3        # threshold rule: a cell with 1 or 2 contributing units is withheld
      dominance_k: 85     # (n, k) rule with n = 2: withheld when the top two hold more than k %
    consistency:
      real_growth_gap_pp: 5.0      # real growth vs nominal growth of the levels, in points
      nominal_growth_gap_pp: 1.0   # nominal growth vs the growth of the levels, in points
      single_period_change_pct: 60 # a single period derived from cumulative figures vs a year before
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from statpub.kernel.content import ContentRoot
from statpub.kernel.yamlfile import load_model

REVIEW_FILE = "review.yaml"
APPROVALS_FILE = "approvals.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DisclosureRules(_Strict):
    min_units: int = Field(default=3, ge=1)
    # The sources carry the share of the two largest contributors (`top2_share`), so n is 2.
    dominance_n: int = Field(default=2, ge=2, le=2)
    dominance_k: float = Field(default=85.0, gt=0, le=100)


class ConsistencyRules(_Strict):
    real_growth_gap_pp: float = Field(default=5.0, gt=0)
    nominal_growth_gap_pp: float = Field(default=1.0, gt=0)
    single_period_change_pct: float = Field(default=60.0, gt=0)


class ReviewConfig(_Strict):
    disclosure: DisclosureRules = DisclosureRules()
    consistency: ConsistencyRules = ConsistencyRules()


def review_path(content: ContentRoot) -> Path:
    return content.releases_dir / REVIEW_FILE


def approvals_path(content: ContentRoot) -> Path:
    return content.releases_dir / APPROVALS_FILE


def load_review_config(content: ContentRoot) -> ReviewConfig:
    path = review_path(content)
    if not path.is_file():
        return ReviewConfig()
    return load_model(path, ReviewConfig, display_name=f"releases/{REVIEW_FILE}")


def config_fingerprint(content: ContentRoot) -> str:
    """Changes to the rules must reload what has not gone public yet."""
    path = review_path(content)
    raw = path.read_bytes() if path.is_file() else b""
    return hashlib.sha256(raw).hexdigest()
