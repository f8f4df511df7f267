"""The process the crash harness kills (tests/test_crash_consistency.py).

Run as `python -m tests.crash_child`: a small fork server. It imports the service once, then for every
job (one JSON line on stdin) forks a child that runs one `run_cycle` or one `run_reminders` on a real
store (an .xlsx file, or Google over the local emulator) and exits. The server answers two JSON lines per
job: {"pid": …} as soon as the child exists (so the parent can kill it), then {"pid": …, "signal": …,
"code": …} when it has ended. Forking a warmed-up process keeps a run at the cost of the cycle itself
(a fresh interpreter would spend most of a second importing).

The child appends the phase it enters to a progress file (read, plan, verify, write, put-back, send,
ledger, done), so that the parent can say where each kill landed. Optional hooks, in the child only,
stop it at a precise point of the .xlsx save and announce that point by creating a marker file:
`writestr` (the k-th part written into the temporary zip), `replace-before` / `replace-after` (just
before or after the os.replace that publishes the new workbook). The parent kills the child when the
marker appears.
"""

from __future__ import annotations

import json
import os
import sys
import time
import zipfile
from datetime import date, datetime
from typing import Any

import openpyxl  # noqa: F401  (imported before forking: the child starts warm)

import sync.jobs.cycle
import sync.stores.xlsx
from sync.config_file import load_config
from sync.jobs.cycle import run_cycle
from sync.jobs.remind import run_reminders
from sync.notify.email import EmailNotifier
from sync.stores import open_store
from sync.stores.google import GoogleStore

HOLD_SECONDS = 60  # how long a hooked child waits at its stop point for the parent's SIGKILL


class Progress:
    def __init__(self, path: str) -> None:
        self.handle = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 (lives as long as the child)

    def mark(self, phase: str) -> None:
        self.handle.write(phase + "\n")  # line-buffered: in the kernel before the next step, survives SIGKILL


def hold(marker: str) -> None:
    with open(marker, "w", encoding="utf-8") as handle:
        handle.write(str(os.getpid()))
    time.sleep(HOLD_SECONDS)


def install_save_hook(hook: dict[str, Any]) -> None:
    kind, marker = hook["type"], hook["marker"]
    if kind == "writestr":  # openpyxl adds each part with writestr, or write (worksheets, from a temp file)
        count = {"n": 0}

        def counted(original):  # type: ignore[no-untyped-def]
            def add_part(self, *args, **kwargs):  # type: ignore[no-untyped-def]
                count["n"] += 1
                if count["n"] == hook["k"]:
                    hold(marker)
                return original(self, *args, **kwargs)

            return add_part

        zipfile.ZipFile.writestr = counted(zipfile.ZipFile.writestr)  # type: ignore[method-assign]
        zipfile.ZipFile.write = counted(zipfile.ZipFile.write)  # type: ignore[method-assign]
        return
    real_replace = os.replace
    saves = {"n": 0}

    def replace(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        saves["n"] += 1
        if kind == "replace-before" and saves["n"] == hook.get("k", 1):
            hold(marker)
        real_replace(src, dst, *args, **kwargs)
        if kind == "replace-after" and saves["n"] == hook.get("k", 1):
            hold(marker)

    sync.stores.xlsx.os.replace = replace  # type: ignore[attr-defined]  # the child's own os module


def trace_phases(store: Any, progress: Progress) -> None:
    """Wrap the store and the cycle so that each step writes its name first."""
    read, unchanged, write = store.read, store.unchanged_since, store.write
    analyse = sync.jobs.cycle.analyse
    state = {"wrote": False}

    def traced_read(*args, **kwargs):  # type: ignore[no-untyped-def]
        progress.mark("read")
        return read(*args, **kwargs)

    def traced_analyse(*args, **kwargs):  # type: ignore[no-untyped-def]
        progress.mark("plan")
        return analyse(*args, **kwargs)

    def traced_unchanged(*args, **kwargs):  # type: ignore[no-untyped-def]
        progress.mark("verify")
        return unchanged(*args, **kwargs)

    def traced_write(*args, **kwargs):  # type: ignore[no-untyped-def]
        progress.mark(
            "ledger" if progress_kind["kind"] == "remind" else ("put-back" if state["wrote"] else "write")
        )
        result = write(*args, **kwargs)
        state["wrote"] = True
        return result

    store.read, store.unchanged_since, store.write = traced_read, traced_unchanged, traced_write
    sync.jobs.cycle.analyse = traced_analyse
    if hasattr(store, "read_tabs"):
        read_tabs = store.read_tabs

        def traced_read_tabs(*args, **kwargs):  # type: ignore[no-untyped-def]
            progress.mark("put-back")
            return read_tabs(*args, **kwargs)

        store.read_tabs = traced_read_tabs


progress_kind = {"kind": "cycle"}


class TracedEmail(EmailNotifier):
    def __init__(self, progress: Progress, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.progress = progress

    def send(self, digest, locale):  # type: ignore[no-untyped-def]
        self.progress.mark("send")
        super().send(digest, locale)


def run_job(job: dict[str, Any]) -> None:
    progress = Progress(job["progress"])
    progress_kind["kind"] = job["kind"]
    if job.get("hook"):
        install_save_hook(job["hook"])
    config = load_config(None, **job["config"])
    store = open_store(config)
    if isinstance(store, GoogleStore):
        store.attempts = 1  # a kill is the only fault here; no retry waits
    trace_phases(store, progress)
    if job["kind"] == "cycle":
        run_cycle(store, config, date.fromisoformat(job["today"]))
    else:
        notifier = TracedEmail(progress, config.reminders.email, attempts=1)
        outcome = run_reminders(store, config, datetime.fromisoformat(job["now"]), notifiers=[notifier])
        if outcome.failures:
            raise RuntimeError(outcome.lines())
    progress.mark("done")


def child(job: dict[str, Any]) -> None:
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    code = 0
    try:
        run_job(job)
    except BaseException as failed:  # the parent reads what went wrong from the progress file
        with open(job["progress"], "a", encoding="utf-8") as handle:
            handle.write(f"error {type(failed).__name__}: {failed}\n")
        code = 3
    os._exit(code)


def serve() -> None:
    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            child(job)
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        signal = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        print(json.dumps({"pid": pid, "signal": signal, "code": code}), flush=True)


if __name__ == "__main__":
    serve()
