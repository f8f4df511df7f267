"""Words people read: every error names the place and the fix, in the user's language, and no library
text leaks through (pydantic's "Input should be …", openpyxl's advice about xlrd)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from click.testing import CliRunner

import sync.cli.main  # noqa: F401  (builds the group before the command modules)
from rules.reminders import Digest
from sync.cli.sheet_commands import init
from sync.config_file import load_config
from sync.errors import AmbiguousWriteError, ConfigError, NotifyError, StoreError, WriteConflictError
from sync.jobs.cycle import run_cycle
from sync.jobs.remind import ReminderOutcome, _send
from sync.stores.memory import MemoryStore
from sync.stores.xlsx import XlsxStore

LEAKS = ("Input should be", "Field required", "xlrd", "openpyxl", "unable to parse", "Value error")

CONFIG_CASES = [
    (
        "en",
        '[thresholds]\nneglect_days = "abc"\n',
        ["thresholds.neglect_days: 'abc' is not a whole number; write e.g. 14"],
    ),
    (
        "ja",
        '[thresholds]\nneglect_days = "abc"\n',
        ["thresholds.neglect_days: 'abc' は整数ではありません。例: 14"],
    ),
    (
        "en",
        '[[pipeline.stages]]\nkey = "appointment"\nname = "Appointment"\n',
        ["pipeline stage 1 (appointment)", "add probability = "],
    ),
    (
        "ja",
        '[[pipeline.stages]]\nkey = "appointment"\nname = "Appointment"\n',
        ["パイプラインの 1 番目のステージ(appointment)", "probability = "],
    ),
    ("en", "[reminders.email]\nenabled = 3\n", ["reminders.email.enabled: 3 is not true or false"]),
    (
        "ja",
        "[reminders.email]\nenabled = 3\n",
        ["reminders.email.enabled: 3 は true か false ではありません"],
    ),
    ("en", '[store]\nkind = "excel"\n', ["store.kind: 'excel' is not one of 'xlsx', 'google'"]),
    ("ja", '[store]\nkind = "excel"\n', ["store.kind: 'excel' は 'xlsx', 'google' のどれでもありません"]),
    ("en", "[thresholds]\nneglect_days = 0\n", ["thresholds.neglect_days: 0 is too small; use 1 or more"]),
    (
        "ja",
        "[thresholds]\nneglect_days = 0\n",
        ["thresholds.neglect_days: 0 は小さすぎます。1 以上にしてください"],
    ),
]


@pytest.mark.parametrize(("locale", "toml", "fragments"), CONFIG_CASES)
def test_a_config_error_names_the_key_and_the_fix(tmp_path, locale, toml, fragments):
    path = tmp_path / "sfa-sync.toml"
    path.write_text(f'locale = "{locale}"\n{toml}', encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    message = str(refused.value)
    assert message.startswith(f"{path}: ")
    for fragment in fragments:
        assert fragment in message
    assert not any(leak in message for leak in LEAKS), message


XLS_CASES = [
    ("en", ["x.xls", "Excel Workbook (.xlsx)", "save"]),
    ("ja", ["x.xls", "Excel ブック (.xlsx)", "保存"]),
]


@pytest.mark.parametrize(("locale", "fragments"), XLS_CASES)
def test_an_old_xls_workbook_says_how_to_convert_it(tmp_path, locale, fragments):
    path = tmp_path / "x.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0 not really a workbook")
    with pytest.raises(StoreError) as refused:
        XlsxStore(path, locale).read()
    message = str(refused.value)
    for fragment in fragments:
        assert fragment in message, message
    assert not any(leak in message for leak in LEAKS), message


class Refusing:
    """A notifier whose delivery fails the way EmailNotifier's does: its error starts with the subject."""

    channel = "email"

    def send(self, digest, locale) -> None:
        raise NotifyError(f"email to {digest.owner}: connection refused (SMTP h:25); the reminders stay due")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "reminders: FAILED email to Sato: connection refused (SMTP h:25); the reminders stay due"),
        (
            "ja",
            "リマインダー: Sato への email の送信に失敗: connection refused (SMTP h:25); the reminders stay due",
        ),
    ],
)
def test_a_failed_delivery_names_the_owner_once(locale, expected):
    outcome = ReminderOutcome(date(2026, 11, 30), locale=locale)
    assert not _send(Refusing(), Digest("Sato", "sato@example.com", None, ()), locale, outcome)
    assert outcome.lines() == [expected]


@pytest.mark.parametrize(
    ("locale", "written", "absent"),
    [("en", "set up (", "セル"), ("ja", "設定しました(書き込んだセル: ", "cells written")],
)
def test_init_says_what_it_did_in_the_users_language(tmp_path, locale, written, absent):
    path = tmp_path / "team.xlsx"
    with time_machine.travel(datetime(2026, 11, 30, tzinfo=UTC), tick=False):
        result = CliRunner().invoke(init, ["--workbook", str(path), "--locale", locale])
    assert result.exit_code == 0, result.output
    assert written in result.output and absent not in result.output
    again = CliRunner().invoke(init, ["--workbook", str(path), "--locale", locale])
    assert ("already set up" if locale == "en" else "設定済みです") in again.output


@pytest.fixture
def sheet(tmp_path):
    from sync.jobs.setup import initialise

    path = tmp_path / "team.xlsx"
    initialise(load_config(None, **{"locale": "ja", "store.kind": "xlsx", "store.path": str(path)}))
    return path


def import_csv(sheet, csv, locale, *extra):
    """Import into a workbook in `locale` (an import speaks its sheet's language; `sheet` is Japanese)."""
    from sync.cli.import_command import import_group
    from sync.jobs.setup import initialise

    if locale == "en":
        sheet = sheet.parent / "team-en.xlsx"
        if not sheet.exists():
            initialise(load_config(None, **{"locale": "en", "store.kind": "xlsx", "store.path": str(sheet)}))

    return CliRunner().invoke(
        import_group,
        ["leads", str(csv), *extra, "--workbook", str(sheet), "--locale", locale],
        standalone_mode=False,
        catch_exceptions=True,
    )


@pytest.mark.parametrize(
    ("locale", "fragments"),
    [
        (
            "en",
            [
                "line 2: rejected — Company is empty; Email: 'not-an-email' is not an email address",
                "Employees",
            ],
        ),
        ("ja", ["2 行目: 取り込めません — 会社名 が空です; メールアドレス: ", "従業員数: "]),
    ],
)
def test_a_rejected_import_row_lists_all_its_problems(sheet, tmp_path, locale, fragments):
    csv = tmp_path / "bad.csv"
    csv.write_text("Company,Email,Employees\n,not-an-email,many\n", encoding="utf-8")
    result = import_csv(sheet, csv, locale)
    line = next(x for x in result.output.splitlines() if "line 2:" in x or "2 行目:" in x)
    for fragment in fragments:
        assert fragment in line, line
    assert not any(leak in result.output for leak in LEAKS), result.output


@pytest.mark.parametrize(
    ("locale", "fragments"),
    [
        ("en", ["--map 'Firm=firm'", "Leads headers", "Company", "Lead source"]),
        ("ja", ["--map 'Firm=firm'", "リード", "会社名", "リードソース"]),
    ],
)
def test_a_wrong_map_lists_the_headers_the_user_sees(sheet, tmp_path, locale, fragments):
    csv = tmp_path / "crm.csv"
    csv.write_text("Firm\nAcme\n", encoding="utf-8")
    result = import_csv(sheet, csv, locale, "--map", "Firm=firm")
    message = str(result.exception)
    for fragment in fragments:
        assert fragment in message, message
    assert "lead_source" not in message  # keys are not what people see on the sheet


class NeverLands(MemoryStore):
    """Every write times out, as when the connection drops mid-write: the cycle re-reads, then gives up."""

    def write(self, changes):
        raise AmbiguousWriteError("timed out")


@pytest.mark.parametrize(
    ("locale", "fragments"),
    [
        ("en", ["memory store: ", "nothing was written", "run it again in a minute", "no other sfa-sync"]),
        ("ja", ["memory store: ", "何も書き込んでおらず", "もう一度実行してください", "他の sfa-sync"]),
    ],
)
def test_exit_8_says_what_to_do(locale, fragments):
    config = load_config(None, **{"locale": locale})
    store = NeverLands({"Leads" if locale == "en" else "リード": [["Company"], ["Acme"]]})
    with pytest.raises(WriteConflictError) as gave_up:
        run_cycle(store, config, date(2026, 11, 30))
    assert gave_up.value.exit_code == 8
    for fragment in fragments:
        assert fragment in str(gave_up.value), str(gave_up.value)
