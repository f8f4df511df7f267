"""What the terminal says after a cycle, a demo and a reminder run: true counts, the sheet's language, and
English plurals that agree with their numbers (issue 14, item 13)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from openpyxl import load_workbook

from sheets_schema.tabs import INPUT_TABS
from sync.cli.main import main
from sync.cli.remind_command import planned_line
from sync.jobs.remind import Delivery, Failure, ReminderOutcome

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
ASCII_WORDS = re.compile(
    r"\b(rows|read|added|problems|cells|written|nothing|changed|tasks?|sent|reminders)\b"
)


def sfa(*args: str) -> int:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    return done.value.code


def data_rows(path, locale: str) -> dict[str, int]:
    """Rows holding a value below the header, per input tab, as the file has them."""
    workbook = load_workbook(path)
    counts = {}
    for spec in INPUT_TABS:
        sheet = workbook[spec.title(locale)]
        rows = sheet.iter_rows(min_row=2, values_only=True)
        counts[spec.title(locale)] = sum(1 for row in rows if any(v not in (None, "") for v in row))
    return counts


@pytest.mark.parametrize(("locale", "label"), [("en", r"\(rows: (.*?)\)"), ("ja", r"（行数: (.*?)）")])
def test_demo_prints_the_rows_the_workbook_holds(tmp_path, capsys, locale, label):
    path = tmp_path / "demo.xlsx"
    with time_machine.travel(NOW, tick=False):
        assert sfa("demo", "--out", str(path), "--locale", locale) == 0
    out = capsys.readouterr().out
    printed = re.search(label, out)
    assert printed, out
    counts = {title: int(n) for title, n in (part.rsplit(" ", 1) for part in printed.group(1).split(", "))}
    assert counts == data_rows(path, locale)


def test_a_cycle_on_a_japanese_sheet_reports_in_japanese(tmp_path, capsys):
    path = tmp_path / "ja.xlsx"
    with time_machine.travel(NOW, tick=False):
        assert sfa("demo", "--out", str(path), "--locale", "ja") == 0
        capsys.readouterr()
        assert sfa("run", "--workbook", str(path)) == 0  # no --locale: the sheet's language
    out = capsys.readouterr().out
    assert "読み込んだ行: チーム 10" in out
    assert "変更なし: 書き込みなし" in out
    lines = [line for line in out.splitlines() if not line.startswith("  ")]  # the problems quote cells
    assert not [line for line in lines if ASCII_WORDS.search(line.split(": ", 1)[-1])], lines


@pytest.mark.parametrize(
    ("count", "ja", "expected"),
    [
        (1, False, "--- would send email to Sato (1 task)"),
        (2, False, "--- would send email to Sato (2 tasks)"),
        (1, True, "--- Sato に email で送る予定(タスク 1 件)"),
    ],
)
def test_a_dry_run_names_the_tasks_in_the_sheets_language(count, ja, expected):
    assert planned_line("email", "Sato", count, ja) == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "en",
            [
                "reminders: sent email to Sato (1 task)",
                "reminders: sent chat to Kato (3 tasks)",
                "reminders: FAILED email to Ito: refused",
            ],
        ),
        (
            "ja",
            [
                "リマインダー: Sato に email で送信(タスク 1 件)",
                "リマインダー: Kato に chat で送信(タスク 3 件)",
                "リマインダー: Ito への email の送信に失敗: refused",
            ],
        ),
    ],
)
def test_reminder_lines_agree_with_their_numbers_and_the_sheets_language(locale, expected):
    outcome = ReminderOutcome(date(2026, 11, 30), locale=locale)
    outcome.sent += [Delivery("Sato", "email", 1), Delivery("Kato", "chat", 3)]
    outcome.failures.append(Failure("Ito", "email", "refused"))
    assert outcome.lines() == expected
