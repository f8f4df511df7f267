"""Issue 16's acceptance test: a CRM export of thousands of deals (tests/crm_export.py: distinct source
ids, repeated company and deal names, four stage names mapped, engage dates, USD amounts, accounts linked
by company, a team file) is imported as an admin would, and every Win-Loss figure — overall, per owner,
industry, region, manager and team, median days to close won and lost — equals an independent pandas
computation from the CSV files themselves (not from the sheet)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from rules.dedupe import normalize_company
from sync.config_file import load_config
from tests.crm_export import write_crm_export
from tests.report_tables import table_under as table
from tests.sheets import memory_store
from tests.test_import_crm_export import migrate_in_process

pytestmark = pytest.mark.heavy  # thousands of deals, dates fixed in the test

DEALS = 2000


def truth(export) -> pd.DataFrame:
    """The closed deals of the export, one row each, with the attributes Win-Loss segments by."""
    deals = pd.read_csv(export.deals, dtype=str, keep_default_na=False)
    accounts = pd.read_csv(export.accounts, dtype=str, keep_default_na=False)
    teams = pd.read_csv(export.teams, dtype=str, keep_default_na=False)
    accounts["key"] = accounts["account"].map(normalize_company)
    deals["key"] = deals["account"].map(lambda a: normalize_company(a) if a else "")
    closed = deals[deals["deal_stage"].isin(["Won", "Lost"])].copy()
    closed = closed.merge(accounts[["key", "sector", "office_location"]], on="key", how="left")
    closed = closed.merge(teams, on="sales_agent", how="left")
    closed["won"] = closed["deal_stage"] == "Won"
    closed["days"] = (pd.to_datetime(closed["close_date"]) - pd.to_datetime(closed["engage_date"])).dt.days
    closed["amount"] = pd.to_numeric(closed["close_value"])
    return closed


def tab_rows(store) -> list[list]:
    return [list(r) for r in store.read().tabs["Win-Loss Analysis"].rows]


def rate(won: int, closed: int) -> float:
    return round(100 * won / closed, 1)


def median(values: pd.Series) -> float:
    return float(values.median())


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """One migration, read twice: all time (win_loss_months = 0) and the default 12 months, whose window
    is empty for a 2016-2017 history and so shows all time too, saying so."""
    directory = tmp_path_factory.mktemp("export")
    export = write_crm_export(directory, deals=DEALS)
    out = {}
    for months in (0, 12):
        config = load_config(None, **{"reports.win_loss_months": months, "reports.currency": "USD"})
        store = memory_store()
        migrate_in_process(store, config, export)
        out[months] = tab_rows(store)
    return truth(export), out


SEGMENTS = {"Owner": "sales_agent", "Industry": "sector", "Region": "office_location", "Manager": "manager",
            "Team": "regional_office"}  # fmt: skip
SEGMENT_TITLE = {
    0: "By segment (all time)",
    12: "By segment (all time — no deal closed in the last 12 months)",
}


@pytest.mark.parametrize("months", [0, 12])
def test_overall_figures_equal_pandas(migrated, months):
    closed, tabs = migrated
    rows = tabs[months]
    overall = table(rows, "Overall")
    line = overall[overall["Period"] == "All time"].iloc[0]
    won, lost = closed[closed["won"]], closed[~closed["won"]]
    assert line["Closed"] == len(closed)
    assert line["Won"] == len(won)
    assert line["Lost"] == len(lost)
    assert line["Win rate (%)"] == rate(len(won), len(closed))
    assert line["Won amount"] == won["amount"].sum()
    assert line["Median days to close (won)"] == median(won["days"])
    assert line["Median days to close (lost)"] == median(lost["days"])
    assert any(r and r[0] == f"Closed-on date: {len(closed):,} from the Close date column" for r in rows)


@pytest.mark.parametrize("months", [0, 12])
@pytest.mark.parametrize("segment", list(SEGMENTS))
def test_every_segment_row_equals_pandas(migrated, months, segment):
    closed, tabs = migrated
    shown = table(tabs[months], SEGMENT_TITLE[months])
    shown = shown[shown["Segment"] == segment].set_index("Value")
    expected = closed.groupby(SEGMENTS[segment])
    assert set(shown.index) == set(expected.groups), segment
    for value, group in expected:
        row = shown.loc[value]
        won = group[group["won"]]
        assert row["Deals"] == len(group), (segment, value)
        assert row["Won"] == len(won), (segment, value)
        assert row["Win rate (%)"] == rate(len(won), len(group)), (segment, value)
        assert row["Won amount"] == won["amount"].sum(), (segment, value)
        assert row["Median days to close"] == median(group["days"]), (segment, value)


def test_no_days_figure_is_negative_and_nothing_is_excluded(migrated):
    closed, tabs = migrated
    assert (closed["days"] > 0).all()  # the export's own truth: every close after its engage date
    rows = tabs[0]
    for title in ("Overall", SEGMENT_TITLE[0]):
        frame = table(rows, title)
        for column in frame.columns:
            if "days" in str(column).lower():
                assert all(v is None or (isinstance(v, float | int) and not math.isnan(v) and v >= 0)
                           for v in frame[column]), column  # fmt: skip
    months = table(rows, "Month by month (by closed-on)")
    first = pd.to_datetime(closed["close_date"]).min().strftime("%Y-%m")
    assert months["Month"].iloc[0] == first  # the month table starts at the first month with data
