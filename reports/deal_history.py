"""A deal's past, rebuilt from its present values and the change log: what it looked like on any day.

The service logs every change of stage, amount, close date and owner it sees (rules/history.py, kept in
the hidden `_sfa_events` tab). A deal's values at the start of a day are its values now with every change
seen on or after that day undone, newest first. Before its creation day the deal did not exist.

The log only knows what the service saw: `history_since` (the first day a change was seen) is where the
rebuilt past starts to be trustworthy; reports say so rather than guess before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from rules.book import Book, key_of
from rules.history import ChangeEvent, DealState, TrackedValue
from sheets_schema.models import Deal


@dataclass(frozen=True)
class Values:
    """The tracked values of a deal at one moment."""

    stage: str | None = None
    amount: float | None = None
    close_date: date | None = None
    owner: str | None = None


@dataclass(frozen=True)
class Spell:
    """A stretch of time a deal spent in one stage: from `start` (None: before the history began) to
    `end` (None: still in it), then `next_stage` (None while still in it)."""

    stage: str | None
    start: date | None
    end: date | None
    next_stage: str | None


@dataclass(frozen=True)
class DealHistory:
    key: str
    deal: Deal  # the row as it is now (name, owner)
    now: Values
    created_on: date | None
    closed_on: date | None
    events: tuple[ChangeEvent, ...]  # this deal's changes, oldest first

    def at_start_of(self, day: date) -> Values | None:
        """The values before anything seen on `day` or later; None if the deal was created after `day`...
        or on it (it did not exist when the day began)."""
        if self.created_on is not None and self.created_on >= day:
            return None
        values = self.now
        for event in reversed(self.events):
            if event.observed_on < day:
                break
            values = _set(values, event.field, event.old)
        return values

    def changes_between(self, first: date, last: date) -> list[ChangeEvent]:
        """The changes seen from `first` to `last`, both included."""
        return [e for e in self.events if first <= e.observed_on <= last]

    def spells(self, history_since: date | None) -> list[Spell]:
        """The stages the deal went through, in order. The first spell starts at creation when the service
        saw the deal from its creation (created on or after `history_since`); otherwise its start is unknown."""
        stage_events = [e for e in self.events if e.field == "stage"]
        first_stage = _text(stage_events[0].old) if stage_events else self.now.stage
        watched = (
            self.created_on is not None and history_since is not None and self.created_on >= history_since
        )
        start = self.created_on if watched else None
        spells, stage = [], first_stage
        for event in stage_events:
            spells.append(Spell(stage, start, event.observed_on, _text(event.new)))
            stage, start = _text(event.new), event.observed_on
        spells.append(Spell(stage, start, None, None))
        return spells


def _set(values: Values, name: str, value: TrackedValue) -> Values:
    """`values` with one tracked field set to what the log held (each field keeps its own type)."""
    if name == "stage":
        return replace(values, stage=_text(value))
    if name == "owner":
        return replace(values, owner=_text(value))
    if name == "amount":
        return replace(values, amount=value if isinstance(value, int | float) else None)
    if name == "close_date":
        return replace(values, close_date=value if isinstance(value, date) else None)
    return values


def _text(value: TrackedValue) -> str | None:
    return None if value is None else str(value)


def deal_histories(
    book: Book, states: Mapping[str, DealState], events: Iterable[ChangeEvent]
) -> list[DealHistory]:
    """One history per deal row with a readable id (the first row of a duplicated id), in sheet order.
    The values now are the remembered ones (`states`), which the log is consistent with: a cell that
    cannot be read keeps its last valid value there."""
    by_deal: dict[str, list[ChangeEvent]] = {}
    for event in events:
        by_deal.setdefault(key_of(event.deal_id) or "", []).append(event)
    histories, seen = [], set()
    for row in book.rows("deals"):
        deal = row.model
        key = key_of(deal.deal_id)
        if key is None or key in seen:
            continue
        seen.add(key)
        state = states.get(key)
        now = (
            Values(state.stage, state.amount, state.close_date, state.owner)
            if state
            else Values(deal.stage, deal.amount, deal.close_date, deal.owner)
        )
        facts = state.facts if state else None
        log = tuple(sorted(by_deal.get(key, []), key=lambda e: e.observed_on))  # stable: same-day order kept
        histories.append(
            DealHistory(
                key, deal, now, facts.created_on if facts else None, facts.closed_on if facts else None, log
            )
        )
    return histories


def history_since(events: Iterable[ChangeEvent]) -> date | None:
    """The first day the service saw a change: the rebuilt past is trustworthy from then on."""
    return min((e.observed_on for e in events), default=None)
