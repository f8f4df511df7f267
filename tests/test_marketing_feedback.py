"""Marketing Feedback on a hand-made sheet: every figure against an independent pandas computation."""

from __future__ import annotations

from datetime import date

import pandas as pd

from reports.marketing_feedback import marketing_feedback_report
from sync.core.config import Config, ReportsConfig
from sync.engine.analyse import read_book
from tests.report_tables import section
from tests.sheets import memory_store

TODAY = date(2026, 11, 28)
REPORTS = ReportsConfig(months_back=3, not_called_after_days=3)  # Sep, Oct and Nov 2026


def lead(lead_id, source, campaign, handed, caller="Kato"):
    return {
        "lead_id": lead_id,
        "company": f"Company {lead_id}",
        "lead_source": source,
        "campaign": campaign,
        "handed_over_on": handed,
        "assigned_caller": caller,
    }


LEADS = [
    lead("L-1", "Web", "Spring", "2026/09/02"),
    lead("L-2", "Web", "Spring", "2026/09/10"),
    lead("L-3", "Web", None, "2026/09/20"),
    lead("L-4", "Seminar", "Expo", "2026/09/05"),
    lead("L-5", "Seminar", "Expo", "2026/10/01"),
    lead("L-6", "Seminar", "Expo", "2026/10/15"),
    lead("L-7", "Web", "Spring", "2026/10/20"),
    lead("L-8", None, None, "2026/11/01"),
    lead("L-9", "Web", "Autumn", "2026/11/20"),
    lead("L-10", "Web", "Autumn", "2026/11/26"),  # not called, but only 2 days ago
    lead("L-11", "Seminar", "Expo", "2026/06/01"),  # before the months shown
    lead("L-12", "Web", "Spring", None),  # no handover date
    lead("L-13", "Seminar", "Expo", "2026/11/02", "Mori"),  # never called
]


def call(lead_id, when, result):
    return {"lead_id": lead_id, "called_at": when, "caller": "Kato", "result": result}


CALLS = [
    call("L-1", "2026/09/03 10:00", "No answer"),
    call("L-1", "2026/09/05 10:00", "Appointment"),
    call("L-2", "2026/09/15 10:00", "Not interested"),
    call("L-3", "2026/09/20 09:00", "No answer"),
    call("L-3", "2026/09/22 09:00", "Blocked by reception"),
    call("L-4", "2026/09/06 09:00", "Call back"),
    call("L-4", "2026/09/09 09:00", "No answer"),
    call("L-5", "2026/10/08 09:00", "Appointment"),
    call("L-6", "2026/10/16 09:00", "No answer"),
    call("L-7", "2026/10/20 09:00", "Information sent"),
    call("L-8", "2026/11/03 09:00", "Wrong number"),
    call("L-9", "2026/11/21 09:00", "No answer"),
    call("L-9", "2026/11/23 09:00", "Not interested"),
    call("L-11", "2026/06/02 09:00", "No answer"),
    call("L-404", "2026/10/01 09:00", "No answer"),  # a call for a lead that is not there
    {"lead_id": "L-6", "called_at": "yesterday", "caller": "Kato", "result": "No answer"},  # no date
]


def deal(deal_id, lead_id, stage, amount=None):
    return {"deal_id": deal_id, "lead_id": lead_id, "deal_name": deal_id, "stage": stage, "amount": amount}


DEALS = [
    deal("D-1", "L-1", "Won", 1_000_000),
    deal("D-2", "L-4", "Lost", 500_000),  # a deal without an appointment call still counts as one
    deal("D-3", "L-5", "Won", "abc"),  # an amount that does not parse
    deal("D-4", "L-5", "Proposal", 200_000),
    deal("D-5", "L-7", "Won", 3_000_000),
    deal("D-6", "L-999", "Won", 9_000_000),  # its lead is missing
]


def build(locale="en"):
    config = Config(locale=locale)
    parsed = read_book(memory_store(locale, leads=LEADS, calls=CALLS, deals=DEALS).read(), config).book
    return marketing_feedback_report(parsed, {}, TODAY, locale, REPORTS)


REACHED = {"Call back", "Not interested", "Information sent", "Appointment", "Not a fit"}


def frames():
    leads = pd.DataFrame(LEADS)
    leads["handed"] = pd.to_datetime(leads["handed_over_on"], format="%Y/%m/%d")
    leads = leads[leads["handed"] >= "2026-09-01"].copy()
    leads["month"] = leads["handed"].dt.strftime("%Y-%m")
    leads["source"] = leads["lead_source"].fillna("(blank)")
    leads["campaign"] = leads["campaign"].fillna("(blank)")
    calls = pd.DataFrame(CALLS)
    calls["day"] = pd.to_datetime(calls["called_at"], format="%Y/%m/%d %H:%M", errors="coerce")
    deals = pd.DataFrame(DEALS)
    deals["amount"] = pd.to_numeric(deals["amount"], errors="coerce")
    return leads, calls, deals


def figures(part, calls, deals):
    mine = calls[calls["lead_id"].isin(part["lead_id"])]
    theirs = deals[deals["lead_id"].isin(part["lead_id"])]
    appointment = set(mine.loc[mine["result"] == "Appointment", "lead_id"]) | set(theirs["lead_id"])
    first = mine.dropna(subset=["day"]).groupby("lead_id")["day"].min()
    days = (first.dt.normalize() - part.set_index("lead_id")["handed"].reindex(first.index)).dt.days
    won = theirs[theirs["stage"] == "Won"]
    closed = theirs[theirs["stage"].isin(["Won", "Lost"])]
    n = len(part)
    return [
        n,
        mine["lead_id"].nunique(),
        mine.loc[mine["result"].isin(REACHED), "lead_id"].nunique(),
        len(appointment),
        round(100 * len(appointment) / n, 1),
        round(float(days.median()), 1) if len(days) else None,
        len(theirs),
        len(won),
        won["amount"].fillna(0).sum(),
        round(100 * len(won) / len(closed), 1) if len(closed) else None,
    ]


def test_by_month_and_source_with_a_total_row():
    report = build()
    leads, calls, deals = frames()
    table = section(report, "By month of handover and lead source")
    expected = [
        [month, source, *figures(part, calls, deals)]
        for (month, source), part in leads.groupby(["month", "source"])
    ]
    expected.append(["Total", "", *figures(leads, calls, deals)])
    assert table.values.tolist() == expected
    assert len(expected) == 8 and expected[-1][2] == 11


def test_by_source_and_campaign():
    report = build()
    leads, calls, deals = frames()
    table = section(report, "By lead source and campaign (all months shown)")
    expected = [
        [source, campaign, *figures(part, calls, deals)]
        for (source, campaign), part in leads.groupby(["source", "campaign"])
    ]
    assert table.values.tolist() == expected


def test_call_results_other_than_appointment_most_frequent_first():
    report = build()
    leads, calls, _ = frames()
    mine = calls[calls["lead_id"].isin(leads["lead_id"]) & (calls["result"] != "Appointment")]
    counts = mine["result"].value_counts()
    table = section(report, "Call results other than appointment (most frequent first)")
    assert dict(zip(table["Result"], table["Calls"], strict=True)) == counts.to_dict()
    assert list(table["Calls"]) == sorted(table["Calls"], reverse=True)
    assert list(table["Share (%)"]) == [round(100 * n / counts.sum(), 1) for n in table["Calls"]]


def test_leads_not_called_after_n_days():
    report = build()
    leads, calls, _ = frames()
    waiting = leads[
        ~leads["lead_id"].isin(calls["lead_id"]) & (leads["handed"] <= pd.Timestamp("2026-11-25"))
    ]
    table = section(report, "Leads not called 3 days or more after handover")
    assert list(table["Lead ID"]) == list(waiting.sort_values("handed")["lead_id"]) == ["L-13"]
    assert table.iloc[0]["Days since handover"] == 26 and table.iloc[0]["Assigned caller"] == "Mori"
    assert table.iloc[0]["Handed over on"] == date(2026, 11, 2)


def test_bad_input_is_counted_in_the_excluded_section():
    table = section(build(), "Excluded from the figures")
    assert dict(zip(table["Reason"], table["Count"], strict=True)) == {
        "leads without a handover date": 1,
        "leads handed over before the months shown": 1,
        "calls whose lead is not on the Leads tab": 1,
        "calls without a call date (not in days to first call)": 1,
        "deals whose lead is not on the Leads tab": 1,
        "won deals without an amount (blank or not a number)": 1,
    }


def test_japanese():
    report = build("ja")
    assert report.rows[0] == (
        "マーケティングフィードバック — 受渡 2026-09〜2026-11 のリード(2026-11-28 時点)",
    )
    table = section(report, "受渡月・リードソース別")
    assert list(table.columns)[:6] == ["月", "リードソース", "受渡リード数", "架電済", "接続", "アポ獲得"]
    assert table.iloc[-1]["月"] == "合計" and table.iloc[-1]["受渡リード数"] == 11
    results = section(report, "アポ以外の架電結果(多い順)")
    assert results.iloc[0]["結果"] == "不在"
    assert "空欄" in str(section(report, "リードソース・キャンペーン別(表示期間の合計)").values.tolist())
