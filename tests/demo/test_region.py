"""The region seed at a tiny scale: counts come out as asked and the data is shaped like the demo data."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count

from demo.region import NATIONAL_SCALE, RegionScale, RegionSeedError, seed_region
from departments.access import Role, access_for
from departments.models import Department, Hospital, LocalTeam, Membership, Section
from goals import status
from initiatives.models import Action, CrossHospitalSelection, Initiative, Meeting
from measurements.models import Measure, Measurement
from measurements.periods import measure_months
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)
TINY = RegionScale(hospitals=2, departments=12, sections=30, measures=70, months=24, users=40)


@pytest.fixture
def tiny():
    return seed_region(TODAY, TINY)


def test_region_seed_counts_come_out_as_asked(tiny):
    assert Hospital.objects.count() == tiny["hospitals"] == 2
    assert Department.objects.count() == tiny["departments"] == 12
    assert Section.objects.count() == tiny["sections"] == 30
    assert Measure.objects.count() == tiny["measures"] == 70
    assert Measurement.objects.count() == tiny["values"] == 70 * 24
    assert get_user_model().objects.count() == tiny["users"] == 40


def test_region_seed_every_measure_has_exactly_its_months_of_values_some_with_gaps(tiny):
    per_measure = set(Measure.objects.annotate(n=Count("measurements")).values_list("n", flat=True))
    assert per_measure == {24}
    gapped = 0
    for measure in Measure.objects.select_related("initiative"):
        due = measure_months(measure, today=TODAY)
        assert due[-1] == dt.date(2026, 10, 1)
        gapped += len(due) > 24
    assert gapped >= 5


def test_region_seed_is_shaped_like_the_demo(tiny):
    assert set(Measure.objects.values_list("kind", flat=True)) == {"outcome", "process", "balancing"}
    assert set(Measure.objects.values_list("unit", flat=True)) == {"proportion", "count", "rate"}
    assert Measure.objects.filter(per_section=True).exists()
    assert Measure.objects.filter(per_section=False).exists()
    selections = {d.initiatives.filter(year=2026).count() for d in Department.objects.all()}
    assert {0, 1, 2, 3} <= selections
    assert Department.objects.filter(local_team__isnull=True).exists()
    assert LocalTeam.objects.filter(established_on__month__gt=3).exists()
    assert LocalTeam.objects.filter(established_on__month__lte=3).exists()
    assert Initiative.objects.filter(year__lt=2026).exists()
    assert not Initiative.objects.annotate(n=Count("sections")).filter(n=0).exists()
    assert Action.objects.exists()
    assert CrossHospitalSelection.objects.filter(year=2026).exists()
    assert Meeting.objects.filter(kind="inspiration", date__year=2026).count() == 3
    # Proportions hold the database's invariant (checked by constraints too) and a per-section measure's values
    # belong to the initiative's one section.
    for measure in Measure.objects.filter(per_section=True).prefetch_related("initiative__sections"):
        allowed = {s.pk for s in measure.initiative.sections.all()}
        assert set(measure.measurements.values_list("section_id", flat=True)) <= allowed


def _demo_user(username):
    user = get_user_model().objects.get(username=username)
    assert user.check_password("demo") and user.is_active
    return user


def test_region_seed_gives_the_demo_users_their_roles(tiny):
    leder, udenfor = _demo_user("leder"), _demo_user("udenfor")
    assert access_for(leder).manage and not (access_for(leder).visible & access_for(udenfor).visible)
    assert access_for(_demo_user("kdk")).is_kdk
    assert access_for(_demo_user("direktion")).sees_hospital_group
    # Every department has a manager and the hospital group has KDK and hospital management.
    managed = set(Membership.objects.filter(role=Role.MANAGEMENT).values_list("department", flat=True))
    assert managed == set(Department.objects.values_list("pk", flat=True))


def test_region_seed_status_function_runs_on_it(tiny):
    rows = status.department_rows(Department.objects.all(), year=2026, today=TODAY)
    assert len(rows) == 12
    assert {row.selections.state for row in rows} >= {"met", "not_yet"}
    assert any(row.in_cross_hospital for row in rows)


def test_region_seed_refuses_a_database_with_departments():
    DepartmentFactory()
    with pytest.raises(RegionSeedError):
        seed_region(TODAY, TINY)
    assert Department.objects.count() == 1


def test_seed_demo_scale_region_refuses_a_database_with_departments():
    DepartmentFactory()
    with pytest.raises(CommandError, match="tom database"):
        call_command("seed_demo", "--scale", "region", stdout=StringIO())
    assert Measure.objects.count() == 0


@pytest.mark.parametrize(
    "scale",
    [RegionScale(departments=1), RegionScale(sections=10), RegionScale(months=6), RegionScale(users=3)],
)
def test_region_scale_that_makes_no_sense_is_refused(scale):
    with pytest.raises(RegionSeedError):
        seed_region(TODAY, scale)
    assert not Hospital.objects.exists()


# --- national scale (issue 17): the same structure at 25 hospitals; a small variant with numbered hospitals ---

SMALL_NATIONAL = RegionScale(hospitals=8, departments=24, sections=50, measures=96, months=24, users=60)


def test_national_scale_is_all_of_denmark():
    assert NATIONAL_SCALE.hospitals == 25 and NATIONAL_SCALE.departments == 750
    assert NATIONAL_SCALE.measures * NATIONAL_SCALE.months == 3_000_000
    NATIONAL_SCALE.check()


def test_national_seed_small_variant_counts_come_out_as_asked():
    counts = seed_region(TODAY, SMALL_NATIONAL)
    assert counts == {
        "hospitals": 8,
        "departments": 24,
        "sections": 50,
        "initiatives": Initiative.objects.count(),
        "measures": 96,
        "values": 96 * 24,
        "users": 60,
    }
    assert (Hospital.objects.count(), Department.objects.count(), Section.objects.count()) == (8, 24, 50)
    assert Measurement.objects.count() == 96 * 24
    # The numbered hospitals (beyond the region's five) each have their own departments, with distinct codes.
    assert Hospital.objects.filter(code__in=["sh06", "sh07", "sh08"]).count() == 3
    per_hospital = Hospital.objects.annotate(n=Count("departments")).values_list("n", flat=True)
    assert min(per_hospital) >= 3
    rows = status.department_rows(Department.objects.all(), year=2026, today=TODAY)
    assert len(rows) == 24


def test_seed_demo_scale_national_refuses_a_database_with_departments():
    DepartmentFactory()
    with pytest.raises(CommandError, match="tom database"):
        call_command("seed_demo", "--scale", "national", stdout=StringIO())
    assert Measure.objects.count() == 0
