"""The Google Sheets store, on gspread's HTTP client and google-auth.

Per cycle: one spreadsheets.get (sheet ids, sizes, protections and notes, through a field mask) and
one values:batchGet of every tab (UNFORMATTED_VALUE, SERIAL_NUMBER); before a write, one values:batchGet
of the key columns to make sure people did not move rows meanwhile; the write itself is one
spreadsheets:batchUpdate (more only when it is over 2 MB). gspread's conveniences (open_by_key,
worksheet()) are not used, since each fetches the metadata again.

gspread and google-auth errors are translated here, once, into the project's error tree.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from google.auth.exceptions import RefreshError, TransportError
from google.auth.transport.requests import AuthorizedSession
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient, ParamsType
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from sheets_schema.a1 import column_letter
from sync.core.changes import ChangeSet, OpenCells
from sync.core.config import Config
from sync.core.snapshot import Snapshot, TabData, WriteResult
from sync.errors import AccessError, AmbiguousWriteError, QuotaError, StoreError
from sync.stores.google_auth import describe_refresh_failure, load_credentials
from sync.stores.google_requests import PROTECTION_MARK, SheetInfo, build_requests

log = logging.getLogger(__name__)
ENDPOINT_ENV = "SFA_SYNC_SHEETS_ENDPOINT"
GOOGLE_SHEETS = "https://sheets.googleapis.com"
RETRIED_STATUSES = {429, 500, 502, 503, 504}
METADATA_FIELDS = (
    "properties(title,timeZone),sheets(properties(sheetId,title,index,hidden,"
    "gridProperties(rowCount,columnCount)),protectedRanges(protectedRangeId,description,range,unprotectedRanges),"
    "charts(chartId),"
    "data(startRow,startColumn,rowData(values(note))))"
)
_ID_IN_URL = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")


def spreadsheet_id(id_or_url: str) -> str:
    found = _ID_IN_URL.search(id_or_url)
    return found.group(1) if found else id_or_url.strip()


class EndpointSession(AuthorizedSession):
    """An AuthorizedSession that sends Sheets API calls to another base URL (a test emulator)."""

    def __init__(self, credentials: Any, endpoint: str) -> None:
        super().__init__(credentials)
        self.endpoint = endpoint.rstrip("/")

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        if isinstance(url, str) and url.startswith(GOOGLE_SHEETS):
            url = self.endpoint + url[len(GOOGLE_SHEETS) :]
        return super().request(method, url, *args, **kwargs)


@dataclass
class RequestCounts:
    reads: int = 0
    writes: int = 0


class GoogleStore:
    edited_live = True  # people type while the service writes: the cycle double-checks where ids landed

    def __init__(
        self,
        spreadsheet: str,
        credentials: Any,
        client_email: str | None = None,
        endpoint: str | None = None,
        attempts: int = 5,
        wait: Callable[[RetryCallState], float] | None = None,
        timeout: tuple[float, float] = (10, 120),
    ) -> None:
        self.spreadsheet_id = spreadsheet_id(spreadsheet)
        self.client_email = client_email
        session = EndpointSession(credentials, endpoint) if endpoint else AuthorizedSession(credentials)
        self.http = HTTPClient(auth=credentials, session=session)
        self.http.set_timeout(timeout)
        self.attempts = attempts
        self.wait = wait or wait_random_exponential(multiplier=1, max=32)
        self.counts = RequestCounts()
        self._sheets: dict[str, SheetInfo] = {}

    @classmethod
    def from_config(cls, config: Config) -> GoogleStore:
        credentials, email = load_credentials(config.store.credentials)
        endpoint = config.store.endpoint or os.environ.get(ENDPOINT_ENV)
        return cls(config.store.spreadsheet or "", credentials, email, endpoint)

    def describe(self) -> str:
        return f"Google spreadsheet {self.spreadsheet_id}"

    # -- reading -------------------------------------------------------------------------------
    def read(self) -> Snapshot:
        try:
            return self._read()
        except (KeyError, TypeError, AttributeError, ValueError) as odd:
            raise StoreError(
                f"{self.describe()}: Google answered with something that is not a spreadsheet ({type(odd).__name__}: "
                f"{odd}); check store.endpoint (a proxy or a wrong URL?) — nothing was written"
            ) from odd

    def _read(self) -> Snapshot:
        meta = self._call_read(
            lambda: self.http.spreadsheets_get(self.spreadsheet_id, {"fields": METADATA_FIELDS})
        )
        sheets = meta.get("sheets", [])
        self._sheets = {
            s["properties"]["title"]: SheetInfo(
                s["properties"]["sheetId"],
                s["properties"].get("gridProperties", {}).get("rowCount", 0),
                s["properties"].get("gridProperties", {}).get("columnCount", 0),
                [
                    p["protectedRangeId"]
                    for p in s.get("protectedRanges", [])
                    if p.get("description") == PROTECTION_MARK
                ],
                [c["chartId"] for c in s.get("charts", []) if "chartId" in c],
            )
            for s in sheets
        }
        # what is needed of the metadata, taken before the values arrive: its grid data (one object a cell,
        # for the notes) is let go first, which lowers a large sheet's peak memory
        kept = [
            (s["properties"]["title"], bool(s["properties"].get("hidden")), _notes(s), _open_cells(s))
            for s in sheets
        ]
        timezone = meta.get("properties", {}).get("timeZone")
        del meta, sheets
        values = self._batch_get([_quoted(title) for title, *_ in kept])
        tabs = {
            title: TabData(title, rows, hidden, notes, open_cells)
            for (title, hidden, notes, open_cells), rows in zip(kept, values, strict=True)
        }
        return Snapshot(tabs, timezone=timezone)

    def unprotected_tabs(self, titles: list[str]) -> list[str]:
        """Of these tabs, as the last read found them, those with none of the service's protected ranges."""
        return [t for t in titles if t in self._sheets and not self._sheets[t].protected_ids]

    def requests_made(self) -> int | None:
        return self.counts.reads + self.counts.writes

    def read_tabs(self, titles: list[str]) -> dict[str, TabData]:
        """Just these tabs' values, in one values:batchGet (no metadata, no notes)."""
        values = self._batch_get([_quoted(t) for t in titles])
        return {title: TabData(title, rows) for title, rows in zip(titles, values, strict=True)}

    def unchanged_since(self, snapshot: Snapshot, keys: dict[str, list[int]] | None = None) -> bool:
        """Re-read the key columns (ids, required cells) of the input tabs: did people move rows? Given no
        keys, every tab is read again and compared whole (an import, which plans against all of it)."""
        if not keys:
            return self._same_values(snapshot)
        columns = [(title, col) for title, cols in keys.items() for col in cols]
        ranges = [f"{_quoted(t)}!{column_letter(c)}:{column_letter(c)}" for t, c in columns]
        current = self._batch_get(ranges, major="COLUMNS")
        for (title, col), now in zip(columns, current, strict=True):
            now_column = _trim(now[0] if now else [])
            before = _trim([row[col] if col < len(row) else None for row in snapshot.tabs[title].rows])
            if _normal(now_column) != _normal(before):
                log.info("rows moved in %s since the read; planning again", title)
                return False
        return True

    def _same_values(self, snapshot: Snapshot) -> bool:
        titles = list(snapshot.tabs)
        current = self._batch_get([_quoted(t) for t in titles])
        for title, rows in zip(titles, current, strict=True):
            if _rows(rows) != _rows(snapshot.tabs[title].rows):
                log.info("%s changed since the read", title)
                return False
        return True

    def _batch_get(self, ranges: list[str], major: str = "ROWS") -> list[list[list[Any]]]:
        if not ranges:
            return []
        params: ParamsType = {
            "ranges": ranges,
            "valueRenderOption": "UNFORMATTED_VALUE",
            "dateTimeRenderOption": "SERIAL_NUMBER",
            "majorDimension": major,
        }
        url = f"{GOOGLE_SHEETS}/v4/spreadsheets/{self.spreadsheet_id}/values:batchGet"
        answer = self._call_read(lambda: self.http.request("get", url, params=params).json())
        return [vr.get("values", []) for vr in answer.get("valueRanges", [])]

    def _call_read(self, call: Callable[[], Any]) -> Any:
        """Reads are safe to repeat: bounded exponential backoff with jitter on 429, 5xx and timeouts."""
        retrying = Retrying(
            stop=stop_after_attempt(self.attempts),
            wait=self.wait,
            reraise=True,
            retry=retry_if_exception(_is_transient),
        )
        try:
            for attempt in retrying:
                with attempt:
                    self.counts.reads += 1
                    return call()
        except Exception as failed:
            raise self._translate(failed) from failed
        raise AssertionError("unreachable")  # pragma: no cover

    # -- writing -------------------------------------------------------------------------------
    def write(self, changes: ChangeSet) -> WriteResult:
        after: dict[str, SheetInfo] = {}
        batches = build_requests(changes, self._sheets, self.client_email, after)
        sent = 0
        for requests_ in batches:
            self._send_write({"requests": requests_})
            sent += 1
        self._sheets = after  # a write right after this one (a put-back) knows the tabs this one added
        return WriteResult(requests=sent, cells=changes.cell_count)

    def _send_write(self, body: dict) -> None:
        """A 429 means Google did not apply the batch: wait and send again. Anything else that leaves
        the outcome unknown is not retried blindly: the cycle reads again and plans what is left."""
        retrying = Retrying(
            stop=stop_after_attempt(self.attempts),
            wait=self.wait,
            reraise=True,
            retry=retry_if_exception(_is_rate_limited),
        )
        try:
            for attempt in retrying:
                with attempt:
                    self.counts.writes += 1
                    self.http.batch_update(self.spreadsheet_id, body)
        except Exception as failed:
            if _is_transient(failed) and not _is_rate_limited(failed):
                raise AmbiguousWriteError(
                    f"{self.describe()}: the write may not have completed ({_reason(failed)}); reading again"
                ) from failed
            raise self._translate(failed) from failed

    # -- errors --------------------------------------------------------------------------------
    def _translate(self, failed: Exception) -> Exception:
        if isinstance(failed, StoreError):
            return failed
        if isinstance(failed, RefreshError):
            return describe_refresh_failure(failed, self.client_email)
        if isinstance(failed, APIError):
            return self._api_error(failed)
        if isinstance(failed, requests.RequestException | TransportError):
            return StoreError(
                f"{self.describe()}: Google Sheets could not be reached ({_reason(failed)}); "
                "check the network or proxy, the next run retries"
            )
        return failed

    def _api_error(self, failed: APIError) -> StoreError:
        code = failed.response.status_code
        message = str(failed.error.get("message", "")) if isinstance(failed.error, dict) else str(failed)
        who = self.client_email or "the service account"
        if code == 404:
            return AccessError(
                f"{self.describe()} not found; check store.spreadsheet (the id or URL of the sheet)"
            )
        if code == 403 and (
            "has not been used" in message or "disabled" in message or "SERVICE_DISABLED" in str(failed.error)
        ):
            return AccessError(
                f"the Google Sheets API is not enabled for the service account's project; enable it "
                f"in the Google Cloud console (APIs & Services > Library > Google Sheets API) ({message})"
            )
        if code == 403 and "protected" in message:
            return AccessError(
                f"{self.describe()}: a protected range blocks {who}; add it as an editor of the "
                f"protected range, or remove the protection ({message})"
            )
        if code == 403:
            return AccessError(f"{self.describe()} is not shared with {who}; share it with {who} as Editor")
        if code == 401:
            return AccessError(f"Google rejected the credentials of {who}; create a new key ({message})")
        if code == 429:
            return QuotaError(
                f"{self.describe()}: Google's quota is exhausted ({message}); the next run retries — "
                "run less often or ask for more quota"
            )
        return StoreError(f"{self.describe()}: Google answered {code}: {message}")


def _is_transient(error: BaseException) -> bool:
    if isinstance(error, APIError):
        return error.response.status_code in RETRIED_STATUSES
    return isinstance(error, requests.ConnectionError | requests.Timeout | TransportError)


def _is_rate_limited(error: BaseException) -> bool:
    return isinstance(error, APIError) and error.response.status_code == 429


def _reason(error: Exception) -> str:
    if isinstance(error, APIError):
        return f"HTTP {error.response.status_code}"
    return type(error).__name__


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _notes(sheet: dict) -> dict[tuple[int, int], str]:
    notes = {}
    for block in sheet.get("data", []):
        top, left = block.get("startRow", 0), block.get("startColumn", 0)
        for r, row in enumerate(block.get("rowData", [])):
            for c, value in enumerate(row.get("values", [])):
                if value.get("note"):
                    notes[(top + r, left + c)] = value["note"]
    return notes


def _open_cells(sheet: dict[str, Any]) -> tuple[OpenCells, ...] | None:
    """The holes in the service's protection of a whole tab (cells its editors may type into); None when
    the service does not protect the tab whole (an input tab, or one created without a service account)."""
    for protection in sheet.get("protectedRanges", []):
        whole = not set(protection.get("range", {})) - {"sheetId"}
        if whole and protection.get("description") == PROTECTION_MARK:
            holes = [
                OpenCells(
                    hole.get("startRowIndex", 0),
                    hole.get("endRowIndex"),
                    hole.get("startColumnIndex", 0),
                    hole.get("endColumnIndex", -1),  # (-1: to the last column, which we never ask for)
                )
                for hole in protection.get("unprotectedRanges", [])
            ]
            return tuple(sorted(holes, key=lambda hole: (hole.row, hole.col)))
    return None


def _trim(values: list[Any]) -> list[Any]:
    end = len(values)
    while end and values[end - 1] in (None, ""):
        end -= 1
    return values[:end]


def _rows(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows compared as Google answers them: trailing empty cells and rows left out."""
    trimmed = [_normal(_trim(row)) for row in rows]
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


def _normal(values: list[Any]) -> list[Any]:
    return ["" if v is None else v for v in values]
