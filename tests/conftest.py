"""Fixtures shared by the whole suite."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Callable, Iterator
from typing import Any

import pytest

Spawn = Callable[..., subprocess.Popen[str]]


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
