"""A measure's monthly series: its stored values summed across sections, one point per month.

Aggregation rule (the one all charts, dashboards and reports use):

* For each month, the numerators of all stored values of the measure (every section, or the whole department) are
  summed, and so are the denominators (counts have none).
* A month is *present* when at least one value exists for it, even if some sections have not reported yet; a month
  without any value is *missing* (``numerator`` and ``value`` are ``None``) and is drawn as a gap. How many of the
  due values are actually there is the separate completeness figure (`measurements.periods.completeness_for`).
* ``value`` is in the measure's display unit: percent for proportions (100 × Σtæller / Σnævner), per ``rate_per``
  for rates (``rate_per`` × Σtæller / Σnævner) and the summed count for counts. A month whose summed denominator
  is 0 has no value (``None``) although it is present.

The function never queries by itself when `values` is given (or when the measure's ``measurements`` were
prefetched), so pages with many charts stay at a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Sum

from .models import Measurement, Unit


class SeriesPoint(NamedTuple):
    """One month of a measure's series (a named tuple: cheap to build by the hundred thousand for the status)."""

    month: dt.date
    numerator: int | None
    denominator: int | None
    value: float | None

    @property
    def present(self) -> bool:
        """At least one value was recorded for this month."""
        return self.numerator is not None


def _triple(value) -> tuple[dt.date, int, int | None]:
    """(month, numerator, denominator) from a Measurement-like object or a tuple."""
    if isinstance(value, tuple):
        return value[0], value[1], value[2]
    return value.month, value.numerator, value.denominator


def display_value(*, unit: str, rate_per: int, numerator: int | None, denominator: int | None) -> float | None:
    """A (summed) numerator/denominator pair in the measure's display unit; ``None`` when undefined."""
    if numerator is None:
        return None
    if unit == Unit.COUNT:
        return float(numerator)
    if not denominator:
        return None
    factor = 100 if unit == Unit.PROPORTION else rate_per
    return factor * numerator / denominator


def display_factor(measure) -> int:
    """What a numerator/denominator ratio is multiplied by for display: 100 (percent), ``rate_per`` or 1."""
    if measure.unit == Unit.PROPORTION:
        return 100
    if measure.unit == Unit.RATE:
        return measure.rate_per
    return 1


def monthly_series(measure, *, months: Iterable[dt.date], values: Iterable | None = None) -> list[SeriesPoint]:
    """One point per month in `months` (in that order), aggregating the measure's values across its sections.

    `values` are the measure's stored values: Measurement objects or ``(month, numerator, denominator)`` tuples
    (e.g. from ``values_list``); values for other months are ignored. Without `values` the measure's
    ``measurements`` are used (prefetch them to avoid a query per measure).
    """
    if values is None:
        values = measure.measurements.all()
    months = list(months)
    wanted = set(months)
    numerators: dict[dt.date, int] = {}
    denominators: dict[dt.date, int] = {}
    for value in values:
        month, numerator, denominator = _triple(value)
        if month not in wanted:
            continue
        numerators[month] = numerators.get(month, 0) + numerator
        if denominator is not None:
            denominators[month] = denominators.get(month, 0) + denominator
    has_denominator = measure.unit != Unit.COUNT
    points = []
    for month in months:
        numerator = numerators.get(month)
        denominator = denominators.get(month, 0 if numerator is not None else None) if has_denominator else None
        points.append(
            SeriesPoint(
                month=month,
                numerator=numerator,
                denominator=denominator,
                value=display_value(
                    unit=measure.unit, rate_per=measure.rate_per, numerator=numerator, denominator=denominator
                ),
            )
        )
    return points


def monthly_totals(measures) -> dict[int, list[tuple[dt.date, int, int | None]]]:
    """Per measure id: ``(month, Σnumerator, Σdenominator)`` oldest first, summed across sections in the database.

    One query for any number of measures and months (`measures` may be a queryset, used as a subquery); the tuples
    feed `monthly_series(values=...)` directly and give the same series as the individual values would.
    """
    rows = (
        Measurement.objects.filter(measure__in=measures)
        .values("measure_id", "month")
        .annotate(numerator_sum=Sum("numerator"), denominator_sum=Sum("denominator"))
        .order_by("measure_id", "month")
        .values_list("measure_id", "month", "numerator_sum", "denominator_sum")
    )
    totals: dict[int, list[tuple[dt.date, int, int | None]]] = {}
    for measure_id, month, numerator, denominator in rows:
        totals.setdefault(measure_id, []).append((month, numerator, denominator))
    return totals


def latest_present(points: list[SeriesPoint]) -> SeriesPoint | None:
    """The newest month with a value, or ``None``."""
    for point in reversed(points):
        if point.value is not None:
            return point
    return None
