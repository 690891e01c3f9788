"""Months and data completeness: the one definition of which monthly values are due.

A measure is due every month from its first month (or January of its initiative's year) to its last month (or the
last completed month), once per section it is measured in (the initiative's sections when `per_section`, otherwise
once for the whole department). Pages, exports and reports all use `completeness_for`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass


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


def quarter_of(month: dt.date) -> str:
    """The quarter a month belongs to, written as report periods are: `2026Q3`."""
    return f"{month.year}Q{(month.month - 1) // 3 + 1}"


def quarter_months(quarter: str) -> list[dt.date]:
    """`2026Q3` → the first days of July, August and September 2026 (ValueError for anything else)."""
    year, number = int(quarter[:4]), int(quarter[5:])
    if quarter[4] not in "Qq" or not 1 <= number <= 4 or len(quarter) != 6:
        raise ValueError(quarter)
    return [dt.date(year, number * 3 - 2 + offset, 1) for offset in range(3)]


def measure_months(measure, *, today: dt.date) -> list[dt.date]:
    """The months for which `measure` is due, oldest first, up to the last completed month."""
    start = measure.start_month or dt.date(measure.initiative.year, 1, 1)
    end = last_complete_month(today)
    if measure.end_month and measure.end_month < end:
        end = measure.end_month
    return month_range(start, end)


def measure_slots(measure) -> list:
    """Where the measure is recorded: its initiative's sections, or [None] for the whole department."""
    if measure.per_section:
        sections = list(measure.initiative.sections.all())
        return sections or [None]
    return [None]


@dataclass(frozen=True)
class Completeness:
    expected: int
    present: int
    missing_months: tuple[dt.date, ...]  # months with at least one slot missing, newest first

    @property
    def missing(self) -> int:
        return self.expected - self.present

    @property
    def ratio(self) -> float | None:
        return self.present / self.expected if self.expected else None


def completeness_for(measures, *, today: dt.date) -> dict[int, Completeness]:
    """Completeness per measure id, in a fixed number of queries for any number of measures and months.

    `measures` is a queryset of Measure; values outside the due months or slots do not count.
    """
    from .models import Measurement

    measures = list(measures.select_related("initiative").prefetch_related("initiative__sections"))
    # Plain tuples, not model instances: at region scale this reads hundreds of thousands of rows.
    present: dict[int, dict[dt.date, set]] = defaultdict(lambda: defaultdict(set))
    rows = Measurement.objects.filter(measure__in=[m.pk for m in measures]).values_list(
        "measure_id", "month", "section_id"
    )
    for measure_id, month, section_id in rows.iterator(chunk_size=20_000):
        present[measure_id][month].add(section_id)
    result = {}
    for measure in measures:
        months = measure_months(measure, today=today)
        slots = [slot.pk if slot else None for slot in measure_slots(measure)]
        by_month = present.get(measure.pk, {})
        filled = 0
        missing_months = []
        for month in months:
            stored = by_month.get(month, ())
            have = sum(1 for slot in slots if slot in stored)
            filled += have
            if have < len(slots):
                missing_months.append(month)
        result[measure.pk] = Completeness(
            expected=len(months) * len(slots), present=filled, missing_months=tuple(reversed(missing_months))
        )
    return result
