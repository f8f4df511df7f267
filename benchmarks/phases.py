"""Per-phase timing of a cycle, from the outside: timing shims around the product's functions.

Nothing in the product is edited. `install()` replaces, for the life of the process, the functions the
cycle calls through module globals (sync.engine.analyse.read_book, derive, the report builders, analyse, ...) with
wrappers that add their wall time to a `Timer`. Time spent inside the HTTP session (waiting on the server,
here the emulator) is recorded separately, under the phase that made the request, so that client-side
compute and server time can be told apart.
"""

from __future__ import annotations

import functools
import json
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import sync.engine.analyse
import sync.jobs.cycle
import sync.stores.google

# phase name -> (module, attribute)
SHIMS: dict[str, list[tuple[Any, str]]] = {
    "parse": [(sync.engine.analyse, "read_book")],
    "rules": [(sync.engine.analyse, "derive")],
    "reports": [
        (sync.engine.analyse, "manager_review_report"),
        (sync.engine.analyse, "reminders_report"),
        (sync.engine.analyse, "marketing_feedback_report"),
        (sync.engine.analyse, "win_loss_report"),
    ],
    "analyse": [(sync.jobs.cycle, "analyse")],
    "build_requests": [(sync.stores.google, "build_requests")],
    "id_check": [(sync.jobs.cycle, "put_back_after_write")],
}


class Timer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.stack: list[str] = []
        self.requests: list[dict[str, Any]] = []  # client-side record of every HTTP request

    def reset(self) -> None:
        self.seconds.clear()
        self.requests.clear()

    def wrap(self, phase: str, function: Callable) -> Callable:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.stack.append(phase)
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[phase] += time.perf_counter() - start
                self.stack.pop()

        timed.__wrapped_phase__ = phase  # type: ignore[attr-defined]
        return timed

    def wrap_http(self, function: Callable) -> Callable:
        @functools.wraps(function)
        def timed(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(method, url, *args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                outer = self.stack[-1] if self.stack else "other"
                self.seconds[f"http.{outer}"] += elapsed
                self.seconds["http"] += elapsed
                body = kwargs.get("json")
                self.requests.append(
                    {
                        "method": method.upper(),
                        "url": url.split("?")[0],
                        "phase": outer,
                        "bytes": len(json.dumps(body)) if body is not None else 0,
                        "seconds": elapsed,
                    }
                )

        return timed

    def phases(self) -> dict[str, float]:
        """Seconds per phase; `plan` is what analyse spent outside parse, rules and reports; the store
        phases are split into client time and HTTP time (server + wire)."""
        s = self.seconds
        out = {
            "parse": s["parse"],
            "rules": s["rules"],
            "reports": s["reports"],
            "plan": s["analyse"] - s["parse"] - s["rules"] - s["reports"],
            "analyse": s["analyse"],
            "read": s["read"] - s["http.read"],
            "verify": s["verify"] - s["http.verify"],
            "write": s["write"] - s["http.write"],
            "build_requests": s["build_requests"],
            "id_check": s["id_check"] - s["http.id_check"],
            "http_read": s["http.read"],
            "http_verify": s["http.verify"],
            "http_write": s["http.write"],
            "http_id_check": s["http.id_check"],
            "http": s["http"],
        }
        return {k: round(v, 4) for k, v in out.items()}


TIMER = Timer()
_installed = False


def install() -> Timer:
    """Put the shims on the product's module-level functions (once per process)."""
    global _installed
    if not _installed:
        for phase, places in SHIMS.items():
            for module, name in places:
                setattr(module, name, TIMER.wrap(phase, getattr(module, name)))
        _installed = True
    return TIMER


def instrument_store(store: Any) -> Any:
    """Time a store's read / verify / write (an instance's methods, so any store), and its HTTP session."""
    for phase, name in (("read", "read"), ("verify", "unchanged_since"), ("write", "write")):
        setattr(store, name, TIMER.wrap(phase, getattr(store, name)))
    http = getattr(store, "http", None)
    if http is not None:
        http.session.request = TIMER.wrap_http(http.session.request)
    return store
