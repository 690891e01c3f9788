import datetime as dt

import pytest

from core.months import add_months, last_complete_month, month_range
from measurements.models import Measure
from measurements.periods import completeness_for
from tests.factories import InitiativeFactory, MeasureFactory, MeasurementFactory, SectionFactory

TODAY = dt.date(2026, 11, 24)


def test_last_complete_month_is_previous_month():
    assert last_complete_month(dt.date(2026, 1, 5)) == dt.date(2025, 12, 1)


def test_month_range_includes_both_ends_and_crosses_years():
    months = month_range(dt.date(2025, 11, 1), dt.date(2026, 2, 1))
    assert months == [dt.date(2025, 11, 1), dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    assert add_months(dt.date(2026, 1, 1), -13) == dt.date(2024, 12, 1)


@pytest.mark.django_db
def test_completeness_counts_each_section_and_month_and_lists_missing_months_newest_first():
    initiative = InitiativeFactory(year=2026)
    s1, s2 = SectionFactory(department=initiative.department), SectionFactory(department=initiative.department)
    initiative.sections.set([s1, s2])
    measure = MeasureFactory(initiative=initiative, per_section=True, start_month=dt.date(2026, 8, 1))
    MeasurementFactory(measure=measure, section=s1, month=dt.date(2026, 8, 1))
    MeasurementFactory(measure=measure, section=s2, month=dt.date(2026, 8, 1))
    MeasurementFactory(measure=measure, section=s1, month=dt.date(2026, 10, 1))
    result = completeness_for(Measure.objects.all(), today=TODAY)[measure.pk]
    assert (result.expected, result.present, result.missing) == (6, 3, 3)  # Aug-Oct x 2 sections
    assert result.missing_months == (dt.date(2026, 10, 1), dt.date(2026, 9, 1))
    assert result.ratio == 0.5


@pytest.mark.django_db
def test_completeness_defaults_to_initiative_year_and_ignores_values_outside_period():
    measure = MeasureFactory(initiative=InitiativeFactory(year=2026), end_month=dt.date(2026, 3, 1))
    MeasurementFactory(measure=measure, month=dt.date(2025, 12, 1))
    MeasurementFactory(measure=measure, month=dt.date(2026, 2, 1))
    result = completeness_for(Measure.objects.all(), today=TODAY)[measure.pk]
    assert (result.expected, result.present) == (3, 1)


@pytest.mark.django_db
def test_completeness_query_count_does_not_grow_with_measures(django_assert_num_queries):
    MeasureFactory()
    with django_assert_num_queries(3):
        completeness_for(Measure.objects.all(), today=TODAY)
    for _ in range(5):
        MeasurementFactory(measure=MeasureFactory())
    with django_assert_num_queries(3):
        completeness_for(Measure.objects.all(), today=TODAY)
