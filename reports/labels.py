"""Words and layout shared by the Marketing Feedback and Win-Loss Analysis tabs, in English and Japanese.

A tab is built top to bottom as sections: a title row, a header row, data rows, a blank row. `TabBuilder`
keeps track of where each section landed, so that charts can point at its cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from reports.table import Cell
from sheets_schema.locale import Locale
from sheets_schema.messages import Catalogue

NAMED_ROWS = 5  # rows named per reason in an "excluded" section; the rest are counted

LABELS: dict[str, tuple[str, str]] = {
    # shared
    "total": ("Total", "合計"),
    "blank": ("(blank)", "(空欄)"),
    "no_lead": ("(no lead)", "(リードなし)"),
    "unknown": ("(unknown)", "(不明)"),
    "excluded": ("Excluded from the figures", "集計から除外したもの"),
    "reason": ("Reason", "理由"),
    "count": ("Count", "件数"),
    "nothing_excluded": ("nothing excluded", "除外なし"),
    "excluded_deals": ("Deals", "商談"),
    "row_n": ("row {n}", "{n} 行目"),
    "month": ("Month", "月"),
    "lead_source": ("Lead source", "リードソース"),
    "campaign": ("Campaign", "キャンペーン"),
    "won": ("Won", "受注"),
    "won_amount": ("Won amount", "受注金額"),
    "win_rate": ("Win rate (%)", "受注率(%)"),
    "share": ("Share (%)", "割合(%)"),
    "note": ("Note", "注記"),
    "and_more": ("… and {n} more", "… ほか {n} 件"),
    # marketing feedback
    "mf_title": (
        "Marketing Feedback — leads handed over {first} to {last} (as of {today})",
        "マーケティングフィードバック — 受渡 {first}〜{last} のリード({today} 時点)",
    ),
    "mf_by_month": ("By month of handover and lead source", "受渡月・リードソース別"),
    "mf_rate_by_source": (
        "Appointment rate (%) by month of handover and lead source (beyond {n} sources, the smaller pooled)",
        "受渡月・リードソース別 アポ率(%)({n} ソースを超える分は件数の少ないものをまとめて表示)",
    ),
    "other_sources": ("(other sources)", "(その他のソース)"),
    "mf_by_campaign": (
        "By lead source and campaign (all months shown)",
        "リードソース・キャンペーン別(表示期間の合計)",
    ),
    "handed_over": ("Leads handed over", "受渡リード数"),
    "called": ("Called", "架電済"),
    "reached": ("Reached", "接続"),
    "appointments": ("Appointments", "アポ獲得"),
    "appointment_rate": ("Appointment rate (%)", "アポ率(%)"),
    "days_to_first_call": ("Median days to first call", "初回架電までの日数(中央値)"),
    "deals_created": ("Deals created", "商談化"),
    "win_rate_closed": ("Win rate (% of closed)", "受注率(%・完了商談比)"),
    "mf_results": ("Call results other than appointment (most frequent first)", "アポ以外の架電結果(多い順)"),
    "result": ("Result", "結果"),
    "calls": ("Calls", "架電数"),
    "mf_not_called": (
        "Leads not called {n} days or more after handover",
        "受渡から {n} 日以上未架電のリード",
    ),
    "lead_id": ("Lead ID", "リードID"),
    "company": ("Company", "会社名"),
    "handed_over_on": ("Handed over on", "受渡日"),
    "days_waiting": ("Days since handover", "受渡からの日数"),
    "assigned_caller": ("Assigned caller", "架電担当"),
    "none_waiting": ("none — every lead was called in time", "なし — すべて期限内に架電済"),
    "x_no_handover": ("leads without a handover date", "受渡日のないリード"),
    "x_calls_unknown_lead": ("calls whose lead is not on the Leads tab", "リードタブにないリードへの架電"),
    "x_calls_no_date": (
        "calls without a call date (not in days to first call)",
        "架電日時のない架電(初回架電日数に不算入)",
    ),
    "x_won_no_amount": (
        "won deals without an amount (blank or not a number)",
        "金額のない受注商談(空欄または数値でない)",
    ),
    "x_deals_unknown_lead": ("deals whose lead is not on the Leads tab", "リードタブにないリードの商談"),
    "x_leads_before": ("leads handed over before the months shown", "表示期間より前に受渡されたリード"),
    "x_leads_after": ("leads handed over after this month", "今月より後の受渡日のリード"),
    "x_called_before_handover": (
        "leads called before their handover date (not in days to first call)",
        "受渡日より前に架電されたリード(初回架電日数に不算入)",
    ),
    # win / loss
    "wl_title": ("Win-Loss Analysis (as of {today})", "受注失注分析({today} 時点)"),
    "wl_window": (
        "Window: closed {first} to {last} (last {n} months)",
        "期間: {first}〜{last} に完了(直近 {n} か月)",
    ),
    "wl_source": ("Closed-on date: {parts}", "完了日: {parts}"),
    "wl_source_none": ("Closed-on date: no closed deals", "完了日: 完了商談なし"),
    # where a closed deal's closed-on date came from (rules/history.py): the parts of wl_source
    "src_history": ("{n} from the change history", "変更履歴から {n} 件"),
    "src_column": ("{n} from the Close date column", "完了予定日列から {n} 件"),
    "src_first_seen": (
        "{n} estimated when first seen already closed (its last activity)",
        "初回確認時に完了済みのため最終活動日で推定 {n} 件",
    ),
    "src_separator": (", ", "、"),
    "wl_window_all": (
        "Window: all time (every deal closed up to {last})",
        "期間: 全期間({last} までに完了したすべての商談)",
    ),
    "wl_window_empty": (
        "No deal closed in the last {n} months: the tables below show all time instead.",
        "直近 {n} か月に完了した商談はありません。以下の表は全期間を示します。",
    ),
    "scope_all": ("all time", "全期間"),
    "scope_empty": (
        "all time — no deal closed in the last {n} months",
        "全期間 — 直近 {n} か月に完了した商談なし",
    ),
    # the window's sections when they show all time ({scope}: scope_all or scope_empty)
    "wl_segments_all": ("By segment ({scope})", "セグメント別({scope})"),
    "wl_lost_reasons_all": ("Lost reasons ({scope})", "失注理由({scope})"),
    "wl_stage_before_all": ("Stage before lost ({scope})", "失注前のステージ({scope})"),
    "wl_reps_all": ("Rep behaviour ({scope})", "担当者の行動({scope})"),
    "wl_profile_all": (
        "Ideal lead profile: segments whose 95% lower bound beats the overall win rate ({scope})",
        "理想のリード像: 95%下限が全体の受注率を上回るセグメント({scope})",
    ),
    "wl_overall": ("Overall", "全体"),
    "period": ("Period", "期間"),
    "window": ("Last {n} months", "直近 {n} か月"),
    "all_time": ("All time", "全期間"),
    "closed": ("Closed", "完了"),
    "lost": ("Lost", "失注"),
    "days_won": ("Median days to close (won)", "完了までの日数(受注・中央値)"),
    "days_lost": ("Median days to close (lost)", "完了までの日数(失注・中央値)"),
    "wl_segments": ("By segment (last {n} months)", "セグメント別(直近 {n} か月)"),
    "segment": ("Segment", "セグメント"),
    "value": ("Value", "値"),
    "deals": ("Deals", "商談数"),
    "ci_low": ("95% CI low (%)", "95%信頼区間 下限(%)"),
    "ci_high": ("95% CI high (%)", "95%信頼区間 上限(%)"),
    "days_to_close": ("Median days to close", "完了までの日数(中央値)"),
    "judgement": ("Judgement", "判定"),
    "too_few": ("too few to judge", "件数不足で判断不可"),
    "seg_lead_source": ("Lead source", "リードソース"),
    "seg_campaign": ("Campaign", "キャンペーン"),
    "seg_industry": ("Industry", "業種"),
    "seg_company_size": ("Company size", "企業規模"),
    "seg_region": ("Region", "地域"),
    "seg_owner": ("Owner", "担当者"),
    "seg_caller": ("Caller", "アポ獲得者"),
    "seg_deal_size": ("Deal size", "商談規模"),
    "seg_manager": ("Manager", "上長"),  # the deal owner's Team row
    "seg_team": ("Team", "チーム名"),
    "no_team_row": ("(no team row)", "(チーム行なし)"),
    "wl_lost_reasons": ("Lost reasons (last {n} months)", "失注理由(直近 {n} か月)"),
    "lost_reason": ("Lost reason", "失注理由"),
    "amount": ("Amount", "金額"),
    "wl_stage_before": ("Stage before lost (last {n} months)", "失注前のステージ(直近 {n} か月)"),
    "stage": ("Stage", "ステージ"),
    "wl_months": ("Month by month (by closed-on)", "月別(完了日基準)"),
    "wl_reps": (
        "Rep behaviour (deals closed in the last {n} months)",
        "担当者の行動(直近 {n} か月に完了した商談)",
    ),
    "owner": ("Owner", "担当者"),
    "tasks_per_deal": ("Tasks per deal", "商談あたりタスク数"),
    "days_first_visit": (
        "Median days from deal creation to first visit done",
        "商談作成から初訪完了までの日数(中央値)",
    ),
    "days_between": ("Median days between activities", "活動間隔の日数(中央値)"),
    "open_deals": ("Open deals now", "進行中の商談"),
    "next_task_share": ("Open deals with a next task (%)", "次タスクのある進行中商談(%)"),
    "wl_quartile": (
        "Top quartile of owners by win rate against the rest",
        "受注率上位25%の担当者とその他の比較",
    ),
    "measure": ("Measure", "指標"),
    "top_quartile": ("Top quartile", "上位25%"),
    "the_rest": ("The rest", "その他"),
    "owners": ("Owners", "担当者数"),
    "wl_profile": (
        "Ideal lead profile: segments whose 95% lower bound beats the overall win rate (last {n} months)",
        "理想のリード像: 95%下限が全体の受注率を上回るセグメント(直近 {n} か月)",
    ),
    "profile_line": (
        "{segment} = {value}: {rate}% won of {n}, overall {overall}%",
        "{segment} = {value}: {n} 件中 受注率 {rate}%(全体 {overall}%)",
    ),
    "no_profile": (
        "no segment stands out yet — more closed deals are needed",
        "まだ際立つセグメントはありません — 完了商談の蓄積が必要です",
    ),
    "chart_win_by_source": (
        "Win rate by lead source (%), marks: 95% interval",
        "リードソース別 受注率(%)・印は95%区間",
    ),
    "chart_win_left_out": (
        "Win rate by lead source (%), marks: 95% interval; {left} with < {n} deals left out",
        "リードソース別 受注率(%)・印は95%区間・{n}件未満の{left}ソースは除外",
    ),
    "chart_appointments": (
        "Appointment rate by lead source and month (%)",
        "リードソース・月別 アポ率(%)",
    ),
    "chart_won_by_month": ("Won amount by month", "月別 受注金額"),
    "chart_lost_reasons": ("Lost reasons", "失注理由"),
    "x_closed_no_date": (
        "closed deals without a closed-on or close date",
        "完了日も完了予定日もない完了商談",
    ),
    "x_closed_future": ("closed deals dated after today", "完了日が未来の完了商談"),
    "x_no_created": (
        "closed deals without a creation date (not in days to close)",
        "作成日のない完了商談(完了日数に不算入)",
    ),
    "x_deals_no_lead": (
        "closed deals without a lead (shown as (no lead) in lead segments)",
        "リードのない完了商談(リード由来のセグメントでは(リードなし))",
    ),
    "x_unknown_segment": (
        "extra segment {name}: no such Leads or Deals column",
        "追加セグメント {name}: リード・商談にその列がありません",
    ),
    "x_no_stage": ("deals without a known stage", "ステージ不明の商談"),
    "x_closed_before_created": (
        "closed deals dated before their creation date (not in days to close)",
        "作成日より前に完了した商談(完了日数に不算入)",
    ),
    "x_visit_before_created": (
        "first visits done before the deal was created (not in days to first visit)",
        "商談作成日より前に完了した初訪(初訪までの日数に不算入)",
    ),
}
say = Catalogue(LABELS).say


@dataclass
class TabBuilder:
    """Rows of a generated tab, built section by section; row numbers are 0-based tab rows."""

    locale: Locale
    rows: list[tuple[Cell, ...]] = field(default_factory=list)
    bold: list[int] = field(default_factory=list)  # section titles and header rows

    @property
    def next_row(self) -> int:
        return len(self.rows)

    def add(self, *cells: Cell) -> int:
        self.rows.append(tuple(cells))
        return len(self.rows) - 1

    def section(
        self, title: str, header: Sequence[str], body: Sequence[Sequence[Cell]]
    ) -> tuple[int, int, int]:
        """A titled table and the blank row after it; returns (title row, first body row, last body row)."""
        title_row = self.add(title)
        self.bold += [title_row, self.add(*header)]
        first = self.next_row
        for line in body:
            self.add(*line)
        last = self.next_row - 1
        self.add()
        return title_row, first, last

    def excluded(self, reasons: dict[str, int], named: dict[str, list[str]] | None = None) -> None:
        """The 'excluded' section: every row left out of a figure is counted here, with its reason; with
        `named` (reason -> the rows it left out), a third column names the first few, to find and fix."""
        named = {reason: rows for reason, rows in (named or {}).items() if rows}
        header = [say("reason", self.locale), say("count", self.locale)]
        shown: list[tuple[Cell, ...]] = [
            (reason, n, *((self._first_few(named.get(reason, [])),) if named else ()))
            for reason, n in reasons.items()
            if n
        ]
        body = shown or [(say("nothing_excluded", self.locale), 0)]
        self.section(
            say("excluded", self.locale),
            header + ([say("excluded_deals", self.locale)] if named else []),
            body,
        )

    def _first_few(self, rows: list[str]) -> str | None:
        if not rows:
            return None
        more = len(rows) - NAMED_ROWS
        return ", ".join(rows[:NAMED_ROWS]) + (" " + say("and_more", self.locale, n=more) if more > 0 else "")

    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)
