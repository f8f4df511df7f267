"""Win-Loss Analysis on a hand-made sheet: every figure against an independent pandas computation."""

from __future__ import annotations

import itertools
import math
from datetime import date

import pandas as pd
import pytest

from reports.stats import wilson
from reports.win_loss import win_loss_report
from rules.facts import DealFacts
from sync.core.config import Config, ReportsConfig
from sync.engine.analyse import read_book
from tests.report_tables import section
from tests.sheets import memory_store

TODAY = date(2026, 11, 28)
REPORTS = ReportsConfig(min_segment=3)
START = date(2025, 11, 28)  # the 12-month window is (START, TODAY]

LEADS = [
    {
        "lead_id": "L-1",
        "company": "A",
        "lead_source": "Web",
        "campaign": "Spring",
        "industry": "製造業",
        "employees": 30,
        "region": "東京都",
        "assigned_caller": "Kato",
    },
    {
        "lead_id": "L-2",
        "company": "B",
        "lead_source": "Web",
        "campaign": "Spring",
        "industry": "製造業",
        "employees": 120,
        "region": "東京都",
        "assigned_caller": "Kato",
    },
    {
        "lead_id": "L-3",
        "company": "C",
        "lead_source": "Seminar",
        "campaign": "Expo",
        "industry": "製造業",
        "employees": 500,
        "region": "大阪府",
        "assigned_caller": "Mori",
    },
    {
        "lead_id": "L-4",
        "company": "D",
        "lead_source": "Seminar",
        "campaign": "Expo",
        "industry": "製造業",
        "employees": 40,
        "region": "東京都",
        "assigned_caller": "Mori",
    },
    {
        "lead_id": "L-5",
        "company": "E",
        "lead_source": "Referral",
        "industry": "IT",
        "employees": 2000,
        "region": "大阪府",
        "assigned_caller": "Kato",
    },
    {
        "lead_id": "L-6",
        "company": "F",
        "lead_source": "Web",
        "campaign": "Spring",
        "industry": "IT",
        "employees": 60,
        "region": "東京都",
        "assigned_caller": "Mori",
    },
    {
        "lead_id": "L-7",
        "company": "G",
        "lead_source": "Seminar",
        "campaign": "Expo",
        "industry": "IT",
        "employees": 10,
        "region": "愛知県",
    },
    {
        "lead_id": "L-8",
        "company": "H",
        "lead_source": "Referral",
        "industry": "製造業",
        "employees": 300,
        "region": "東京都",
        "assigned_caller": "Kato",
    },
    {
        "lead_id": "L-9",
        "company": "I",
        "lead_source": "Web",
        "campaign": "Spring",
        "industry": "IT",
        "employees": 80,
        "region": "大阪府",
        "assigned_caller": "Mori",
    },
]


def deal(deal_id, lead_id, stage, amount=None, owner=None, by=None, reason=None, close_date=None):
    return {
        "deal_id": deal_id,
        "lead_id": lead_id,
        "deal_name": f"deal {deal_id}",
        "stage": stage,
        "amount": amount,
        "owner": owner,
        "appointment_by": by,
        "lost_reason": reason,
        "close_date": close_date,
    }


DEALS = [
    deal("D-1", "L-1", "Won", 2_000_000, "Sato", "Kato"),
    deal("D-2", "L-2", "Won", 600_000, "Sato", "Kato"),
    deal("D-3", "L-3", "Won", "1,200万円", "Suzuki", "Mori"),
    deal("D-4", "L-4", "Won", 3_000_000, "Suzuki"),
    deal("D-5", "L-5", "Lost", 4_000_000, "Sato", "Kato", "価格"),
    deal("D-6", "L-6", "Lost", 800_000, "Tanaka", "Mori", "競合"),
    deal("D-7", "L-7", "Lost", None, "Tanaka", None, "価格"),
    deal(
        "D-8", "L-8", "Won", 5_000_000, "Tanaka", "Kato", close_date="2026/07/31"
    ),  # no facts: close date column
    deal("D-9", "L-9", "Won", "abc", "Ito", "Mori"),  # an amount that does not parse
    deal("D-10", "L-9", "Lost", 100_000, "Ito", reason="競合"),  # no facts, no close date: excluded
    deal("D-11", "L-404", "Won", 1_000_000, "Ito", "Kato"),  # its lead is missing
    deal("D-12", "L-1", "Lost", 700_000, "Sato", reason="時期尚早"),  # closed in 2024: all time only
    deal("D-13", "L-2", "Proposal", 1_500_000, "Sato"),
    deal("D-14", "L-3", "Negotiation", None, "Suzuki"),
    deal("D-15", "L-6", "Maybe", None, "Tanaka"),  # an unknown stage
    deal("D-16", "L-4", "Lost", None, "Suzuki"),  # closed-on after today
    deal("D-17", "L-5", "Lost", 900_000, "Sato", "Kato", "予算なし"),
    deal("D-18", "L-7", "Lost", 2_500_000, "Suzuki", None, "競合"),
    deal("D-19", "L-9", "Lost", 300_000, "Ito", "Mori"),
    deal("D-20", "L-8", "Lost", 300_000, "Ito", "Mori"),
]

FACTS_TABLE = [  # deal id, created on, closed on, stage before close
    ("D-1", date(2026, 8, 1), date(2026, 10, 10), "negotiation"),
    ("D-2", date(2026, 7, 1), date(2026, 9, 15), "quotation"),
    ("D-3", date(2026, 6, 10), date(2026, 11, 2), "negotiation"),
    ("D-4", date(2026, 4, 1), date(2026, 6, 20), "negotiation"),
    ("D-5", date(2026, 9, 1), date(2026, 10, 20), "proposal"),
    ("D-6", date(2026, 7, 20), date(2026, 8, 5), "quotation"),
    ("D-7", date(2026, 10, 1), date(2026, 11, 20), "proposal"),
    ("D-9", date(2026, 9, 1), date(2026, 9, 30), "negotiation"),
    ("D-11", date(2026, 9, 10), date(2026, 10, 1), "proposal"),
    ("D-12", date(2024, 3, 1), date(2024, 5, 1), "first_visit"),
    ("D-13", date(2026, 10, 1), None, None),
    ("D-16", date(2026, 10, 1), date(2026, 12, 15), "proposal"),
    ("D-17", date(2026, 9, 5), date(2026, 11, 25), None),
    ("D-18", date(2025, 12, 1), date(2025, 12, 20), "first_visit"),
    ("D-19", date(2025, 10, 1), date(2025, 11, 29), "proposal"),  # the window's first day: inside
    ("D-20", date(2025, 10, 1), date(2025, 11, 28), "proposal"),  # the day before it: outside
]
FACTS = {
    d.lower(): DealFacts(d, created_on=c, closed_on=x, stage_before_close=s) for d, c, x, s in FACTS_TABLE
}

TASKS = [
    {
        "deal_id": "D-1",
        "type": "First visit",
        "title": "visit",
        "owner": "Sato",
        "due_date": "2026/08/05",
        "status": "Done",
        "completed_on": "2026/08/05",
    },
    {
        "deal_id": "D-1",
        "type": "Follow-up",
        "title": "follow",
        "owner": "Sato",
        "due_date": "2026/08/20",
        "status": "Done",
        "completed_on": "2026/08/20",
    },
    {
        "deal_id": "D-3",
        "type": "First visit",
        "title": "visit",
        "owner": "Suzuki",
        "due_date": "2026/06/20",
        "status": "Done",
        "completed_on": "2026/06/20",
    },
    {
        "deal_id": "D-3",
        "type": "Proposal",
        "title": "proposal",
        "owner": "Suzuki",
        "due_date": "2026/07/10",
        "status": "Done",
        "completed_on": "2026/07/10",
    },
    {
        "deal_id": "D-3",
        "type": "Quote",
        "title": "quote",
        "owner": "Suzuki",
        "due_date": "2026/08/01",
        "status": "Done",
        "completed_on": "2026/08/01",
    },
    {
        "deal_id": "D-5",
        "type": "First visit",
        "title": "visit",
        "owner": "Sato",
        "due_date": "2026/09/08",
        "status": "Done",
        "completed_on": "2026/09/08",
    },
    {
        "deal_id": "D-6",
        "type": "Call",
        "title": "call",
        "owner": "Tanaka",
        "due_date": "2026/07/30",
        "status": "Open",
    },
    {
        "deal_id": "D-13",
        "type": "Quote",
        "title": "send quote",
        "owner": "Sato",
        "due_date": "2026/12/01",
        "status": "Open",
    },
    {
        "deal_id": "D-14",
        "type": "Meeting",
        "title": "done meeting",
        "owner": "Suzuki",
        "due_date": "2026/11/01",
        "status": "Done",
        "completed_on": "2026/11/01",
    },
]
CALLS = [
    {"lead_id": "L-1", "called_at": "2026/07/25 10:00", "caller": "Kato", "result": "Appointment"},
    {"lead_id": "L-1", "called_at": "2026/08/10 10:00", "caller": "Sato", "result": "Call back"},
    {"lead_id": "L-5", "called_at": "2026/09/15 11:00", "caller": "Sato", "result": "Call back"},
]


def build(locale="en", reports=REPORTS, facts=FACTS, **tabs):
    rows = {"leads": LEADS, "deals": DEALS, "tasks": TASKS, "calls": CALLS} | tabs
    config = Config(locale=locale)
    parsed = read_book(memory_store(locale, **rows).read(), config).book
    return win_loss_report(parsed, facts, TODAY, locale, config.pipeline.to_pipeline(), reports)


# -------------------------------------------------------------------------------- independent truth
def truth() -> pd.DataFrame:
    """The closed deals as a data frame, computed from the raw rows above (not through the report)."""
    deals = pd.DataFrame(DEALS)
    facts = pd.DataFrame(FACTS_TABLE, columns=["deal_id", "created_on", "closed_on", "before"])
    frame = deals.merge(facts, on="deal_id", how="left")
    frame = frame[frame["stage"].isin(["Won", "Lost"])].copy()
    fallback = pd.to_datetime(frame["close_date"], format="%Y/%m/%d").dt.date
    frame["from_column"] = frame["closed_on"].isna() & fallback.notna()
    frame["closed_on"] = frame["closed_on"].where(frame["closed_on"].notna(), fallback)
    frame = frame[frame["closed_on"].notna() & (frame["closed_on"] <= TODAY)].copy()
    frame["won"] = frame["stage"] == "Won"
    amounts = {"1,200万円": 12_000_000, "abc": None}
    frame["amount"] = (
        frame["amount"].map(lambda a: amounts.get(a, a) if isinstance(a, str) else a).astype(float)
    )
    frame["days"] = frame.apply(
        lambda r: (r.closed_on - r.created_on).days if pd.notna(r.created_on) else None, axis=1
    ).astype(float)
    leads = pd.DataFrame(LEADS).rename(columns={"lead_id": "lead"})
    frame = frame.merge(leads, left_on="lead_id", right_on="lead", how="left")
    frame["in_window"] = frame["closed_on"] > START
    return frame


def pct(won, n):
    return round(100 * won / n, 1) if n else None


def med(series):
    values = series.dropna()
    return round(float(values.median()), 1) if len(values) else None


def won_amount(frame):
    return frame.loc[frame["won"], "amount"].fillna(0).sum()


def test_overall_window_and_all_time():
    report, frame = build(), truth()
    table = section(report, "Overall")
    for label, part in (("Last 12 months", frame[frame["in_window"]]), ("All time", frame)):
        row = table[table["Period"] == label].iloc[0]
        won = int(part["won"].sum())
        assert row["Closed"] == len(part) and row["Won"] == won and row["Lost"] == len(part) - won
        assert row["Win rate (%)"] == pct(won, len(part))
        assert row["Won amount"] == won_amount(part)
        assert row["Median days to close (won)"] == med(part.loc[part["won"], "days"])
        assert row["Median days to close (lost)"] == med(part.loc[~part["won"], "days"])
    assert table.iloc[0]["Closed"] == 13  # the data was made so; a guard against a wrong truth()


def size_band(n):
    return (
        None
        if pd.isna(n)
        else (
            "1-49 employees"
            if n < 50
            else "50-299 employees"
            if n < 300
            else "300-999 employees"
            if n < 1000
            else "1,000+ employees"
        )
    )


def deal_band(a):
    return (
        "(unknown)"
        if pd.isna(a)
        else ("under ¥1M" if a < 1e6 else "¥1M-5M" if a < 5e6 else "¥5M-10M" if a < 1e7 else "¥10M+")
    )


def segment_values(frame: pd.DataFrame) -> dict[str, pd.Series]:
    no_lead = frame["lead"].isna()

    def lead_col(name):
        return frame[name].fillna("(blank)").where(~no_lead, "(no lead)")

    caller = frame["appointment_by"].fillna(frame["assigned_caller"]).fillna("(blank)")
    return {
        "Lead source": lead_col("lead_source"),
        "Campaign": lead_col("campaign"),
        "Industry": lead_col("industry"),
        "Company size": frame["employees"].map(size_band).fillna("(blank)").where(~no_lead, "(no lead)"),
        "Region": lead_col("region"),
        "Owner": frame["owner"].fillna("(blank)"),
        "Caller": caller,
        "Deal size": frame["amount"].map(deal_band),
    }


def test_every_segment_row():
    report, frame = build(), truth()
    frame = frame[frame["in_window"]].reset_index(drop=True)
    table = section(report, "By segment (last 12 months)")
    expected = []
    for name, values in segment_values(frame).items():
        for value, part in frame.groupby(values):
            n, won = len(part), int(part["won"].sum())
            low, high = independent_wilson(won, n)
            expected.append(
                (
                    name,
                    value,
                    n,
                    won,
                    pct(won, n),
                    round(100 * low, 1),
                    round(100 * high, 1),
                    med(part["days"]),
                    won_amount(part),
                    "too few to judge" if n < 3 else "",
                )
            )
    got = [tuple(r) for r in table.itertuples(index=False)]
    assert sorted(got, key=str) == sorted(expected, key=str)
    names = list(table["Segment"])  # segments in the order of the issue, biggest values first
    assert list(dict.fromkeys(names)) == list(segment_values(frame))
    source = table[table["Segment"] == "Lead source"]
    assert list(source["Deals"]) == sorted(source["Deals"], reverse=True)


def independent_wilson(k, n, z=1.959963984540054):
    p = k / n
    spread = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return ((p + z**2 / (2 * n) - spread) / (1 + z**2 / n), (p + z**2 / (2 * n) + spread) / (1 + z**2 / n))


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (5, 10, 0.2365931, 0.7634069),
        (0, 10, 0.0, 0.2775328),
        (10, 10, 0.7224672, 1.0),
        (81, 263, 0.2553, 0.3662),
        (1, 1, 0.2065493, 1.0),
    ],
)
def test_wilson_interval_known_values(k, n, low, high):
    found = wilson(k, n)
    assert found is not None
    assert found[0] == pytest.approx(low, abs=1e-4) and found[1] == pytest.approx(high, abs=1e-4)


def test_wilson_of_nothing_is_none():
    assert wilson(0, 0) is None


def test_lost_reasons_and_stage_before_lost():
    report, frame = build(), truth()
    lost = frame[frame["in_window"] & ~frame["won"]].copy()
    lost["reason"] = lost["lost_reason"].fillna("(blank)")
    table = section(report, "Lost reasons (last 12 months)")
    expected = {
        reason: (len(part), pct(len(part), len(lost)), part["amount"].fillna(0).sum())
        for reason, part in lost.groupby("reason")
    }
    assert {r[0]: tuple(r[1:]) for r in table.itertuples(index=False)} == expected
    stages = section(report, "Stage before lost (last 12 months)")
    names = {"proposal": "Proposal", "quotation": "Quotation", "first_visit": "First visit"}
    counts = lost["before"].map(names).fillna("(unknown)").value_counts()
    assert {r[0]: (r[1], r[2]) for r in stages.itertuples(index=False)} == {
        k: (v, pct(v, len(lost))) for k, v in counts.items()
    }


def test_month_by_month():
    report, frame = build(), truth()
    window = frame[frame["in_window"]].copy()
    window["month"] = window["closed_on"].map(lambda d: f"{d.year:04d}-{d.month:02d}")
    table = section(report, "Month by month (by closed-on)")
    assert list(table["Month"]) == [str(p) for p in pd.period_range("2025-11", "2026-11", freq="M")]
    for row in table.itertuples(index=False):
        part = window[window["month"] == row[0]]
        assert tuple(row[1:]) == (
            len(part),
            int(part["won"].sum()),
            pct(int(part["won"].sum()), len(part)),
            won_amount(part),
        )


def test_rep_behaviour_and_quartiles():
    report, frame = build(), truth()
    window = frame[frame["in_window"]]
    tasks = pd.DataFrame(TASKS)
    tasks["completed_on"] = pd.to_datetime(tasks["completed_on"], format="%Y/%m/%d").dt.date
    calls = pd.DataFrame(CALLS)
    calls["day"] = pd.to_datetime(calls["called_at"], format="%Y/%m/%d %H:%M").dt.date
    deals = pd.DataFrame(DEALS)
    open_deals = deals[deals["stage"].isin(["Proposal", "Negotiation"])]

    def per_deal(d):
        mine = tasks[tasks["deal_id"] == d.deal_id]
        visits = mine[(mine["type"] == "First visit") & (mine["status"] == "Done")]["completed_on"]
        first = (visits.min() - d.created_on).days if len(visits) and pd.notna(d.created_on) else None
        days = set(mine[mine["status"] == "Done"]["completed_on"])
        if pd.notna(d.created_on):
            days |= set(calls[(calls["lead_id"] == d.lead_id) & (calls["day"] >= d.created_on)]["day"])
        days = sorted(days)
        return len(mine), first, [(b - a).days for a, b in itertools.pairwise(days)]

    def figures(owners):
        part = window[window["owner"].isin(owners)]
        per = [per_deal(d) for d in part.itertuples()]
        opened = open_deals[open_deals["owner"].isin(owners)]
        with_next = sum(
            ((tasks["deal_id"] == d) & (tasks["status"] == "Open")).any() for d in opened["deal_id"]
        )
        n, won = len(part), int(part["won"].sum())
        return (
            n,
            won,
            pct(won, n),
            round(sum(p[0] for p in per) / n, 1),
            med(pd.Series([p[1] for p in per], dtype=float)),
            med(pd.Series([g for p in per for g in p[2]], dtype=float)),
            len(opened),
            pct(with_next, len(opened)),
        )

    table = section(report, "Rep behaviour (deals closed in the last 12 months)")
    rows = {r[0]: tuple(r[1:]) for r in table.itertuples(index=False)}
    assert set(rows) == {"Sato", "Suzuki", "Tanaka", "Ito"}
    for owner in rows:
        assert rows[owner] == figures([owner]), owner
    rates = window.groupby("owner")["won"].agg(["mean", "size"]).reset_index()
    ranked = rates.sort_values(["mean", "size", "owner"], ascending=[False, False, True])["owner"].tolist()
    top = ranked[:1]  # 4 owners: the top quarter is one owner
    quartile = section(report, "Top quartile of owners by win rate against the rest")
    assert list(quartile["Top quartile"]) == [1, *figures(top)]
    assert list(quartile["The rest"]) == [3, *figures(ranked[1:])]


def test_ideal_lead_profile_in_plain_words():
    report, frame = build(), truth()
    window = frame[frame["in_window"]].reset_index(drop=True)
    overall = window["won"].mean()
    lines = []
    for name, values in segment_values(window).items():
        for value, part in window.groupby(values):
            low = independent_wilson(int(part["won"].sum()), len(part))[0]
            if len(part) >= 3 and low > overall:
                lines.append(
                    (
                        low,
                        f"{name} = {value}: {100 * part['won'].mean():.0f}% won of {len(part)}, "
                        f"overall {100 * overall:.0f}%",
                    )
                )
    rows = [list(r) for r in report.rows]
    start = next(i for i, r in enumerate(rows) if r and str(r[0]).startswith("Ideal lead profile"))
    got = [r[0] for r in rows[start + 1 :] if r][: len(lines)]
    assert got == [text for _, text in sorted(lines, key=lambda x: -x[0])]
    assert "Industry = 製造業: 100% won of 5, overall 54%" in got


def test_bad_input_is_counted_in_the_excluded_section_with_its_reason():
    report = build(reports=ReportsConfig(min_segment=3, extra_segments=("Notes", "favourite colour")))
    table = section(report, "Excluded from the figures")
    assert dict(zip(table["Reason"], table["Count"], strict=True)) == {
        "deals without a known stage": 1,  # D-15
        "closed deals without a closed-on or close date": 1,  # D-10
        "closed deals dated after today": 1,  # D-16
        "closed deals without a creation date (not in days to close)": 1,  # D-8
        "closed deals without a lead (shown as (no lead) in lead segments)": 1,  # D-11
        "won deals without an amount (blank or not a number)": 1,  # D-9
        "extra segment favourite colour: no such Leads or Deals column": 13,
    }
    assert report.rows[2] == (  # D-17's history never saw its stage change: it was first seen closed
        "Closed-on date: 13 from the change history, 1 from the Close date column, "
        "1 estimated when first seen already closed (its last activity)",
    )
    segments = section(report, "By segment (last 12 months)")
    assert set(segments["Segment"]) >= {"Notes"}


def test_without_any_facts_the_close_date_column_is_used_and_days_are_blank():
    report = build(facts={})
    assert report.rows[2][0] == "Closed-on date: 1 from the Close date column"
    overall = section(report, "Overall")
    assert overall.iloc[1]["Closed"] == 1 and pd.isna(overall.iloc[1]["Median days to close (won)"])


def test_japanese_headers_and_labels():
    report = build("ja")
    assert report.rows[0] == ("受注失注分析(2026-11-28 時点)",)
    table = section(report, "全体")
    assert list(table.columns)[:5] == ["期間", "完了", "受注", "失注", "受注率(%)"]
    assert table.iloc[0]["期間"] == "直近 12 か月" and table.iloc[0]["完了"] == 13
    segments = section(report, "セグメント別(直近 12 か月)")
    assert "業種" in set(segments["セグメント"]) and "件数不足で判断不可" in set(segments["判定"])
    assert any(r and str(r[0]).startswith("業種 = 製造業: 5 件中 受注率 100%") for r in report.rows)


def test_charts_point_at_their_tables():
    report = build()
    by_title = {
        c.title.split(",")[0]: c for c in report.charts
    }  # (the win-rate title says what it leaves out)
    assert set(by_title) == {"Win rate by lead source (%)", "Won amount by month", "Lost reasons"}
    rows = report.rows
    source = by_title["Win rate by lead source (%)"]
    assert {rows[r][0] for r in range(source.categories.first_row, source.categories.last_row + 1)} == {
        "Lead source"
    }
    assert rows[source.series[0].title_row][source.series[0].col] == "Win rate (%)"
    month = by_title["Won amount by month"]
    assert (
        rows[month.categories.first_row][0] == "2025-11" and rows[month.categories.last_row][0] == "2026-11"
    )
    pie = by_title["Lost reasons"]
    assert pie.kind == "pie" and rows[pie.series[0].title_row][pie.series[0].col] == "Deals"
    width = max(len(r) for r in rows)
    assert all(c.anchor_col > width - 1 for c in report.charts)  # beside the tables, never over them
    tops = sorted(c.anchor_row for c in report.charts)
    assert all(b - a >= 18 for a, b in itertools.pairwise(tops))
