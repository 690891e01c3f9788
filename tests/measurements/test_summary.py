"""The per-measure summary cache: stored when computed, reused, and never stale after a save."""

import datetime as dt

import pytest
from django.db import transaction

from departments.models import Department
from goals import status
from measurements import summary
from measurements.models import MeasureSummary
from tests.factories import DepartmentFactory, InitiativeFactory, MeasureFactory, MeasurementFactory

TODAY = dt.date(2026, 11, 10)


@pytest.fixture
def today_is(monkeypatch):
    """Make `TODAY` the real today for the status (which caches only results as of today)."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)


class Counter:
    """A compute function that returns the measure's id and how often it was called, and records the calls."""

    def __init__(self):
        self.calls = []

    def __call__(self, measures):
        self.calls.append(sorted(m.pk for m in measures))
        return {m.pk: {"n": len(self.calls)} for m in measures}


def _key(value="k"):
    return lambda measure: value


@pytest.mark.django_db(transaction=True)
def test_cached_computes_once_and_then_reads_the_stored_payload():
    first, second = MeasureFactory(), MeasureFactory()
    compute = Counter()
    assert summary.cached([first, second], key=_key(), compute=compute) == {first.pk: {"n": 1}, second.pk: {"n": 1}}
    assert summary.cached([first, second], key=_key(), compute=compute) == {first.pk: {"n": 1}, second.pk: {"n": 1}}
    assert compute.calls == [sorted([first.pk, second.pk])]


@pytest.mark.django_db(transaction=True)
def test_touch_makes_only_that_measure_recompute():
    first, second = MeasureFactory(), MeasureFactory()
    compute = Counter()
    summary.cached([first, second], key=_key(), compute=compute)
    summary.touch([first.pk])
    assert summary.cached([first, second], key=_key(), compute=compute) == {first.pk: {"n": 2}, second.pk: {"n": 1}}
    assert compute.calls[-1] == [first.pk]


@pytest.mark.django_db(transaction=True)
def test_a_different_key_recomputes():
    measure = MeasureFactory()
    compute = Counter()
    summary.cached([measure], key=_key("januar"), compute=compute)
    assert summary.cached([measure], key=_key("februar"), compute=compute) == {measure.pk: {"n": 2}}
    assert summary.cached([measure], key=_key("februar"), compute=compute) == {measure.pk: {"n": 2}}


@pytest.mark.django_db(transaction=True)
def test_a_save_committed_while_computing_means_the_result_is_not_stored():
    measure = MeasureFactory()
    summary.cached([measure], key=_key(), compute=Counter())  # the row exists now

    def compute_during_a_save(measures):
        # Another request saves a value of this measure and commits while we compute from the old values.
        summary.touch([m.pk for m in measures])
        return {m.pk: {"old": True} for m in measures}

    summary.touch([measure.pk])
    assert summary.cached([measure], key=_key(), compute=compute_during_a_save) == {measure.pk: {"old": True}}
    assert MeasureSummary.objects.get(measure=measure).payload is None  # not stored: the next reader recomputes
    assert summary.cached([measure], key=_key(), compute=Counter()) == {measure.pk: {"n": 1}}


@pytest.mark.django_db(transaction=True)
def test_nothing_is_stored_inside_an_outer_transaction():
    measure = MeasureFactory()
    compute = Counter()
    with transaction.atomic():
        summary.cached([measure], key=_key(), compute=compute)
        summary.cached([measure], key=_key(), compute=compute)
    assert len(compute.calls) == 2
    assert not MeasureSummary.objects.filter(payload__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_storing_many_misses_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    few = [MeasureFactory() for _ in range(2)]
    many = [MeasureFactory() for _ in range(30)]
    with django_assert_max_num_queries(6) as captured_few:
        summary.cached(few, key=_key(), compute=Counter())
    with django_assert_max_num_queries(6) as captured_many:
        summary.cached(many, key=_key(), compute=Counter())
    assert len(captured_few) == len(captured_many)
    assert MeasureSummary.objects.filter(payload__isnull=False).count() == 32


@pytest.mark.django_db(transaction=True)
def test_saving_or_deleting_a_value_through_the_model_touches_its_measure():
    measure, other = MeasureFactory(), MeasureFactory()
    summary.cached([measure, other], key=_key(), compute=Counter())
    value = MeasurementFactory(measure=measure)  # the admin and fixtures save like this
    rows = {row.measure_id: row for row in MeasureSummary.objects.all()}
    assert rows[measure.pk].payload is None and rows[measure.pk].stamp == 1
    assert rows[other.pk].payload == {"n": 1} and rows[other.pk].stamp == 0
    summary.cached([measure], key=_key(), compute=Counter())
    value.delete()
    assert MeasureSummary.objects.get(measure=measure).payload is None


@pytest.mark.django_db(transaction=True)
def test_forget_all_drops_every_payload():
    measures = [MeasureFactory() for _ in range(3)]
    summary.cached(measures, key=_key(), compute=Counter())
    summary.forget_all()
    assert not MeasureSummary.objects.filter(payload__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_hospital_status_is_never_stale_after_a_value_changes(today_is):
    department = DepartmentFactory()
    measure = MeasureFactory(
        initiative=InitiativeFactory(department=department, year=2026), start_month=dt.date(2026, 1, 1)
    )
    values = [
        MeasurementFactory(measure=measure, month=dt.date(2026, month, 1), numerator=3, denominator=10)
        for month in range(1, 10)
    ]

    def latest():
        [row] = status.department_rows(Department.objects.all(), year=2026, today=TODAY)
        [entry] = row.measures
        return entry.latest_value, entry.completeness.present, row.completeness.present

    assert latest() == (30.0, 9, 9)
    assert MeasureSummary.objects.get(measure=measure).payload is not None  # cached now
    assert latest() == (30.0, 9, 9)

    MeasurementFactory(measure=measure, month=dt.date(2026, 10, 1), numerator=5, denominator=10)
    assert latest() == (50.0, 10, 10)  # the very next read sees the new value
    values[0].numerator = 1
    values[0].save()
    values[-1].delete()
    assert latest() == (50.0, 9, 9)
    # A month later the same values are judged over one more due month.
    [row] = status.department_rows(Department.objects.all(), year=2026, today=dt.date(2026, 12, 10))
    assert row.completeness.present == 9 and row.completeness.expected == 11


@pytest.mark.django_db(transaction=True)
def test_cached_status_takes_four_queries_for_one_department_or_many(today_is, django_assert_num_queries):
    def department_with_measures(count):
        department = DepartmentFactory()
        initiative = InitiativeFactory(department=department, year=2026)
        for _ in range(count):
            measure = MeasureFactory(initiative=initiative, start_month=dt.date(2025, 1, 1))
            for month in range(1, 13):
                MeasurementFactory(
                    measure=measure, month=dt.date(2026, month, 1) if month < 11 else dt.date(2025, month, 1)
                )

    def run():
        return status.totals(status.department_rows(Department.objects.all(), year=2026, today=TODAY))

    department_with_measures(1)
    run()  # computes and stores
    # departments + teams, initiatives (each knows whether it is the cross-hospital part), measures + summaries, sections
    with django_assert_num_queries(4):
        small = run()
    for _ in range(5):
        department_with_measures(4)
    run()
    with django_assert_num_queries(4):
        large = run()
    assert (small.departments, small.signals.measures) == (1, 1)
    assert (large.departments, large.signals.measures) == (6, 21)


@pytest.mark.django_db(transaction=True)
def test_hospital_status_is_never_stale_after_saves_through_the_write_service(today_is):
    from departments.access import Role
    from measurements.services import measurement_record
    from tests.factories import MembershipFactory, UserFactory

    department = DepartmentFactory()
    key_person = UserFactory()
    MembershipFactory(user=key_person, role=Role.KEY_PERSON, department=department)
    measure = MeasureFactory(
        initiative=InitiativeFactory(department=department, year=2026), start_month=dt.date(2026, 1, 1)
    )
    for month in range(1, 10):
        MeasurementFactory(measure=measure, month=dt.date(2026, month, 1), numerator=3, denominator=10)

    def latest():
        [row] = status.department_rows(Department.objects.all(), year=2026, today=TODAY)
        [entry] = row.measures
        return entry.latest_value, row.completeness.present

    def record(numerator, version):
        return measurement_record(
            measure=measure,
            section=None,
            month=dt.date(2026, 10, 1),
            numerator=numerator,
            denominator="10" if numerator else "",
            expected_version=version,
            by=key_person,
            today=TODAY,
        )

    assert latest() == (30.0, 9)
    record("5", None)  # create
    assert latest() == (50.0, 10)
    record("7", 1)  # change: a conditional UPDATE, no model signal
    assert latest() == (70.0, 10)
    record("", 2)  # delete
    assert latest() == (30.0, 9)


@pytest.mark.django_db(transaction=True)
def test_a_status_as_of_another_month_does_not_replace_todays_cached_results(today_is):
    department = DepartmentFactory()
    measure = MeasureFactory(
        initiative=InitiativeFactory(department=department, year=2026), start_month=dt.date(2026, 1, 1)
    )
    for month in range(1, 11):
        MeasurementFactory(measure=measure, month=dt.date(2026, month, 1))
    status.department_rows(Department.objects.all(), year=2026, today=TODAY)
    stored = MeasureSummary.objects.get(measure=measure)
    [row] = status.department_rows(Department.objects.all(), year=2026, today=dt.date(2026, 7, 5))  # a Q2 report
    assert row.completeness.expected == 6
    assert MeasureSummary.objects.get(measure=measure).key == stored.key
