import datetime as dt

import pytest

from core.quarters import Quarter, recent_quarters


@pytest.mark.parametrize("text", ["2026Q1", "2026q1", " 2026-Q1 "])
def test_parse_accepts_the_usual_spellings(text):
    assert Quarter.parse(text) == Quarter(2026, 1)
    assert str(Quarter.parse(text)) == "2026Q1"


@pytest.mark.parametrize("text", ["2026Q5", "Q1 2026", "", "2026"])
def test_parse_rejects_anything_else_in_danish(text):
    with pytest.raises(ValueError, match="fx 2026Q1"):
        Quarter.parse(text)


def test_quarter_dates_labels_and_neighbours():
    q4 = Quarter(2025, 4)
    assert (q4.start, q4.end) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert q4.months == [dt.date(2025, 10, 1), dt.date(2025, 11, 1), dt.date(2025, 12, 1)]
    assert q4.next() == Quarter(2026, 1) and Quarter(2026, 1).previous() == q4
    assert q4.label == "4. kvartal 2025"
    assert Quarter.last_complete(dt.date(2026, 1, 3)) == q4


def test_as_of_is_the_day_after_the_quarter_or_today_if_earlier():
    q1 = Quarter(2026, 1)
    assert q1.as_of(dt.date(2026, 7, 1)) == dt.date(2026, 4, 1)
    assert q1.as_of(dt.date(2026, 2, 15)) == dt.date(2026, 2, 15)


def test_recent_quarters_newest_first():
    assert recent_quarters(dt.date(2026, 2, 1), 3) == [Quarter(2026, 1), Quarter(2025, 4), Quarter(2025, 3)]
