"""Every hidden state tab's title is declared once (sheets_schema/tabs.py STATE_TABS), and each has one
module in sync/engine/state/ owning its columns, decode and encode."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from sheets_schema.tabs import STATE_TABS, WRITE_CAPTURE

ROOT = Path(__file__).resolve().parents[1]
STATE_MODULES = sorted(
    p.stem for p in (ROOT / "sync/engine/state").glob("*.py") if p.stem not in ("__init__", "table")
)


def test_no_hidden_tab_title_is_spelled_outside_the_schema():
    spelled = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in [
            *(ROOT / "sync").rglob("*.py"),
            *(ROOT / "rules").rglob("*.py"),
            *(ROOT / "reports").rglob("*.py"),
        ]
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"""["']_sfa_""", line)
    ]
    assert spelled == []


def test_each_state_module_owns_one_declared_tab_and_each_tab_has_a_module():
    owned = {importlib.import_module(f"sync.engine.state.{name}").TAB for name in STATE_MODULES}
    assert len(owned) == len(STATE_MODULES)  # one tab per module
    # the write capture is part of a ChangeSet (sync/core/changes.py), not remembered state
    assert owned | {WRITE_CAPTURE} == set(STATE_TABS)


def test_state_titles_are_hidden_and_the_same_in_both_languages():
    for tab in STATE_TABS:
        assert tab.hidden and tab.en == tab.ja and tab.en.startswith("_sfa_")
