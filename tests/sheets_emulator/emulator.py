"""The public face of the emulator: ``SheetsEmulator``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

from . import api
from .auth import AuthServer, TokenError
from .batch_update import shift_rows, sort_range
from .cellvalues import parse_user_entered, set_raw
from .errors import ApiError, injected
from .faults import Fault, FaultPlan
from .grid import resolve
from .model import Cell, Spreadsheet
from .ranges import col_to_index
from .server import Reply, Server
from .values import read_box


class RequestRecord(NamedTuple):
    method: str
    path: str  # as sent, including the query string
    endpoint: str  # e.g. "values.batchGet", "spreadsheets.batchUpdate", "oauth2.token"
    body: Any  # parsed JSON body (None when empty)


Hook = Callable[["SheetsEmulator", str], None]


class SheetsEmulator:
    """A strict, in-memory Google Sheets API v4 (+ the bits of Drive v3 and OAuth2 clients need)."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1", owner: str = "owner@example.com"):
        self.host, self._port = host, port
        self.owner = owner  # the human who owns spreadsheets made by create_spreadsheet()
        self.state = api.State()
        self.auth = AuthServer()
        self.faults = FaultPlan()
        self.requests: list[RequestRecord] = []
        self._server: Server | None = None
        self._hooks: list[Hook] = []
        self._nth_hooks: dict[int, list[Hook]] = {}
        self._api_calls = 0
        self._log_lock = threading.Lock()

    # ------------------------------------------------------------ lifecycle
    def start(self) -> SheetsEmulator:
        if self._server is None:
            self._server = Server(self, self.host, self._port)
            self._server.start()
            self.state.base_url = self.url
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> SheetsEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("emulator not started")
        return f"http://{self.host}:{self._server.port}"

    @property
    def token_uri(self) -> str:
        return self.url + "/token"

    # ------------------------------------------------------------ auth
    def write_service_account_key(
        self,
        path: str | Path,
        client_email: str = "sync@test-proj.iam.gserviceaccount.com",
        project_id: str = "test-proj",
    ) -> Path:
        """Write a service-account key file (fresh RSA key registered here; token_uri = this emulator)."""
        return self.auth.new_key_file(Path(path), client_email, self.token_uri, project_id)

    def issue_token(self, email: str, scopes: list[str] | None = None, lifetime: int = 3600) -> str:
        """A bearer token for ``email`` without the JWT dance (for raw-HTTP tests)."""
        return self.auth.issue(email, scopes, lifetime)

    @property
    def requested_scopes(self) -> list[tuple[str, list[str]]]:
        return list(self.auth.scope_log)

    # ------------------------------------------------------------ data set-up and inspection
    def create_spreadsheet(
        self,
        title: str = "Untitled spreadsheet",
        tabs: dict[str, list[list[Any]]] | None = None,
        shared_with: list[str] | dict[str, str] | None = None,
        owner: str | None = None,
        rows: int = 1000,
        cols: int = 26,
        locale: str = "en_US",
        time_zone: str = "Etc/GMT",
        value_input: str = "USER_ENTERED",
    ) -> str:
        tabs = tabs or {"Sheet1": []}
        sheets = [
            {
                "title": t,
                "gridProperties": {
                    "rowCount": max(rows, len(v)),
                    "columnCount": max(cols, *(len(r) for r in v or [[]])),
                },
            }
            for t, v in tabs.items()
        ]
        with self.state.lock:
            ss = self.state.create(
                title, owner or self.owner, sheets, {"locale": locale, "timeZone": time_zone}
            )
            for sheet, rows_ in zip(ss.ordered(), tabs.values(), strict=True):
                for r, row in enumerate(rows_ or []):
                    for c, raw in enumerate(row):
                        if raw is None or raw == "":
                            continue
                        self._store(sheet, r, c, raw, value_input)
            shared = shared_with or []
            items = shared.items() if isinstance(shared, dict) else ((e, "writer") for e in shared)
            for email, role in items:
                ss.permissions[email] = role
        return ss.spreadsheet_id

    @staticmethod
    def _store(sheet: Any, r: int, c: int, raw: Any, value_input: str) -> None:
        cell = sheet.ensure(r, c)
        (parse_user_entered if value_input == "USER_ENTERED" else set_raw)(raw, cell)
        sheet.drop_if_empty(r, c)

    def share(self, sid: str, email: str, role: str = "writer") -> None:
        with self.state.lock:
            self.spreadsheet(sid).permissions[email] = role

    def unshare(self, sid: str, email: str) -> None:
        with self.state.lock:
            self.spreadsheet(sid).permissions.pop(email, None)

    def spreadsheet(self, sid: str) -> Spreadsheet:
        return self.state.spreadsheets[sid]

    def values(
        self, sid: str, tab: str, render: str = "UNFORMATTED_VALUE", date_time: str = "SERIAL_NUMBER"
    ) -> list[list[Any]]:
        """Rows of ``tab`` as values.get would return them (trailing empties trimmed)."""
        with self.state.lock:
            ss = self.spreadsheet(sid)
            box = resolve(ss, _quoted(tab))
            out = read_box(box, {"valueRenderOption": render, "dateTimeRenderOption": date_time})
            return out.get("values", [])

    def cell(self, sid: str, tab: str, a1: str) -> Cell | None:
        with self.state.lock:
            box = resolve(self.spreadsheet(sid), f"{_quoted(tab)}!{a1}")
            return box.sheet.cell(box.r0, box.c0)

    def protect(
        self,
        sid: str,
        tab: str,
        a1: str | None = None,
        editors: list[str] | None = None,
        warning_only: bool = False,
        description: str | None = None,
    ) -> int:
        """Add a protected range owned by the spreadsheet owner; only ``editors`` (and the owner) may edit."""
        with self.state.lock:
            ss = self.spreadsheet(sid)
            box = resolve(ss, f"{_quoted(tab)}!{a1}" if a1 else _quoted(tab))
            rng = {
                "startRowIndex": box.r0,
                "endRowIndex": box.r1,
                "startColumnIndex": box.c0,
                "endColumnIndex": box.c1,
            }
            pid = 1000 + sum(len(s.protected_ranges) for s in ss.sheets) + len(ss.sheets) * 7919
            pr = {
                "protectedRangeId": pid,
                "range": rng,
                "warningOnly": warning_only,
                "editors": {"users": [ss.owner, *(editors or [])]},
            }
            if description:
                pr["description"] = description
            box.sheet.protected_ranges.append(pr)
            return pid

    # ------------------------------------------------------------ "a person edits now"
    def person_set(self, sid: str, tab: str, a1: str, value: Any) -> None:
        """Type ``value`` into a cell like a person in the UI (USER_ENTERED parsing; None/"" clears)."""
        with self.state.lock:
            box = resolve(self.spreadsheet(sid), f"{_quoted(tab)}!{a1}", for_write=True)
            if value is None or value == "":
                cell = box.sheet.cell(box.r0, box.c0)
                if cell is not None:
                    cell.value, cell.formula = None, None
                    box.sheet.drop_if_empty(box.r0, box.c0)
                return
            self._store(box.sheet, box.r0, box.c0, value, "USER_ENTERED")

    def person_insert_row(self, sid: str, tab: str, index: int, values: list[Any] | None = None) -> None:
        """Insert a row so that it becomes row number ``index`` (1-based), optionally filled."""
        with self.state.lock:
            ss = self.spreadsheet(sid)
            sheet = ss.by_title(tab)
            shift_rows(ss, sheet, index - 1, 1)
            for c, raw in enumerate(values or []):
                if raw is not None and raw != "":
                    self._store(sheet, index - 1, c, raw, "USER_ENTERED")

    def person_delete_row(self, sid: str, tab: str, index: int) -> None:
        """Delete row number ``index`` (1-based)."""
        with self.state.lock:
            ss = self.spreadsheet(sid)
            shift_rows(ss, ss.by_title(tab), index - 1, -1)

    def person_sort(
        self, sid: str, tab: str, col: int | str, descending: bool = False, header_rows: int = 1
    ) -> None:
        """Sort the data rows (below ``header_rows``) by column ``col`` (1-based number or letter)."""
        from .batch_update import Ctx

        with self.state.lock:
            ss = self.spreadsheet(sid)
            sheet = ss.by_title(tab)
            index = col - 1 if isinstance(col, int) else col_to_index(col)
            rows, cols = sheet.data_extent()
            if rows <= header_rows:
                return
            body = {
                "range": {
                    "sheetId": sheet.sheet_id,
                    "startRowIndex": header_rows,
                    "endRowIndex": rows,
                    "startColumnIndex": 0,
                    "endColumnIndex": max(cols, index + 1),
                },
                "sortSpecs": [
                    {"dimensionIndex": index, "sortOrder": "DESCENDING" if descending else "ASCENDING"}
                ],
            }
            sort_range(Ctx(ss, ss.owner, 0, "sortRange"), body)

    def before_request(self, callback: Hook) -> None:
        """Call ``callback(emu, endpoint)`` before every API request is processed."""
        self._hooks.append(callback)

    def on_request(self, n: int, callback: Hook) -> None:
        """Call ``callback(emu, endpoint)`` just before the ``n``-th API request (1-based, token calls excluded)."""
        self._nth_hooks.setdefault(n, []).append(callback)

    def clear_hooks(self) -> None:
        self._hooks.clear()
        self._nth_hooks.clear()

    # ------------------------------------------------------------ counters and faults
    def count(self, endpoint: str | None = None) -> int:
        with self._log_lock:
            return sum(1 for r in self.requests if endpoint is None or r.endpoint == endpoint)

    def reset_counters(self) -> None:
        with self._log_lock:
            self.requests.clear()
            self._api_calls = 0

    def inject(
        self,
        endpoint: str = "*",
        status: int = 503,
        times: int | None = 1,
        when: str = "before",
        skip: int = 0,
        message: str | None = None,
        reason: str | None = None,
    ) -> Fault:
        """Answer the next ``times`` matching requests with ``status`` and Google's error body (``message``
        and an ErrorInfo ``reason`` when given). ``when="after"`` applies the request first (ambiguous)."""
        return self.faults.add(
            Fault(endpoint, status=status, times=times, when=when, skip=skip, message=message, reason=reason)
        )

    def inject_delay(
        self, endpoint: str = "*", seconds: float = 0.5, times: int | None = 1, skip: int = 0
    ) -> Fault:
        return self.faults.add(Fault(endpoint, delay=seconds, times=times, skip=skip))

    def inject_drop_connection(
        self, endpoint: str = "*", times: int | None = 1, when: str = "before", skip: int = 0
    ) -> Fault:
        """Close the socket without an answer (before or after applying the request)."""
        return self.faults.add(Fault(endpoint, drop=True, times=times, when=when, skip=skip))

    def fail_randomly(
        self,
        rate: float = 0.3,
        seed: int | None = None,
        statuses: tuple[int, ...] = (429, 500, 503),
        include_timeouts: bool = True,
        endpoint: str = "*",
        when: str = "random",
    ) -> None:
        """Fail a ``rate`` share of requests (seeded). Timeouts are dropped connections."""
        self.faults.set_random(rate, seed, statuses, include_timeouts, endpoint, when)

    def clear_faults(self) -> None:
        self.faults.clear()

    # ------------------------------------------------------------ request handling (server thread)
    def handle(self, method: str, raw_path: str, headers: dict[str, str], raw_body: bytes) -> Reply:
        split = urlsplit(raw_path)
        params = parse_qs(split.query, keep_blank_values=True)
        try:
            body = api.parse_json(raw_body) if split.path != "/token" else None
        except ApiError as exc:
            return Reply(exc.code, exc.body())
        if split.path == "/token" and method == "POST":
            return self._token(raw_path, raw_body)
        try:
            endpoint, args, disc = api.route(method, split.path)
        except ApiError as exc:
            self._record(method, raw_path, "unknown", body)
            return Reply(exc.code, exc.body())
        self._record(method, raw_path, endpoint, body)
        self._run_hooks(endpoint)
        lower = {k.lower(): val for k, val in headers.items()}
        caller, problem = self.auth.identify(lower.get("authorization"))
        if problem is not None:
            code = 403 if "scopes" in problem else 401
            return Reply(code, ApiError(code, problem).body())
        if endpoint in api.WRITE_ENDPOINTS and not self.auth.can_write(lower.get("authorization")):
            return Reply(403, ApiError(403, "Request had insufficient authentication scopes.").body())
        try:
            api.validate(disc, params, body)
        except ApiError as exc:
            return Reply(exc.code, exc.body())
        fault = self.faults.next_fault(endpoint)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is not None and fault.when == "before" and (fault.status or fault.drop):
            return self._fault_reply(fault)
        try:
            status, result = api.dispatch(self.state, endpoint, args, params, body, caller)
        except ApiError as exc:
            return Reply(exc.code, exc.body())
        if fault is not None and fault.when == "after" and (fault.status or fault.drop):
            return self._fault_reply(fault)
        return Reply(status, result)

    @staticmethod
    def _fault_reply(fault: Fault) -> Reply:
        if fault.drop:
            return Reply(0, drop=True)
        return Reply(fault.status or 500, injected(fault.status or 500, fault.message, fault.reason).body())

    def _token(self, raw_path: str, raw_body: bytes) -> Reply:
        self._record("POST", raw_path, "oauth2.token", None, api_call=False)
        fault = self.faults.next_fault("oauth2.token")
        if fault is not None and (fault.status or fault.drop):
            return self._fault_reply(fault)
        try:
            return Reply(200, self.auth.exchange(raw_body, self.token_uri))
        except TokenError as exc:
            return Reply(400, {"error": exc.error, "error_description": exc.description})

    def _record(self, method: str, path: str, endpoint: str, body: Any, api_call: bool = True) -> None:
        with self._log_lock:
            self.requests.append(RequestRecord(method, path, endpoint, body))

    def _run_hooks(self, endpoint: str) -> None:
        with self._log_lock:
            self._api_calls += 1
            n = self._api_calls
        for hook in list(self._hooks):
            hook(self, endpoint)
        for hook in self._nth_hooks.pop(n, []):
            hook(self, endpoint)


def _quoted(tab: str) -> str:
    return "'" + tab.replace("'", "''") + "'"
