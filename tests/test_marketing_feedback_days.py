"""Marketing Feedback never shows a negative day count (issue 16): a lead called before its handover date
(an imported history, a typo) is left out of the days to first call and counted with its reason."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from reports.marketing_feedback import marketing_feedback_report
from sync.core.config import Config, ReportsConfig
from sync.engine.analyse import read_book
from tests.sheets import memory_store

TODAY = date(2026, 11, 28)
REPORTS = ReportsConfig(months_back=3, not_called_after_days=3)

LEADS = [  # lead id, handed over on
    ("L-1", "2026/09/10"),
    ("L-2", "2026/09/20"),  # called five days before it was handed over
    ("L-3", "2026/10/05"),
    ("L-4", "2026/11/20"),  # called on 2016-11-21: a year typed wrong
    ("L-5", "2026/11/01"),  # never called
]
CALLS = [  # lead id, called at
    ("L-1", "2026/09/12 10:00"),
    ("L-2", "2026/09/15 10:00"),
    ("L-2", "2026/09/25 10:00"),
    ("L-3", "2026/10/05 15:00"),
    ("L-4", "2016/11/21 09:00"),
]
BEFORE = {
    "en": "leads called before their handover date (not in days to first call)",
    "ja": "受渡日より前に架電されたリード(初回架電日数に不算入)",
}


def build(locale):
    leads = [
        {"lead_id": i, "company": f"Co {i}", "lead_source": "Web", "campaign": "Spring", "handed_over_on": h}
        for i, h in LEADS
    ]
    calls = [{"lead_id": i, "called_at": t, "caller": "Kato", "result": "No answer"} for i, t in CALLS]
    config = Config(locale=locale)
    book = read_book(memory_store(locale, leads=leads, calls=calls).read(), config).book
    return marketing_feedback_report(book, {}, TODAY, locale, REPORTS)


def rows_under(report, title):
    rows = [list(r) for r in report.rows]
    start = next(i for i, r in enumerate(rows) if r and r[0] == title)
    header, body = rows[start + 1], []
    for line in rows[start + 2 :]:
        if not line:
            break
        body.append(line)
    return header, body


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_a_call_before_the_handover_is_no_negative_day_count(locale):
    report = build(locale)
    by_month = "By month of handover and lead source" if locale == "en" else "受渡月・リードソース別"
    header, body = rows_under(report, by_month)
    days = header.index("Median days to first call" if locale == "en" else "初回架電までの日数(中央値)")
    leads = pd.DataFrame(LEADS, columns=["lead", "handed"])
    leads["handed"] = pd.to_datetime(leads["handed"], format="%Y/%m/%d")
    calls = pd.DataFrame(CALLS, columns=["lead", "at"])
    calls["day"] = pd.to_datetime(calls["at"], format="%Y/%m/%d %H:%M").dt.normalize()
    first = calls.groupby("lead")["day"].min()
    leads["days"] = (leads["lead"].map(first) - leads["handed"]).dt.days
    possible = leads[leads["days"] >= 0]
    leads["month"] = leads["handed"].dt.strftime("%Y-%m")
    for row in body:
        assert row[days] is None or row[days] >= 0, row
        if row[0] in set(leads["month"]):
            part = possible[possible["lead"].isin(leads.loc[leads["month"] == row[0], "lead"])]
            expected = round(float(part["days"].median()), 1) if len(part) else None
            assert row[days] == expected, row
    total = body[-1]
    assert total[days] == round(float(possible["days"].median()), 1) == 1.0
    _, excluded = rows_under(
        report, "Excluded from the figures" if locale == "en" else "集計から除外したもの"
    )
    assert dict((r[0], r[1]) for r in excluded)[BEFORE[locale]] == 2
