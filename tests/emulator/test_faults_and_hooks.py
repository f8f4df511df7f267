from __future__ import annotations

import pytest
import requests

from tests.emulator.conftest import Raw
from tests.sheets_emulator import SheetsEmulator


def _put(raw: Raw, sid: str, value: str) -> requests.Response:
    return raw(
        "PUT", f"/v4/spreadsheets/{sid}/values/Deals!B2", valueInputOption="RAW", json={"values": [[value]]}
    )


def test_injected_error_before_applying_changes_nothing(emu: SheetsEmulator, raw: Raw, sid: str) -> None:
    emu.inject("values.update", status=429, times=1)
    r = _put(raw, sid, "Open")
    assert r.status_code == 429
    assert r.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert emu.values(sid, "Deals")[1][1] == "Won"
    assert _put(raw, sid, "Open").status_code == 200  # times=1: the retry goes through
    assert emu.values(sid, "Deals")[1][1] == "Open"
    assert emu.count("values.update") == 2


def test_injected_error_after_applying_is_ambiguous(emu: SheetsEmulator, raw: Raw, sid: str) -> None:
    emu.inject("spreadsheets.batchUpdate", status=503, when="after")
    r = raw(
        "POST",
        f"/v4/spreadsheets/{sid}:batchUpdate",
        json={"requests": [{"addSheet": {"properties": {"title": "Archive"}}}]},
    )
    assert r.status_code == 503 and r.json()["error"]["status"] == "UNAVAILABLE"
    assert "Archive" in emu.spreadsheet(sid).titles()


def test_dropped_connection_and_delay(emu: SheetsEmulator, raw: Raw, sid: str) -> None:
    emu.inject_drop_connection("values.update", when="after")
    with pytest.raises(requests.ConnectionError):
        _put(raw, sid, "Dropped")
    assert emu.values(sid, "Deals")[1][1] == "Dropped"
    emu.inject_delay("values.get", seconds=0.3)
    with pytest.raises(requests.Timeout):
        raw.s.get(f"{raw.base}/v4/spreadsheets/{sid}/values/Deals", timeout=0.1)


def test_random_failures_are_reproducible(emu: SheetsEmulator, raw: Raw, sid: str) -> None:
    def run() -> list[int]:
        emu.fail_randomly(rate=0.5, seed=7, statuses=(429, 500, 503), include_timeouts=False)
        codes = [raw("GET", f"/v4/spreadsheets/{sid}/values/Deals").status_code for _ in range(20)]
        emu.clear_faults()
        return codes

    first = run()
    assert first == run()
    assert set(first) - {200} <= {429, 500, 503} and 200 in first and len(set(first)) > 1


def test_person_edits_between_requests(emu: SheetsEmulator, raw: Raw, sid: str) -> None:
    def person(e: SheetsEmulator, endpoint: str) -> None:
        e.person_insert_row(sid, "Deals", 2, ["D-0", "New", 1])
        e.person_set(sid, "Deals", "B4", "Reopened")

    emu.on_request(2, person)
    first = raw("GET", f"/v4/spreadsheets/{sid}/values/Deals").json()["values"]
    second = raw("GET", f"/v4/spreadsheets/{sid}/values/Deals").json()["values"]
    assert first[1] == ["D-1", "Won", "100"]
    assert second[1:] == [["D-0", "New", "1"], ["D-1", "Won", "100"], ["D-2", "Reopened", "50"]]
    emu.person_sort(sid, "Deals", "C")
    assert [r[0] for r in emu.values(sid, "Deals")] == ["Deal ID", "D-0", "D-2", "D-1"]
    emu.protect(sid, "Deals", "A1:C4", editors=[])
    emu.person_set(sid, "Deals", "C2", "")  # people with access edit regardless of the API caller's rights
    assert emu.values(sid, "Deals")[1] == ["D-0", "New"]
    emu.person_delete_row(sid, "Deals", 2)
    assert [r[0] for r in emu.values(sid, "Deals")] == ["Deal ID", "D-2", "D-1"]
    seen: list[str] = []
    emu.before_request(lambda e, endpoint: seen.append(endpoint))
    raw("GET", f"/v4/spreadsheets/{sid}/values:batchGet", ranges=["Deals!A1", "Deals!B1"])
    assert seen == ["values.batchGet"]
