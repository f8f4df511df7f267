"""Request routing: maps Google URL paths to endpoint names and runs them against the state."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from . import values as v
from .batch_update import apply_requests
from .discovery import check_body, check_query
from .document import spreadsheet_resource
from .errors import ApiError, bad_request
from .model import Sheet, Spreadsheet, check_access, new_id, new_sheet_props

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"

# (http method, path regex, endpoint name, discovery method or None)
ROUTES = [
    ("POST", r"/v4/spreadsheets", "spreadsheets.create", "spreadsheets.create"),
    ("GET", r"/v4/spreadsheets/(?P<sid>[^/:]+)", "spreadsheets.get", "spreadsheets.get"),
    (
        "POST",
        r"/v4/spreadsheets/(?P<sid>[^/:]+):batchUpdate",
        "spreadsheets.batchUpdate",
        "spreadsheets.batchUpdate",
    ),
    (
        "GET",
        r"/v4/spreadsheets/(?P<sid>[^/:]+)/values:batchGet",
        "values.batchGet",
        "spreadsheets.values.batchGet",
    ),
    (
        "POST",
        r"/v4/spreadsheets/(?P<sid>[^/:]+)/values:batchUpdate",
        "values.batchUpdate",
        "spreadsheets.values.batchUpdate",
    ),
    (
        "POST",
        r"/v4/spreadsheets/(?P<sid>[^/:]+)/values:batchClear",
        "values.batchClear",
        "spreadsheets.values.batchClear",
    ),
    (
        "POST",
        r"/v4/spreadsheets/(?P<sid>[^/:]+)/values/(?P<range>.+):append",
        "values.append",
        "spreadsheets.values.append",
    ),
    (
        "POST",
        r"/v4/spreadsheets/(?P<sid>[^/:]+)/values/(?P<range>.+):clear",
        "values.clear",
        "spreadsheets.values.clear",
    ),
    (
        "GET",
        r"/v4/spreadsheets/(?P<sid>[^/:]+)/values/(?P<range>.+)",
        "values.get",
        "spreadsheets.values.get",
    ),
    (
        "PUT",
        r"/v4/spreadsheets/(?P<sid>[^/:]+)/values/(?P<range>.+)",
        "values.update",
        "spreadsheets.values.update",
    ),
    ("POST", r"/drive/v3/files", "drive.files.create", None),
    ("GET", r"/drive/v3/files", "drive.files.list", None),
    ("GET", r"/drive/v3/files/(?P<sid>[^/]+)", "drive.files.get", None),
    ("DELETE", r"/drive/v3/files/(?P<sid>[^/]+)", "drive.files.delete", None),
    ("POST", r"/drive/v3/files/(?P<sid>[^/]+)/permissions", "drive.permissions.create", None),
]
WRITE_ENDPOINTS = {
    "spreadsheets.batchUpdate",
    "values.batchUpdate",
    "values.batchClear",
    "values.append",
    "values.clear",
    "values.update",
    "drive.files.delete",
    "drive.permissions.create",
}


def route(method: str, path: str) -> tuple[str, dict[str, str], str | None]:
    decoded = "/".join(unquote(p) for p in path.split("/"))
    for http_method, pattern, name, disc in ROUTES:
        if http_method != method:
            continue
        m = re.fullmatch(pattern, decoded)
        if m:
            return name, m.groupdict(), disc
    raise ApiError(404, f"Method not found: {method} {path}")


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    return values[-1] if values else None


@dataclass
class State:
    spreadsheets: dict[str, Spreadsheet] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    base_url: str = ""

    def create(
        self,
        title: str,
        owner: str,
        sheets: list[dict] | None = None,
        props: dict | None = None,
        spreadsheet_id: str | None = None,
    ) -> Spreadsheet:
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        base = {"title": title, "locale": "en_US", "autoRecalc": "ON_CHANGE", "timeZone": "Etc/GMT"}
        base.update({k: val for k, val in (props or {}).items() if val is not None})
        ss = Spreadsheet(spreadsheet_id or new_id(), base, [], owner, created_time=now, modified_time=now)
        for i, sp in enumerate(sheets or [{}]):
            sp = sp or {}
            gp = sp.get("gridProperties") or {}
            sheet_id = sp.get("sheetId", 0 if i == 0 else ss.next_sheet_id())
            props_ = new_sheet_props(
                sheet_id,
                sp.get("title") or f"Sheet{i + 1}",
                i,
                gp.get("rowCount", 1000),
                gp.get("columnCount", 26),
            )
            props_["gridProperties"].update(gp)
            for key, val in sp.items():
                if key not in ("sheetId", "title", "index", "gridProperties") and val is not None:
                    props_[key] = val
            ss.sheets.append(Sheet(props_))
        ss.check_cell_limit()
        self.spreadsheets[ss.spreadsheet_id] = ss
        return ss

    def touch(self, ss: Spreadsheet) -> None:
        ss.modified_time = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def dispatch(
    state: State, name: str, args: dict[str, str], params: dict[str, list[str]], body: Any, caller: str | None
) -> tuple[int, Any]:
    """Run one endpoint under the state lock. Returns (status, json body or None)."""
    with state.lock:
        if name.startswith("drive."):
            return _drive(state, name, args, params, body, caller)
        if name == "spreadsheets.create":
            body = body or {}
            props = body.get("properties") or {}
            sheets = [s.get("properties") or {} for s in body.get("sheets") or []] or None
            ss = state.create(props.get("title") or "Untitled spreadsheet", caller or "", sheets, props)
            return 200, spreadsheet_resource(ss, base_url=state.base_url)
        ss = check_access(state.spreadsheets.get(args["sid"]), caller, name in WRITE_ENDPOINTS)
        rng = args.get("range")
        flat = {k: vals[-1] for k, vals in params.items() if vals}
        if name == "spreadsheets.get":
            include = (_one(params, "includeGridData") or "false").lower() == "true"
            return 200, spreadsheet_resource(
                ss,
                ranges=params.get("ranges"),
                include_grid=include,
                fields=_one(params, "fields"),
                base_url=state.base_url,
            )
        if name == "values.get":
            return 200, v.values_get(ss, rng, flat)
        if name == "values.batchGet":
            return 200, v.values_batch_get(ss, {**flat, "ranges": params.get("ranges", [])})
        body = body or {}
        work = ss.snapshot()
        if name == "spreadsheets.batchUpdate":
            result = {
                "spreadsheetId": ss.spreadsheet_id,
                "replies": apply_requests(work, body.get("requests") or [], caller),
            }
            if body.get("includeSpreadsheetInResponse"):
                result["updatedSpreadsheet"] = spreadsheet_resource(
                    work,
                    ranges=body.get("responseRanges"),
                    include_grid=bool(body.get("responseIncludeGridData")),
                    base_url=state.base_url,
                )
        elif name == "values.update":
            result = v.values_update(work, rng, flat, body, caller)
        elif name == "values.append":
            result = v.values_append(work, rng, flat, body, caller)
        elif name == "values.clear":
            result = v.values_clear(work, rng, caller)
        elif name == "values.batchUpdate":
            result = v.values_batch_update(work, body, caller)
        elif name == "values.batchClear":
            result = v.values_batch_clear(work, body, caller)
        else:  # pragma: no cover - routes and names are kept in sync
            raise ApiError(404, f"Method not found: {name}")
        state.spreadsheets[ss.spreadsheet_id] = work  # all-or-nothing: swap in only on success
        state.touch(work)
        return 200, result


def _drive_file(ss: Spreadsheet) -> dict:
    return {
        "kind": "drive#file",
        "id": ss.spreadsheet_id,
        "name": ss.props["title"],
        "mimeType": SPREADSHEET_MIME,
        "createdTime": ss.created_time,
        "modifiedTime": ss.modified_time,
    }


def _drive(
    state: State, name: str, args: dict, params: dict, body: Any, caller: str | None
) -> tuple[int, Any]:
    if name == "drive.files.create":
        body = body or {}
        if body.get("mimeType") != SPREADSHEET_MIME:
            raise bad_request("The Sheets emulator only creates Google Sheets files.")
        ss = state.create(body.get("name") or "Untitled spreadsheet", caller or "")
        out = _drive_file(ss)
        return 200, {k: out[k] for k in ("kind", "id", "name", "mimeType")}
    if name == "drive.files.list":
        files = [_drive_file(s) for s in state.spreadsheets.values() if s.role(caller)]
        return 200, {"kind": "drive#fileList", "incompleteSearch": False, "files": files}
    ss = state.spreadsheets.get(args["sid"])
    if ss is None or ss.role(caller) is None:
        raise ApiError(404, f"File not found: {args['sid']}.")
    if name == "drive.files.get":
        out = _drive_file(ss)
        return 200, {k: out[k] for k in ("id", "name", "createdTime", "modifiedTime")}
    if name == "drive.permissions.create":
        if ss.role(caller) not in ("owner", "writer"):
            raise ApiError(403, "The user does not have sufficient permissions for this file.")
        body = body or {}
        role = "reader" if body.get("role") in ("reader", "commenter") else "writer"
        ss.permissions[body.get("emailAddress", "")] = role
        return 200, {"kind": "drive#permission", "id": "emu", "type": body.get("type", "user"), "role": role}
    if ss.role(caller) != "owner":
        raise ApiError(403, "The user does not have sufficient permissions for this file.")
    del state.spreadsheets[ss.spreadsheet_id]
    return 204, None


def validate(discovery_method: str | None, params: dict[str, list[str]], body: Any) -> None:
    if discovery_method is None:
        return
    check_query(discovery_method, params)
    if body is not None:
        check_body(discovery_method, body)


def parse_json(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise bad_request(f"Invalid JSON payload received. {exc}") from None
