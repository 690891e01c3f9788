"""Selecting a recommendation for a year (Mål 1), editing the initiative and its dated status changes."""

import datetime as dt

import pytest
from django.urls import reverse

from departments.models import Section
from initiatives.models import Initiative, NationalGoal, Recommendation, StatusChange
from tests.factories import InitiativeFactory, MeasureFactory, MeasurementFactory, RecommendationFactory, SectionFactory

pytestmark = pytest.mark.django_db


def _select(client, recommendation, **data):
    """Post a filled-in selection form (the department's first section, an aim) unless `data` says otherwise."""
    first_section = Section.objects.order_by("pk").values_list("pk", flat=True)[:1]
    payload = {
        "year": "2027",
        "status": "planned",
        "aim": "Fra 30 % til 15 % inden december 2027",
        "sections": list(first_section),
        **data,
    }
    return client.post(reverse("dashboards:select", kwargs={"pk": recommendation.pk}), payload)


def test_leder_selects_recommendation_for_a_year(client_for, leder, world, today):
    recommendation = RecommendationFactory(title="Undgå ilt")
    goal = NationalGoal.objects.get(number=4)
    response = _select(
        client_for(leder),
        recommendation,
        sections=[world.ward.pk, world.clinic.pk],
        aim="Fra 24 % til 10 % inden december 2027",
        national_goals=[goal.pk],
    )
    initiative = Initiative.objects.get(recommendation=recommendation)
    assert response.status_code == 302 and response.url == reverse(
        "dashboards:initiative", kwargs={"pk": initiative.pk}
    )
    assert (initiative.department, initiative.year, initiative.status) == (world.department, 2027, "planned")
    assert set(initiative.sections.all()) == {world.ward, world.clinic}
    assert list(initiative.national_goals.all()) == [goal]
    assert initiative.aim == "Fra 24 % til 10 % inden december 2027"
    change = initiative.status_changes.get()
    assert (change.status, change.changed_on, change.changed_by) == ("planned", today, leder)


def test_mal1_follows_selection_then_measurement(client_for, leder, world):
    client = client_for(leder)
    workspace = reverse("dashboards:workspace", kwargs={"pk": world.department.pk})
    assert client.get(workspace, {"year": 2027}).context["row"].selections.label == "For få valg"
    _select(client, RecommendationFactory())
    initiative = Initiative.objects.get(year=2027)
    assert client.get(workspace, {"year": 2027}).context["row"].selections.label == "Ikke målt endnu"
    measure = MeasureFactory(initiative=initiative)
    assert client.get(workspace, {"year": 2027}).context["row"].selections.label == "Ikke målt endnu"  # no data yet
    MeasurementFactory(measure=measure, month=dt.date(2027, 1, 1))
    assert client.get(workspace, {"year": 2027}).context["row"].selections.label == "Opfyldt"


def test_third_selection_is_warned_and_flagged_too_many(client_for, leder, world):
    client = client_for(leder)
    _select(client, RecommendationFactory())
    _select(client, RecommendationFactory())
    third = RecommendationFactory()
    form = client.get(reverse("dashboards:select", kwargs={"pk": third.pk}), {"year": 2027})
    assert "Med dette valg får afdelingen 3 valg for året" in form.content.decode()
    _select(client, third)
    workspace = client.get(reverse("dashboards:workspace", kwargs={"pk": world.department.pk}), {"year": 2027})
    assert workspace.context["row"].selections.label == "For mange valg"


def test_year_status_partial_for_htmx(client_for, leder, world):
    response = client_for(leder).get(
        reverse("dashboards:select", kwargs={"pk": world.initiative.recommendation.pk}),
        {"year": 2026, "department": world.department.pk},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="year-status"')
    assert world.initiative.recommendation.title in body and "Opfyldt" in body


def test_selecting_same_recommendation_twice_for_a_year_is_refused(client_for, leder, world):
    response = _select(client_for(leder), world.initiative.recommendation, year="2026")
    assert response.status_code == 200
    assert "Afdelingen har allerede valgt denne anbefaling for 2026." in response.content.decode()
    assert Initiative.objects.filter(recommendation=world.initiative.recommendation).count() == 1


@pytest.mark.parametrize(
    "data,message",
    [
        ({"year": "1999"}, "Marker en gyldig valgmulighed."),
        ({"year": ""}, "Dette felt er påkrævet."),
        ({"status": "anchored"}, "Marker en gyldig valgmulighed."),
    ],
)
def test_select_form_errors_are_danish_and_nothing_is_saved(client_for, leder, world, data, message):
    recommendation = RecommendationFactory()
    response = _select(client_for(leder), recommendation, **data)
    assert message in response.content.decode()
    assert not Initiative.objects.filter(recommendation=recommendation).exists()
    assert not StatusChange.objects.filter(initiative__recommendation=recommendation).exists()


def test_section_of_another_department_is_refused(client_for, leder, world, away):
    foreign = SectionFactory(department=away)
    recommendation = RecommendationFactory()
    response = _select(client_for(leder), recommendation, sections=[foreign.pk])
    assert "Marker en gyldig valgmulighed" in response.content.decode()
    assert not Initiative.objects.filter(recommendation=recommendation).exists()


def test_service_refuses_foreign_sections_and_unshared_opt_outs(leder, world, away):
    from django.core.exceptions import ValidationError

    from initiatives import services

    foreign = SectionFactory(department=away)
    with pytest.raises(ValidationError, match="Vælg kun afsnit fra afdelingen"):
        services.initiative_select(
            department=world.department, recommendation=RecommendationFactory(), year=2027, sections=[foreign], by=leder
        )
    theirs = RecommendationFactory(kind=Recommendation.Kind.LOCAL, owner_department=away)
    with pytest.raises(ValidationError, match="tilhører en anden afdeling"):
        services.initiative_select(
            department=world.department,
            recommendation=theirs,
            year=2027,
            sections=[world.ward],
            aim="Fra 5 til 0 inden 2028",
            by=leder,
        )
    assert Initiative.objects.count() == 1


def test_key_person_cannot_select(client_for, noegle, world):
    recommendation = RecommendationFactory()
    assert client_for(noegle).get(reverse("dashboards:select", kwargs={"pk": recommendation.pk})).status_code == 403
    assert _select(client_for(noegle), recommendation).status_code == 403
    assert not Initiative.objects.filter(recommendation=recommendation).exists()


def test_kdk_is_asked_which_department(client_for, kdk, world, away):
    recommendation = RecommendationFactory()
    response = client_for(kdk).get(reverse("dashboards:select", kwargs={"pk": recommendation.pk}))
    assert "For hvilken afdeling?" in response.content.decode()
    response = client_for(kdk).post(
        reverse("dashboards:select", kwargs={"pk": recommendation.pk}),
        {
            "department": world.department.pk,
            "year": "2027",
            "status": "planned",
            "sections": [world.ward.pk],
            "aim": "Fra 30 % til 15 % inden december 2027",
        },
    )
    assert response.status_code == 302
    assert Initiative.objects.get(recommendation=recommendation).department == world.department


def test_leder_edits_sections_aim_and_goals(client_for, leder, world):
    goal = NationalGoal.objects.get(number=8)
    response = client_for(leder).post(
        reverse("dashboards:initiative_edit", kwargs={"pk": world.initiative.pk}),
        {"sections": [world.clinic.pk], "aim": "Fra 30 til 10 inden 2027", "national_goals": [goal.pk]},
    )
    assert response.status_code == 302
    world.initiative.refresh_from_db()
    assert list(world.initiative.sections.all()) == [world.clinic]
    assert world.initiative.aim == "Fra 30 til 10 inden 2027"
    assert list(world.initiative.national_goals.all()) == [goal]


# --- status changes ----------------------------------------------------------------------------------------------


def _status(client, initiative, **data):
    return client.post(reverse("dashboards:initiative_status", kwargs={"pk": initiative.pk}), data)


def test_status_change_is_dated_and_recorded(client_for, leder, world):
    response = _status(client_for(leder), world.initiative, status="implemented", changed_on="2026-10-01")
    assert response.status_code == 302
    world.initiative.refresh_from_db()
    assert (world.initiative.status, world.initiative.status_changed_on) == ("implemented", dt.date(2026, 10, 1))
    change = world.initiative.status_changes.get()
    assert (change.status, change.changed_on, change.changed_by) == ("implemented", dt.date(2026, 10, 1), leder)
    page = client_for(leder).get(reverse("dashboards:initiative", kwargs={"pk": world.initiative.pk}))
    assert "1. oktober 2026" in page.content.decode()


@pytest.mark.parametrize("status,word", [("anchored", "forankret"), ("stopped", "stoppet")])
def test_anchored_and_stopped_need_a_reason(client_for, leder, world, status, word):
    response = _status(client_for(leder), world.initiative, status=status, changed_on="2026-10-01", reason=" ")
    assert f"Skriv kort, hvorfor indsatsen er {word}." in response.content.decode()
    world.initiative.refresh_from_db()
    assert world.initiative.status == "implementing"
    assert not world.initiative.status_changes.exists()
    _status(
        client_for(leder), world.initiative, status=status, changed_on="2026-10-01", reason="Indarbejdet i instruks"
    )
    assert world.initiative.status_changes.get().reason == "Indarbejdet i instruks"


def test_stopping_an_initiative_removes_it_from_mal1(client_for, leder, world):
    workspace = reverse("dashboards:workspace", kwargs={"pk": world.department.pk})
    assert client_for(leder).get(workspace).context["row"].selections.label == "Opfyldt"
    _status(client_for(leder), world.initiative, status="stopped", changed_on="2026-10-01", reason="Ikke muligt")
    assert client_for(leder).get(workspace).context["row"].selections.label == "For få valg"


@pytest.mark.parametrize(
    "data,message",
    [
        ({"status": "implemented", "changed_on": "2026-12-01"}, "Datoen må ikke ligge i fremtiden."),
        ({"status": "implemented", "changed_on": "2026-05-01"}, "Datoen ligger før den seneste statusændring"),
        ({"status": "implementing", "changed_on": "2026-10-01"}, "Marker en gyldig valgmulighed."),  # the current one
        ({"status": "", "changed_on": "2026-10-01"}, "Dette felt er påkrævet."),
        ({"status": "implemented", "changed_on": "i går"}, "Skriv datoen som dag.måned.år, fx 15.12.2026."),
    ],
)
def test_status_form_errors_are_danish_and_nothing_is_saved(client_for, leder, world, data, message):
    StatusChange.objects.create(initiative=world.initiative, status="implementing", changed_on=dt.date(2026, 6, 1))
    response = _status(client_for(leder), world.initiative, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    world.initiative.refresh_from_db()
    assert world.initiative.status == "implementing"
    assert world.initiative.status_changes.count() == 1


def test_key_person_cannot_change_status(client_for, noegle, world):
    response = _status(client_for(noegle), world.initiative, status="implemented", changed_on="2026-10-01")
    assert response.status_code == 403
    world.initiative.refresh_from_db()
    assert world.initiative.status == "implementing"


def test_initiative_page_query_count_is_bounded(client_for, leder, world, django_assert_max_num_queries):
    for _ in range(5):
        MeasurementFactory(measure=MeasureFactory(initiative=world.initiative), month=dt.date(2026, 2, 1))
    client = client_for(leder)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("dashboards:initiative", kwargs={"pk": world.initiative.pk}))
    assert len(response.context["measures"]) == 6


def test_initiative_of_stopped_selection_is_listed_in_workspace(client_for, leder, world):
    stopped = InitiativeFactory(department=world.department, year=2026, status="stopped")
    response = client_for(leder).get(reverse("dashboards:workspace", kwargs={"pk": world.department.pk}))
    assert stopped in response.context["initiatives"]
    assert response.context["row"].selections.label == "Opfyldt"


def test_service_refuses_the_current_status(leder, world, today):
    from django.core.exceptions import ValidationError

    from initiatives import services

    with pytest.raises(ValidationError, match="allerede status “under implementering”"):
        services.initiative_change_status(
            initiative=world.initiative, status="implementing", changed_on=today, by=leder
        )


def test_untouched_select_form_creates_nothing_and_names_the_fields(client_for, leder, world):
    """Issue 16.2: an empty submit neither creates an initiative nor flips Mål 1 to "For mange valg"."""
    client = client_for(leder)
    _select(client, RecommendationFactory())
    second = RecommendationFactory()
    before = client.get(reverse("dashboards:workspace", kwargs={"pk": world.department.pk}), {"year": 2027}).context[
        "row"
    ]
    response = _select(client, second, sections=[], aim="  ")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Vælg mindst ét afsnit, hvor indsatsen gennemføres." in page
    assert "Skriv formålet: fra … til … inden …." in page
    assert not Initiative.objects.filter(recommendation=second).exists()
    after = client.get(reverse("dashboards:workspace", kwargs={"pk": world.department.pk}), {"year": 2027})
    assert after.context["row"].selections == before.selections


def test_service_refuses_a_selection_without_sections_or_aim(leder, world):
    from django.core.exceptions import ValidationError

    from initiatives import services

    with pytest.raises(ValidationError) as refused:
        services.initiative_select(
            department=world.department, recommendation=RecommendationFactory(), year=2027, by=leder
        )
    assert set(refused.value.message_dict) == {"sections", "aim"}
    assert Initiative.objects.count() == 1
