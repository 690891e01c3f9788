"""Months and data completeness: the one definition of which monthly values are due.

A measure is due every month from its first month (or January of its initiative's year) to its last month (or the
last completed month), once per section it is measured in (the initiative's sections when `per_section`, otherwise
once for the whole department). Pages, exports and reports all use `completeness_for`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from core.months import last_complete_month, month_range
from core.quarters import Quarter


def quarter_of(month: dt.date) -> str:
    """The quarter a month belongs to, written as report periods are: `2026Q3` (see `core.quarters.Quarter`)."""
    return str(Quarter.of(month))


def quarter_months(quarter: str) -> list[dt.date]:
    """`2026Q3` → the first days of July, August and September 2026 (ValueError for anything else)."""
    return Quarter.parse(quarter).months


def measure_months(measure, *, today: dt.date) -> list[dt.date]:
    """The months for which `measure` is due, oldest first, up to the last completed month."""
    start = measure.start_month or dt.date(measure.initiative.year, 1, 1)
    end = last_complete_month(today)
    if measure.end_month and measure.end_month < end:
        end = measure.end_month
    return month_range(start, end)


def month_in_progress(measure, *, today: dt.date) -> dt.date | None:
    """The month in progress, if the measure is due in it: drawn as *foreløbig* and never analysed or counted."""
    month = today.replace(day=1)
    start = measure.start_month or dt.date(measure.initiative.year, 1, 1)
    if month < start or (measure.end_month and measure.end_month < month):
        return None
    return month


def measure_slots(measure) -> list:
    """Where the measure is recorded: its initiative's sections, or [None] for the whole department."""
    if measure.per_section:
        sections = list(measure.initiative.sections.all())
        return sections or [None]
    return [None]


class PresentOfExpected:
    """Values present out of values due: the one ratio behind every completeness figure."""

    expected: int
    present: int

    @property
    def missing(self) -> int:
        return self.expected - self.present

    @property
    def ratio(self) -> float | None:
        return self.present / self.expected if self.expected else None

    @property
    def percent(self) -> int | None:
        return None if self.ratio is None else round(100 * self.ratio)


@dataclass(frozen=True)
class Completeness(PresentOfExpected):
    expected: int
    present: int
    missing_months: tuple[dt.date, ...]  # months with at least one slot missing, newest first

    @property
    def missing_oldest_first(self) -> tuple[dt.date, ...]:
        """The missing months as documents list them: in calendar order."""
        return tuple(sorted(self.missing_months))


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
