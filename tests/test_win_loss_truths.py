"""Win-Loss Analysis stays true on real data (issue 16): no impossible day count, the closed-on note says
where each date came from, an all-time window, Team-tab segments, deal-size bands in the configured
currency. Small sheets in, cells out; every figure against an independent pandas computation."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from reports.win_loss import win_loss_report
from rules.facts import DealFacts
from sync.config_file import load_config
from sync.core.config import Config, ReportsConfig
from sync.engine.analyse import read_book
from sync.errors import ConfigError
from tests.report_tables import section
from tests.sheets import memory_store

TODAY = date(2026, 11, 28)


def deal(deal_id, stage, owner="Sato", amount=None, close_date=None):
    return {
        "deal_id": deal_id,
        "deal_name": f"deal {deal_id}",
        "company": f"Co {deal_id}",
        "stage": stage,
        "owner": owner,
        "amount": amount,
        "close_date": close_date,
    }


def facts_of(table):
    """(deal id, created on, closed on, stage before close) rows as the history's facts."""
    return {d.lower(): DealFacts(d, created_on=c, closed_on=x, stage_before_close=s) for d, c, x, s in table}


def build(deals, facts, locale="en", reports=None, **tabs):
    config = Config(locale=locale)
    book = read_book(memory_store(locale, deals=deals, **tabs).read(), config).book
    reports = reports or ReportsConfig(min_segment=1)
    return win_loss_report(book, facts, TODAY, locale, config.pipeline.to_pipeline(), reports)


def excluded(report, locale="en") -> dict[str, int]:
    table = section(report, "Excluded from the figures" if locale == "en" else "集計から除外したもの")
    return dict(zip(table.iloc[:, 0], table.iloc[:, 1], strict=True))


def med(values):
    values = pd.Series(values, dtype=float).dropna()
    return round(float(values.median()), 1) if len(values) else None


def is_blank(value):
    return value is None or (isinstance(value, float) and math.isnan(value))


# ------------------------------------------------------------------------ 1. no impossible figure
IMPOSSIBLE_DEALS = [
    deal("D-1", "Won", "Sato", 1_000_000),
    deal("D-2", "Won", "Sato", 2_000_000),  # closed before it was created
    deal("D-3", "Lost", "Suzuki", 500_000),
    deal("D-4", "Lost", "Suzuki", 700_000),  # closed before it was created
    deal("D-5", "Won", "Suzuki", 900_000),
]
IMPOSSIBLE_FACTS = [
    ("D-1", date(2026, 10, 1), date(2026, 11, 1), "negotiation"),  # 31 days
    ("D-2", date(2026, 11, 10), date(2026, 11, 1), "negotiation"),  # -9 days
    ("D-3", date(2026, 9, 1), date(2026, 10, 1), "proposal"),  # 30 days
    ("D-4", date(2026, 11, 20), date(2017, 3, 1), "proposal"),  # -3551 days (an import's history)
    ("D-5", date(2026, 6, 1), date(2026, 8, 1), "negotiation"),  # 61 days
]
BEFORE_CREATED = {
    "en": "closed deals dated before their creation date (not in days to close)",
    "ja": "作成日より前に完了した商談(完了日数に不算入)",
}


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_a_deal_closed_before_it_was_created_is_out_of_the_days_and_counted(locale):
    report = build(IMPOSSIBLE_DEALS, facts_of(IMPOSSIBLE_FACTS), locale)
    frame = pd.DataFrame(IMPOSSIBLE_FACTS, columns=["deal_id", "created", "closed", "before"])
    frame["won"] = frame["deal_id"].isin(["D-1", "D-2", "D-5"])
    frame["days"] = [(x - c).days for c, x in zip(frame["created"], frame["closed"], strict=True)]
    possible = frame[frame["days"] >= 0]
    overall = section(report, "Overall" if locale == "en" else "全体")
    all_time = overall.iloc[-1]
    assert all_time.iloc[1] == 5  # every deal still counts as closed, won or lost
    assert all_time.iloc[6] == med(possible.loc[possible["won"], "days"]) == 46.0
    assert all_time.iloc[7] == med(possible.loc[~possible["won"], "days"]) == 30.0
    assert excluded(report, locale)[BEFORE_CREATED[locale]] == 2


def day_cells(report):
    """Every cell of the report that counts days: under a header that says days, or in a row whose first
    cell (a measure's name) says days."""

    def about_days(text):
        return isinstance(text, str) and ("days" in text.lower() or "日数" in text)

    rows, bold = [list(r) for r in report.rows], set(report.bold_rows)
    found, header = [], None
    for i, row in enumerate(rows):
        if i in bold and i - 1 in bold:
            header = row
            continue
        if not row or i in bold:
            header = None if not row else header
            continue
        if header is None:
            continue
        for col, value in enumerate(row):
            if isinstance(value, int | float) and (
                (col < len(header) and about_days(header[col])) or about_days(row[0])
            ):
                found.append((i, col, value))
    return found


FIRST_VISIT_BEFORE_CREATION = [
    {
        "deal_id": "D-1",
        "type": "First visit",
        "title": "visit",
        "owner": "Sato",
        "due_date": "2026/09/01",
        "status": "Done",
        "completed_on": "2026/09/01",  # before D-1 was created (2026-10-01)
    },
    {
        "deal_id": "D-3",
        "type": "First visit",
        "title": "visit",
        "owner": "Suzuki",
        "due_date": "2026/09/05",
        "status": "Done",
        "completed_on": "2026/09/05",
    },
]


@pytest.mark.parametrize("locale", ["en", "ja"])
@pytest.mark.parametrize("months", [12, 0])
def test_no_day_count_on_win_loss_is_ever_negative(locale, months):
    report = build(
        IMPOSSIBLE_DEALS,
        facts_of(IMPOSSIBLE_FACTS),
        locale,
        ReportsConfig(min_segment=1, win_loss_months=months),
        tasks=FIRST_VISIT_BEFORE_CREATION,
    )
    cells = day_cells(report)
    assert len(cells) > 10  # the check found the day columns
    assert [c for c in cells if c[2] < 0] == []
    first_visit = {
        "en": "first visits done before the deal was created (not in days to first visit)",
        "ja": "商談作成日より前に完了した初訪(初訪までの日数に不算入)",
    }
    assert excluded(report, locale)[first_visit[locale]] == 1


# ------------------------------------------------------------------------ the closed-on note
SOURCE_CASES = [
    (  # observed by the change history: the stage moved to won or lost while the service watched
        [deal("D-1", "Won", close_date="2026/10/30")],
        [("D-1", date(2026, 9, 1), date(2026, 11, 2), "negotiation")],
        "Closed-on date: 1 from the change history",
        "完了日: 変更履歴から 1 件",
    ),
    (  # first seen already closed: the history took the Close date column
        [deal("D-1", "Won", close_date="2016/10/30"), deal("D-2", "Lost", close_date="2017/01/05")],
        [
            ("D-1", date(2016, 9, 1), date(2016, 10, 30), None),
            ("D-2", date(2016, 9, 1), date(2017, 1, 5), None),
        ],
        "Closed-on date: 2 from the Close date column",
        "完了日: 完了予定日列から 2 件",
    ),
    (  # no facts at all: the Close date column
        [deal("D-1", "Won", close_date="2026/10/30")],
        [],
        "Closed-on date: 1 from the Close date column",
        "完了日: 完了予定日列から 1 件",
    ),
    (  # first seen already closed, no close date: the day of its last activity then
        [deal("D-1", "Lost")],
        [("D-1", date(2026, 9, 1), date(2026, 11, 20), None)],
        "Closed-on date: 1 estimated when first seen already closed (its last activity)",
        "完了日: 初回確認時に完了済みのため最終活動日で推定 1 件",
    ),
    (  # all three, counts with thousands separators in the mix
        [
            deal("D-1", "Won", close_date="2026/10/30"),
            deal("D-2", "Won", close_date="2026/10/01"),
            deal("D-3", "Lost"),
            deal("D-4", "Lost", close_date="2026/09/09"),
        ],
        [
            ("D-1", date(2026, 9, 1), date(2026, 11, 2), "proposal"),
            ("D-2", date(2026, 9, 1), date(2026, 10, 1), None),
            ("D-3", date(2026, 9, 1), date(2026, 11, 20), None),
        ],
        "Closed-on date: 1 from the change history, 2 from the Close date column, "
        "1 estimated when first seen already closed (its last activity)",
        "完了日: 変更履歴から 1 件、完了予定日列から 2 件、初回確認時に完了済みのため最終活動日で推定 1 件",
    ),
    ([], [], "Closed-on date: no closed deals", "完了日: 完了商談なし"),
]


@pytest.mark.parametrize(("deals", "facts", "en", "ja"), SOURCE_CASES)
def test_the_closed_on_note_says_where_each_date_came_from(deals, facts, en, ja):
    assert build(deals, facts_of(facts)).rows[2] == (en,)
    assert build(deals, facts_of(facts), "ja").rows[2] == (ja,)


def test_large_counts_in_the_note_have_thousands_separators():
    deals = [deal(f"D-{i}", "Won", close_date="2016/10/30") for i in range(1200)]
    assert build(deals, {}).rows[2] == ("Closed-on date: 1,200 from the Close date column",)


# ------------------------------------------------------------------------ 2. the window
HISTORY_DEALS = [  # a 2016-2017 history, imported in 2026
    deal("D-1", "Won", "Sato", 10_000, "2016/10/20"),
    deal("D-2", "Lost", "Sato", 20_000, "2016/10/25"),
    deal("D-3", "Won", "Suzuki", 30_000, "2017/01/10"),
    deal("D-4", "Won", "Suzuki", 40_000, "2017/03/05"),
    deal("D-5", "Lost", "Tanaka", 50_000, "2017/03/30"),
    deal("D-6", "Won", "Tanaka", 60_000, "2017/03/31"),
]
HISTORY_FACTS = [
    ("D-1", date(2016, 10, 1), date(2016, 10, 20), None),
    ("D-2", date(2016, 9, 1), date(2016, 10, 25), None),
    ("D-3", date(2016, 12, 1), date(2017, 1, 10), None),
    ("D-4", date(2017, 1, 1), date(2017, 3, 5), None),
    ("D-5", date(2017, 1, 20), date(2017, 3, 30), None),
    ("D-6", date(2017, 2, 1), date(2017, 3, 31), None),
]


def history_truth() -> pd.DataFrame:
    frame = pd.DataFrame(HISTORY_DEALS)
    facts = pd.DataFrame(HISTORY_FACTS, columns=["deal_id", "created", "closed", "before"])
    frame = frame.merge(facts, on="deal_id")
    frame["won"] = frame["stage"] == "Won"
    frame["days"] = [(x - c).days for c, x in zip(frame["created"], frame["closed"], strict=True)]
    frame["month"] = [f"{d.year:04d}-{d.month:02d}" for d in frame["closed"]]
    return frame


@pytest.mark.parametrize(("months", "ok"), [(0, True), (1, True), (120, True), (-1, False), (121, False)])
def test_win_loss_months_zero_means_all_time_in_the_config(months, ok):
    if ok:
        assert load_config(None, **{"reports.win_loss_months": months}).reports.win_loss_months == months
    else:
        with pytest.raises(ConfigError, match=r"reports\.win_loss_months"):
            load_config(None, **{"reports.win_loss_months": months})


def owner_rows(report, title):
    table = section(report, title)
    return {
        r.iloc[1]: (r.iloc[2], r.iloc[3], r.iloc[7]) for _, r in table[table.iloc[:, 0] == "Owner"].iterrows()
    }


def expected_owner_rows(frame):
    return {
        owner: (len(part), int(part["won"].sum()), med(part["days"]))
        for owner, part in frame.groupby("owner")
    }


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_all_time_window(locale):
    report = build(
        HISTORY_DEALS, facts_of(HISTORY_FACTS), locale, ReportsConfig(min_segment=1, win_loss_months=0)
    )
    frame = history_truth()
    expected = {
        "en": ("Window: all time (every deal closed up to 2026-11-28)", "By segment (all time)", "All time"),
        "ja": ("期間: 全期間(2026-11-28 までに完了したすべての商談)", "セグメント別(全期間)", "全期間"),
    }[locale]
    assert report.rows[1] == (expected[0],)
    overall = section(report, "Overall" if locale == "en" else "全体")
    assert list(overall.iloc[:, 0]) == [expected[2]]  # one row: the window is all time
    assert overall.iloc[0].iloc[1] == len(frame) and overall.iloc[0].iloc[2] == int(frame["won"].sum())
    if locale == "en":
        assert owner_rows(report, expected[1]) == expected_owner_rows(frame)
    else:
        assert expected[1] in {r[0] for r in report.rows if r}


def test_an_empty_recent_window_says_so_and_shows_all_time():
    report = build(HISTORY_DEALS, facts_of(HISTORY_FACTS), reports=ReportsConfig(min_segment=1))
    frame = history_truth()
    assert report.rows[3] == (
        "No deal closed in the last 12 months: the tables below show all time instead.",
    )
    title = "By segment (all time — no deal closed in the last 12 months)"
    assert owner_rows(report, title) == expected_owner_rows(frame)
    overall = section(report, "Overall")
    assert list(overall["Closed"]) == [0, len(frame)]  # the window's row says it is empty
    lost = section(report, "Lost reasons (all time — no deal closed in the last 12 months)")
    assert lost["Deals"].sum() == int((~frame["won"]).sum())
    reps = section(report, "Rep behaviour (all time — no deal closed in the last 12 months)")
    assert dict(zip(reps["Owner"], reps["Closed"], strict=True)) == frame.groupby("owner").size().to_dict()


def test_an_empty_recent_window_in_japanese():
    report = build(HISTORY_DEALS, facts_of(HISTORY_FACTS), "ja", ReportsConfig(min_segment=1))
    assert report.rows[3] == ("直近 12 か月に完了した商談はありません。以下の表は全期間を示します。",)
    titles = {r[0] for r in report.rows if r}
    assert "セグメント別(全期間 — 直近 12 か月に完了した商談なし)" in titles


@pytest.mark.parametrize("months", [0, 12])
def test_the_month_table_starts_at_the_first_month_with_data(months):
    report = build(
        HISTORY_DEALS, facts_of(HISTORY_FACTS), reports=ReportsConfig(min_segment=1, win_loss_months=months)
    )
    frame = history_truth()
    table = section(report, "Month by month (by closed-on)")
    assert list(table["Month"]) == [str(p) for p in pd.period_range("2016-10", "2017-03", freq="M")]
    for row in table.itertuples(index=False):
        part = frame[frame["month"] == row[0]]
        won = int(part["won"].sum())
        assert tuple(row[1:4]) == (len(part), won, round(100 * won / len(part), 1) if len(part) else None)


def test_the_recent_month_table_starts_at_its_first_month_with_data_and_runs_to_this_month():
    deals = [deal("D-1", "Won", close_date="2026/08/10"), deal("D-2", "Lost", close_date="2026/10/01")]
    report = build(deals, {})
    table = section(report, "Month by month (by closed-on)")
    assert list(table["Month"]) == ["2026-08", "2026-09", "2026-10", "2026-11"]
    assert list(table["Closed"]) == [1, 0, 1, 0]


def test_no_closed_deal_gives_an_empty_month_table_and_no_month_chart():
    report = build([deal("D-1", "Proposal")], {})
    assert section(report, "Month by month (by closed-on)").empty
    assert all("month" not in c.title for c in report.charts)


# ------------------------------------------------------------------------ 3. Team-tab segments
TEAM = [
    {"name": "Sato", "manager": "Mori", "team": "East"},
    {"name": "Suzuki", "manager": "Mori", "team": "West"},
    {"name": "Tanaka", "team": "East"},  # no manager
]
TEAM_DEALS = [
    deal("D-1", "Won", "Sato"),
    deal("D-2", "Lost", "Sato"),
    deal("D-3", "Won", "Suzuki"),
    deal("D-4", "Won", "Tanaka"),
    deal("D-5", "Lost", "Ito"),  # not on the Team tab
    deal("D-6", "Won", "ito"),  # names match as ids do: trimmed, case-insensitive
    deal("D-7", "Lost", None),  # no owner
]
TEAM_FACTS = [(f"D-{i}", date(2026, 9, i), date(2026, 10, 3 * i), "proposal") for i in range(1, 8)]


def team_truth(no_team: str, blank: str) -> pd.DataFrame:
    frame = pd.DataFrame(TEAM_DEALS)
    facts = pd.DataFrame(TEAM_FACTS, columns=["deal_id", "created", "closed", "before"])
    frame = frame.merge(facts, on="deal_id")
    frame["won"] = frame["stage"] == "Won"
    frame["days"] = [(x - c).days for c, x in zip(frame["created"], frame["closed"], strict=True)]
    team = pd.DataFrame(TEAM)
    team["key"] = team["name"].str.lower()
    frame["key"] = frame["owner"].str.lower()
    frame = frame.merge(team.drop(columns="name"), on="key", how="left", indicator=True)
    on_team = frame["_merge"] == "both"
    for column in ("manager", "team"):
        frame[column] = frame[column].fillna(blank).where(on_team, no_team)
        frame.loc[frame["owner"].isna(), column] = blank
    return frame


@pytest.mark.parametrize(
    ("locale", "manager", "team", "no_team", "blank"),
    [
        ("en", "Manager", "Team", "(no team row)", "(blank)"),
        ("ja", "上長", "チーム名", "(チーム行なし)", "(空欄)"),
    ],
)
def test_manager_and_team_from_the_owners_team_row_are_segments(locale, manager, team, no_team, blank):
    report = build(TEAM_DEALS, facts_of(TEAM_FACTS), locale, team=TEAM)
    table = section(report, "By segment (last 12 months)" if locale == "en" else "セグメント別(直近 12 か月)")
    frame = team_truth(no_team, blank)
    for label, column in ((manager, "manager"), (team, "team")):
        got = {
            r.iloc[1]: (r.iloc[2], r.iloc[3], r.iloc[7])
            for _, r in table[table.iloc[:, 0] == label].iterrows()
        }
        expected = {
            value: (len(part), int(part["won"].sum()), med(part["days"]))
            for value, part in frame.groupby(column)
        }
        assert got == expected, label
    names = list(dict.fromkeys(table.iloc[:, 0]))
    assert names[-2:] == [manager, team]  # after the segments that were there before


def test_without_manager_or_team_values_there_are_no_such_segments():
    report = build(TEAM_DEALS, facts_of(TEAM_FACTS), team=[{"name": "Sato"}])
    table = section(report, "By segment (last 12 months)")
    assert not {"Manager", "Team"} & set(table["Segment"])


# ------------------------------------------------------------------------ 4. currency and bands
USD_AMOUNTS = [1_200, 3_400, 8_800, 12_500, 18_000, 26_000, 41_000, 77_000, 150_000, 310_000]


def usd_deals():
    return [
        deal(f"D-{i}", "Won" if i % 3 else "Lost", "Sato", amount, "2026/10/01")
        for i, amount in enumerate(USD_AMOUNTS, start=1)
    ] + [deal("D-99", "Lost", "Sato", None, "2026/10/01")]


def two_significant(x: float) -> float:
    digits = -math.floor(math.log10(abs(x))) + 1
    return float(round(x, digits))


def compact(x: float) -> str:
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if x >= size:
            return f"{x / size:g}{suffix}"
    return f"{x:g}"


def band_of(amount, edges, symbol):
    if pd.isna(amount):
        return "(unknown)"
    index = sum(amount >= e for e in edges)
    if index == 0:
        return f"under {symbol}{compact(edges[0])}"
    if index == len(edges):
        return f"{symbol}{compact(edges[-1])}+"
    return f"{symbol}{compact(edges[index - 1])}-{compact(edges[index])}"


def deal_size_rows(report, title="By segment (last 12 months)"):
    table = section(report, title)
    part = table[table.iloc[:, 0] == ("Deal size" if "segment" in title.lower() else "商談規模")]
    return {r.iloc[1]: (r.iloc[2], r.iloc[3]) for _, r in part.iterrows()}


def expected_bands(edges, symbol):
    frame = pd.DataFrame(usd_deals())
    frame["won"] = frame["stage"] == "Won"
    bands = frame["amount"].map(lambda a: band_of(a, edges, symbol))
    return {b: (len(p), int(p["won"].sum())) for b, p in frame.groupby(bands)}


def test_usd_deal_sizes_in_quantile_bands_from_the_data():
    reports = ReportsConfig(min_segment=1, currency="USD")
    report = build(usd_deals(), {}, reports=reports)
    quartiles = pd.Series(USD_AMOUNTS, dtype=float).quantile([0.25, 0.5, 0.75])
    edges = sorted({two_significant(q) for q in quartiles})
    assert edges == [9_700.0, 22_000.0, 68_000.0]  # a guard against a wrong computation here
    got = deal_size_rows(report)
    assert got == expected_bands(edges, "$")
    assert "under $9.7K" in got and "$68K+" in got and not any("¥" in band for band in got)


@pytest.mark.parametrize(
    ("currency", "bands", "locale", "labels"),
    [
        ("USD", (10_000, 50_000), "en", {"under $10K", "$10K-50K", "$50K+"}),
        ("USD", (10_000, 50_000), "ja", {"$10K未満", "$10K〜50K", "$50K以上"}),
        ("EUR", (5_000, 100_000, 1_000_000), "en", {"under €5K", "€5K-100K", "€100K-1M"}),
        ("JPY", (10_000, 100_000), "ja", {"1万円未満", "1万〜10万円", "10万円以上"}),
        ("JPY", (10_000, 100_000), "en", {"under ¥10K", "¥10K-100K", "¥100K+"}),
    ],
)
def test_configured_bands_in_the_configured_currency(currency, bands, locale, labels):
    reports = ReportsConfig(min_segment=1, currency=currency, deal_size_bands=bands)
    report = build(usd_deals(), {}, locale, reports=reports)
    title = "By segment (last 12 months)" if locale == "en" else "セグメント別(直近 12 か月)"
    got = deal_size_rows(report, title)
    unknown = "(unknown)" if locale == "en" else "(不明)"
    assert set(got) == labels | {unknown}
    if locale == "en":
        assert got == expected_bands(list(bands), {"USD": "$", "EUR": "€", "JPY": "¥"}[currency])


def test_default_yen_bands_are_the_ones_japanese_teams_use():
    deals = [deal(f"D-{i}", "Won", "Sato", a, "2026/10/01") for i, a in enumerate((500_000, 3e6, 7e6, 2e7))]
    report = build(deals, {}, "ja")
    assert set(deal_size_rows(report, "セグメント別(直近 12 か月)")) == {
        "100万円未満",
        "100万〜500万円",
        "500万〜1,000万円",
        "1,000万円以上",
    }


def test_quantile_bands_can_be_asked_for_in_yen_too():
    deals = [deal(f"D-{i}", "Won", "Sato", a, "2026/10/01") for i, a in enumerate((100, 200, 300, 400, 500))]
    reports = ReportsConfig(min_segment=1, deal_size_bands="quantiles")
    assert set(deal_size_rows(build(deals, {}, reports=reports))) == {
        "under ¥200",
        "¥200-300",
        "¥300-400",
        "¥400+",
    }


@pytest.mark.parametrize("bands", [[100, 50], [0, 100], [100, 100], "deciles"])
def test_bands_that_do_not_rise_are_refused_with_the_key(bands):
    with pytest.raises(ConfigError, match=r"reports\.deal_size_bands"):
        load_config(None, **{"reports.deal_size_bands": bands})


def test_one_amount_only_is_one_band():
    deals = [deal(f"D-{i}", "Won", "Sato", 5_000, "2026/10/01") for i in range(3)]
    reports = ReportsConfig(min_segment=1, currency="USD")
    assert deal_size_rows(build(deals, {}, reports=reports)) == {"all amounts": (3, 3)}
