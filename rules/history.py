"""Change history of deals: each cycle compares every deal's stage, amount, close date and owner with
the last known values (kept in a hidden state tab) and records what changed, with the day it was seen.

From it come the facts reports and flags need: stage since, last progress, close-date pushes, closed on
and the stage a deal was in before it was won or lost.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from rules.facts import DealFacts
from sheets_schema.models import Deal
from sheets_schema.stages import Pipeline

TRACKED = ("stage", "amount", "close_date", "owner")
TrackedValue = str | float | date | None  # the value of one of TRACKED


@dataclass(frozen=True)
class DealState:
    """The last known values of a deal, and what the service derived from their changes."""

    deal_id: str
    stage: str | None = None
    amount: float | None = None
    close_date: date | None = None
    owner: str | None = None
    facts: DealFacts | None = None


@dataclass(frozen=True)
class ChangeEvent:
    observed_on: date
    deal_id: str
    field: str
    old: TrackedValue
    new: TrackedValue


def first_estimate(
    deal: Deal, created_on: date, last_activity: date, today: date, pipeline: Pipeline
) -> DealFacts:
    """A deal the service sees for the first time (new, or a sheet synced for the first time): its stage is
    taken to have started at its last recorded activity, the best evidence of when it last moved."""
    stage = pipeline.find(deal.stage)
    closed_on = None
    if stage is not None and stage.closed:
        closed_on = deal.close_date if deal.close_date and deal.close_date <= today else last_activity
    return DealFacts(
        deal.deal_id or "",  # derive gives every deal an id first
        created_on=created_on,
        closed_on=closed_on,
        stage_since=last_activity,
        last_progress_on=last_activity,
    )


def observe(
    previous: DealState | None,
    deal: Deal,
    estimate: DealFacts,
    today: date,
    pipeline: Pipeline,
    unreadable: frozenset[str] = frozenset(),
) -> tuple[DealState, list[ChangeEvent]]:
    """The deal's new state and the changes seen since `previous` (none the first time). `unreadable`: the
    tracked fields whose cell holds something that cannot be read (e.g. 2026年12月35日): they keep their
    last valid value, so that 12/5 -> unreadable -> 12/25 is one push, not a date removed and a new one."""
    deal_id = deal.deal_id or ""  # derive gives every deal an id first
    now = DealState(deal_id, deal.stage, deal.amount, deal.close_date, deal.owner)
    if previous is not None:
        now = replace(now, **{name: getattr(previous, name) for name in unreadable if name in TRACKED})
    if previous is None or previous.facts is None:
        return replace(now, facts=estimate), []
    facts = previous.facts
    events = [
        ChangeEvent(today, deal_id, name, getattr(previous, name), getattr(now, name))
        for name in TRACKED
        if _differs(getattr(previous, name), getattr(now, name))
    ]
    changed = {e.field for e in events}
    if changed & {"stage", "amount", "close_date"}:
        facts = replace(facts, last_progress_on=today)
    if "stage" in changed:
        facts = _stage_changed(facts, previous.stage, now.stage, today, pipeline)
    if (
        "close_date" in changed
        and previous.close_date
        and now.close_date
        and now.close_date > previous.close_date
    ):
        facts = replace(facts, close_date_pushes=facts.close_date_pushes + 1)
    return replace(now, facts=facts), events


def _stage_changed(
    facts: DealFacts, old: str | None, new: str | None, today: date, pipeline: Pipeline
) -> DealFacts:
    facts = replace(facts, stage_since=today)
    old_stage, new_stage = pipeline.find(old), pipeline.find(new)
    was_closed = old_stage is not None and old_stage.closed
    if new_stage is not None and new_stage.closed and not was_closed:
        return replace(facts, closed_on=today, stage_before_close=old)
    if new_stage is not None and not new_stage.closed and was_closed:
        return replace(facts, closed_on=None)  # reopened: it is open again, from today
    if new_stage is not None and new_stage.closed and was_closed:
        return replace(facts, closed_on=today)  # won <-> lost: closed again today
    return facts


def _differs(old: object, new: object) -> bool:
    if isinstance(old, int | float) and isinstance(new, int | float):
        return abs(float(old) - float(new)) > 1e-9
    return old != new
