"""The demo seed (`manage.py seed_demo`): every kind of data the pages need, the same data when run twice, and
written through the domain's own services."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from departments.access import access_for
from departments.models import Department, LocalTeam
from initiatives.models import CrossHospitalSelection, Initiative, Meeting, Recommendation
from measurements.models import Measure, Measurement


@pytest.mark.django_db
def test_seed_demo_on_empty_database_creates_every_kind_of_data():
    call_command("seed_demo", stdout=StringIO())
    assert Department.objects.count() >= 12
    assert Department.objects.filter(local_team__isnull=True).exists()
    assert LocalTeam.objects.filter(established_on__month__gt=3).exists()
    selections = sorted(d.initiatives.filter(year=2026).count() for d in Department.objects.all())
    assert {0, 1, 2, 3} <= set(selections)
    assert set(Measure.objects.values_list("kind", flat=True)) == {"outcome", "process", "balancing"}
    assert set(Measure.objects.values_list("unit", flat=True)) == {"proportion", "count", "rate", "mean", "events"}
    for measure in Measure.objects.all():
        assert measure.measurements.dates("month", "month").count() >= 24 - 2
    assert Recommendation.objects.filter(kind="local").exists()
    assert CrossHospitalSelection.objects.filter(year=2026).exists()
    assert Meeting.objects.filter(kind="inspiration", date__year=2026).count() == 3
    # Only recommendations taken from a public page carry its address; every other one is marked as an example.
    assert not Recommendation.objects.filter(is_example=False, source_url="").exists()
    assert not Recommendation.objects.filter(is_example=True).exclude(source_url="").exists()


@pytest.mark.django_db
def test_seed_demo_twice_gives_the_same_data():
    call_command("seed_demo", stdout=StringIO())
    first = list(
        Measurement.objects.order_by("pk").values_list("pk", "measure__code", "month", "numerator", "denominator")
    )
    counts = (Initiative.objects.count(), Recommendation.objects.count(), LocalTeam.objects.count())
    call_command("seed_demo", stdout=StringIO())
    second = list(
        Measurement.objects.order_by("pk").values_list("pk", "measure__code", "month", "numerator", "denominator")
    )
    assert first == second
    assert counts == (Initiative.objects.count(), Recommendation.objects.count(), LocalTeam.objects.count())


@pytest.mark.django_db
def test_seed_demo_writes_through_the_domain_services():
    call_command("seed_demo", stdout=StringIO())
    # The write service keeps a history row for every value, entered by someone who may enter the department's.
    assert Measurement.history.count() == Measurement.objects.count() > 400
    User = get_user_model()
    for user_id, department_id in set(
        Measurement.objects.values_list("entered_by", "measure__initiative__department").distinct()
    ):
        access = access_for(User.objects.get(pk=user_id))
        assert access.all_departments_editable or department_id in access.enter
    # Every initiative was selected, and moved on, through the initiative services: each has its status changes.
    assert not Initiative.objects.filter(status_changes__isnull=True).exists()
    anchored = Initiative.objects.get(status="anchored")
    assert list(anchored.status_changes.order_by("pk").values_list("status", flat=True)) == [
        "implementing",
        "implemented",
        "anchored",
    ]


@pytest.mark.django_db
def test_seed_demo_shows_every_chart_kind_phases_notes_and_the_p_prime_suggestion():
    from django.utils import timezone

    from dashboards.selectors import single_measure_card
    from measurements.models import ChartPhase, PointNote

    call_command("seed_demo", stdout=StringIO())
    today = timezone.localdate()
    charts = {m.code: single_measure_card(m, today=today).chart for m in Measure.objects.all()}
    kinds = {chart.kind for chart in charts.values()}
    assert {"p", "u", "c", "xbar", "t"} <= kinds
    assert any("Overvej et P′-kontroldiagram" in hint for hint in charts["MED-BLD-02"].hints)
    assert ChartPhase.objects.filter(kind="split", reason__startswith="Tiltag:").exists()
    excluded = ChartPhase.objects.get(kind="exclude")
    assert excluded.reason and len(charts[excluded.measure.code].result.exclude) == 1
    assert PointNote.objects.count() >= 2
    assert len(charts["ORT-KAT-01"].result.parts) == 2
