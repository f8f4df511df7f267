"""The tabs of the sheet: the five input tabs people edit, and the tabs the service owns."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sheets_schema.choices import CALL_RESULTS, LEAD_STATUSES, ROLES, TASK_STATUSES, TASK_TYPES
from sheets_schema.columns import ERRORS, Column, Kind, derived
from sheets_schema.locale import Locale, fold


@dataclass(frozen=True)
class TabSpec:
    key: str
    en: str
    ja: str
    columns: tuple[Column, ...]
    id_prefix: str | None = None  # L -> L-000001; None: the tab has no id column
    aliases: tuple[str, ...] = ()

    def title(self, locale: Locale) -> str:
        return self.ja if locale == "ja" else self.en

    def names(self) -> set[str]:
        return {fold(n) for n in (self.key, self.en, self.ja, *self.aliases)}

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(f"{self.key}.{key}")

    @property
    def id_key(self) -> str | None:
        return self.columns[0].key if self.id_prefix else None

    @cached_property
    def person_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.person_owned)

    @cached_property
    def derived_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.derived)


TEAM = TabSpec(
    "team",
    "Team",
    "チーム",
    (
        Column("name", "Name", "氏名", required=True, aliases=("名前", "担当者名", "member")),
        Column("email", "Email", "メールアドレス", Kind.EMAIL, aliases=("メール", "e-mail"), width=28),
        Column("role", "Role", "役割", Kind.CHOICE, choices=ROLES, aliases=("ロール",)),
        Column("manager", "Manager", "上長", aliases=("マネージャー",)),
        Column("team", "Team", "チーム名", aliases=("group", "所属")),
        Column("active", "Active", "有効", Kind.BOOL, aliases=("在籍", "active?")),
        # optional: the Forecast tab's target per person (a quarter's is three months')
        Column("target", "Monthly target", "月間目標", Kind.AMOUNT, aliases=("target", "目標", "quota")),
        ERRORS,
    ),
    aliases=("members", "メンバー"),
)

LEADS = TabSpec(
    "leads",
    "Leads",
    "リード",
    (
        Column("lead_id", "Lead ID", "リードID", Kind.ID, aliases=("lead no", "リード番号")),
        Column(
            "company", "Company", "会社名", required=True, aliases=("account", "企業名", "社名"), width=24
        ),
        Column("contact", "Contact", "担当者名", aliases=("contact name", "氏名", "お名前")),
        Column("title", "Job title", "役職", aliases=("title", "position")),
        Column("email", "Email", "メールアドレス", Kind.EMAIL, aliases=("メール", "e-mail"), width=28),
        Column("phone", "Phone", "電話番号", aliases=("tel", "電話")),
        Column("industry", "Industry", "業種", aliases=("業界",)),
        Column("employees", "Employees", "従業員数", Kind.INT, aliases=("company size", "社員数")),
        Column("region", "Region", "地域", aliases=("prefecture", "都道府県", "エリア")),
        Column("lead_source", "Lead source", "リードソース", aliases=("source", "流入元", "獲得経路")),
        Column("campaign", "Campaign", "キャンペーン", aliases=("施策",)),
        Column("handed_over_on", "Handed over on", "受渡日", Kind.DATE, aliases=("handover date", "引渡日")),
        Column("assigned_caller", "Assigned caller", "架電担当", aliases=("caller", "担当営業")),
        Column("status", "Status", "ステータス", Kind.CHOICE, choices=LEAD_STATUSES, aliases=("状態",)),
        Column("notes", "Notes", "メモ", aliases=("備考",), width=30),
        derived("calls_made", "Calls made", "架電数", Kind.INT),
        derived("last_call_at", "Last call at", "最終架電日時", Kind.DATETIME, width=18),
        derived("last_result", "Last result", "最終結果"),
        derived("deal_id", "Deal ID", "商談ID"),
        # the lead fit score (rules/fit_model.py): blank until it has beaten the average in a backtest
        derived("fit", "Fit", "フィット", width=6),
        derived("fit_why", "Fit reasons", "フィットの理由", width=36, aliases=("why",)),
        ERRORS,
    ),
    id_prefix="L",
)

CALLS = TabSpec(
    "calls",
    "Calls",
    "架電履歴",
    (
        Column("call_id", "Call ID", "架電ID", Kind.ID, aliases=("activity id", "活動ID")),
        Column("lead_id", "Lead ID", "リードID", required=True),
        Column("called_at", "Called at", "架電日時", Kind.DATETIME, required=True, aliases=("date", "日時")),
        Column("caller", "Caller", "架電者", required=True, aliases=("担当者", "rep")),
        Column("result", "Result", "結果", Kind.CHOICE, required=True, choices=CALL_RESULTS),
        Column(
            "appointment_date",
            "Appointment date",
            "アポ日",
            Kind.DATE,
            aliases=("アポイント日", "訪問予定日"),
        ),
        Column("notes", "Notes", "メモ", aliases=("備考", "内容"), width=30),
        derived("company", "Company", "会社名", width=24),
        ERRORS,
    ),
    id_prefix="C",
    aliases=("calls log", "活動履歴", "コール", "架電"),
)

DEALS = TabSpec(
    "deals",
    "Deals",
    "商談",
    (
        Column("deal_id", "Deal ID", "商談ID", Kind.ID, aliases=("opportunity id",)),
        Column("lead_id", "Lead ID", "リードID"),
        Column(
            "deal_name", "Deal name", "商談名", required=True, aliases=("opportunity", "案件名"), width=24
        ),
        Column("company", "Company", "会社名", aliases=("account", "企業名"), width=24),
        Column("owner", "Owner", "担当者", aliases=("deal owner", "商談担当", "担当営業")),
        Column("appointment_by", "Appointment by", "アポ獲得者", aliases=("appointment setter", "アポ担当")),
        Column("stage", "Stage", "ステージ", Kind.STAGE, required=True, aliases=("フェーズ", "phase")),
        Column("amount", "Amount", "金額", Kind.AMOUNT, aliases=("value", "見込金額", "受注金額")),
        Column("close_date", "Close date", "完了予定日", Kind.DATE, aliases=("expected close", "受注予定日")),
        Column("lost_reason", "Lost reason", "失注理由"),
        Column("notes", "Notes", "メモ", aliases=("備考",), width=30),
        derived("created_on", "Created on", "作成日", Kind.DATE),
        derived("days_since_created", "Days since created", "作成からの日数", Kind.INT),
        derived("days_since_activity", "Days since activity", "最終活動からの日数", Kind.INT),
        derived("open_tasks", "Open tasks", "未完了タスク数", Kind.INT),
        derived("next_task_due", "Next task due", "次タスク期日", Kind.DATE),
        derived("next_task", "Next task", "次タスク", width=24),
        derived("owner_check", "Owner check", "担当者チェック"),
        derived("stage_since", "Stage since", "ステージ開始日", Kind.DATE),
        derived("days_in_stage", "Days in stage", "ステージ滞留日数", Kind.INT),
        derived("last_progress_on", "Last progress on", "最終進捗日", Kind.DATE),
        derived("close_date_pushes", "Close date pushes", "完了予定日の延期回数", Kind.INT),
        derived("closed_on", "Closed on", "クローズ日", Kind.DATE),
        derived("health", "Health", "ヘルス", width=40, aliases=("flags", "フラグ")),
        ERRORS,
    ),
    id_prefix="D",
    aliases=("opportunities", "案件"),
)

TASKS = TabSpec(
    "tasks",
    "Tasks",
    "タスク",
    (
        Column("task_id", "Task ID", "タスクID", Kind.ID),
        Column("deal_id", "Deal ID", "商談ID"),
        Column("lead_id", "Lead ID", "リードID"),
        Column("type", "Type", "種別", Kind.CHOICE, choices=TASK_TYPES, aliases=("task type", "タスク種別")),
        Column("title", "Title", "件名", required=True, aliases=("subject", "タスク名", "内容"), width=24),
        Column("owner", "Owner", "担当者", required=True, aliases=("assignee", "担当")),
        Column("due_date", "Due date", "期日", Kind.DATE, required=True, aliases=("due", "期限")),
        Column("status", "Status", "ステータス", Kind.CHOICE, choices=TASK_STATUSES, aliases=("状態",)),
        Column("completed_on", "Completed on", "完了日", Kind.DATE, aliases=("done on",)),
        Column("notes", "Notes", "メモ", aliases=("備考",), width=30),
        derived("days_to_due", "Days to due", "期日までの日数", Kind.INT),
        derived("overdue", "Overdue", "期限超過"),
        ERRORS,
    ),
    id_prefix="T",
    aliases=("todo", "todos", "やること"),
)

INPUT_TABS: tuple[TabSpec, ...] = (TEAM, LEADS, CALLS, DEALS, TASKS)


@dataclass(frozen=True)
class OwnedTab:
    """A tab wholly owned by the service: rebuilt every cycle (generated) or hidden state."""

    key: str
    en: str
    ja: str
    hidden: bool = False

    def title(self, locale: Locale) -> str:
        return self.ja if locale == "ja" else self.en

    def names(self) -> set[str]:
        return {fold(self.en), fold(self.ja), fold(self.key)}


REMINDERS = OwnedTab("reminders", "Reminders", "リマインダー")
MANAGER_REVIEW = OwnedTab("manager_review", "Manager Review", "マネージャーレビュー")
MARKETING_FEEDBACK = OwnedTab("marketing_feedback", "Marketing Feedback", "マーケティングフィードバック")
WIN_LOSS = OwnedTab("win_loss", "Win-Loss Analysis", "受注失注分析")
FORECAST = OwnedTab("forecast", "Forecast", "売上予測")
CALL_LIST = OwnedTab("call_list", "Call List", "コールリスト")  # leads not yet called, best fit first
SYNC_LOG = OwnedTab("sync_log", "Sync Log", "同期ログ")
# The hidden state tabs, every one of them (what each holds, and its decode/encode: sync/engine/state/). Their
# titles are the same in both locales so that a locale switch keeps the state.
STATE = OwnedTab("state", "_sfa_state", "_sfa_state", hidden=True)  # key/value: id sequences, layout version
DEAL_STATES = OwnedTab("deal_states", "_sfa_deals", "_sfa_deals", hidden=True)  # last known values per deal
DEAL_EVENTS = OwnedTab("deal_events", "_sfa_events", "_sfa_events", hidden=True)  # stage/amount/... changes
HANDLED_CALLS = OwnedTab("handled_calls", "_sfa_appointments", "_sfa_appointments", hidden=True)
REVIEW_ARCHIVE = OwnedTab("review_archive", "_sfa_review_archive", "_sfa_review_archive", hidden=True)
REMINDER_LEDGER = OwnedTab("reminder_ledger", "_sfa_reminders", "_sfa_reminders", hidden=True)  # sent digests
LEASE = OwnedTab("lease", "_sfa_lease", "_sfa_lease", hidden=True)  # which instance holds the sheet
FIT_CACHE = OwnedTab("fit_cache", "_sfa_fit", "_sfa_fit", hidden=True)  # the fit score as last learned
# what some cells held at the instant the last write landed: a ChangeSet's Capture (sync/core/changes.py),
# planned by sync/engine/write_window.py
WRITE_CAPTURE = OwnedTab("write_capture", "_sfa_write_capture", "_sfa_write_capture", hidden=True)
STATE_TABS: tuple[OwnedTab, ...] = (
    STATE,
    DEAL_STATES,
    DEAL_EVENTS,
    HANDLED_CALLS,
    REVIEW_ARCHIVE,
    REMINDER_LEDGER,
    LEASE,
    FIT_CACHE,
    WRITE_CAPTURE,
)

GENERATED_TABS: tuple[OwnedTab, ...] = (
    REMINDERS,
    CALL_LIST,
    MANAGER_REVIEW,
    FORECAST,
    MARKETING_FEEDBACK,
    WIN_LOSS,
    SYNC_LOG,
)


def find_tab(title: str, specs: tuple[TabSpec, ...] = INPUT_TABS) -> TabSpec | None:
    wanted = fold(title)
    for spec in specs:
        if wanted in spec.names():
            return spec
    return None
