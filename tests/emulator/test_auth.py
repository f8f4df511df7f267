from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import requests
from google.auth import crypt, jwt
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request
from google.oauth2.service_account import Credentials

from tests.emulator.conftest import SA, SCOPES
from tests.sheets_emulator import SheetsEmulator, gspread_client


def test_real_google_auth_flow_gets_a_token_and_records_scopes(
    emu: SheetsEmulator, key_path: Path, sid: str
) -> None:
    creds = Credentials.from_service_account_file(str(key_path), scopes=SCOPES)
    creds.refresh(Request())
    assert creds.token.startswith("ya29.")
    assert (SA, SCOPES) in emu.requested_scopes
    r = requests.get(
        f"{emu.url}/v4/spreadsheets/{sid}", headers={"Authorization": f"Bearer {creds.token}"}, timeout=5
    )
    assert r.status_code == 200
    assert r.json()["properties"]["title"] == "Team sheet"


def test_key_signed_by_unknown_key_is_rejected(emu: SheetsEmulator, key_path: Path, tmp_path: Path) -> None:
    other = SheetsEmulator()  # a different key pair for the same e-mail, never registered here
    forged = other.auth.new_key_file(tmp_path / "forged.json", SA, emu.token_uri)
    creds = Credentials.from_service_account_file(str(forged), scopes=SCOPES)
    with pytest.raises(RefreshError, match="Invalid JWT Signature"):
        creds.refresh(Request())


def test_expired_assertion_is_rejected(emu: SheetsEmulator, key_path: Path) -> None:
    info = json.loads(key_path.read_text())
    signer = crypt.RSASigner.from_service_account_info(info)
    now = int(time.time())
    assertion = jwt.encode(
        signer, {"iss": SA, "aud": emu.token_uri, "scope": SCOPES[0], "iat": now - 7200, "exp": now - 3600}
    ).decode()
    r = requests.post(
        emu.token_uri,
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion},
        timeout=5,
    )
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"


def test_missing_invalid_and_expired_bearer_tokens_get_401(emu: SheetsEmulator, sid: str) -> None:
    url = f"{emu.url}/v4/spreadsheets/{sid}"
    expired = emu.issue_token(SA, lifetime=-1)
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": f"Bearer {expired}"}):
        r = requests.get(url, headers=headers, timeout=5)
        assert r.status_code == 401
        err = r.json()["error"]
        assert err["status"] == "UNAUTHENTICATED" and err["code"] == 401
        assert "authentication credential" in err["message"]


def test_readonly_scope_cannot_write(emu: SheetsEmulator, sid: str) -> None:
    token = emu.issue_token(SA, scopes=["https://www.googleapis.com/auth/spreadsheets.readonly"])
    r = requests.put(
        f"{emu.url}/v4/spreadsheets/{sid}/values/Deals!A1",
        params={"valueInputOption": "RAW"},
        json={"values": [["x"]]},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert r.status_code == 403
    assert emu.values(sid, "Deals")[0][0] == "Deal ID"


def test_gspread_client_authenticates_through_the_emulator(
    emu: SheetsEmulator, key_path: Path, sid: str
) -> None:
    creds = Credentials.from_service_account_file(str(key_path), scopes=SCOPES)
    gc = gspread_client(creds, emu.url)
    assert gc.open_by_key(sid).title == "Team sheet"
    assert emu.count("oauth2.token") == 1
    assert emu.count("spreadsheets.get") >= 1
