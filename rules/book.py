"""The parsed workbook as the rules see it: rows by tab, with look-ups by id and by person."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, TypeVar, overload

from sheets_schema.locale import fold
from sheets_schema.models import Call, Deal, Lead, Row, Task, TeamMember
from sheets_schema.rows import ParsedRow, ParsedTab

R = TypeVar("R", bound=Row)


def key_of(text: str | None) -> str | None:
    """How ids and names are compared: trimmed, full-width folded, case-insensitive."""
    return fold(text) if text else None  # fold is cached: the same id is looked up from several tabs


@dataclass
class Book:
    tabs: dict[str, ParsedTab] = field(default_factory=dict)  # spec key -> tab (only usable tabs)

    @overload
    def rows(self, key: Literal["team"]) -> Sequence[ParsedRow[TeamMember]]: ...
    @overload
    def rows(self, key: Literal["leads"]) -> Sequence[ParsedRow[Lead]]: ...
    @overload
    def rows(self, key: Literal["calls"]) -> Sequence[ParsedRow[Call]]: ...
    @overload
    def rows(self, key: Literal["deals"]) -> Sequence[ParsedRow[Deal]]: ...
    @overload
    def rows(self, key: Literal["tasks"]) -> Sequence[ParsedRow[Task]]: ...
    @overload
    def rows(self, key: str) -> Sequence[ParsedRow[Row]]: ...

    def rows(self, key: str) -> Sequence[ParsedRow[Row]]:
        """The rows of the tab `key`, typed by its model (sheets_schema.models.MODELS) when the key is known."""
        tab = self.tabs.get(key)
        return tab.rows if tab else []

    def has(self, key: str) -> bool:
        return key in self.tabs

    def _by(self, tab: str, attribute: str, model: type[R]) -> dict[str, list[R]]:
        """`model` is the tab's row model (sheets_schema.models.MODELS): it names the rows' type."""
        found: dict[str, list[R]] = defaultdict(list)
        parsed = self.tabs.get(tab)
        for row in parsed.rows if parsed else []:  # the tab's own rows: their model is `model`
            value = key_of(getattr(row.model, attribute))
            if value:
                found[value].append(row.model)
        return found

    @cached_property
    def leads_by_id(self) -> dict[str, list[Lead]]:
        return self._by("leads", "lead_id", Lead)

    @cached_property
    def deals_by_id(self) -> dict[str, list[Deal]]:
        return self._by("deals", "deal_id", Deal)

    @cached_property
    def calls_by_lead(self) -> dict[str, list[Call]]:
        return self._by("calls", "lead_id", Call)

    @cached_property
    def deals_by_lead(self) -> dict[str, list[Deal]]:
        return self._by("deals", "lead_id", Deal)

    @cached_property
    def tasks_by_deal(self) -> dict[str, list[Task]]:
        return self._by("tasks", "deal_id", Task)

    @cached_property
    def team(self) -> dict[str, TeamMember]:
        """Team members by name and by email."""
        members: dict[str, TeamMember] = {}
        for row in self.rows("team"):
            for attribute in ("name", "email"):
                value = key_of(getattr(row.model, attribute))
                if value:
                    members.setdefault(value, row.model)
        return members

    def member(self, name: str | None) -> TeamMember | None:
        return self.team.get(key_of(name) or "")

    def refresh(self) -> None:
        """Forget the look-ups after rows were added (they are rebuilt on next use)."""
        for name in ("leads_by_id", "deals_by_id", "calls_by_lead", "deals_by_lead", "tasks_by_deal", "team"):
            self.__dict__.pop(name, None)
