"""Demo rows: deterministic, consistent across tabs, realistic, and bad exactly where declared."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sheets_schema.choices import CALL_RESULTS, LEAD_STATUSES, ROLES, TASK_STATUSES, TASK_TYPES, YES_NO
from sheets_schema.models import MODELS
from sheets_schema.parsing import parse_amount
from sheets_schema.stages import Pipeline
from sheets_schema.tabs import INPUT_TABS
from sync.demo.workbook import (
    BAD_CELL_KINDS,
    OUTSIDER,
    DemoSize,
    bad_cell_places,
    demo_book,
    demo_rows,
    person_cell_count,
    scaled_size,
)

TODAY = date(2026, 5, 20)
LOCALES = ("en", "ja")
CONTEXT = {"pipeline": Pipeline()}
ID_RE = {"leads": r"L-\d{6}", "calls": r"C-\d{6}", "deals": r"D-\d{6}", "tasks": r"T-\d{6}"}
ID_KEY = {"leads": "lead_id", "calls": "call_id", "deals": "deal_id", "tasks": "task_id"}
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_BOOKS: dict[tuple, object] = {}


def book(locale: str, seed: int = 7, size: DemoSize = DemoSize(), bad: bool = True, today: date = TODAY):  # noqa: B008
    key = (locale, seed, size, bad, today)
    if key not in _BOOKS:
        _BOOKS[key] = demo_book(locale, today, seed, size, bad)  # type: ignore[arg-type]
    return _BOOKS[key]


def labels(choices, locale: str) -> set[str]:
    return set(choices.labels(locale))


def digest(rows: dict) -> str:
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def bad_places(b) -> set[tuple[str, int, str]]:
    return {(c.tab, c.row, c.column) for c in b.bad_cells}


# ---------------------------------------------------------------------------------------------- shape


def test_person_owned_columns_only_in_every_row() -> None:
    b = book("ja")
    assert list(b.rows) == ["team", "leads", "calls", "deals", "tasks"]
    for spec in INPUT_TABS:
        wanted = [c.key for c in spec.columns if not c.derived]
        assert all(list(row) == wanted for row in b.rows[spec.key]), spec.key


@pytest.mark.parametrize("locale", LOCALES)
def test_default_counts_are_exact(locale: str) -> None:
    rows = book(locale).rows
    assert {tab: len(r) for tab, r in rows.items()} == {
        "team": 10,
        "leads": 450,
        "calls": 1350,
        "deals": 180,
        "tasks": 600,
    }


def test_team_is_eight_reps_a_manager_marketing_and_one_inactive() -> None:
    for locale in LOCALES:
        team = book(locale).rows["team"]
        roles = Counter(ROLES.find(r["role"]).key for r in team)  # type: ignore[union-attr]
        assert roles == {"rep": 8, "manager": 1, "marketing": 1}
        inactive = [r for r in team if r["active"] == YES_NO.get("no").label(locale)]  # type: ignore[arg-type]
        assert len(inactive) == 1 and ROLES.find(inactive[0]["role"]).key == "rep"  # type: ignore[union-attr]
        domain = "@example.co.jp" if locale == "ja" else "@example.com"
        good = [r for r in team if "@" in r["email"]]
        assert len(good) >= 9 and all(r["email"].endswith(domain) for r in good)
        assert len({r["name"] for r in team}) == len(team)
        managers = {r["name"] for r in team if r["role"] == ROLES.get("manager").label(locale)}  # type: ignore[arg-type]
        assert all(r["manager"] in managers for r in team if r["role"] == ROLES.get("rep").label(locale))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------- determinism


def test_deterministic_for_a_seed_and_different_for_another() -> None:
    first = demo_rows("ja", TODAY, seed=3)
    assert demo_rows("ja", TODAY, seed=3) == first
    assert demo_rows("ja", TODAY, seed=4) != first
    assert bad_cell_places("ja", TODAY, seed=3) == demo_book("ja", TODAY, 3).bad_cells


def test_deterministic_across_processes_whatever_the_hash_seed() -> None:
    code = (
        "import hashlib; from datetime import date; from sync.demo.workbook import demo_rows;"
        "print(hashlib.sha256(repr(demo_rows('en', date(2026, 5, 20))).encode()).hexdigest())"
    )
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == digest(book("en").rows)


def test_no_bad_cells_means_every_cell_parses() -> None:
    for locale in LOCALES:
        clean = book(locale, bad=False)
        assert clean.bad_cells == ()
        for tab, rows in clean.rows.items():
            for row in rows:
                MODELS[tab].model_validate(row, context=CONTEXT)


# ---------------------------------------------------------------------------------------------- values


@pytest.mark.parametrize("locale", LOCALES)
def test_every_good_cell_parses_and_every_choice_is_a_label_in_the_locale(locale: str) -> None:
    b = book(locale)
    rows_with_bad = {(c.tab, c.row) for c in b.bad_cells}
    for tab, rows in b.rows.items():
        for position, row in enumerate(rows):
            if (tab, position) not in rows_with_bad:
                MODELS[tab].model_validate(row, context=CONTEXT)
    bad = bad_places(b)
    choice_columns = {
        ("team", "role"): ROLES,
        ("team", "active"): YES_NO,
        ("leads", "status"): LEAD_STATUSES,
        ("calls", "result"): CALL_RESULTS,
        ("tasks", "type"): TASK_TYPES,
        ("tasks", "status"): TASK_STATUSES,
        ("deals", "stage"): Pipeline().choices,
    }
    for (tab, column), choices in choice_columns.items():
        allowed = labels(choices, locale)
        for position, row in enumerate(b.rows[tab]):
            if (tab, position, column) not in bad:
                assert row[column] in allowed, (tab, position, column, row[column])


@pytest.mark.parametrize("locale", LOCALES)
def test_cells_are_typed_as_a_person_types_them(locale: str) -> None:
    rows = book(locale).rows
    assert all(isinstance(r["handed_over_on"], date) for r in rows["leads"])
    assert all(type(r["called_at"]) is datetime for r in rows["calls"])
    assert all(isinstance(r["lead_id"], str) and isinstance(r["phone"], str) for r in rows["leads"])
    amounts = [r["amount"] for r in rows["deals"] if r["amount"] != ""]
    kinds = Counter(type(a).__name__ for a in amounts)
    assert kinds["int"] > kinds["str"] > 3  # most typed as numbers, some as "1,200,000" / "¥800,000"
    if locale == "ja":
        assert any(isinstance(a, str) and a.endswith("万円") for a in amounts)
    assert any(isinstance(a, str) and "," in a for a in amounts)
    for a in amounts:
        if a not in ("12O,000", "abc"):
            assert parse_amount(a) >= 100_000  # yen, not thousands


def test_japanese_rows_read_japanese_and_english_rows_do_not() -> None:
    ja, en = book("ja").rows, book("en").rows
    for tab, column in (
        ("team", "name"),
        ("leads", "company"),
        ("leads", "contact"),
        ("leads", "industry"),
        ("leads", "region"),
        ("leads", "lead_source"),
        ("deals", "deal_name"),
        ("tasks", "title"),
    ):
        assert all(JAPANESE.search(str(r[column])) for r in ja[tab]), (tab, column)
    assert any(r["company"].startswith("株式会社") for r in ja["leads"])
    assert any(r["company"].endswith("株式会社") for r in ja["leads"])
    assert sum(bool(JAPANESE.search(r["notes"])) for r in ja["calls"]) > 100
    for tab, rows in en.items():
        for row in rows:
            for value in row.values():
                assert not JAPANESE.search(str(value)), (tab, value)
    assert {r["industry"] for r in ja["leads"]} >= {"製造業", "IT・通信", "小売", "金融", "医療", "物流"}
    assert {r["region"] for r in ja["leads"]} >= {"東京都", "大阪府", "愛知県"}
    assert {r["lead_source"] for r in en["leads"]} >= {
        "Webinar",
        "Exhibition",
        "Whitepaper",
        "Website inquiry",
        "Referral",
    }


# ---------------------------------------------------------------------------------------------- ids


@pytest.mark.parametrize("locale", LOCALES)
def test_ids_are_sequential_with_a_few_empty_at_the_end(locale: str) -> None:
    b = book(locale)
    dup = {(c.tab, c.row) for c in b.bad_cells if c.kind == "duplicate_deal_id"}
    for tab, key in ID_KEY.items():
        ids = [r[key] for r in b.rows[tab]]
        filled = [i for i in ids if i]
        empty_at = [p for p, i in enumerate(ids) if not i]
        assert 1 <= len(empty_at) <= 5 and empty_at == list(range(len(ids) - len(empty_at), len(ids))), tab
        assert all(re.fullmatch(ID_RE[tab], i) for i in filled)
        for position, text in enumerate(filled):
            if (tab, position) not in dup:
                assert int(text[2:]) == position + 1, (tab, position, text)


# ---------------------------------------------------------------------------------------------- references


def _index(b) -> dict:
    rows = b.rows
    bad = bad_places(b)
    return {
        "rows": rows,
        "bad": bad,
        "lead_ids": {r["lead_id"] for r in rows["leads"] if r["lead_id"]},
        "deal_ids": Counter(r["deal_id"] for r in rows["deals"] if r["deal_id"]),
        "team": {r["name"] for r in rows["team"]},
    }


@pytest.mark.parametrize("locale", LOCALES)
def test_references_hold_except_the_declared_bad_cells(locale: str) -> None:
    ix = _index(book(locale))
    rows, bad, lead_ids, team = ix["rows"], ix["bad"], ix["lead_ids"], ix["team"]
    appointment = CALL_RESULTS.get("appointment").label(locale)  # type: ignore[arg-type]
    appointments: dict[str, list[dict]] = {}
    for position, call in enumerate(rows["calls"]):
        if ("calls", position, "lead_id") in bad:
            assert call["lead_id"] not in lead_ids
            continue
        assert call["lead_id"] in lead_ids
        assert call["caller"] in team
        if call["result"] == appointment:
            assert (
                isinstance(call["appointment_date"], date)
                and call["appointment_date"] > call["called_at"].date()
            )
            appointments.setdefault(call["lead_id"], []).append(call)
        else:
            assert call["appointment_date"] == ""
    for lead in rows["leads"]:
        assert lead["assigned_caller"] in team
    deal_of_lead = {}
    for deal in rows["deals"]:
        calls = appointments[deal["lead_id"]]  # every deal stems from an appointment call on its lead
        assert deal["appointment_by"] in {c["caller"] for c in calls}
        assert deal["owner"] == "" or deal["owner"] in team
        deal_of_lead[deal["lead_id"]] = deal
    assert len(deal_of_lead) == len(rows["deals"])  # one deal per lead
    lead_company = {r["lead_id"]: r["company"] for r in rows["leads"]}
    assert all(d["company"] == lead_company[d["lead_id"]] for d in rows["deals"])
    for position, task in enumerate(rows["tasks"]):
        if task["deal_id"]:
            assert task["deal_id"] in ix["deal_ids"]
        else:
            assert task["lead_id"] in lead_ids
        if ("tasks", position, "owner") in bad:
            assert task["owner"] not in team
        else:
            assert task["owner"] in team


@pytest.mark.parametrize("locale", LOCALES)
def test_each_deal_has_a_first_visit_task_due_on_the_appointment_date(locale: str) -> None:
    rows = book(locale).rows
    bad = bad_places(book(locale))
    first_visit = TASK_TYPES.get("first_visit").label(locale)  # type: ignore[arg-type]
    visit_of_lead = {c["lead_id"]: c["appointment_date"] for c in rows["calls"] if c["appointment_date"]}
    deal_lead = {}
    for deal in rows["deals"]:
        deal_lead.setdefault(deal["deal_id"], deal["lead_id"])
    seen: Counter = Counter()
    for position, task in enumerate(rows["tasks"]):
        if task["type"] != first_visit:
            continue
        lead_id = deal_lead[task["deal_id"]] if task["deal_id"] else task["lead_id"]
        seen[lead_id] += 1
        if ("tasks", position, "due_date") not in bad:
            assert task["due_date"] == visit_of_lead[lead_id]
    assert set(seen) == {d["lead_id"] for d in rows["deals"]}
    assert set(seen.values()) == {1}


# ---------------------------------------------------------------------------------------------- realism


@pytest.mark.parametrize("locale", LOCALES)
def test_rows_are_in_the_order_they_were_typed(locale: str) -> None:
    rows = book(locale).rows
    handed = [r["handed_over_on"] for r in rows["leads"]]
    assert handed == sorted(handed) and handed[0] < TODAY and handed[-1] < TODAY
    assert (TODAY - handed[0]).days > 150  # spread over the six months
    called = [r["called_at"] for r in rows["calls"]]
    assert called == sorted(called) and called[-1].date() < TODAY
    booked = {}
    for position, call in enumerate(rows["calls"]):
        if call["appointment_date"]:
            booked.setdefault(call["lead_id"], position)
    order = [booked[d["lead_id"]] for d in rows["deals"]]
    assert order == sorted(order)


@pytest.mark.parametrize("locale", LOCALES)
def test_calls_and_pipeline_look_like_a_real_team(locale: str) -> None:
    rows = book(locale).rows
    results = Counter(
        CALL_RESULTS.find(r["result"]).key for r in rows["calls"] if CALL_RESULTS.find(r["result"])
    )  # type: ignore[union-attr]
    assert results.most_common(1)[0][0] == "no_answer"
    reached = sum(
        n
        for key, n in results.items()
        if key in {"call_back", "not_interested", "information_sent", "appointment", "not_a_fit"}
    )
    assert 0.15 <= results["appointment"] / reached <= 0.3
    per_lead = Counter(r["lead_id"] for r in rows["calls"])
    assert sum(1 <= n <= 5 for n in per_lead.values()) / len(per_lead) > 0.85
    stages = Counter(
        Pipeline().choices.find(r["stage"]).key
        for r in rows["deals"]  # type: ignore[union-attr]
        if Pipeline().choices.find(r["stage"])
    )
    closed = stages["won"] + stages["lost"]
    assert 0.2 <= closed / len(rows["deals"]) <= 0.5  # nine months of deals: about half closed
    assert len([s for s in stages if s not in ("won", "lost")]) >= 4  # spread across the pipeline
    lost = Pipeline().get("lost").ja if locale == "ja" else "Lost"
    reasons = {r["lost_reason"] for r in rows["deals"] if r["stage"] == lost} - {""}
    assert len(reasons) >= 3
    assert all(r["lost_reason"] == "" for r in rows["deals"] if r["stage"] != lost)
    stalled = [
        r
        for r in rows["deals"]
        if r["stage"] not in (lost, "Won", "受注")
        and isinstance(r["close_date"], date)
        and r["close_date"] < TODAY
    ]
    assert stalled  # open deals whose close date has long passed
    owners = Counter(
        "empty" if not r["owner"] else "setter" if r["owner"] == r["appointment_by"] else "other"
        for r in rows["deals"]
    )
    assert owners["empty"] and owners["other"] and owners["setter"] > owners["other"]


@pytest.mark.parametrize("locale", LOCALES)
def test_tasks_have_history_overdue_and_due_today(locale: str) -> None:
    rows = book(locale).rows
    bad = bad_places(book(locale))
    status = {k: TASK_STATUSES.get(k).label(locale) for k in ("open", "in_progress", "done", "cancelled")}  # type: ignore[arg-type]
    tasks = [t for p, t in enumerate(rows["tasks"]) if ("tasks", p, "due_date") not in bad]
    for task in tasks:
        if task["status"] == status["done"]:
            assert isinstance(task["completed_on"], date) and task["completed_on"] < TODAY
        else:
            assert task["completed_on"] == ""
    open_ = [t for t in tasks if t["status"] in (status["open"], status["in_progress"])]
    assert any(t["due_date"] < TODAY for t in open_)  # overdue
    assert any(t["due_date"] == TODAY for t in open_)  # due today
    assert any(0 < (t["due_date"] - TODAY).days <= 7 for t in open_)  # due soon
    assert Counter(t["status"] for t in tasks)[status["cancelled"]] > 0
    assert len({t["type"] for t in tasks}) >= 6


# ---------------------------------------------------------------------------------------------- bad cells


@pytest.mark.parametrize("locale", LOCALES)
def test_bad_cells_are_a_handful_of_different_kinds(locale: str) -> None:
    cells = book(locale).bad_cells
    assert 5 <= len(cells) <= 10
    assert len({c.kind for c in cells}) == len(cells) == len(BAD_CELL_KINDS)
    assert all(c.code == BAD_CELL_KINDS[c.kind][0] for c in cells)
    for c in cells:
        assert book(locale).rows[c.tab][c.row][c.column] == c.value
    clean = book(locale, bad=False).rows
    changed = {
        (tab, p, key)
        for tab, rows in book(locale).rows.items()
        for p, row in enumerate(rows)
        for key, value in row.items()
        if clean[tab][p][key] != value
    }
    assert changed == bad_places(book(locale))  # nothing else differs from the clean rows


@pytest.mark.parametrize("locale", LOCALES)
def test_parse_bad_cells_fail_exactly_where_declared(locale: str) -> None:
    b = book(locale)
    for cell in b.bad_cells:
        row = b.rows[cell.tab][cell.row]
        if BAD_CELL_KINDS[cell.kind][1] == "parse":
            with pytest.raises(ValidationError) as caught:
                MODELS[cell.tab].model_validate(row, context=CONTEXT)
            assert [e["loc"] for e in caught.value.errors()] == [(cell.column,)], cell
        else:
            MODELS[cell.tab].model_validate(row, context=CONTEXT)  # parses; only the reference is wrong


@pytest.mark.parametrize("locale", LOCALES)
def test_reference_bad_cells_point_nowhere_or_clash(locale: str) -> None:
    ix = _index(book(locale))
    by_kind = {c.kind: c for c in book(locale).bad_cells}
    rows = ix["rows"]
    lead = by_kind["unknown_lead"]
    assert rows["calls"][lead.row]["lead_id"] not in ix["lead_ids"]
    owner = by_kind["unknown_owner"]
    assert rows["tasks"][owner.row]["owner"] == OUTSIDER[locale] and OUTSIDER[locale] not in ix["team"]
    dup = by_kind["duplicate_deal_id"]
    dup_id = rows["deals"][dup.row]["deal_id"]
    assert ix["deal_ids"][dup_id] == 2
    assert [i for i, n in ix["deal_ids"].items() if n > 1] == [dup_id]  # the only duplicate
    first = next(p for p, r in enumerate(rows["deals"]) if r["deal_id"] == dup_id)
    assert first < dup.row  # the later, copy-pasted row is the one declared
    # no task points at the duplicated id from the copy, so the duplicate is the only problem it causes
    lead_of_copy = rows["deals"][dup.row]["lead_id"]
    assert all(t["deal_id"] != dup_id or t["lead_id"] != lead_of_copy for t in rows["tasks"])


# ---------------------------------------------------------------------------------------------- sizes


def test_scaled_size_keeps_proportions_and_cell_count() -> None:
    base = DemoSize()
    previous = 0
    for cells in (100_000, 300_000, 1_300_000, 10_000_000):
        size = scaled_size(cells)
        assert abs(person_cell_count(size) - cells) / cells < 0.01
        assert size.calls / size.leads == pytest.approx(base.calls / base.leads, rel=0.01)
        assert size.deals / size.leads == pytest.approx(base.deals / base.leads, rel=0.01)
        assert size.tasks / size.leads == pytest.approx(base.tasks / base.leads, rel=0.01)
        assert 10 <= size.reps <= 200 and size.months == base.months
        assert size.leads > previous
        previous = size.leads
    assert person_cell_count(DemoSize()) == 10 * 7 + 450 * 15 + 1350 * 7 + 180 * 11 + 600 * 10


def test_scaled_rows_have_the_requested_counts() -> None:
    size = scaled_size(100_000)
    rows = demo_rows("ja", TODAY, size=size)
    assert {t: len(r) for t, r in rows.items()} == {
        "team": size.reps,
        "leads": size.leads,
        "calls": size.calls,
        "deals": size.deals,
        "tasks": size.tasks,
    }
    cells = sum(len(rs) * len(rs[0]) for rs in rows.values())
    assert cells == person_cell_count(size)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    reps=st.integers(1, 15),
    leads=st.integers(0, 60),
    calls_per_lead=st.integers(0, 5),
    deals=st.integers(0, 30),
    tasks=st.integers(0, 80),
    months=st.integers(1, 12),
    seed=st.integers(0, 10_000),
    locale=st.sampled_from(LOCALES),
    offset=st.integers(0, 3000),
)
def test_any_small_size_generates_consistent_rows(
    reps: int,
    leads: int,
    calls_per_lead: int,
    deals: int,
    tasks: int,
    months: int,
    seed: int,
    locale: str,
    offset: int,
) -> None:
    today = date.fromordinal(date(2020, 1, 1).toordinal() + offset)
    size = DemoSize(reps, leads, leads * calls_per_lead, deals, tasks, months)
    b = demo_book(locale, today, seed, size, True)  # type: ignore[arg-type]
    rows = b.rows
    assert len(rows["team"]) == reps and len(rows["leads"]) == leads
    assert len(rows["calls"]) <= size.calls and len(rows["deals"]) <= deals and len(rows["tasks"]) <= tasks
    bad = bad_places(b)
    assert len(bad) == len(b.bad_cells)
    lead_ids = {r["lead_id"] for r in rows["leads"] if r["lead_id"]}
    for tab, rs in rows.items():
        for p, row in enumerate(rs):
            if not any((tab, p) == (t, r) for t, r, _ in bad):
                MODELS[tab].model_validate(row, context=CONTEXT)
    for p, call in enumerate(rows["calls"]):
        assert call["lead_id"] in lead_ids or ("calls", p, "lead_id") in bad
        assert call["called_at"].date() < today
