"""The demo's Model-for-Improvement data: three departments on one recommendation with diagrams, chained cycles
(adopted, adapted, abandoned), scores over 2026 and two sharing as inspiration; a second run changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from improvement.models import ChangeIdea, Driver, PdsaCycle, ProgressScore
from initiatives.models import Action, Initiative


def _counts():
    return (
        *tuple(model.objects.count() for model in (Driver, ChangeIdea, PdsaCycle, ProgressScore, Action)),
        ProgressScore.history.count(),
        PdsaCycle.history.count(),
    )


@pytest.mark.django_db
def test_demo_has_the_improvement_loop_and_a_second_run_changes_nothing():
    call_command("seed_demo", stdout=StringIO())
    with_diagram = Initiative.objects.filter(driver_diagram__drivers__isnull=False).distinct()
    assert with_diagram.count() == 3
    assert len({i.recommendation_id for i in with_diagram}) == 1
    assert set(PdsaCycle.objects.values_list("decision", flat=True)) == {"adopt", "adapt", "abandon"}
    assert PdsaCycle.objects.filter(previous__decision="adapt").exists()  # the adapted cycle has a next one
    adopted = PdsaCycle.objects.filter(decision="adopt")
    assert adopted.count() == adopted.filter(action__isnull=False).count() >= 1
    assert Initiative.objects.filter(shared_as_inspiration=True).count() == 2
    for initiative in with_diagram:
        months = list(initiative.progress_scores.values_list("month__month", flat=True).order_by("month"))
        assert months[0] == 1 and len(months) >= 6
    first = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first
