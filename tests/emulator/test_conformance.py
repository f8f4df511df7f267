"""Replays recorded Google traffic (gspread's cassettes) against the emulator."""

from __future__ import annotations

import pytest

from tests.emulator.replay import CALLER, CASSETTE_DIR, SKIPPED, replay
from tests.sheets_emulator import SheetsEmulator

# Fewer than this many cassettes means the folder was damaged or emptied: fail rather than check little.
MIN_CASSETTES = 60


def test_the_cassettes_ship_with_the_repository() -> None:
    cassettes = sorted(CASSETTE_DIR.glob("*.json")) if CASSETTE_DIR.is_dir() else []
    assert len(cassettes) >= MIN_CASSETTES, (
        f"recorded Google traffic missing from {CASSETTE_DIR} ({len(cassettes)} cassettes): "
        "restore tests/conformance/gspread-cassettes from git"
    )


def test_cassettes_replay_identically(capsys: pytest.CaptureFixture[str]) -> None:
    cassettes = sorted(CASSETTE_DIR.glob("*.json"))
    assert len(cassettes) >= MIN_CASSETTES, f"recorded Google traffic missing from {CASSETTE_DIR}"
    outcomes = []
    with SheetsEmulator() as emu:
        token = emu.issue_token(CALLER)
        for path in cassettes:
            if path.name in SKIPPED:
                continue
            outcomes.append(replay(emu.url, token, path))
    matched_cassettes = sum(1 for o in outcomes if not o.diffs)
    total = sum(o.total for o in outcomes)
    matched = sum(o.matched for o in outcomes)
    with capsys.disabled():
        print(
            f"\nconformance: {matched_cassettes}/{len(outcomes)} cassettes, {matched}/{total} interactions match"
            f" ({len(SKIPPED)} cassettes skipped as unsupported, see replay.SKIPPED)"
        )
    failures = [f"{o.name}:\n  " + "\n  ".join(o.diffs[:3]) for o in outcomes if o.diffs]
    assert not failures, "\n".join(failures)
