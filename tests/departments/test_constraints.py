"""Each database invariant holds in the database itself, not only in forms."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from departments.access import Role
from departments.models import Membership
from initiatives.models import Initiative, Meeting, Recommendation
from measurements.models import Measurement, Unit
from tests.factories import (
    DepartmentFactory,
    InitiativeFactory,
    MeasureFactory,
    MeasurementFactory,
    RecommendationFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _rejected(factory, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**kwargs)


def test_measurement_one_value_per_measure_section_month():
    section = SectionFactory()
    first = MeasurementFactory(section=section)
    _rejected(MeasurementFactory, measure=first.measure, section=section, month=first.month)
    assert Measurement.objects.count() == 1


def test_measurement_one_value_per_measure_month_for_whole_department():
    first = MeasurementFactory(section=None)
    _rejected(MeasurementFactory, measure=first.measure, section=None, month=first.month)
    assert Measurement.objects.count() == 1


def test_measurement_same_month_in_two_sections_is_allowed():
    measure = MeasureFactory()
    MeasurementFactory(measure=measure, section=SectionFactory(department=measure.initiative.department))
    MeasurementFactory(measure=measure, section=SectionFactory(department=measure.initiative.department))
    assert Measurement.objects.filter(measure=measure).count() == 2


@pytest.mark.parametrize("numerator,denominator", [(-1, 10), (1, -1)])
def test_measurement_negative_counts_rejected(numerator, denominator):
    _rejected(MeasurementFactory, numerator=numerator, denominator=denominator)
    assert not Measurement.objects.exists()


def test_measurement_proportion_numerator_above_denominator_rejected():
    _rejected(MeasurementFactory, numerator=11, denominator=10)
    assert not Measurement.objects.exists()


def test_measurement_proportion_without_denominator_rejected():
    _rejected(MeasurementFactory, numerator=1, denominator=None)


def test_measurement_rate_may_exceed_denominator_but_needs_one():
    measure = MeasureFactory(unit=Unit.RATE, rate_per=1000)
    MeasurementFactory(measure=measure, numerator=12, denominator=5)
    _rejected(MeasurementFactory, measure=measure, month=dt.date(2026, 2, 1), numerator=12, denominator=None)
    assert Measurement.objects.filter(measure=measure).count() == 1


def test_measurement_count_has_no_denominator():
    measure = MeasureFactory(unit=Unit.COUNT)
    _rejected(MeasurementFactory, measure=measure, numerator=3, denominator=4)
    MeasurementFactory(measure=measure, numerator=3, denominator=None)
    assert Measurement.objects.get(measure=measure).denominator is None


def test_measurement_month_must_be_first_day():
    _rejected(MeasurementFactory, month=dt.date(2026, 1, 15))


def test_recommendation_local_opt_out_needs_owner_and_national_has_none():
    _rejected(RecommendationFactory, kind=Recommendation.Kind.LOCAL, owner_department=None)
    _rejected(RecommendationFactory, kind=Recommendation.Kind.NATIONAL, owner_department=DepartmentFactory())
    assert not Recommendation.objects.exists()


def test_initiative_unique_per_department_recommendation_year():
    initiative = InitiativeFactory()
    _rejected(
        InitiativeFactory,
        department=initiative.department,
        recommendation=initiative.recommendation,
        year=initiative.year,
    )
    assert Initiative.objects.count() == 1


def test_membership_department_role_needs_department():
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.KEY_PERSON, department=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.KDK, department=DepartmentFactory())
    assert not Membership.objects.exists()


def test_meeting_quality_team_needs_department():
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(kind=Meeting.Kind.QUALITY_TEAM, date=dt.date(2026, 3, 1))
    assert not Meeting.objects.exists()
