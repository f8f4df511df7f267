"""`_sfa_lease`: which instance holds the sheet, until when (key/value rows: holder, expires_at, acquired_at)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sheets_schema.tabs import LEASE
from sync.core.changes import TabContent
from sync.core.snapshot import TabData

TAB = LEASE
LEASE_TITLE = TAB.en


@dataclass(frozen=True)
class Lease:
    holder: str
    expires_at: datetime  # UTC
    acquired_at: datetime | None = None

    @property
    def host(self) -> str:
        return self.holder.split(":")[0]

    @property
    def pid(self) -> int | None:
        parts = self.holder.split(":")
        return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else None

    def describe(self) -> str:
        return f"{self.holder} until {self.expires_at.isoformat(timespec='seconds')}"


def read_lease(tab: TabData | None) -> Lease | None:
    if tab is None:
        return None
    values = {str(row[0]): row[1] for row in tab.rows[1:] if len(row) > 1 and row[0]}
    holder, expires = values.get("holder"), _time(values.get("expires_at"))
    if not holder or expires is None:
        return None
    return Lease(str(holder), expires, _time(values.get("acquired_at")))


def _time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def lease_content(lease: Lease | None) -> TabContent:
    """The lease tab; None writes a released (empty) lease."""
    rows: list[tuple[str, str]] = [("key", "value")]
    if lease is not None:
        rows += [
            ("holder", lease.holder),
            ("expires_at", _iso(lease.expires_at)),
            ("acquired_at", _iso(lease.acquired_at or lease.expires_at)),
        ]
    return TabContent(LEASE_TITLE, tuple(rows), hidden=True)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
