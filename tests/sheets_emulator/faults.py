"""Fault injection: scripted errors, delays and dropped connections, plus a seeded random mode.

A fault fires either ``before`` the request is applied (nothing changes) or ``after`` it was applied
(the change is stored but the client sees an error: the ambiguous failure a retrying client must survive).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass


@dataclass
class Fault:
    endpoint: str = "*"
    status: int | None = None  # HTTP error to answer with
    delay: float = 0.0  # seconds to sleep before answering
    drop: bool = False  # close the connection without an answer
    times: int | None = 1  # None = every matching request
    when: str = "before"  # "before" | "after" applying the request
    skip: int = 0  # let this many matching requests through first
    message: str | None = None  # the error message, when not Google's default for the status
    reason: str | None = None  # an ErrorInfo reason in the details (e.g. SERVICE_DISABLED)

    def matches(self, endpoint: str) -> bool:
        if self.endpoint == "*":
            return True
        if self.endpoint.endswith("*"):
            return endpoint.startswith(self.endpoint[:-1])
        return endpoint == self.endpoint


@dataclass
class RandomMode:
    rate: float
    rng: random.Random
    statuses: tuple[int, ...]
    include_timeouts: bool
    endpoints: str
    when: str


class FaultPlan:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._random: RandomMode | None = None
        self.fired: list[tuple[str, Fault]] = []

    def add(self, fault: Fault) -> Fault:
        if fault.when not in ("before", "after"):
            raise ValueError("when must be 'before' or 'after'")
        with self._lock:
            self._faults.append(fault)
        return fault

    def set_random(
        self,
        rate: float,
        seed: int | None,
        statuses: tuple[int, ...],
        include_timeouts: bool,
        endpoints: str = "*",
        when: str = "random",
    ) -> None:
        with self._lock:
            self._random = RandomMode(
                rate, random.Random(seed), tuple(statuses), include_timeouts, endpoints, when
            )

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self._random = None

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def next_fault(self, endpoint: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if not fault.matches(endpoint):
                    continue
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                self.fired.append((endpoint, fault))
                return fault
            mode = self._random
            if mode is None or not Fault(mode.endpoints).matches(endpoint) or mode.rng.random() >= mode.rate:
                return None
            when = mode.when if mode.when != "random" else mode.rng.choice(("before", "after"))
            if mode.include_timeouts and mode.rng.random() < 1 / (len(mode.statuses) + 1):
                fault = Fault(endpoint, drop=True, when=when)
            else:
                fault = Fault(endpoint, status=mode.rng.choice(mode.statuses), when=when)
            self.fired.append((endpoint, fault))
            return fault
