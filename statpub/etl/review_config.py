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
from statpub.kernel.fielddoc import doc
from statpub.kernel.yamlfile import load_model

REVIEW_FILE = "review.yaml"
APPROVALS_FILE = "approvals.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DisclosureRules(_Strict):
    """Disclosure control (保密审查): when a cell with contributor data is withheld."""

    min_units: int = Field(default=3, ge=1, **doc(
        "门槛规则：单位数少于此数的格子不予公布", "Threshold rule: a cell with fewer contributing units "
        "is withheld", 3))
    # The sources carry the share of the two largest contributors (`top2_share`), so n is 2.
    dominance_n: int = Field(default=2, ge=2, le=2, **doc(
        "(n,k) 规则的 n（源数据给出前两位占比，故为 2）", "n of the (n, k) rule (the sources give the top "
        "two's share, so 2)", 2))
    dominance_k: float = Field(default=85.0, gt=0, le=100, **doc(
        "(n,k) 规则的 k：前 n 位占比超过 k% 时不予公布", "k of the (n, k) rule: withheld when the top n "
        "hold more than k %", 85))


class ConsistencyRules(_Strict):
    """Consistency checks run by `statpub check` (warnings above these gaps)."""

    real_growth_gap_pp: float = Field(default=5.0, gt=0, **doc(
        "实际增速与水平名义增速之差的上限（百分点）", "Real growth vs the nominal growth of the levels, "
        "in percentage points", 5.0))
    nominal_growth_gap_pp: float = Field(default=1.0, gt=0, **doc(
        "名义增速与水平增速之差的上限（百分点）", "Nominal growth vs the growth of the levels, in "
        "percentage points", 1.0))
    single_period_change_pct: float = Field(default=60.0, gt=0, **doc(
        "由累计值推算的单期值与上年同期之比的变动上限（%）", "A single period derived from cumulative "
        "figures vs a year before, in %", 60))


class ReviewConfig(_Strict):
    """Review parameters (`releases/review.yaml`; optional, these are the defaults)."""

    disclosure: DisclosureRules = Field(default=DisclosureRules(), **doc(
        "保密审查规则", "Disclosure control rules", {"min_units": 3, "dominance_k": 85}))
    consistency: ConsistencyRules = Field(default=ConsistencyRules(), **doc(
        "一致性检查阈值", "Consistency check thresholds", {"real_growth_gap_pp": 5.0}))


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
