"""Progress of long work (a first sync, an import, a restore, a big demo), told to whoever started it.

A job calls `progress(step)` as each step begins, with a step code from STEPS. The command line turns
the codes into a bar on a terminal (sync/cli/progress.py, in the sheet's language); the service, tests and
pipes pass `quiet`. A job knows nothing of terminals, and each step is one call the job already makes
(a read, the analysis, a write), so the steps are coarse but honest: a bar that never moves back.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str], None]

# the steps a job may report, in the order they happen
STEPS = ("generate", "setup", "type", "history", "read", "check", "backup", "write")


def quiet(step: str) -> None:
    """No one is watching: say nothing."""
