"""While a deal's id cannot be read, its Health does not claim it has no next task (found by the issue-14
try-out: a Deal ID formula without a stored result made the deal say "no open next task")."""

from __future__ import annotations

import pytest

from sheets_schema.tabs import DEALS
from tests.test_formula_cells_unreadable import cells, cycle, workbook

SAID = {
    "en": ("its tasks cannot be found: the deal id in A2 cannot be read", "no open next task"),
    "ja": ("商談ID(A2)が読み取れないため、タスクを確認できません", "次のタスクなし"),
}


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_a_deal_whose_id_cannot_be_read_is_not_said_to_have_no_task(tmp_path, locale):
    stage = "Proposal" if locale == "en" else "提案"
    path = workbook(tmp_path, ["=A1", None, "Big deal", "Acme", "Sato", None, stage, 100], locale, "D-000042")
    cycle(path, locale)
    health = cells(path, DEALS, locale)["health"] or ""
    unlinked, no_task = SAID[locale]
    assert unlinked in health and no_task not in health, health
