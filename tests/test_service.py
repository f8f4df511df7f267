"""The service loop on the memory store: Sync Log rows ride in the cycle's one write, quiet cycles write
nothing, failures are logged and retried with backoff, the lease keeps a second instance out."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from reports.sync_log import read_log
from sync.config_file import load_config
from sync.engine.state.lease import LEASE_TITLE, Lease, lease_content, read_lease
from sync.errors import StoreError, WriteConflictError
from sync.service.loop import RequestBudget, Service, backoff_ticks
from sync.stores.memory import MemoryStore
from tests.sheets import memory_store

DEALS = [{"deal_name": "Acme", "stage": "Proposal", "owner": "Sato", "amount": 100}]
START = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo: before reminders.at below


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def config(tmp_path):
    return load_config(
        None,
        **{
            "service.backups_dir": str(tmp_path / "backups"),
            "reminders.at": "23:59",
            "service.lease_minutes": 10,
            "service.interval_minutes": 1,
        },
    )


@pytest.fixture(autouse=True)
def _close_services():
    yield
    while STARTED:
        STARTED.pop().close()


STARTED: list[Service] = []


def service(config, store, clock, holder="here:1:aaaa", once=False) -> Service:
    started = Service(config, once=once, clock=clock, open_store_=lambda _config: store, holder=holder)
    STARTED.append(started)
    return started


def log_rows(store: MemoryStore) -> list[dict]:
    return read_log(store.tabs["Sync Log"].rows)


def test_a_writing_cycle_logs_its_row_and_lease_in_its_one_write_and_quiet_cycles_write_nothing(config):
    store, clock = memory_store(deals=DEALS), Clock()
    run = service(config, store, clock)
    [entry] = run.tick()
    assert entry.outcome == "ok" and entry.cells_written > 0
    assert store.writes == 2  # taking the lease (write + read back), then the cycle's one write
    [row] = log_rows(store)
    assert row["outcome"] == "OK" and row["holder"] == "here:1:aaaa" and "Deals 1" in row["rows_read"]
    assert read_lease(store.tabs[LEASE_TITLE]).holder == "here:1:aaaa"
    for _ in range(3):
        clock.advance(1)
        [entry] = run.tick()
        assert entry.outcome == "quiet"
    assert store.writes == 2, "an unchanged sheet costs no write"
    store.edit("Deals", 1, 7, "abc")  # a bad amount: the next cycle writes
    clock.advance(1)
    [entry] = run.tick()
    assert entry.outcome == "ok" and store.writes == 3
    newest, older = log_rows(store)
    assert newest["quiet_before"] == 3 and older["quiet_before"] == 0
    assert newest["problems"] == 1


def test_a_quiet_sheet_renews_its_lease_alone_once_half_of_it_is_gone(config):
    store, clock = memory_store(deals=DEALS), Clock()
    run = service(config, store, clock)
    run.tick()
    writes = store.writes
    clock.advance(4)  # 6 of 10 minutes left
    run.tick()
    assert store.writes == writes
    clock.advance(2)  # 4 left: renew
    run.tick()
    assert store.writes == writes + 1
    assert read_lease(store.tabs[LEASE_TITLE]).expires_at == clock.now + timedelta(minutes=10)


def test_a_failing_cycle_is_logged_in_the_sheet_and_the_loop_goes_on_with_backoff(config, caplog):
    store, clock = memory_store(deals=DEALS), Clock()
    run = service(config, store, clock)
    run.tick()
    real_read = store.read
    failures = {"left": 2}

    def flaky_read():
        if failures["left"]:
            failures["left"] -= 1
            raise StoreError("Google spreadsheet X: Google answered 500: backend error")
        return real_read()

    store.read = flaky_read  # type: ignore[method-assign]
    caplog.set_level(logging.INFO, logger="sync.service.loop")
    clock.advance(1)
    assert run.tick()[0].outcome == "failed"  # first failure: retried at the next tick
    clock.advance(1)
    assert run.tick()[0].outcome == "failed"  # second in a row: wait one tick more
    clock.advance(1)
    assert run.tick() == [None]
    clock.advance(1)
    assert run.tick()[0].outcome in ("ok", "quiet")
    failed = [r for r in log_rows(store) if r["outcome"] == "FAILED"]
    assert len(failed) == 2 and "answered 500" in failed[0]["error"]
    assert sum("cycle FAILED" in r.getMessage() for r in caplog.records) == 2


def test_backoff_doubles_up_to_a_limit():
    assert [backoff_ticks(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 16, 16]


def test_a_second_instance_waits_while_the_lease_is_held_and_takes_over_after_expiry(config, caplog):
    store, clock = memory_store(deals=DEALS), Clock()
    first = service(config, store, clock, holder="host-a:1:aaaa")
    first.tick()
    caplog.set_level(logging.INFO, logger="sync.service.loop")
    second = service(config, store, clock, holder="host-b:2:bbbb")
    second.sheets[0].lock.path = second.sheets[0].lock.path.with_name("other.lock")  # as on another machine
    writes = store.writes
    assert second.tick() == [None]
    assert store.writes == writes
    assert any("held by host-a:1:aaaa" in r.getMessage() for r in caplog.records)
    clock.advance(11)  # the first instance is gone: its lease expires
    [entry] = second.tick()
    assert entry.outcome in ("ok", "quiet")
    assert read_lease(store.tabs[LEASE_TITLE]).holder == "host-b:2:bbbb"


def test_once_on_a_held_sheet_says_who_holds_it_and_exits_8(config):
    store, clock = memory_store(deals=DEALS), Clock()
    store.tabs[LEASE_TITLE] = MemoryStore(
        {
            LEASE_TITLE: [
                list(r) for r in lease_content(Lease("elsewhere:9:cccc", START + timedelta(minutes=5))).rows
            ]
        }
    ).tabs[LEASE_TITLE]
    with pytest.raises(WriteConflictError, match="held by elsewhere:9:cccc") as held:
        service(config, store, clock, once=True).run_once()
    assert held.value.exit_code == 8
    assert store.writes == 0


def test_a_lease_left_by_a_dead_process_of_this_host_is_taken_at_once(config):
    import socket

    store, clock = memory_store(deals=DEALS), Clock()
    gone = f"{socket.gethostname()}:999999:dddd"  # no such pid
    store.tabs[LEASE_TITLE] = MemoryStore(
        {LEASE_TITLE: [list(r) for r in lease_content(Lease(gone, START + timedelta(minutes=5))).rows]}
    ).tabs[LEASE_TITLE]
    [entry] = service(config, store, clock).tick()
    assert entry.outcome == "ok"


def test_the_cycle_writes_nothing_when_the_lease_was_taken_between_read_and_write(config):
    store, clock = memory_store(deals=DEALS), Clock()
    run = service(config, store, clock, holder="host-a:1:aaaa")
    run.tick()
    store.edit("Deals", 1, 7, "abc")

    def takeover():  # another machine takes the sheet in the instant before our write
        store.before_write = None
        rows = lease_content(Lease("host-b:2:bbbb", clock.now + timedelta(minutes=30))).rows
        store.tabs[LEASE_TITLE].rows = [list(r) for r in rows]
        store.version += 1

    store.before_write = takeover
    writes = store.writes
    clock.advance(1)
    assert run.tick() == [None]
    assert store.writes == writes
    assert read_lease(store.tabs[LEASE_TITLE]).holder == "host-b:2:bbbb"


def test_the_request_budget_keeps_any_minute_under_its_rate():
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    budget = RequestBudget(60, clock=lambda: now[0], sleep=sleep)
    times = []
    for _ in range(200):
        budget.take()
        times.append(now[0])
    for start in times:
        in_window = sum(1 for t in times if start <= t < start + 60)
        assert in_window <= 70  # 60 a minute sustained, a burst of at most 10


def test_several_sheets_are_synced_in_one_tick_each_with_its_own_lease_and_log(tmp_path):
    from sync.core.config import SheetConfig, StoreConfig

    base = load_config(
        None,
        **{"service.backups_dir": str(tmp_path), "reminders.at": "23:59", "service.max_concurrent_sheets": 2},
    )
    config = base.model_copy(
        update={
            "sheets": (
                SheetConfig(name="east", store=StoreConfig(path=tmp_path / "e.xlsx")),
                SheetConfig(name="west", store=StoreConfig(path=tmp_path / "w.xlsx")),
            )
        }
    )
    stores = {
        str(config.store.path): memory_store(deals=DEALS),
        str(tmp_path / "e.xlsx"): memory_store(deals=DEALS),
        str(tmp_path / "w.xlsx"): memory_store(),
    }
    run = Service(
        config, clock=Clock(), open_store_=lambda c: stores[str(c.store.path)], holder="here:1:aaaa"
    )
    STARTED.append(run)
    entries = run.tick()
    assert [e.outcome for e in entries] == ["ok", "ok", "ok"]
    for store in stores.values():
        assert read_lease(store.tabs[LEASE_TITLE]).holder == "here:1:aaaa" and len(log_rows(store)) == 1
