"""Dropdown lists, in English and Japanese. A cell matches a choice in either language, any case."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sheets_schema.locale import Locale, fold


@dataclass(frozen=True)
class Choice:
    key: str
    en: str
    ja: str
    aliases: tuple[str, ...] = ()

    def label(self, locale: Locale) -> str:
        return self.ja if locale == "ja" else self.en

    def names(self) -> set[str]:
        return {fold(n) for n in (self.key, self.en, self.ja, *self.aliases)}


@dataclass(frozen=True)
class ChoiceList:
    name: str
    choices: tuple[Choice, ...]
    ja_name: str = ""

    def title(self, locale: Locale) -> str:
        return self.ja_name or self.name if locale == "ja" else self.name

    @cached_property
    def _by_name(self) -> dict[str, Choice]:
        found: dict[str, Choice] = {}
        for choice in self.choices:
            for name in choice.names():
                found.setdefault(name, choice)
        return found

    def find(self, text: str) -> Choice | None:
        return self._by_name.get(fold(text))

    def labels(self, locale: Locale) -> tuple[str, ...]:
        return tuple(c.label(locale) for c in self.choices)

    def get(self, key: str) -> Choice:
        for choice in self.choices:
            if choice.key == key:
                return choice
        raise KeyError(key)


ROLES = ChoiceList(
    "role",
    (
        Choice("rep", "Rep", "営業", ("sales", "担当")),
        Choice("manager", "Manager", "マネージャー", ("マネジャー", "上長")),
        Choice("marketing", "Marketing", "マーケティング", ("マーケ",)),
        Choice("admin", "Admin", "管理者"),
    ),
    "役割",
)

LEAD_STATUSES = ChoiceList(
    "lead status",
    (
        Choice("new", "New", "新規", ("未着手",)),
        Choice("calling", "Calling", "架電中"),
        Choice("appointment", "Appointment", "アポ獲得", ("アポ",)),
        Choice("nurture", "Nurture", "ナーチャリング", ("育成",)),
        Choice("disqualified", "Disqualified", "対象外", ("不適格",)),
    ),
    "リードステータス",
)

CALL_RESULTS = ChoiceList(
    "call result",
    (
        Choice("no_answer", "No answer", "不在", ("absent",)),
        Choice("blocked", "Blocked by reception", "受付ブロック", ("受付拒否", "gatekeeper")),
        Choice("call_back", "Call back", "再架電", ("callback", "折り返し")),
        Choice("not_interested", "Not interested", "興味なし", ("断り",)),
        Choice("information_sent", "Information sent", "資料送付"),
        Choice("appointment", "Appointment", "アポ獲得", ("アポ", "appointment set")),
        Choice("wrong_number", "Wrong number", "番号違い"),
        Choice("not_a_fit", "Not a fit", "対象外"),
    ),
    "架電結果",
)
REACHED_RESULTS = frozenset({"call_back", "not_interested", "information_sent", "appointment", "not_a_fit"})

TASK_TYPES = ChoiceList(
    "task type",
    (
        Choice("first_visit", "First visit", "初訪", ("初回訪問", "初訪タスク")),
        Choice("follow_up", "Follow-up", "フォローアップ", ("follow up", "フォロー")),
        Choice("meeting", "Meeting", "商談", ("打ち合わせ", "visit", "訪問")),
        Choice("proposal", "Proposal", "提案", ("提案書",)),
        Choice("quote", "Quote", "見積", ("見積もり", "quotation")),
        Choice("call", "Call", "電話"),
        Choice("email", "Email", "メール"),
        Choice("other", "Other", "その他"),
    ),
    "タスク種別",
)

TASK_STATUSES = ChoiceList(
    "task status",
    (
        Choice("open", "Open", "未着手", ("todo", "to do", "未完了")),
        Choice("in_progress", "In progress", "対応中", ("doing", "進行中")),
        Choice("done", "Done", "完了", ("completed", "済")),
        Choice("cancelled", "Cancelled", "キャンセル", ("canceled", "中止")),
    ),
    "タスクステータス",
)
CLOSED_TASK_STATUSES = frozenset({"done", "cancelled"})

YES_NO = ChoiceList("yes/no", (Choice("yes", "TRUE", "はい"), Choice("no", "FALSE", "いいえ")), "はい/いいえ")
