"""Month arithmetic and Danish month labels: a month is always the date of its first day.

The one home of `add_months`, `last_complete_month` and `month_label`; every app formats and steps months here.
"""

from __future__ import annotations

import datetime as dt
import functools

from django.utils.formats import date_format
from django.utils.translation import get_language


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def last_complete_month(today: dt.date) -> dt.date:
    return add_months(first_of_month(today), -1)


def month_range(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every first-of-month from `start` to `end`, both included (empty when start is after end)."""
    months, month = [], first_of_month(start)
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    return months


@functools.lru_cache(maxsize=8192)
def _format(month: dt.date, format_string: str, language: str | None) -> str:
    return date_format(month, format_string)


def format_month(month: dt.date, format_string: str) -> str:
    """`date_format` remembered per month, format and language: a 10-year chart formats 120 months, and
    date_format is slow."""
    return _format(month, format_string, get_language())


def month_label(month: dt.date | None) -> str:
    """The month in words, e.g. "december 2026" (empty for None)."""
    return format_month(month, "F Y") if month else ""


def short_month_label(month: dt.date) -> str:
    """The month abbreviated, e.g. "jan. 2026", "marts 2026" (chart axes and hover texts)."""
    return format_month(month, "N Y")
