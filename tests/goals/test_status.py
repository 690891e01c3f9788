import datetime as dt
import importlib

import pytest
from django.apps import apps

from core.months import month_range
from departments.models import Department
from goals import status
from initiatives import services
from measurements.models import ChartPhase, Measure, Measurement
from measurements.periods import completeness_for
from tests.factories import (
    CrossHospitalSelectionFactory,
    DepartmentFactory,
    HospitalFactory,
    InitiativeFactory,
    LocalTeamFactory,
    MeasureFactory,
    MeasurementFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)


@pytest.mark.parametrize(
    "established,expected",
    [(dt.date(2025, 12, 1), "met"), (dt.date(2026, 3, 31), "met"), (dt.date(2026, 4, 1), "overdue"), (None, "overdue")],
)
def test_team_goal_follows_establishment_date(established, expected):
    department = DepartmentFactory()
    if established:
        LocalTeamFactory(department=department, established_on=established)
    [row] = status.department_rows(Department.objects.all(), year=2026, today=TODAY)
    assert row.team.state == expected


def test_team_goal_without_team_is_not_yet_before_deadline():
    DepartmentFactory()
    [row] = status.department_rows(Department.objects.all(), year=2026, today=dt.date(2026, 2, 1))
    assert row.team.state == "not_yet"


@pytest.mark.parametrize(
    "selected,with_data,expected_state,expected_label",
    [
        (0, 0, "not_yet", "For få valg"),
        (1, 0, "not_yet", "Ikke målt endnu"),
        (1, 1, "met", "Opfyldt"),
        (2, 1, "met", "Opfyldt"),
        (3, 3, "not_yet", "For mange valg"),
    ],
)
def test_selection_goal_counts_initiatives_followed_with_measurements(
    selected, with_data, expected_state, expected_label
):
    department = DepartmentFactory()
    for index in range(selected):
        initiative = InitiativeFactory(department=department)
        if index < with_data:
            MeasurementFactory(measure=MeasureFactory(initiative=initiative))
    [row] = status.department_rows(Department.objects.all(), year=2026, today=TODAY)
    assert (row.selections.state, row.selections.label) == (expected_state, expected_label)


def test_stopped_initiative_does_not_count():
    department = DepartmentFactory()
    initiative = InitiativeFactory(department=department, status="stopped")
    MeasurementFactory(measure=MeasureFactory(initiative=initiative))
    [row] = status.department_rows(Department.objects.all(), year=2026, today=TODAY)
    assert row.selections.label == "For få valg"


def test_totals_equal_sum_of_rows():
    cross = CrossHospitalSelectionFactory()
    joined = DepartmentFactory()
    LocalTeamFactory(department=joined, established_on=dt.date(2026, 1, 5))
    MeasurementFactory(
        measure=MeasureFactory(initiative=InitiativeFactory(department=joined, recommendation=cross.recommendation))
    )
    MeasurementFactory(measure=MeasureFactory(initiative=InitiativeFactory(department=joined)))
    DepartmentFactory()
    rows = status.department_rows(Department.objects.all(), year=2026, today=TODAY)
    totals = status.totals(rows)
    assert totals.departments == 2
    assert totals.team_met == sum(r.team.met for r in rows) == 1
    assert totals.selections_met == sum(r.selections.met for r in rows) == 1
    assert totals.in_cross_hospital == sum(r.in_cross_hospital for r in rows) == 1


# --- completeness and signals per department -------------------------------------------------------------------

MONTHS_2025_2026 = month_range(dt.date(2025, 1, 1), dt.date(2026, 10, 1))  # 22 due months up to TODAY's last month
STABLE = [30, 32, 29, 31, 30, 33, 28, 30, 31, 29, 32, 30, 31, 29, 30, 32, 28, 31, 30, 29, 31, 30]
DOWN = [30, 32, 29, 31, 30, 33, 28, 30, 31, 29, 32, 30, 15, 14, 16, 13, 15, 14, 12, 15, 14, 13]


def _measure_with(initiative, numerators, *, direction="lower", section=None, months=MONTHS_2025_2026):
    measure = MeasureFactory(
        initiative=initiative,
        direction=direction,
        start_month=months[0],
    )
    ChartPhase.objects.create(measure=measure, kind=ChartPhase.Kind.FREEZE, month=months[11], reason="Baseline")
    Measurement.objects.bulk_create(
        Measurement(measure=measure, section=section, month=m, numerator=n, denominator=100, unit=measure.unit)
        for m, n in zip(months, numerators, strict=False)
        if n is not None
    )
    return measure


def test_rows_count_measures_with_improvement_deterioration_no_signal_and_too_few():
    department = DepartmentFactory()
    initiative = InitiativeFactory(department=department)
    _measure_with(initiative, DOWN)  # lower is better: improvement
    _measure_with(initiative, DOWN, direction="higher")  # deterioration
    _measure_with(initiative, STABLE)  # no signal
    _measure_with(initiative, [30, 31, 29, 30])  # four months: too few points
    [row] = status.department_rows(Department.objects.all(), year=2026, today=TODAY)
    assert row.signals == status.SignalCounts(improvement=1, deterioration=1, none=1, too_few=1)
    assert row.signals.measures == 4
    assert [m.signal for m in row.measures].count(status.Signal.IMPROVEMENT) == 1
    improving = next(m for m in row.measures if m.signal == status.Signal.IMPROVEMENT)
    assert improving.sentence.startswith("Ikke-tilfældig variation")
    assert improving.latest_month == dt.date(2026, 10, 1) and improving.latest_value == pytest.approx(13.0)


def test_row_completeness_is_the_sum_of_completeness_for_its_measures():
    department = DepartmentFactory()
    initiative = InitiativeFactory(department=department)
    section = SectionFactory(department=department)
    initiative.sections.set([section])
    full = _measure_with(initiative, STABLE)
    gappy = [*STABLE[:5], None, None, *STABLE[7:20]]  # 2 missing in the middle, 2 at the end
    partial = _measure_with(initiative, gappy)
    [row] = status.department_rows(Department.objects.all(), year=2026, today=TODAY)
    expected = completeness_for(Measure.objects.filter(pk__in=[full.pk, partial.pk]), today=TODAY)
    assert row.completeness.expected == sum(c.expected for c in expected.values()) == 44
    assert row.completeness.present == sum(c.present for c in expected.values()) == 40
    assert row.completeness.percent == 91


def test_measures_of_stopped_initiatives_and_other_years_do_not_count():
    department = DepartmentFactory()
    _measure_with(InitiativeFactory(department=department, status="stopped"), STABLE)
    _measure_with(InitiativeFactory(department=department, year=2025), STABLE)
    [row] = status.department_rows(Department.objects.all(), year=2026, today=TODAY)
    assert row.measures == [] and row.completeness.ratio is None


def test_totals_of_completeness_and_signals_equal_sum_of_rows():
    first, second = DepartmentFactory(), DepartmentFactory()
    _measure_with(InitiativeFactory(department=first), DOWN)
    _measure_with(InitiativeFactory(department=first), STABLE[:18])
    _measure_with(InitiativeFactory(department=second), DOWN, direction="higher")
    DepartmentFactory()  # no measures at all
    rows = status.department_rows(Department.objects.all(), year=2026, today=TODAY)
    group = status.totals(rows)
    assert group.signals == sum((r.signals for r in rows), status.SignalCounts())
    assert (group.signals.improvement, group.signals.deterioration, group.signals.none) == (1, 1, 1)
    assert group.completeness.expected == sum(r.completeness.expected for r in rows) == 66
    assert group.completeness.present == sum(r.completeness.present for r in rows) == 62


def test_measures_false_skips_measure_analysis():
    _measure_with(InitiativeFactory(department=DepartmentFactory()), DOWN)
    [row] = status.department_rows(Department.objects.all(), year=2026, today=TODAY, measures=False)
    assert row.measures == [] and row.signals.measures == 0


def test_hospital_filter_keeps_departments_with_a_site_there_once():
    naestved, slagelse = HospitalFactory(code="nae"), HospitalFactory(code="sla")
    both = DepartmentFactory(hospitals=[naestved, slagelse])
    DepartmentFactory(hospitals=[slagelse])
    _measure_with(InitiativeFactory(department=both), DOWN)
    superuser = UserFactory(is_superuser=True)
    rows = status.department_rows(status.visible_departments(superuser, hospital=naestved), year=2026, today=TODAY)
    assert [r.department for r in rows] == [both]
    assert rows[0].signals.improvement == 1


def test_status_query_count_is_the_same_for_small_and_large_data(django_assert_num_queries):
    cross = CrossHospitalSelectionFactory()
    department = DepartmentFactory()
    LocalTeamFactory(department=department)
    _measure_with(InitiativeFactory(department=department), STABLE[:3])

    def run():
        return status.department_rows(Department.objects.all(), year=2026, today=TODAY)

    # Inside the test's transaction nothing is cached (see measurements.summary): every measure is computed.
    with django_assert_num_queries(9):
        run()
    for _ in range(6):
        other = DepartmentFactory()
        LocalTeamFactory(department=other)
        for recommendation in (cross.recommendation, None):
            kwargs = {"recommendation": recommendation} if recommendation else {}
            initiative = InitiativeFactory(department=other, **kwargs)
            initiative.sections.set([SectionFactory(department=other), SectionFactory(department=other)])
            _measure_with(initiative, DOWN)
            _measure_with(initiative, STABLE)
    with django_assert_num_queries(9):
        rows = run()
    assert len(rows) == 7 and status.totals(rows).signals.measures == 25


def test_cross_hospital_part_never_makes_too_many_selections():
    """Issue 16.1: the cross-hospital recommendation plus two local ones is Mål 1 met, and the row says both
    numbers (NSR plan: the cross-hospital recommendation is a goal of its own)."""
    cross = CrossHospitalSelectionFactory(year=2026)
    department = DepartmentFactory()
    by = UserFactory()
    joined, _created = services.cross_hospital_join(department=department, year=2026, by=by)
    MeasurementFactory(measure=MeasureFactory(initiative=joined))
    followed = InitiativeFactory(department=department)
    MeasurementFactory(measure=MeasureFactory(initiative=followed))
    InitiativeFactory(department=department)
    [row] = status.department_rows(Department.objects.all(), year=2026, today=TODAY)
    assert joined.recommendation == cross.recommendation and joined.cross_hospital
    assert (row.selections.state, row.selections.label, row.selections.detail) == (
        "met",
        "Opfyldt",
        "2 valgt, 1 fulgt med målinger",
    )
    assert row.in_cross_hospital is True


def test_three_local_selections_are_still_too_many_beside_the_cross_hospital_part():
    CrossHospitalSelectionFactory(year=2026)
    department = DepartmentFactory()
    services.cross_hospital_join(department=department, year=2026, by=UserFactory())
    for _ in range(3):
        InitiativeFactory(department=department)
    [row] = status.department_rows(Department.objects.all(), year=2026, today=TODAY)
    assert (row.selections.label, row.selections.detail) == ("For mange valg", "3 valgt, højst 2")


def test_changing_the_years_cross_hospital_recommendation_never_flips_mal1():
    """Issue 16.3: KDK later picks one of the department's local selections as the year's recommendation; the
    department's Mål 1 count and its cross-hospital part stay as recorded."""
    CrossHospitalSelectionFactory(year=2026)
    department = DepartmentFactory()
    by = UserFactory()
    services.cross_hospital_join(department=department, year=2026, by=by)
    local = [InitiativeFactory(department=department) for _ in range(2)]
    before = status.department_status(department, year=2026, today=TODAY)
    services.cross_hospital_set(year=2026, recommendation=local[0].recommendation, by=by)
    after = status.department_status(department, year=2026, today=TODAY)
    assert before.selections == after.selections
    assert after.selections.detail == "2 valgt, ingen målinger"
    assert after.in_cross_hospital is True


def test_migration_records_existing_cross_hospital_parts():
    """The data migration marks the initiatives that matched the year's recommendation before the field existed."""
    migration = importlib.import_module("initiatives.migrations.0003_initiative_cross_hospital")
    cross = CrossHospitalSelectionFactory(year=2026)
    part = InitiativeFactory(recommendation=cross.recommendation, cross_hospital=False)
    other_year = InitiativeFactory(recommendation=cross.recommendation, year=2025, cross_hospital=False)
    local = InitiativeFactory(cross_hospital=False)
    migration.mark_cross_hospital(apps, None)
    flags = dict(
        status.Initiative.objects.filter(pk__in=[part.pk, other_year.pk, local.pk]).values_list("pk", "cross_hospital")
    )
    assert flags == {part.pk: True, other_year.pk: False, local.pk: False}


@pytest.mark.django_db(transaction=True)
def test_a_stored_summary_reads_back_as_the_status_it_was_computed_as():
    """The second reading comes from the stored summaries (their counted figures taken out by the database, the rest
    decoded on use): the same counts, totals and measure statuses as the computation that stored them."""
    from django.utils import timezone

    today = timezone.localdate()
    department = DepartmentFactory()
    initiative = InitiativeFactory(department=department, year=today.year)
    for numerators in (DOWN, STABLE, [30, 31, 29, 30]):
        _measure_with(initiative, numerators)

    def reading():
        [row] = status.department_rows(Department.objects.all(), year=today.year, today=today)
        measures = [
            (
                m.measure.pk,
                m.signal,
                m.sentence,
                m.completeness,
                m.latest_value,
                m.latest_month,
                m.variation,
                m.assurance,
                m.kind,
            )
            for m in row.measures
        ]
        return row, (row.completeness, row.signals, row.icons, measures)

    computed_row, computed = reading()
    stored_row, stored = reading()
    assert all(isinstance(payload, dict) for _pk, payload in computed_row.summaries)
    assert all(isinstance(payload, status.StoredPayload) for _pk, payload in stored_row.summaries)
    assert stored == computed
    assert stored_row.signals.measures == 3 and stored_row.completeness.expected > 0
