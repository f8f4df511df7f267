"""Cell parsing: tables of what real sheets contain, and Hypothesis for round trips and robustness."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheets_schema.messages import Message
from sheets_schema.parsing import (
    CellParseError,
    date_to_serial,
    parse_amount,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_email,
    parse_int,
    parse_text,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-28", date(2026, 11, 28)),
        ("2026/11/28", date(2026, 11, 28)),
        ("2026/1/5", date(2026, 1, 5)),
        ("2026年11月28日", date(2026, 11, 28)),
        ("２０２６年１１月２８日", date(2026, 11, 28)),  # full-width digits from a Japanese IME
        (" 2026.11.28 ", date(2026, 11, 28)),
        (46354, date(2026, 11, 28)),  # Sheets / Excel serial number
        (46354.75, date(2026, 11, 28)),
        (datetime(2026, 11, 28, 9, 30), date(2026, 11, 28)),
        (date(2026, 11, 28), date(2026, 11, 28)),
        ("2026/11/28 14:30", date(2026, 11, 28)),
        ("", None),
        (None, None),
        ("   ", None),
    ],
)
def test_dates_people_type(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("2026/13/45", "not_calendar_date"),
        ("2026-02-30", "not_calendar_date"),
        ("tomorrow", "not_date"),
        ("28/11/2026", "not_date"),
        (12, "not_date"),  # a small number is not a plausible serial date
        ("2026/11/28 25:00", "bad_time"),
        (True, "not_date"),
    ],
)
def test_bad_dates_name_the_problem(raw, code):
    with pytest.raises(CellParseError) as failed:
        parse_date(raw)
    assert failed.value.code == code
    assert str(raw)[:10] in str(failed.value)


def test_datetime_keeps_the_time():
    assert parse_datetime("2026/11/28 14:30") == datetime(2026, 11, 28, 14, 30)
    assert parse_datetime(46354.5) == datetime(2026, 11, 28, 12, 0)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1200000, 1200000),
        (1200000.0, 1200000),
        ("1200000", 1200000),
        ("1,200,000", 1200000),
        ("¥1,200,000", 1200000),
        ("￥1,200,000", 1200000),
        ("1,200,000円", 1200000),
        ("120万円", 1200000),
        ("120万", 1200000),
        ("1億2000万円", 120000000),
        ("1.5万", 15000),
        ("１２０万円", 1200000),
        ("3千円", 3000),
        (1234.5, 1234.5),
        ("", None),
        (None, None),
    ],
)
def test_amounts_people_type(raw, expected):
    assert parse_amount(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("abc", "not_amount"),
        ("12O,000", "not_amount"),
        ("-5", "negative_amount"),
        (-3, "negative_amount"),
        ("万", "not_amount"),
        (float("nan"), "not_amount"),
    ],
)
def test_bad_amounts(raw, code):
    with pytest.raises(CellParseError) as failed:
        parse_amount(raw)
    assert failed.value.code == code


@pytest.mark.parametrize(
    ("raw", "expected"), [("250", 250), ("1,200人", 1200), ("300名", 300), (40.0, 40), ("", None)]
)
def test_whole_numbers(raw, expected):
    assert parse_int(raw) == expected


def test_emails_and_booleans():
    assert parse_email(" sato@example.co.jp ") == "sato@example.co.jp"
    with pytest.raises(CellParseError):
        parse_email("sato at example")
    assert parse_bool("はい") is True and parse_bool("FALSE") is False and parse_bool(1) is True
    with pytest.raises(CellParseError):
        parse_bool("maybe")


def test_text_keeps_what_was_typed():
    assert parse_text("=SUM(A1)") == "=SUM(A1)"
    assert parse_text(1001.0) == "1001"
    assert parse_text("  株式会社テスト 🚀 ") == "株式会社テスト 🚀"


def test_messages_exist_in_both_languages():
    with pytest.raises(CellParseError) as failed:
        parse_amount("abc")
    english = failed.value.message("en").render("en")
    japanese = failed.value.message("ja").render("ja")
    assert "'abc' is not an amount" in english
    assert "「abc」" in japanese and "金額" in japanese
    assert Message("not_date", {"value": "'x'"}).render("ja") != Message("not_date", {"value": "'x'"}).render(
        "en"
    )


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2199, 12, 31)))
def test_every_date_round_trips_through_every_format(day):
    for text in (day.isoformat(), day.strftime("%Y/%m/%d"), f"{day.year}年{day.month}月{day.day}日"):
        assert parse_date(text) == day
    assert parse_date(date_to_serial(day)) == day


@given(st.integers(min_value=0, max_value=10**12))
def test_every_amount_round_trips_through_every_format(amount):
    assert parse_amount(f"{amount:,}") == amount
    assert parse_amount(f"¥{amount:,}") == amount
    assert parse_amount(f"{amount:,}円") == amount
    assert parse_amount(f"{amount}万円") == amount * 10_000


@given(
    st.one_of(st.text(), st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(), st.datetimes())
)
def test_parsers_never_crash_on_any_cell(value):
    for parse in (parse_date, parse_datetime, parse_amount, parse_int, parse_email, parse_bool, parse_text):
        try:
            parse(value)
        except CellParseError as bad:
            assert bad.message("en").render("en")
            assert bad.message("ja").render("ja")
