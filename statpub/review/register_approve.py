"""`statpub register check` and `statpub register approve`: a named reviewer approves exactly the
content of a register item as it is in the content root now (先审查、后公开, 一事一审).

The register is validated first (every problem located; approval refused on any). The approval
records the reviewer, the instant, the item's content hash and the hash's version; it is appended
to `register/approvals.yaml` and the warehouse is reloaded so the gate sees it. Any later change of
the item (a field, a date, an attachment) changes the hash, and the approval no longer covers it.
A document and its interpretation are approved one by one but go out together (三同步): approving
one says so while the other still waits.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from statpub.etl.register_approvals import ItemApproval, append_approval
from statpub.etl.register_hash import CURRENT, item_hash
from statpub.kernel.clock import Clock
from statpub.kernel.config import Settings
from statpub.kernel.errors import UserError
from statpub.kernel.register_models import Interpretation
from statpub.kernel.register_root import LoadedItem, Register, approvals_path, load_register
from statpub.warehouse.reader import WarehouseReader, WarehouseUnavailable
from statpub.warehouse.register_state import RegisterState, state_of


class RegisterApprovalRefused(UserError):
    title = "Approval refused"


@dataclass(frozen=True)
class Approved:
    approval: ItemApproval
    notes: tuple[str, ...]  # e.g. 三同步: what else must be approved before it goes out


def require_register(settings: Settings) -> Register:
    register = load_register(settings.root)
    if register is None:
        raise UserError(f"{settings.root} keeps no register (register/catalogue.yaml)")
    return register


def _item(register: Register, item_id: str) -> LoadedItem:
    item = register.items.get(item_id)
    if item is None:
        near = sorted(i for i in register.items if i.startswith(item_id[:3]))[:5]
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise UserError(f"{item_id}: no such register item{hint}")
    return item


def _state(settings: Settings) -> RegisterState | None:
    try:
        return state_of(WarehouseReader(settings.warehouse_dir).snapshot())
    except WarehouseUnavailable:
        return None


def partner_notes(register: Register, item: LoadedItem, approving: set[str], state: RegisterState | None) -> list[str]:
    """三同步: the other half an item waits for, if it is not approved for its current content."""
    if isinstance(item.model, Interpretation):
        partner_id = item.model.interprets
    elif item.kind == "document":
        found = register.interpretation_of(item.id)
        partner_id = found.id if found else None
        matter = next((m for m in register.catalogue.matters if m.id == item.model.matter), None)
        if partner_id is None and matter is not None and matter.interpretation_required:
            return [f"三同步: {item.id} goes out only with its interpretation, which does not exist yet"]
    else:
        return []
    if partner_id is None or partner_id in approving:
        return []
    partner = register.items[partner_id]
    digest = item_hash(partner)
    approved = state is not None and any(a.item_id == partner_id and a.content_hash == digest
                                         for a in state.approvals if a.hash_version == CURRENT)
    return [] if approved else [f"三同步: {item.id} and {partner_id} go out together; {partner_id} still needs "
                                "approval for its current content"]


def approve_items(settings: Settings, item_ids: list[str], reviewer: str, clock: Clock, *,
                  when: Callable[[LoadedItem], datetime] | None = None, user: str | None = None,
                  reload: bool = True) -> list[Approved]:
    """Approve each item (all or none). `when` dates each approval (the demo generator dates them
    before each instant); by default, the clock's now."""
    from statpub.etl.load import load

    reviewer = reviewer.strip()
    if not reviewer:
        raise UserError("--reviewer must name the person approving")
    register = require_register(settings)
    state = _state(settings)
    now = clock.now()
    out = []
    for item_id in dict.fromkeys(item_ids):
        item = _item(register, item_id)
        digest = item_hash(item)
        if state is not None:
            done = [a for a in state.approvals if a.item_id == item_id and a.content_hash == digest
                    and a.hash_version == CURRENT]
            if done:
                raise RegisterApprovalRefused(f"{item_id} is already approved for this content by "
                                              f"{done[0].reviewer} at {done[0].approved_at.isoformat()}")
        approval = ItemApproval(item=item_id, reviewer=reviewer, approved_at=when(item) if when else now,
                                content_hash=digest, hash_version=CURRENT, user=user or getpass.getuser())
        out.append(Approved(approval, tuple(partner_notes(register, item, set(item_ids), state))))
    for approved in out:
        append_approval(approvals_path(settings.root), approved.approval)
    if reload:
        load(settings, clock=clock)
    return out
