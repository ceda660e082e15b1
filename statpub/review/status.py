"""Review state of the releases not yet public, for `statpub status`."""

from __future__ import annotations

from statpub.warehouse.gate import Gate

LABELS = {"approved": "approved", "needs-approval": "needs approval", "void": "approval void"}
HISTORY_LABELS = {"approved": "imported", "needs-approval": "needs import", "void": "import void"}


def review_rows(gate: Gate) -> list[dict]:
    """One row per release that is not public yet (upcoming or delayed), in order of instant."""
    rows = []
    for release in gate.snapshot.releases.values():  # announced or not: the office's view
        if gate.is_public(release) or not release.publishable_state:
            continue
        rows.append({"id": release.id, "instant": release.instant.isoformat(),
                     "status": gate.release_status(release), "approval": release.review.approval,
                     "label": (HISTORY_LABELS if release.review.history else LABELS)[release.review.approval],
                     "history": release.review.history, "reviewer": release.review.approved_by,
                     "changed": list(release.review.changed), "why": release.review.explain()})
    return rows
