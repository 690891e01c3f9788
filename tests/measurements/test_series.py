import datetime as dt

import pytest

from core.months import month_range
from measurements.models import Measure, Unit
from measurements.series import latest_present, monthly_series
from tests.factories import InitiativeFactory, MeasureFactory, MeasurementFactory, SectionFactory

JAN, FEB, MAR, APR = (dt.date(2026, m, 1) for m in range(1, 5))
MONTHS = [JAN, FEB, MAR, APR]


def _measure(unit=Unit.PROPORTION, rate_per=1):
    return Measure(unit=unit, rate_per=rate_per)


def test_series_sums_sections_per_month_and_leaves_missing_months_as_gaps():
    values = [(JAN, 3, 10), (JAN, 1, 10), (FEB, 5, 20), (APR, 0, 4)]
    points = monthly_series(_measure(), months=MONTHS, values=values)
    assert [p.month for p in points] == MONTHS
    assert [(p.numerator, p.denominator) for p in points] == [(4, 20), (5, 20), (None, None), (0, 4)]
    assert [p.value for p in points] == [20.0, 25.0, None, 0.0]
    assert [p.present for p in points] == [True, True, False, True]


def test_series_month_with_one_of_two_sections_counts_as_present():
    values = [(JAN, 2, 10), (JAN, 2, 10), (FEB, 1, 4)]  # February: only one section reported
    points = monthly_series(_measure(), months=[JAN, FEB], values=values)
    assert points[1].present and points[1].value == 25.0


def test_series_rate_is_per_rate_per_and_count_is_summed():
    rate = monthly_series(_measure(Unit.RATE, 1000), months=[JAN], values=[(JAN, 6, 1500), (JAN, 3, 1500)])
    assert rate[0].value == pytest.approx(3.0)
    count = monthly_series(_measure(Unit.COUNT), months=[JAN, FEB], values=[(JAN, 4, None), (JAN, 5, None)])
    assert [(p.numerator, p.denominator, p.value) for p in count] == [(9, None, 9.0), (None, None, None)]


def test_series_zero_denominator_is_present_without_value():
    [point] = monthly_series(_measure(), months=[JAN], values=[(JAN, 0, 0)])
    assert point.present and point.value is None


def test_series_ignores_values_outside_months():
    points = monthly_series(_measure(), months=[FEB], values=[(JAN, 9, 10), (FEB, 1, 10)])
    assert [(p.month, p.numerator) for p in points] == [(FEB, 1)]


def test_latest_present_skips_trailing_gaps():
    points = monthly_series(_measure(), months=MONTHS, values=[(JAN, 1, 10), (FEB, 2, 10)])
    assert latest_present(points).month == FEB
    assert latest_present(monthly_series(_measure(), months=MONTHS, values=[])) is None


@pytest.mark.django_db
def test_series_reads_prefetched_measurement_objects_without_queries(django_assert_num_queries):
    initiative = InitiativeFactory()
    s1, s2 = SectionFactory(department=initiative.department), SectionFactory(department=initiative.department)
    measure = MeasureFactory(initiative=initiative, per_section=True)
    MeasurementFactory(measure=measure, section=s1, month=JAN, numerator=2, denominator=8)
    MeasurementFactory(measure=measure, section=s2, month=JAN, numerator=1, denominator=2)
    MeasurementFactory(measure=measure, section=s1, month=MAR, numerator=1, denominator=4)
    measure = Measure.objects.prefetch_related("measurements").get(pk=measure.pk)
    with django_assert_num_queries(0):
        points = monthly_series(measure, months=month_range(JAN, MAR))
    assert [p.value for p in points] == [30.0, None, 25.0]


@pytest.mark.django_db
def test_monthly_totals_sum_sections_in_one_query_and_match_individual_values(django_assert_num_queries):
    from measurements.series import monthly_totals

    initiative = InitiativeFactory()
    s1, s2 = SectionFactory(department=initiative.department), SectionFactory(department=initiative.department)
    measure = MeasureFactory(initiative=initiative, per_section=True)
    count = MeasureFactory(initiative=initiative, unit=Unit.COUNT)
    MeasurementFactory(measure=measure, section=s1, month=JAN, numerator=2, denominator=8)
    MeasurementFactory(measure=measure, section=s2, month=JAN, numerator=1, denominator=2)
    MeasurementFactory(measure=measure, section=s1, month=MAR, numerator=1, denominator=4)
    MeasurementFactory(measure=count, month=FEB, numerator=7, denominator=None)
    with django_assert_num_queries(1):
        totals = monthly_totals(Measure.objects.all())
    assert totals[measure.pk] == [(JAN, 3, 10), (MAR, 1, 4)]
    assert totals[count.pk] == [(FEB, 7, None)]
    from_objects = monthly_series(measure, months=MONTHS, values=list(measure.measurements.all()))
    assert monthly_series(measure, months=MONTHS, values=totals[measure.pk]) == from_objects
