"""Fixtures shared by the whole suite."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sheets_emulator import SheetsEmulator

Spawn = Callable[..., subprocess.Popen[str]]
SA = "sync@test-proj.iam.gserviceaccount.com"  # the service account the emulator's sheets are shared with
_running: list[SheetsEmulator] = []


@pytest.fixture(scope="session")
def emu() -> Iterator[SheetsEmulator]:
    """One local Sheets API emulator per test process (each xdist worker has its own).

    Tests never share a spreadsheet (each creates its own), so one emulator serves them all; what a test
    sets on it (faults, hooks) and the request log it reads are cleared after every test.
    """
    with SheetsEmulator() as emulator:
        _running.append(emulator)
        yield emulator
        _running.remove(emulator)


@pytest.fixture(scope="session")
def emulator(emu: SheetsEmulator) -> Callable[[], SheetsEmulator]:
    """The emulator as tests.stores.StoreMaker takes it."""
    return lambda: emu


@pytest.fixture(scope="session")
def key(emu: SheetsEmulator, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A service-account key for SA whose tokens the emulator issues (mode 600, as doctor expects)."""
    path = emu.write_service_account_key(tmp_path_factory.mktemp("sa") / "key.json", client_email=SA)
    path.chmod(0o600)
    return path


@pytest.fixture(autouse=True)
def _emulator_cleared_after_each_test() -> Iterator[None]:
    yield
    for emulator in _running:
        emulator.clear_faults()
        emulator.clear_hooks()
        emulator.reset_counters()


@pytest.fixture
def spawn() -> Iterator[Spawn]:
    """Starts a subprocess that is ended when the test ends, however it ends.

    A test that fails between starting a process and stopping it (an assertion, a timeout) would
    otherwise leave it running: a stray `sfa-sync serve` keeps writing to its sheet and its unclosed
    pipes fail an unrelated later test through the ResourceWarning filter.
    """
    started: list[subprocess.Popen[str]] = []

    def start(args: list[str], **options: Any) -> subprocess.Popen[str]:
        process: subprocess.Popen[str] = subprocess.Popen(args, text=True, **options)
        started.append(process)
        return process

    yield start
    for process in started:
        end(process)


def end(process: subprocess.Popen[str]) -> None:
    """Kills a process that is still running, reaps it and closes its pipes."""
    if process.poll() is None:
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired, ValueError, OSError):
        process.communicate(timeout=30)
    for pipe in (process.stdin, process.stdout, process.stderr):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()
