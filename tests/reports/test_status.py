import datetime as dt

import pytest

from departments.models import Department
from reports import status
from tests.factories import (
    CrossHospitalSelectionFactory,
    DepartmentFactory,
    InitiativeFactory,
    LocalTeamFactory,
    MeasureFactory,
    MeasurementFactory,
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
    DepartmentFactory()
    rows = status.department_rows(Department.objects.all(), year=2026, today=TODAY)
    totals = status.totals(rows)
    assert totals.departments == 2
    assert totals.team_met == sum(r.team.met for r in rows) == 1
    assert totals.selections_met == sum(r.selections.met for r in rows) == 1
    assert totals.in_cross_hospital == sum(r.in_cross_hospital for r in rows) == 1
