"""The fit score in words and numbers (issue 20): the Win-Loss tab's "How good is the fit score" section,
the fit of the leads handed over on Marketing Feedback, and the Call List tab.

Pure: a FitAssessment (rules/fit_model.py) and the rows in, sections out. What the score is and how it was
validated is said where people read it; when it is not shown, the section says why, in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reports import labels
from reports.labels import TabBuilder
from reports.stats import as_percent, month_label, percent
from reports.table import Cell, Report
from rules.book import Book, key_of
from rules.fit_model import BANDS, FitAssessment, lead_fit, lead_score
from sheets_schema.locale import Locale
from sheets_schema.messages import Catalogue
from sheets_schema.models import Lead

FIT_LABELS: dict[str, tuple[str, str]] = {
    "fit_title": ("How good is the fit score", "フィットスコアの精度"),
    "fit_not_enough": (
        "Not shown — not enough history: {n} closed deals with a lead (the score needs {need}; "
        "fit.min_closed in the config)",
        "非表示 — 履歴が不足: リードのある完了商談 {n} 件(必要 {need} 件。設定の fit.min_closed)",
    ),
    "fit_one_outcome": (
        "Not shown — every one of the {n} closed deals has the same outcome: nothing to learn from yet",
        "非表示 — 完了商談 {n} 件がすべて同じ結果のため、まだ学習できません",
    ),
    "fit_no_beat": (
        "Not shown — the score does not beat the average yet: AUC {auc} ({low}–{high}); it is shown when "
        "the whole 95% interval is above 0.5",
        "非表示 — スコアはまだ平均を上回っていません: AUC {auc}({low}〜{high})。95%信頼区間全体が "
        "0.5 を上回ると表示します",
    ),
    "fit_untested": (
        "Not shown — the backtest had no deals of both outcomes to score yet",
        "非表示 — バックテストで受注・失注の両方を採点できる商談がまだありません",
    ),
    "fit_shown": (
        "Shown on Leads (Fit, Fit reasons) and the Call List: in the backtest a won deal outscored a lost one "
        "{rate}% of the time — AUC {auc} (95% interval {low}–{high}; 0.5 is the plain average)",
        "リードタブ(フィット・フィットの理由)とコールリストに表示中: バックテストでは受注商談が失注商談より高い"
        "スコアだった割合 {rate}% — AUC {auc}(95%信頼区間 {low}〜{high}。0.5 は平均と同じ)",
    ),
    "fit_how": (
        "How: learned from won and lost deals by their lead's source, campaign, industry, company size and "
        "region (values on fewer than {min} deals count as 'other'). Backtest: fitted on deals closed "
        "before each cut-off, scored on those closed after it; no deal's own outcome is used to score it.",
        "方法: 受注・失注商談のリードのソース・キャンペーン・業種・企業規模・地域から学習"
        "({min} 件未満の値は「その他」)。バックテスト: 各基準日より前に完了した商談で学習し、"
        "基準日以降に完了した商談を採点。自分の結果を自分の採点に使うことはありません。",
    ),
    "fit_limits": (
        "Limits: the score knows only what the Leads tab says about a lead (as typed today), not the calls "
        "or the rep; it ranks leads, it does not promise a win.",
        "限界: スコアはリードタブの属性(現在の値)だけを見ており、架電内容や担当者は見ていません。"
        "リードの優先順位付けであり、受注を約束するものではありません。",
    ),
    "fit_measure": ("Measure", "指標"),
    "fit_value": ("Value", "値"),
    "fit_closed": ("Closed deals with a lead", "リードのある完了商談"),
    "fit_won": ("Won", "受注"),
    "fit_cutoffs": ("Backtest cut-offs", "バックテスト基準日"),
    "fit_scored": ("Deals scored in the backtest", "バックテストで採点した商談"),
    "fit_auc": ("AUC (0.5 = the plain average)", "AUC(0.5 = 平均と同じ)"),
    "fit_auc_low": ("AUC 95% interval, low", "AUC 95%信頼区間 下限"),
    "fit_auc_high": ("AUC 95% interval, high", "AUC 95%信頼区間 上限"),
    "fit_brier": (
        "Brier score: the average squared miss of the predicted win chance (0 = perfect; lower is better)",
        "ブライアスコア: 予測した受注見込と結果のずれの二乗平均(0 が完全。低いほど良い)",
    ),
    "fit_brier_base": (
        "Brier score of guessing the plain average win rate for every lead (the score should be lower)",
        "すべてのリードに平均受注率を当てはめた場合のブライアスコア(スコアはこれより低いはず)",
    ),
    "fit_no_lead": ("Closed deals without a lead (left out)", "リードのない完了商談(除外)"),
    "fit_calibration": (
        "Calibration: predicted against actual win rate by fit band (backtest)",
        "キャリブレーション: フィット帯別の予測受注率と実績(バックテスト)",
    ),
    "fit_band": ("Fit band", "フィット帯"),
    "fit_deals": ("Deals", "商談数"),
    "fit_predicted": ("Predicted win rate (%)", "予測受注率(%)"),
    "fit_actual": ("Actual win rate (%)", "実績受注率(%)"),
    "fit_unknown_extra": (
        "fit.extra_columns: '{name}' names no Leads column; fix the config (a header or key of Leads)",
        "fit.extra_columns: '{name}' はリードタブの列ではありません。設定を直してください(リードの見出しかキー)",
    ),
    # Marketing Feedback
    "mf_fit": (
        "Fit of the leads handed over, by month and lead source",
        "受渡リードのフィット(受渡月・リードソース別)",
    ),
    "mf_fit_hidden": ("Fit of the leads handed over: {why}", "受渡リードのフィット: {why}"),
    "mf_leads": ("Leads", "リード数"),
    "mf_band": ("Fit {band}", "フィット {band}"),
    "mf_mean_fit": ("Mean win chance (%)", "平均受注見込(%)"),
    # Call List
    "cl_title": (
        "Call list — leads not yet called, by caller, best fit first (as of {today})",
        "コールリスト — 未架電リード(架電担当別・フィットの高い順。{today} 時点)",
    ),
    "cl_by_wait": (
        "Fit score: {why}. Until it is shown, each caller's leads are listed longest waiting first",
        "フィットスコア: {why}。表示されるまでは、架電担当ごとに受渡からの日数が長い順に並べます",
    ),
    "cl_caller": ("Caller", "架電担当"),
    "cl_fit": ("Fit", "フィット"),
    "cl_chance": ("Win chance (%)", "受注見込(%)"),
    "cl_why": ("Fit reasons", "フィットの理由"),  # the same words as the Leads column
    "cl_lead_id": ("Lead ID", "リードID"),
    "cl_company": ("Company", "会社名"),
    "cl_source": ("Lead source", "リードソース"),
    "cl_handed_over": ("Handed over on", "受渡日"),
    "cl_days": ("Days since handover", "受渡からの日数"),
    "cl_unassigned": ("(no caller)", "(担当なし)"),
    "cl_none": ("none — every lead has been called", "なし — すべてのリードに架電済"),
}
say = Catalogue(FIT_LABELS).say
QUIET_STATUSES = frozenset({"appointment", "nurture", "disqualified"})  # not on a call list


def _two(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def why_hidden(fit: FitAssessment, locale: Locale) -> str | None:
    """Why the score is not shown, in words; None when it is."""
    if fit.shown:
        return None
    if fit.closed < fit.min_closed:
        return say("fit_not_enough", locale, n=fit.closed, need=fit.min_closed)
    if not fit.enough_history:
        return say("fit_one_outcome", locale, n=fit.closed)
    tested = fit.backtest
    if tested is None or tested.auc is None:
        return say("fit_untested", locale)
    return say("fit_no_beat", locale, auc=_two(tested.auc), low=_two(tested.low), high=_two(tested.high))


def headline(fit: FitAssessment, locale: Locale) -> str:
    tested = fit.backtest
    if fit.shown and tested is not None and tested.auc is not None:
        return say(
            "fit_shown",
            locale,
            rate=f"{100 * tested.auc:.0f}",
            auc=_two(tested.auc),
            low=_two(tested.low),
            high=_two(tested.high),
        )
    return why_hidden(fit, locale) or ""


# ------------------------------------------------------------------------------------------- Win-Loss
def fit_section(sheet: TabBuilder, fit: FitAssessment, min_category: int) -> None:
    """The Win-Loss tab's "How good is the fit score": the verdict, the figures, the calibration."""
    locale = sheet.locale
    sheet.bold.append(sheet.add(say("fit_title", locale)))
    sheet.add(headline(fit, locale))
    for name in fit.unknown_extra:
        sheet.add(say("fit_unknown_extra", locale, name=name))
    sheet.add(say("fit_how", locale, min=min_category))
    sheet.add(say("fit_limits", locale))
    sheet.add()
    tested = fit.backtest
    figures: list[tuple[str, Cell]] = [("fit_closed", fit.closed), ("fit_won", fit.won)]
    if fit.no_lead:
        figures.append(("fit_no_lead", fit.no_lead))
    if tested is not None:
        figures += [
            ("fit_cutoffs", ", ".join(d.isoformat() for d in tested.cutoffs)),
            ("fit_scored", tested.scored),
            ("fit_auc", _rounded(tested.auc)),
            ("fit_auc_low", _rounded(tested.low)),
            ("fit_auc_high", _rounded(tested.high)),
            ("fit_brier", _rounded(tested.brier, 3)),
            ("fit_brier_base", _rounded(tested.brier_baseline, 3)),
        ]
    header = [say("fit_measure", locale), say("fit_value", locale)]
    sheet.section(say("fit_title", locale), header, [(say(k, locale), v) for k, v in figures])
    if tested is None or not tested.scored:
        return
    body = [
        (line.band, line.deals, line.won, as_percent(line.predicted), percent(line.won, line.deals))
        for line in tested.calibration
    ]
    keys = ("fit_band", "fit_deals", "fit_won", "fit_predicted", "fit_actual")
    sheet.section(say("fit_calibration", locale), [say(k, locale) for k in keys], body)


def _rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


# ------------------------------------------------------------------------------------------- Marketing
def feedback_section(
    sheet: TabBuilder, fit: FitAssessment, handed_over: Sequence[tuple[date, str, Lead]]
) -> None:
    """Marketing Feedback: per month of handover and lead source, how many leads fall in each fit band."""
    locale = sheet.locale
    hidden = why_hidden(fit, locale)
    if hidden is not None:
        sheet.add(say("mf_fit_hidden", locale, why=hidden))
        sheet.add()
        return
    groups: dict[tuple[date, str], list[Lead]] = {}
    for month, source, lead in handed_over:
        groups.setdefault((month, source), []).append(lead)
    body = []
    for (month, source), leads in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1])):
        bands = [lead_fit(fit, lead, locale)["fit"] for lead in leads]
        scores = [s for s in (lead_score(fit, lead) for lead in leads) if s is not None]
        mean = sum(scores) / len(scores) if scores else None
        body.append(
            (month_label(month), source, len(leads), *(bands.count(b) for b in BANDS), as_percent(mean))
        )
    header = [
        labels.say("month", locale),
        say("cl_source", locale),
        say("mf_leads", locale),
        *(say("mf_band", locale, band=b) for b in BANDS),
        say("mf_mean_fit", locale),
    ]
    sheet.section(say("mf_fit", locale), header, body)


# ------------------------------------------------------------------------------------------- Call List
CALL_LIST_COLUMNS: tuple[tuple[str, int], ...] = (  # label key, width
    ("cl_caller", 14),
    ("cl_fit", 6),
    ("cl_chance", 12),
    ("cl_why", 36),
    ("cl_lead_id", 12),
    ("cl_company", 24),
    ("cl_source", 16),
    ("cl_handed_over", 14),
    ("cl_days", 12),
)


def waiting(book: Book, lead: Lead) -> bool:
    """A lead on the call list: handed over, no call logged yet, not already dealt with."""
    called = book.calls_by_lead.get(key_of(lead.lead_id) or "", []) if lead.lead_id else []
    return (
        not called
        and lead.status not in QUIET_STATUSES
        and not book.deals_by_lead.get(key_of(lead.lead_id) or "")
    )


def call_list_report(book: Book, fit: FitAssessment, today: date, locale: Locale) -> Report:
    """Each caller's leads not yet called: best fit first when the score is shown, else longest waiting."""
    unassigned = say("cl_unassigned", locale)
    lines = []
    for row in book.rows("leads"):
        lead = row.model
        if not waiting(book, lead):
            continue
        score = lead_score(fit, lead)
        days = (today - lead.handed_over_on).days if lead.handed_over_on else None
        cells = lead_fit(fit, lead, locale)
        lines.append(
            (
                (lead.assigned_caller or unassigned, -(score or 0.0), -(days or 0), row.index),
                (
                    lead.assigned_caller or unassigned,
                    cells["fit"],
                    as_percent(score),
                    cells["fit_why"],
                    lead.lead_id,
                    lead.company,
                    lead.lead_source,
                    lead.handed_over_on,
                    days if days is not None and days >= 0 else None,
                ),
            )
        )
    hidden = why_hidden(fit, locale)
    top: list[tuple[Cell, ...]] = [(say("cl_title", locale, today=today.isoformat()),)]
    top.append((say("cl_by_wait", locale, why=hidden),) if hidden else (headline(fit, locale),))
    header = tuple(say(key, locale) for key, _ in CALL_LIST_COLUMNS)
    body: list[tuple[Cell, ...]] = [cells for _, cells in sorted(lines, key=lambda line: line[0])]
    return Report(
        rows=(*top, header, *(body or [(say("cl_none", locale),)])),
        header_rows=len(top) + 1,
        bold_rows=(0, len(top)),
        column_widths=tuple(width for _, width in CALL_LIST_COLUMNS),
    )
