"""Everything the service says in the sheet, in English and Japanese.

A message is a code and its parameters; it is rendered in the sheet's locale only when shown, so
rules stay free of wording. Every area keeps its words as one table of code -> (English, Japanese) and
says them through a `Catalogue` over it; this module's CATALOG holds the messages about cells, rows and
tabs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from sheets_schema.locale import Locale


class Catalogue(Mapping[str, tuple[str, str]]):
    """Texts by code, each as (English, Japanese) with the same {placeholders} in both (a test checks)."""

    def __init__(self, texts: Mapping[str, tuple[str, str]]) -> None:
        self._texts = texts

    def __getitem__(self, code: str) -> tuple[str, str]:
        return self._texts[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def say(self, code: str, locale: Locale, **params: object) -> str:
        english, japanese = self._texts[code]
        return (japanese if locale == "ja" else english).format(**params)


CATALOG: dict[str, tuple[str, str]] = {
    # cell values
    "not_date": (
        "{value} is not a date; use 2026-11-28, 2026/11/28 or 2026年11月28日",
        "{value} は日付ではありません。2026-11-28、2026/11/28、2026年11月28日 の形で入力してください",
    ),
    "not_calendar_date": (
        "{value} is not a real calendar date; check the month and day",
        "{value} は存在しない日付です。月と日を確認してください",
    ),
    "date_out_of_range": (  # the range is sheets_schema.parsing's FIRST_DATE and LAST_DATE
        "{value} is outside the dates the sheet accepts (1950-01-01 to 2199-12-31); check the year",
        "{value} は受け付ける日付の範囲(1950-01-01〜2199-12-31)の外です。年を確認してください",
    ),
    "bad_time": (
        "{value} has no such time of day; use e.g. 2026/11/28 14:30",
        "{value} の時刻が正しくありません。2026/11/28 14:30 のように入力してください",
    ),
    "formula_without_result": (
        "{value} is a formula whose result is not stored in the file, so it cannot be read; open and save the "
        "workbook in Excel or LibreOffice (they compute it), or type the value",
        "{value} は計算結果がファイルに保存されていない数式のため、読み取れません。"
        "Excel か LibreOffice でブックを開いて保存する(数式が計算されます)か、値を直接入力してください",
    ),
    "not_amount": (
        "{value} is not an amount; use e.g. 1200000, 1,200,000, ¥1,200,000 or 120万円",
        "{value} は金額ではありません。1200000、1,200,000、¥1,200,000、120万円 のように入力してください",
    ),
    "negative_amount": (
        "{value} is negative; an amount is 0 or more",
        "{value} は負の金額です。0以上にしてください",
    ),
    "not_int": (
        "{value} is not a whole number; use e.g. 250",
        "{value} は整数ではありません。250 のように入力してください",
    ),
    "not_email": (
        "{value} is not an email address; use name@example.com",
        "{value} はメールアドレスではありません。name@example.com の形で入力してください",
    ),
    "not_bool": (
        "{value} is not yes or no; use TRUE or FALSE",
        "{value} は はい/いいえ ではありません。TRUE か FALSE を選んでください",
    ),
    "unknown_choice": (
        "{value} is not a known {what}; choose one of: {options}",
        "{value} は{what}の選択肢にありません。次から選んでください: {options}",
    ),
    "empty_required": ("{column} is empty; fill it in", "{column} が空です。入力してください"),
    "too_long": (
        "{column} has {length} characters; keep it under {limit}",
        "{column} が {length} 文字あります。{limit} 文字以内にしてください",
    ),
    "cut_text": (  # ends a text cut to fit a cell
        "… [cut: the full text has {length} characters]",
        "…[省略: 全文は {length} 文字]",
    ),
    "control_character": (
        "contains a control character ({char}); remove it and import again",
        "制御文字 ({char}) が含まれています。削除してから取り込んでください",
    ),
    # rows and references
    "duplicate_id": (
        "{id} is also the id of row {other}; give one of them a new id (or clear it and the service assigns one)",
        "{id} は {other} 行目と重複しています。どちらかの ID を変更してください(空にすると自動採番されます)",
    ),
    "unknown_lead": (
        "lead {id} is not on the {tab} tab; check the lead id",
        "リード {id} が{tab}タブにありません。リードIDを確認してください",
    ),
    "unknown_deal": (
        "deal {id} is not on the {tab} tab; check the deal id",
        "商談 {id} が{tab}タブにありません。商談IDを確認してください",
    ),
    "deal_id_unreadable": (
        "deal {id} is not found on the {tab} tab, but the deal id in {cells} cannot be read and may be this "
        "one; fix that cell first (see its row)",
        "商談 {id} が{tab}タブに見つかりません。ただし {cells} の商談IDが読み取れないため、その商談かもしれません。"
        "先にそのセルを直してください(その行を参照)",
    ),
    "deleted_deal": (
        "deal {id} was deleted from the {tab} tab (the service created it from call {call}); restore its row "
        "from a backup (sfa-sync restore), or set this task's status to Cancelled",
        "商談 {id} は{tab}タブから削除されています(通話 {call} からサービスが作成した商談です)。"
        "バックアップから行を復元する(sfa-sync restore)か、このタスクのステータスを「キャンセル」にしてください",
    ),
    "unknown_person": (
        "{name} is not on the {tab} tab; add them there or fix the name",
        "{name} は{tab}タブにいません。追加するか名前を確認してください",
    ),
    "task_without_target": (
        "a task needs a deal id or a lead id",
        "タスクには商談IDかリードIDが必要です",
    ),
    "duplicate_name": (
        "{name} is listed twice (row {other}); names must be unique",
        "{name} が2回登録されています({other} 行目)。名前は一意にしてください",
    ),
    # tabs and headers
    "missing_tab": (
        "tab {tab} is missing; run `sfa-sync init` to create it",
        "{tab} タブがありません。`sfa-sync init` で作成してください",
    ),
    "missing_column": (
        "column {column} is missing from the header row; add it (any position) — this tab was skipped",
        "見出し行に {column} 列がありません。追加してください(位置は自由)— このタブは処理されませんでした",
    ),
    "duplicate_header": (
        "{column} appears twice in the header row ({cells}); rename or delete one — the first is used",
        "見出し {column} が2回あります({cells})。片方を変更してください — 最初の列を使います",
    ),
    "duplicate_tab": (
        "tabs {first} and {second} are both a {kind} tab; rename or delete {second} — {first} is used",
        "{first} と {second} はどちらも{kind}タブです。{second} の名前を変えるか削除してください — {first} を使います",
    ),
    # the notice above a generated tab held because an input tab it is built from was skipped
    "held_rename_header": (
        "⚠ Not updated: the {tab} tab was skipped because it has no '{column}' column — rename the header "
        "'{found}' to '{column}' in row 1 of the {tab} tab; until then this tab shows what it showed before.",
        "⚠ 未更新: {tab}タブを読み込めませんでした。「{column}」列がありません — {tab}タブの1行目の見出し「{found}」を"
        "「{column}」に変更してください。それまでこのタブは前回の内容のままです。",
    ),
    "held_add_header": (
        "⚠ Not updated: the {tab} tab was skipped because it has no '{column}' column — add the header "
        "'{column}' in row 1 of the {tab} tab above the column that holds it; until then this tab shows what "
        "it showed before.",
        "⚠ 未更新: {tab}タブを読み込めませんでした。「{column}」列がありません — {tab}タブの1行目、その列の上に見出し"
        "「{column}」を入力してください。それまでこのタブは前回の内容のままです。",
    ),
    "renamed_tab": (
        "tab {tab} is missing, but the tab '{found}' has its columns and {rows} rows; rename '{found}' to "
        "'{tab}' (init will not create an empty {tab} tab beside it)",
        "{tab} タブがありませんが、「{found}」タブに同じ列と {rows} 行があります。「{found}」を「{tab}」に"
        "名前変更してください(init は空の {tab} タブを作りません)",
    ),
    "empty_tab_look_alike": (
        "tab {tab} is empty, but the tab '{found}' has its columns and {rows} rows; if '{found}' holds your "
        "data, delete the empty {tab} tab and rename '{found}' to '{tab}' — until then {tab} is not read",
        "{tab} タブは空ですが、「{found}」タブに同じ列と {rows} 行があります。「{found}」が本来のデータなら、空の "
        "{tab} タブを削除して「{found}」を「{tab}」に名前変更してください — それまで {tab} タブは読み込みません",
    ),
    "held_renamed_tab": (
        "⚠ Not updated: there is no {tab} tab, but the tab '{found}' has its columns — rename '{found}' to "
        "'{tab}'; until then this tab shows what it showed before.",
        "⚠ 未更新: {tab}タブがありませんが、「{found}」タブに同じ列があります — 「{found}」を「{tab}」に名前変更して"
        "ください。それまでこのタブは前回の内容のままです。",
    ),
    "held_empty_look_alike": (
        "⚠ Not updated: the {tab} tab is empty while the tab '{found}' has its columns and {rows} rows — if "
        "'{found}' holds your data, delete the empty {tab} tab and rename '{found}' to '{tab}'; until then "
        "this tab shows what it showed before.",
        "⚠ 未更新: {tab}タブは空で、「{found}」タブに同じ列と {rows} 行があります — 「{found}」が本来のデータなら、"
        "空の{tab}タブを削除して「{found}」を「{tab}」に名前変更してください。それまでこのタブは前回の内容のままです。",
    ),
    "held_missing_tab": (
        "⚠ Not updated: there is no {tab} tab (renamed or deleted?) — name the tab '{tab}' again, or run "
        "`sfa-sync init` to create it; until then this tab shows what it showed before.",
        "⚠ 未更新: {tab}タブがありません(名前の変更か削除?)— タブ名を「{tab}」に戻すか、`sfa-sync init` で"
        "作成してください。それまでこのタブは前回の内容のままです。",
    ),
    # derived words
    "owner_ok": ("OK", "OK"),
    "owner_empty": ("no owner", "担当者未設定"),
    "owner_unknown": ("not in Team", "チーム未登録"),
    "owner_inactive": ("inactive", "無効なメンバー"),
    "overdue": ("overdue", "期限超過"),
    "due_today": ("due today", "本日期限"),
}
MESSAGES = Catalogue(CATALOG)


@dataclass(frozen=True)
class Message:
    code: str
    params: dict[str, object] = field(default_factory=dict)

    def render(self, locale: Locale) -> str:
        return MESSAGES.say(self.code, locale, **self.params)


say = MESSAGES.say


def quote(value: object, locale: Locale = "en") -> str:
    """A cell value quoted for a message, cut so that a 50,000-character cell stays readable."""
    text = str(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"「{text}」" if locale == "ja" else f"'{text}'"
