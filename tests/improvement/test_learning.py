"""Learning across departments (★) and the rule of *del som inspiration*: who works on a recommendation, with aim
and status, is for every signed-in user; values, charts, cycles and scores only where the initiative is shared."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.access import Role, may_share_as_inspiration
from improvement import services
from improvement.models import ChangeIdea, PdsaCycle, ProgressScore
from initiatives.models import Initiative
from measurements.models import Measure

from ..factories import (
    DepartmentFactory,
    InitiativeFactory,
    MeasureFactory,
    MeasurementFactory,
    MembershipFactory,
    UserFactory,
)


def _done_cycle(initiative, measure, by, *, change="Tjekliste ved stuegang"):
    cycle = services.cycle_plan(
        initiative=initiative,
        change=change,
        start=dt.date(2026, 2, 1),
        end=dt.date(2026, 2, 28),
        prediction_measure=measure,
        prediction_direction="down",
        prediction="HEMMELIG FORUDSIGELSE",
        by=by,
    )
    return services.cycle_update(cycle=cycle, status="done", result="HEMMELIGT RESULTAT", decision="adapt", by=by)


@pytest.fixture
def theirs(home, initiative, measure, leder, diagram_tree):
    """home works on the recommendation with a done cycle, a score and a diagram; not shared yet."""
    for month in range(1, 7):
        MeasurementFactory(measure=measure, month=dt.date(2026, month, 1), numerator=40 - month, denominator=100)
    _done_cycle(initiative, measure, leder)
    services.score_set(initiative=initiative, month=dt.date(2026, 5, 1), score="3.0", note="HEMMELIG NOTE", by=leder)
    return initiative


@pytest.fixture
def mine(away, theirs):
    return InitiativeFactory(department=away, recommendation=theirs.recommendation, aim="Vores formål")


@pytest.fixture
def away_leader(away):
    user = UserFactory(username="away-leder")
    MembershipFactory(user=user, role=Role.MANAGEMENT, department=away)
    return user


def _learning(client, initiative):
    return client.get(reverse("dashboards:learning", args=[initiative.recommendation_id]), {"year": 2026})


def test_unshared_initiative_shows_aim_and_status_only(client_for, udenfor, theirs, mine):
    html = _learning(client_for(udenfor), theirs).content.decode()
    assert theirs.department.name in html and theirs.aim in html and "Under implementering" in html
    for secret in ("HEMMELIG FORUDSIGELSE", "HEMMELIGT RESULTAT", "Tavlemøde hver mandag", "learn-ort-kat", "3,0"):
        assert secret not in html, secret


def test_shared_initiative_shows_charts_cycles_score_and_ideas(client_for, udenfor, leder, theirs, mine):
    services_response = client_for(leder).post(
        reverse("dashboards:initiative_share", args=[theirs.pk]), {"shared": "1"}
    )
    assert services_response.status_code == 302
    html = _learning(client_for(udenfor), theirs).content.decode()
    for shown in ("HEMMELIG FORUDSIGELSE", "HEMMELIGT RESULTAT", "Tavlemøde hver mandag", 'id="learn-ort-kat"', "3,0"):
        assert shown in html, shown


def test_sharing_opens_nothing_else_of_the_department(client_for, udenfor, theirs, mine, measure):
    theirs.shared_as_inspiration = True
    theirs.save()
    client = client_for(udenfor)
    cycle = PdsaCycle.objects.get()
    for url in (
        reverse("dashboards:initiative", args=[theirs.pk]),
        reverse("dashboards:department_dashboard", args=[theirs.department_id]),
        reverse("dashboards:measure_chart", args=[measure.pk]),
        reverse("improvement:diagram", args=[theirs.pk]),
        reverse("improvement:cycle", args=[cycle.pk]),
        reverse("improvement:scores", args=[theirs.pk]),
        reverse("measurements:entry", args=[measure.pk]),
    ):
        assert client.get(url).status_code == 404, url
    # Another initiative of the same department that is not shared stays closed in the querysets.
    other = InitiativeFactory(department=theirs.department)
    assert not Initiative.objects.visible_or_shared(udenfor).filter(pk=other.pk).exists()
    assert not Measure.objects.visible_or_shared(udenfor).exclude(initiative=theirs).exists()
    assert Initiative.objects.visible_or_shared(udenfor).filter(pk=theirs.pk).exists()


def test_only_management_and_kdk_may_share(client_for, noegle, leder, kdk, direktion, udenfor, theirs):
    department = theirs.department_id
    assert [may_share_as_inspiration(u, department) for u in (noegle, leder, kdk, direktion, udenfor)] == [
        False,
        True,
        True,
        False,
        False,
    ]
    response = client_for(noegle).post(reverse("dashboards:initiative_share", args=[theirs.pk]), {"shared": "1"})
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.shared_as_inspiration is False


def test_brug_denne_ide_copies_a_shared_idea_into_the_own_diagram(client_for, away_leader, theirs, mine):
    idea = ChangeIdea.objects.get(text="Tavlemøde hver mandag")
    url = reverse("dashboards:use_idea", args=[idea.pk])
    assert client_for(away_leader).post(url).status_code == 404  # not shared: not there
    assert not ChangeIdea.objects.filter(driver__diagram__initiative=mine).exists()
    theirs.shared_as_inspiration = True
    theirs.save()
    response = client_for(away_leader).post(url)
    assert response.status_code == 302 and response.url == reverse("improvement:diagram", args=[mine.pk])
    client_for(away_leader).post(url)
    [copy] = ChangeIdea.objects.filter(driver__diagram__initiative=mine)
    assert copy.copied_from == idea and copy.driver.parent.text == "Kendskab til anbefalingen"


def _add_departments(recommendation, count, by):
    for n in range(count):
        department = DepartmentFactory()
        initiative = InitiativeFactory(department=department, recommendation=recommendation, shared_as_inspiration=True)
        measure = MeasureFactory(initiative=initiative, kind="outcome")
        MeasurementFactory(measure=measure, month=dt.date(2026, 1, 1))
        MeasurementFactory(measure=measure, month=dt.date(2026, 2, 1))
        _done_cycle(initiative, measure, by, change=f"Idé {n}")
        ProgressScore.objects.create(initiative=initiative, month=dt.date(2026, 3, 1), score="2.0")
        primary = services.driver_add(initiative=initiative, text="Kendskab", by=by)
        services.idea_add(driver=primary, text=f"Idé {n}", by=by)


def test_learning_page_query_count_is_the_same_for_1_and_30_departments(client_for, kdk, initiative):
    client = client_for(kdk)
    url = reverse("dashboards:learning", args=[initiative.recommendation_id])
    _add_departments(initiative.recommendation, 1, kdk)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    _add_departments(initiative.recommendation, 29, kdk)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(one), "\n".join(q["sql"][:150] for q in many.captured_queries)
    assert response.content.decode().count('class="card learn-dept"') == 31


def test_continuing_into_next_year_carries_diagram_open_cycles_and_score(
    client_for, leder, noegle, theirs, measure, section
):
    theirs.sections.set([section])
    open_cycle = services.cycle_plan(
        initiative=theirs, change="Åben test", start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 20), by=leder
    )
    url = reverse("dashboards:initiative_continue", args=[theirs.pk])
    assert client_for(noegle).post(url).status_code == 403
    assert not Initiative.objects.filter(year=2027).exists()
    response = client_for(leder).post(url)
    following = Initiative.objects.get(year=2027, recommendation=theirs.recommendation)
    assert response.url == reverse("dashboards:initiative", args=[following.pk])
    client_for(leder).post(url)
    assert Initiative.objects.filter(year=2027).count() == 1
    assert [c.change for c in following.pdsa_cycles.all()] == [open_cycle.change]  # the done one stays behind
    assert ChangeIdea.objects.filter(driver__diagram__initiative=following).count() == 1
    assert following.progress_scores.get().score == theirs.progress_scores.get().score
    assert following.aim == theirs.aim


def test_a_shared_chart_keeps_the_departments_own_phases(client_for, udenfor, leder, theirs, mine, measure):
    """The learning page draws a department's chart as its own pages do: a split the team made shows here too."""
    from measurements.periods import measure_months
    from measurements.phases import phase_add

    Initiative.objects.filter(pk=theirs.pk).update(shared_as_inspiration=True)
    months = measure_months(measure, today=dt.date(2026, 7, 15))
    phase_add(
        measure=measure, kind="split", month=dt.date(2026, 3, 1), reason="DELT EFTER TILTAG", months=months, by=leder
    )

    html = _learning(client_for(udenfor), theirs).content.decode()

    assert "DELT EFTER TILTAG" in html
