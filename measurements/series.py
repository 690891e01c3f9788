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
* *Gennemsnit* (mean) measures store per section the number of observations (``numerator``), their mean and SD;
  the department's month pools them (`pool`): total n, weighted mean, pooled SD including the spread between
  sections. ``value`` is the pooled mean, ``sd`` the pooled SD, ``numerator`` the total n.
* *Sjældne hændelser* (rare events) measures store per section and month the number of events recorded (0 =
  "ingen hændelser" confirmed); the month's ``value`` is that count. Their T and G charts are drawn per event, not
  per month (`event_points`).

The function never queries by itself when `values` is given (or when the measure's ``measurements`` were
prefetched), so pages with many charts stay at a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from django.db.models import F, Sum
from django.db.models.functions import Coalesce

from .models import Measurement, Unit


class SeriesPoint(NamedTuple):
    """One month of a measure's series (a named tuple: cheap to build by the hundred thousand for the status)."""

    month: dt.date
    numerator: int | None
    denominator: int | None
    value: float | None
    sd: float | None = None  # mean measures: the pooled standard deviation of the month's observations

    @property
    def present(self) -> bool:
        """At least one value was recorded for this month."""
        return self.numerator is not None


def _triple(value) -> tuple[dt.date, int, int | None]:
    """(month, numerator, denominator) from a Measurement-like object or a tuple."""
    if isinstance(value, tuple):
        return value[0], value[1], value[2]
    return value.month, value.numerator, value.denominator


def _mean_sd(value) -> tuple[float | None, float | None]:
    """(mean, sd) of a mean measure's value: a Measurement-like object or a ``(month, n, None, mean, sd)`` tuple."""
    if isinstance(value, tuple):
        mean, sd = (value[3], value[4]) if len(value) >= 5 else (None, None)
    else:
        mean, sd = value.mean, value.sd
    return (None if mean is None else float(mean)), (None if sd is None else float(sd))


def pool(groups: Iterable[tuple[int, float | None, float | None]]) -> tuple[int, float | None, float | None]:
    """Pool sections' ``(n, mean, sd)`` into the department's ``(N, M, S)``, the standard formulas:

        N  = Σ nᵢ
        M  = Σ nᵢ·mᵢ / N
        S² = ( Σ (nᵢ − 1)·sᵢ²  +  Σ nᵢ·(mᵢ − M)² ) / (N − 1)

    S is the standard deviation of all N observations taken together (the sample SD, divisor N − 1): the spread
    within each section plus the spread between the sections' means. Identical to computing the SD of the pooled
    raw observations, which we never store. A section with nᵢ = 1 has no SD of its own (its first term is 0);
    sections with nᵢ = 0 add nothing. M is ``None`` when N = 0, S when N < 2.
    """
    groups = [(n, mean, sd) for n, mean, sd in groups if n]
    total = sum(n for n, _m, _s in groups)
    if not total:
        return 0, None, None
    mean = math.fsum(n * m for n, m, _s in groups) / total
    if total < 2:
        return total, mean, None
    within = math.fsum((n - 1) * (s or 0.0) ** 2 for n, _m, s in groups)
    between = math.fsum(n * (m - mean) ** 2 for n, m, _s in groups)
    return total, mean, math.sqrt((within + between) / (total - 1))


def _pool_sums(n: int, sum_nm, sum_q) -> tuple[int, float | None, float | None]:
    """`pool` from database sums: Σnᵢ, Σnᵢmᵢ and Σ((nᵢ − 1)sᵢ² + nᵢmᵢ²) (exact decimals on PostgreSQL)."""
    if not n or sum_nm is None:
        return n or 0, None, None
    sum_nm, sum_q = Decimal(sum_nm), Decimal(sum_q or 0)
    mean = sum_nm / n
    if n < 2:
        return n, float(mean), None
    variance = max((sum_q - n * mean * mean) / (n - 1), Decimal(0))
    return n, float(mean), math.sqrt(variance)


def display_value(*, unit: str, rate_per: int, numerator: int | None, denominator: int | None) -> float | None:
    """A (summed) numerator/denominator pair in the measure's display unit; ``None`` when undefined."""
    if numerator is None:
        return None
    if unit in (Unit.COUNT, Unit.EVENTS):
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
    if measure.unit == Unit.MEAN:
        return _mean_series(months, wanted, values)
    numerators: dict[dt.date, int] = {}
    denominators: dict[dt.date, int] = {}
    for value in values:
        month, numerator, denominator = _triple(value)
        if month not in wanted:
            continue
        numerators[month] = numerators.get(month, 0) + numerator
        if denominator is not None:
            denominators[month] = denominators.get(month, 0) + denominator
    has_denominator = measure.has_denominator
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


def _mean_series(months: list[dt.date], wanted: set, values: Iterable) -> list[SeriesPoint]:
    groups: dict[dt.date, list] = {}
    for value in values:
        month, n, _den = _triple(value)
        if month in wanted:
            groups.setdefault(month, []).append((n, *_mean_sd(value)))
    points = []
    for month in months:
        if month not in groups:
            points.append(SeriesPoint(month=month, numerator=None, denominator=None, value=None))
            continue
        n, mean, sd = pool(groups[month])
        points.append(SeriesPoint(month=month, numerator=n, denominator=None, value=mean, sd=sd))
    return points


def monthly_totals(measures) -> dict[int, list[tuple]]:
    """Per measure id: ``(month, Σnumerator, Σdenominator)`` oldest first, summed across sections in the database;
    for mean measures ``(month, N, None, M, S)``, the month pooled (`pool`) from sums taken in the same query.

    One query for any number of measures and months (`measures` may be a queryset, used as a subquery); the tuples
    feed `monthly_series(values=...)` directly and give the same series as the individual values would.
    """
    rows = (
        Measurement.objects.filter(measure__in=measures)
        .values("measure_id", "month")
        .annotate(
            numerator_sum=Sum("numerator"),
            denominator_sum=Sum("denominator"),
            nm_sum=Sum(F("numerator") * F("mean")),
            q_sum=Sum(
                (F("numerator") - 1) * Coalesce(F("sd"), Decimal(0)) * Coalesce(F("sd"), Decimal(0))
                + F("numerator") * F("mean") * F("mean")
            ),
        )
        .order_by("measure_id", "month")
        .values_list("measure_id", "month", "numerator_sum", "denominator_sum", "nm_sum", "q_sum")
    )
    totals: dict[int, list[tuple]] = {}
    for measure_id, month, numerator, denominator, nm_sum, q_sum in rows:
        if nm_sum is None and q_sum is None:
            totals.setdefault(measure_id, []).append((month, numerator, denominator))
        else:  # a mean measure (only its values have a mean)
            n, mean, sd = _pool_sums(numerator, nm_sum, q_sum)
            totals.setdefault(measure_id, []).append((month, n, None, mean, sd))
    return totals


def events_by_measure(measures) -> dict[int, list[tuple[dt.date, int | None]]]:
    """Per rare-event measure id: its events as ``(date, opportunities)``, oldest first, in one query; no query at
    all when none of `measures` (model objects) is a rare-event measure, so pages without them keep their counts."""
    from .models import RareEvent

    ids = [measure.pk for measure in measures if measure.unit == Unit.EVENTS]
    found: dict[int, list[tuple[dt.date, int | None]]] = {pk: [] for pk in ids}
    if not ids:
        return found
    rows = RareEvent.objects.filter(measure_id__in=ids).order_by("measure_id", "date", "id")
    for measure_id, date, opportunities in rows.values_list("measure_id", "date", "opportunities"):
        found[measure_id].append((date, opportunities))
    return found


class EventPoint(NamedTuple):
    """One rare event on a T or G chart: the days since the department's previous event (``days``; ``None`` for
    the first event charted) and the opportunities recorded since the previous event (``opportunities``)."""

    date: dt.date
    days: int | None
    opportunities: int | None


def event_points(events: Iterable) -> list[EventPoint]:
    """The events (RareEvent objects or ``(date, opportunities)`` tuples) of a measure, pooled over its sections
    into one timeline, oldest first, with the time between each and the one before it.

    Two events on the same day give 0 days for the second, which a T chart treats as missing (`spc.chart`); the
    first event has no previous one, so no time between (unless it is not the first: pass every event).
    """
    rows = []
    for event in events:
        if isinstance(event, tuple):
            rows.append((event[0], event[1]))
        else:
            rows.append((event.date, event.opportunities))
    rows.sort(key=lambda row: row[0])
    points, previous = [], None
    for date, opportunities in rows:
        points.append(
            EventPoint(
                date=date, days=None if previous is None else (date - previous).days, opportunities=opportunities
            )
        )
        previous = date
    return points


def latest_present(points: list[SeriesPoint]) -> SeriesPoint | None:
    """The newest month with a value, or ``None``."""
    for point in reversed(points):
        if point.value is not None:
            return point
    return None
