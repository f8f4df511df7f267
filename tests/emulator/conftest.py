from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from google.oauth2.service_account import Credentials

from tests.sheets_emulator import SheetsEmulator, gspread_client

SA = "sync@test-proj.iam.gserviceaccount.com"
SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]


@pytest.fixture(scope="session")
def emu() -> Iterator[SheetsEmulator]:
    with SheetsEmulator() as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def _clean(emu: SheetsEmulator) -> Iterator[None]:
    yield
    emu.clear_faults()
    emu.clear_hooks()
    emu.reset_counters()


@pytest.fixture(scope="session")
def key_path(emu: SheetsEmulator, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return emu.write_service_account_key(tmp_path_factory.mktemp("sa") / "key.json", client_email=SA)


@pytest.fixture(scope="session")
def creds(key_path: Path) -> Credentials:
    return Credentials.from_service_account_file(str(key_path), scopes=SCOPES)


@pytest.fixture
def gc(emu: SheetsEmulator, creds: Credentials):
    return gspread_client(creds, emu.url)


@pytest.fixture
def sid(emu: SheetsEmulator) -> str:
    return emu.create_spreadsheet(
        title="Team sheet",
        tabs={"Deals": [["Deal ID", "Stage", "Amount"], ["D-1", "Won", 100], ["D-2", "Lost", 50]]},
        shared_with=[SA],
    )


class Raw:
    """Plain HTTP against the emulator with a bearer token for the service account."""

    def __init__(self, emu: SheetsEmulator, email: str = SA):
        self.base = emu.url
        self.s = requests.Session()
        self.s.headers["Authorization"] = "Bearer " + emu.issue_token(email)

    def __call__(self, method: str, path: str, json: object = None, **params: object) -> requests.Response:
        return self.s.request(method, self.base + path, json=json, params=params or None, timeout=10)


@pytest.fixture
def raw(emu: SheetsEmulator) -> Raw:
    return Raw(emu)
