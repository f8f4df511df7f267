"""Replaying recorded gspread <-> Google cassettes against the emulator and comparing what clients see."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

# Shipped in the repository (tests/conformance/README.md: origin and licence), so every clone checks them.
CASSETTE_DIR = Path(__file__).resolve().parents[1] / "conformance" / "gspread-cassettes"
CALLER = "gspread-tests@test-proj.iam.gserviceaccount.com"

# Response keys not modelled (or not meaningful to compare); see tests/sheets_emulator/README.md.
IGNORED_KEYS = {
    "spreadsheetId",
    "spreadsheetUrl",
    "sheetId",
    "protectedRangeId",
    "chartId",
    "id",
    "kind",
    "etag",
    "defaultFormat",
    "spreadsheetTheme",
    "autoRecalc",
    "createdTime",
    "modifiedTime",
    "details",
    "effectiveFormat",
    "requestingUserCanEdit",
    "editors",
    "tabColor",
    "rowMetadata",
    "columnMetadata",
    "iterativeCalculationSettings",
    "mimeType",
}

# Cassettes that use Drive features the emulator does not model (copy, export, comments, CSV import,
# listing all of the account's files, which depends on files the recording account owned).
SKIPPED = {
    "ClientTest.test_client_export_spreadsheet.json": "Drive files.export (PDF/CSV export) not modelled",
    "ClientTest.test_copy.json": "Drive files.copy and comments not modelled",
    "ClientTest.test_import_csv.json": "Drive v2 upload (CSV import) not modelled",
    "ClientTest.test_list_spreadsheet_files.json": "Drive files.list depends on the recording account's files",
    "ClientTest.test_no_found_exeption.json": "Drive files.list depends on the recording account's files",
    "ClientTest.test_open_all_has_metadata.json": "Drive files.list depends on the recording account's files",
    "ClientTest.test_openall.json": "Drive files.list depends on the recording account's files",
}
SUPPORTED_DRIVE = ("files.create", "files.delete", "files.get")


def client_view(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: client_view(v) for k, v in value.items() if k not in IGNORED_KEYS}
    if isinstance(value, list):
        return [client_view(v) for v in value]
    return value


def error_view(body: dict) -> dict:
    err = body.get("error", {})
    return {"code": err.get("code"), "status": err.get("status"), "message": err.get("message")}


@dataclass
class Outcome:
    name: str
    total: int = 0
    matched: int = 0
    diffs: list[str] = field(default_factory=list)


ID_KEYS = ("sheetId", "protectedRangeId", "chartId")


def learn_ids(want: Any, have: Any, ids: dict[int, int]) -> None:
    """Pair up server-assigned numeric ids (Google's vs the emulator's) found at the same place."""
    if isinstance(want, dict) and isinstance(have, dict):
        for key, value in want.items():
            if key in ID_KEYS and isinstance(value, int) and isinstance(have.get(key), int):
                ids[value] = have[key]
            elif key in have:
                learn_ids(value, have[key], ids)
    elif isinstance(want, list) and isinstance(have, list):
        for w, h in zip(want, have, strict=False):
            learn_ids(w, h, ids)


def map_ids(value: Any, ids: dict[int, int]) -> Any:
    if isinstance(value, dict):
        return {
            k: (ids.get(v, v) if k in ID_KEYS and isinstance(v, int) else map_ids(v, ids))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [map_ids(v, ids) for v in value]
    return value


def _drive_kind(method: str, path: str) -> str:
    rest = path.split("/drive/v3/", 1)[1] if "/drive/v3/" in path else path
    parts = rest.split("/")
    if method == "POST" and parts == ["files"]:
        return "files.create"
    if method == "DELETE" and len(parts) == 2:
        return "files.delete"
    if method == "GET" and len(parts) == 2:
        return "files.get"
    return "other"


def replay(base_url: str, token: str, cassette: Path) -> Outcome:
    data = json.loads(cassette.read_text())
    out = Outcome(cassette.name)
    ids: dict[str, str] = {}
    num_ids: dict[int, int] = {}
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    for n, inter in enumerate(data["interactions"]):
        req, resp = inter["request"], inter["response"]
        parts = urlsplit(req["uri"])
        path = parts.path
        if "/upload/" in path or (
            "/drive/" in path and _drive_kind(req["method"], path) not in SUPPORTED_DRIVE
        ):
            raise AssertionError(f"{cassette.name}: unsupported Drive call {req['method']} {path}")
        url = base_url + path + (f"?{parts.query}" if parts.query else "")
        body = req.get("body") or None
        for old, new in ids.items():
            url = url.replace(old, new)
            if body:
                body = body.replace(old, new)
        if body:
            body = json.dumps(map_ids(json.loads(body), num_ids))
        got = session.request(
            req["method"],
            url,
            data=body.encode() if body else None,
            headers={"Content-Type": "application/json"} if body else {},
        )
        want_status = resp["status"]["code"]
        want_text = resp["body"]["string"]
        want = json.loads(want_text) if want_text.strip() else None
        have = got.json() if got.content else None
        if "/drive/" in path and req["method"] == "POST" and want:
            ids[want["id"]] = have["id"]
        if want is not None and have is not None:
            learn_ids(want, have, num_ids)
        out.total += 1
        problem = None
        if got.status_code != want_status:
            problem = f"status {got.status_code} != {want_status}: {got.text[:300]}"
        elif want_status >= 400:
            if error_view(have) != error_view(want):
                problem = f"error {error_view(have)} != {error_view(want)}"
        elif client_view(have) != client_view(want):
            problem = (
                f"body\n  emulator: {json.dumps(client_view(have))[:1500]}\n  google:   "
                f"{json.dumps(client_view(want))[:1500]}"
            )
        if problem:
            out.diffs.append(f"#{n} {req['method']} {path}?{parts.query[:80]}: {problem}")
        else:
            out.matched += 1
    return out
