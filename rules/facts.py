"""What the service knows about a deal beyond its row: when it was created and closed, where it came from.

Kept in the hidden state tabs between cycles (see rules/history.py); reports read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DealFacts:
    deal_id: str
    created_on: date | None = None  # first seen by the service (or the Created on column)
    closed_on: date | None = None  # when its stage first became won or lost (the latest close)
    stage_before_close: str | None = None  # stage key the deal was in before it was won or lost
    stage_since: date | None = None  # when the current stage was first observed
    close_date_pushes: int = 0  # times the close date moved later
    last_progress_on: date | None = None  # last change of stage, amount or close date
