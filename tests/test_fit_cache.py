"""The fit score learns once per history (rules.fit_model.Learned, kept in the hidden `_sfa_fit` tab by
sync/engine/state/fit_cache.py): a cycle on the same closed deals, settings and learning libraries shows
the very cells a relearn would, without learning or importing scikit-learn; any change to what the
learning reads (a closed deal's outcome, close date or lead, a `today` that closes other deals, the
settings) learns again; a deleted or damaged tab only relearns. Each lead is scored once per cycle."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from rules import fit_model
from rules.fit_model import FitModel
from sheets_schema.tabs import CALL_LIST, DEALS, FIT_CACHE, LEADS, MARKETING_FEEDBACK, WIN_LOSS
from sync.config_file import load_config
from sync.core.snapshot import TabData
from sync.engine.analyse import analyse
from sync.engine.state.fit_cache import FIT_COLUMNS, fit_content, read_fit
from sync.jobs.cycle import learner_versions, run_cycle
from sync.stores.memory import MemoryStore
from tests.sheets import memory_store
from tests.test_fit_score import TODAY, history

ROOT = Path(__file__).resolve().parent.parent
CONFIG = load_config(None)


def _synced(n: int = 160) -> MemoryStore:
    store = memory_store(**history(n, signal=True))  # type: ignore[arg-type]
    run_cycle(store, CONFIG, TODAY)
    return store


@pytest.fixture(scope="module")
def synced() -> MemoryStore:
    """A sheet of 160 closed deals whose score is shown, after its first cycle (which learned and stored)."""
    return _synced()


def _copy(store: MemoryStore) -> MemoryStore:
    return copy.deepcopy(store)


@pytest.fixture
def learning(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The fingerprints learned from in this test (rules.fit_model.learn, spied on)."""
    learned: list[str] = []
    real = fit_model.learn

    def spy(examples: Any, settings: Any, key: str) -> Any:
        learned.append(key)
        return real(examples, settings, key)

    monkeypatch.setattr(fit_model, "learn", spy)
    return learned


def _column(store: MemoryStore, spec: Any, key: str) -> list[Any]:
    rows = store.values(spec.title("en"))
    col = rows[0].index(spec.column(key).label("en"))
    return [r[col] if col < len(r) else None for r in rows[1:]]


def _fit_cells(store: MemoryStore) -> dict[str, Any]:
    """What people see of the fit: Leads' Fit and Fit reasons, the Win-Loss fit section, Marketing
    Feedback's fit section, the Call List."""
    win_loss = [list(r) for r in store.values(WIN_LOSS.title("en"))]
    start = next(i for i, r in enumerate(win_loss) if r and r[0] == "How good is the fit score")
    feedback = [list(r) for r in store.values(MARKETING_FEEDBACK.title("en"))]
    mf = next(i for i, r in enumerate(feedback) if r and str(r[0]).startswith("Fit of the leads handed over"))
    return {
        "fit": _column(store, LEADS, "fit"),
        "fit_why": _column(store, LEADS, "fit_why"),
        "win_loss": win_loss[start:],
        "feedback": feedback[mf:],
        "call_list": [list(r) for r in store.values(CALL_LIST.title("en"))],
    }


def _add_open_lead(store: MemoryStore) -> None:
    """A person types a new lead (not a closed deal's): the fit tabs are rebuilt, the history is the same."""
    title = LEADS.title("en")
    rows = store.values(title)
    header = [str(h) for h in rows[0]]
    new = len(rows)
    for key, value in {
        "lead_id": "L-9999",
        "company": "Newco",
        "industry": "Manufacturing",
        "employees": 120,
        "region": "Tokyo",
        "lead_source": "Referral",
        "campaign": "Referral 2026",
        "handed_over_on": TODAY - timedelta(days=2),
        "assigned_caller": "Baba",
    }.items():
        store.edit(title, new, header.index(LEADS.column(key).label("en")), value)


# ------------------------------------------------------------------------------------------- miss, hit
def test_a_first_cycle_learns_and_stores_what_it_learned_and_the_next_writes_nothing(learning) -> None:
    store = memory_store(**history(160, signal=True))  # type: ignore[arg-type]
    report = run_cycle(store, CONFIG, TODAY)
    assert len(learning) == 1
    tab = store.tabs[FIT_CACHE.en]
    assert tab.hidden and tab.rows[0] == list(FIT_COLUMNS)
    learned = report.analysis.derivation.fit.learned  # type: ignore[union-attr]
    assert learned is not None and learned.model is not None and learned.fingerprint == learning[0]
    assert read_fit(tab) == learned  # it reads back as the very same floats
    assert [list(r) for r in tab.rows] == [list(r) for r in fit_content(learned)]
    again = run_cycle(store, CONFIG, TODAY)
    assert not again.wrote and len(learning) == 1  # remembered: nothing learned, nothing written
    assert again.analysis.derivation.fit.learned == learned  # type: ignore[union-attr]


def test_a_remembered_fit_shows_the_same_cells_as_learning_again(synced, learning) -> None:
    remembered, relearned = _copy(synced), _copy(synced)
    del relearned.tabs[FIT_CACHE.en]
    for store in (remembered, relearned):
        _add_open_lead(store)  # every fit tab is rebuilt: Leads, Call List, Marketing Feedback, Win-Loss
    assert run_cycle(remembered, CONFIG, TODAY).wrote
    assert learning == []  # the same history: nothing learned
    assert run_cycle(relearned, CONFIG, TODAY).wrote
    assert len(learning) == 1
    shown, again = _fit_cells(remembered), _fit_cells(relearned)
    assert shown == again
    assert shown["fit"][-1] == "A" and shown["fit_why"][-1] == "Manufacturing +, Referral 2026 +"
    assert any("Newco" in r for r in shown["call_list"])
    assert remembered.tabs[FIT_CACHE.en].rows == relearned.tabs[FIT_CACHE.en].rows


def test_a_remembered_fit_plans_every_cell_a_relearn_plans(synced) -> None:
    """The never-synced sheet analysed with and without what its first cycle learned: the same changes
    to every tab (the whole sheet is written), but for the fit tab itself."""
    typed = memory_store(**history(160, signal=True))  # type: ignore[arg-type]
    snapshot = typed.read()
    with_cache = copy.deepcopy(snapshot)
    with_cache.tabs[FIT_CACHE.en] = copy.deepcopy(synced.tabs[FIT_CACHE.en])
    hit = analyse(with_cache, CONFIG, TODAY, None, learner_versions())
    miss = analyse(snapshot, CONFIG, TODAY, None, learner_versions())
    assert hit.derivation.fit.learned == miss.derivation.fit.learned  # type: ignore[union-attr]
    assert [t for t in miss.changes.tabs if t.title == FIT_CACHE.en]
    miss.changes.tabs = [t for t in miss.changes.tabs if t.title != FIT_CACHE.en]
    assert hit.changes == miss.changes
    assert hit.derivation.values == miss.derivation.values


# ------------------------------------------------------------------------------------------- invalidation
def _edit_cell(store: MemoryStore, tab: Any, row_id: str, key: str, value: Any) -> None:
    """A person's edit of one cell of the row whose id (first column) is `row_id`."""
    title = tab.title("en")
    rows = store.values(title)
    header = [str(h) for h in rows[0]]
    row = next(i for i, r in enumerate(rows) if r and r[0] == row_id)
    store.edit(title, row, header.index(tab.column(key).label("en")), value)


def _deal_cell(store: MemoryStore, deal_id: str, key: str, value: Any) -> None:
    _edit_cell(store, DEALS, deal_id, key, value)


def _lead_cell(store: MemoryStore, lead_id: str, key: str, value: Any) -> None:
    _edit_cell(store, LEADS, lead_id, key, value)


def _reclose(store: MemoryStore) -> None:
    """D-0080, won on its close date, reopened three days ago and won again today: closed on today."""
    remembered = copy.deepcopy(store.tabs[FIT_CACHE.en])
    _deal_cell(store, "D-0080", "stage", "negotiation")
    run_cycle(store, CONFIG, TODAY - timedelta(days=3))
    _deal_cell(store, "D-0080", "stage", "won")
    store.tabs[FIT_CACHE.en] = remembered  # what was learned before it reopened: only the date differs


EDITS: dict[str, tuple[Callable[[MemoryStore], None], bool]] = {  # edit -> does the fit learn again
    "a closed deal's outcome": (lambda s: _deal_cell(s, "D-0080", "stage", "lost"), True),  # was won
    # the close date the history remembers (a closed deal's Close date cell edited later is not it): a
    # closed deal reopened and won on another day
    "a closed deal's close date": (_reclose, True),
    "a closed deal's lead's industry": (lambda s: _lead_cell(s, "L-0080", "industry", "Mining"), True),
    "a closed deal's lead's size": (lambda s: _lead_cell(s, "L-0080", "employees", 5000), True),
    "a new lead, not a deal's": (_add_open_lead, False),
    "an open lead's source": (lambda s: _lead_cell(s, "L-0161", "lead_source", "Website inquiry"), False),
}


@pytest.mark.parametrize("edit", EDITS)
def test_a_change_to_what_the_learning_reads_learns_again(synced, learning, edit: str) -> None:
    change, relearns = EDITS[edit]
    store = _copy(synced)
    assert _column(store, DEALS, "stage")[79] == "won"
    change(store)
    before = len(learning)
    report = run_cycle(store, CONFIG, TODAY)
    assert len(learning) - before == (1 if relearns else 0)
    learned = report.analysis.derivation.fit.learned  # type: ignore[union-attr]
    assert read_fit(store.tabs[FIT_CACHE.en]) == learned  # what is remembered is what was just shown
    if relearns:
        fresh = _copy(store)
        del fresh.tabs[FIT_CACHE.en]
        run_cycle(fresh, CONFIG, TODAY)
        assert _fit_cells(fresh) == _fit_cells(store)


TODAYS = {  # another today -> does the fit learn again
    "the next day, no deal closing in between": (TODAY + timedelta(days=1), False),
    "a month earlier: the last deals had not closed yet (other cut-offs)": (TODAY - timedelta(days=30), True),
}


@pytest.mark.parametrize("when", TODAYS)
def test_another_today_learns_again_only_when_it_closes_other_deals(synced, learning, when: str) -> None:
    today, relearns = TODAYS[when]
    store = _copy(synced)
    before = read_fit(store.tabs[FIT_CACHE.en])
    report = run_cycle(store, CONFIG, today)
    assert len(learning) == (1 if relearns else 0)
    after = report.analysis.derivation.fit.learned  # type: ignore[union-attr]
    assert after is not None and before is not None
    assert (after.fingerprint != before.fingerprint) is relearns
    assert (after.backtest.cutoffs != before.backtest.cutoffs) is relearns


def test_other_settings_learn_again(synced, learning) -> None:
    store = _copy(synced)
    run_cycle(store, load_config(None, **{"fit.regularisation": 0.5}), TODAY)
    assert len(learning) == 1


# ------------------------------------------------------------------------------------------- damage
def _set(row: int, col: int, value: Any) -> Callable[[TabData], None]:
    def damage(tab: TabData) -> None:
        tab.rows[row][col] = value

    return damage


def _weight_row(tab: TabData) -> int:
    return next(i for i, r in enumerate(tab.rows) if r[0] == "weight")


DAMAGE: dict[str, Callable[[MemoryStore], None]] = {
    "the tab deleted": lambda s: s.tabs.pop(FIT_CACHE.en) and None,
    "the tab emptied": lambda s: s.tabs[FIT_CACHE.en].rows.clear(),
    "a weight changed to another float": lambda s: _set(_weight_row(s.tabs[FIT_CACHE.en]), 3, (0.25).hex())(
        s.tabs[FIT_CACHE.en]
    ),
    "a weight typed as a number": lambda s: _set(_weight_row(s.tabs[FIT_CACHE.en]), 3, 0.25)(
        s.tabs[FIT_CACHE.en]
    ),
    "a weight's value not JSON": lambda s: _set(_weight_row(s.tabs[FIT_CACHE.en]), 2, "{referral")(
        s.tabs[FIT_CACHE.en]
    ),
    "the fingerprint cleared": lambda s: _set(1, 2, None)(s.tabs[FIT_CACHE.en]),
    "the checksum row deleted": lambda s: s.tabs[FIT_CACHE.en].rows.pop(),
    "a row deleted": lambda s: s.tabs[FIT_CACHE.en].rows.pop(_weight_row(s.tabs[FIT_CACHE.en])),
    "a count typed as text": lambda s: _set(
        next(i for i, r in enumerate(s.tabs[FIT_CACHE.en].rows) if r[0] == "scored"), 4, "many"
    )(s.tabs[FIT_CACHE.en]),
    "the header renamed": lambda s: _set(0, 0, "kind")(s.tabs[FIT_CACHE.en]),
    "a row typed below": lambda s: s.tabs[FIT_CACHE.en].rows.append(["weight", "region", '"mars"', "0x1p-1"]),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_deleted_or_damaged_fit_tab_only_learns_again(synced, learning, damage: str) -> None:
    store = _copy(synced)
    remembered = read_fit(store.tabs[FIT_CACHE.en])
    DAMAGE[damage](store)
    assert read_fit(store.tabs.get(FIT_CACHE.en)) is None
    report = run_cycle(store, CONFIG, TODAY)
    assert len(learning) == 1 and report.wrote
    assert report.analysis.derivation.fit.learned == remembered  # type: ignore[union-attr]
    assert read_fit(store.tabs[FIT_CACHE.en]) == remembered  # written back whole
    assert _fit_cells(store) == _fit_cells(synced)
    assert not run_cycle(store, CONFIG, TODAY).wrote and len(learning) == 1


def test_too_little_history_learns_nothing_and_writes_no_fit_tab(learning) -> None:
    store = memory_store(**history(12, signal=True))  # type: ignore[arg-type]
    run_cycle(store, CONFIG, TODAY)
    assert FIT_CACHE.en not in store.tabs and learning == []


# ------------------------------------------------------------------------------------------- cost
HIT = """
import sys
from pathlib import Path
from sync.config_file import load_config
from sync.jobs.cycle import run_cycle
from sync.stores.xlsx import XlsxStore
from tests.test_fit_score import TODAY

path = Path(sys.argv[1])
report = run_cycle(XlsxStore(path), load_config(None, **{"store.path": str(path)}), TODAY)
fit = report.analysis.derivation.fit
print(report.wrote, fit is not None and fit.shown, "sklearn" in sys.modules, "scipy" in sys.modules)
"""


def test_on_a_remembered_fit_scikit_learn_is_not_imported(tmp_path) -> None:
    from sheets_schema.tabs import INPUT_TABS
    from sync.stores.xlsx import XlsxStore
    from tests.sheets import tab
    from tests.stores import StoreMaker

    sheet = history(160, signal=True)
    grids = {spec.title("en"): tab(spec, *sheet.get(spec.key, [])) for spec in INPUT_TABS}
    store, _ = StoreMaker("xlsx", tmp_path, lambda: None)(grids)  # type: ignore[arg-type, return-value]
    assert isinstance(store, XlsxStore)

    def cycle() -> str:
        done = subprocess.run(
            [sys.executable, "-c", HIT, str(store.path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.split("\n")[-2]

    assert cycle() == "True True True True"  # the first cycle learns (and writes the sheet, and the fit)
    assert cycle() == "False True False False"  # the next: the same history, nothing learned or imported


def test_each_lead_is_scored_once_per_cycle(synced, monkeypatch) -> None:
    """Leads (Fit, Fit reasons), the Call List and Marketing Feedback all show a lead's fit: scored once."""
    store = _copy(synced)
    _add_open_lead(store)  # so that the cycle rebuilds every tab that shows the fit
    scored: list[int] = []
    real = FitModel.score

    def counted(self: FitModel, features: Any) -> float:
        scored.append(1)
        return real(self, features)

    monkeypatch.setattr(FitModel, "score", counted)
    report = run_cycle(store, CONFIG, TODAY)
    assert report.wrote and report.analysis.derivation.fit.shown  # type: ignore[union-attr]
    assert len(scored) == len(store.values(LEADS.title("en"))) - 1  # a lead per data row, once


def test_the_fingerprint_names_every_part_of_what_the_learning_reads() -> None:
    from dataclasses import replace

    from rules.fit_model import Example, FitSettings, fingerprint

    day = TODAY - timedelta(days=200)
    examples = [
        Example(
            f"D-{i}", {"lead_source": ("referral", "webinar")[i % 2]}, i % 3 == 0, day + timedelta(days=i)
        )
        for i in range(40)
    ]
    base = fingerprint(examples, FitSettings(), ())
    assert fingerprint(list(examples), FitSettings(), ()) == base  # the same history, the same name
    other = examples[20]
    changed = {
        "id": replace(other, deal_id="D-x"),
        "outcome": replace(other, won=not other.won),
        "close date": replace(other, closed_on=other.closed_on + timedelta(days=1)),
        "a lead attribute": replace(other, features={"lead_source": "exhibition"}),
    }
    for what, example in changed.items():
        assert fingerprint([*examples[:20], example, *examples[21:]], FitSettings(), ()) != base, what
    assert fingerprint(examples[:-1], FitSettings(), ()) != base  # a deal not closed by another today
    for settings in (
        FitSettings(min_category=4),
        FitSettings(min_closed=31),
        FitSettings(regularisation=0.5),
        FitSettings(extra_columns=("job_title",)),
        FitSettings(learner="scikit-learn==0.0"),
    ):
        assert fingerprint(examples, settings, ()) != base, settings
