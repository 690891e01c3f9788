"""Local opt-outs (proposed by a department, shared by KDK) and the cross-hospital recommendation."""

import pytest
from django.urls import reverse

from initiatives import services
from initiatives.models import CrossHospitalSelection, Initiative, Recommendation
from tests.factories import CrossHospitalSelectionFactory, DepartmentFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

OPT_OUT = {
    "title": "Fravalg af daglig vejning",
    "text": "Vi vejer ikke stabile patienter dagligt.",
    "rationale": "Giver ikke ny viden hos patienter uden hjertesvigt.",
    "source_url": "",
}


def test_leder_proposes_opt_out_then_selects_it(client_for, leder, world):
    client = client_for(leder)
    response = client.post(reverse("initiatives:opt_out_create"), OPT_OUT)
    opt_out = Recommendation.objects.get(title=OPT_OUT["title"])
    assert (opt_out.kind, opt_out.owner_department, opt_out.shared, opt_out.created_by) == (
        "local",
        world.department,
        False,
        leder,
    )
    assert response.url.startswith(reverse("dashboards:select", kwargs={"pk": opt_out.pk}))
    response = client.post(
        reverse("dashboards:select", kwargs={"pk": opt_out.pk}),
        {
            "department": world.department.pk,
            "year": "2027",
            "status": "planned",
            "sections": [world.ward.pk],
            "aim": "Fra 20 til 5 vejninger om ugen inden december 2027",
        },
    )
    assert response.status_code == 302
    assert Initiative.objects.filter(recommendation=opt_out, department=world.department, year=2027).exists()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("title", "", "Dette felt er påkrævet."),
        ("rationale", "  ", "Dette felt er påkrævet."),
        ("source_url", "ikke et link", "Indtast en gyldig URL."),
        ("title", "Fravalg af vejning", "Afdelingen har allerede et fagligt fravalg med denne titel."),
    ],
)
def test_opt_out_form_errors_are_danish_and_nothing_is_saved(client_for, leder, world, field, value, message):
    before = Recommendation.objects.count()
    response = client_for(leder).post(reverse("initiatives:opt_out_create"), {**OPT_OUT, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Recommendation.objects.count() == before


def test_key_person_cannot_propose_opt_out(client_for, noegle, world):
    response = client_for(noegle).post(reverse("initiatives:opt_out_create"), OPT_OUT)
    assert response.status_code == 403
    assert not Recommendation.objects.filter(title=OPT_OUT["title"]).exists()


def test_kdk_shares_opt_out_with_other_departments(client_for, kdk, udenfor, world):
    url = reverse("initiatives:recommendation", kwargs={"pk": world.opt_out.pk})
    assert client_for(udenfor).get(url).status_code == 404
    response = client_for(kdk).post(
        reverse("initiatives:opt_out_share", kwargs={"pk": world.opt_out.pk}), {"shared": "1"}
    )
    assert response.status_code == 302
    world.opt_out.refresh_from_db()
    assert world.opt_out.shared is True
    assert client_for(udenfor).get(url).status_code == 200
    catalogue = client_for(udenfor).get(reverse("initiatives:catalogue"))
    assert world.opt_out.title in catalogue.content.decode()


def test_only_kdk_may_share(client_for, leder, world):
    response = client_for(leder).post(
        reverse("initiatives:opt_out_share", kwargs={"pk": world.opt_out.pk}), {"shared": "1"}
    )
    assert response.status_code == 403
    world.opt_out.refresh_from_db()
    assert world.opt_out.shared is False


def test_national_recommendation_cannot_be_shared(client_for, kdk, world):
    recommendation = world.initiative.recommendation
    client_for(kdk).post(reverse("initiatives:opt_out_share", kwargs={"pk": recommendation.pk}), {"shared": "1"})
    recommendation.refresh_from_db()
    assert recommendation.shared is False


# --- the cross-hospital recommendation ---------------------------------------------------------------------------


def test_kdk_sets_the_years_cross_hospital_recommendation(client_for, kdk, today):
    recommendation = RecommendationFactory(title="Medicinafhentning")
    response = client_for(kdk).post(
        reverse("dashboards:cross_hospital"), {"year": "2027", "recommendation": recommendation.pk, "note": ""}
    )
    assert response.status_code == 302
    assert CrossHospitalSelection.objects.get(year=2027).recommendation == recommendation


def test_cross_hospital_must_be_national(client_for, kdk, world):
    response = client_for(kdk).post(
        reverse("dashboards:cross_hospital"), {"year": "2027", "recommendation": world.opt_out.pk}
    )
    assert "Marker en gyldig valgmulighed" in response.content.decode()
    assert not CrossHospitalSelection.objects.exists()


def test_leder_cannot_set_cross_hospital(client_for, leder, today):
    recommendation = RecommendationFactory()
    response = client_for(leder).post(
        reverse("dashboards:cross_hospital"), {"year": "2027", "recommendation": recommendation.pk}
    )
    assert response.status_code == 403
    assert not CrossHospitalSelection.objects.exists()


def test_start_page_offers_join_and_joining_twice_gives_one_initiative(client_for, leder, world):
    selection = CrossHospitalSelectionFactory(year=2026)
    client = client_for(leder)
    start = client.get(reverse("dashboards:start")).content.decode()
    assert reverse("dashboards:join_cross_hospital") in start
    assert f"Deltag med {world.department.name}" in start
    for _ in range(2):
        response = client.post(
            reverse("dashboards:join_cross_hospital"), {"department": world.department.pk, "year": "2026"}
        )
        assert response.status_code == 302
    initiatives = Initiative.objects.filter(department=world.department, recommendation=selection.recommendation)
    assert initiatives.count() == 1
    assert initiatives.get().status_changes.count() == 1
    assert response.url == reverse("dashboards:initiative", kwargs={"pk": initiatives.get().pk})
    start = client.get(reverse("dashboards:start")).content.decode()
    assert "Afdelingen deltager" in start and f"Deltag med {world.department.name}" not in start


def test_join_without_department_uses_the_users_only_department(client_for, leder, world):
    selection = CrossHospitalSelectionFactory(year=2026)
    client_for(leder).post(reverse("dashboards:join_cross_hospital"), {"year": "2026"})
    assert Initiative.objects.filter(department=world.department, recommendation=selection.recommendation).exists()


def test_join_without_selection_for_the_year_says_so(client_for, leder, world):
    response = client_for(leder).post(
        reverse("dashboards:join_cross_hospital"), {"department": world.department.pk, "year": "2030"}, follow=True
    )
    assert "Der er ingen tværgående anbefaling for 2030." in response.content.decode()
    assert Initiative.objects.count() == 1


def test_key_person_cannot_join(client_for, noegle, world):
    CrossHospitalSelectionFactory(year=2026)
    response = client_for(noegle).post(
        reverse("dashboards:join_cross_hospital"), {"department": world.department.pk, "year": "2026"}
    )
    assert response.status_code == 403
    assert Initiative.objects.count() == 1


def test_cross_hospital_page_counts_joined_departments(client_for, kdk, world, away):
    selection = CrossHospitalSelectionFactory(year=2026, recommendation=world.initiative.recommendation)
    services.cross_hospital_join(department=world.department, year=2026, by=kdk)
    response = client_for(kdk).get(reverse("dashboards:cross_hospital"), {"year": 2026})
    assert response.context["cross"] == selection
    assert response.context["joined"] == 1
    assert {row.department: row.in_cross_hospital for row in response.context["rows"]} == {
        world.department: True,
        away: False,
    }


@pytest.mark.parametrize("who", ["leder", "noegle", "udenfor", "kdk", "direktion"])
def test_cross_hospital_page_tells_every_role_who_takes_part_by_name(request, client_for, world, away, leder, who):
    """Issue 16.3: a department user reads the true count and the names, as the catalogue shows them."""
    selection = CrossHospitalSelectionFactory(year=2026)
    others = [DepartmentFactory(code=f"d{n}", name=f"Afdeling {n}") for n in range(3)]
    for department in [world.department, away, *others[:2]]:
        services.cross_hospital_join(department=department, year=2026, by=leder)
    response = client_for(request.getfixturevalue(who)).get(reverse("dashboards:cross_hospital"), {"year": 2026})
    page = response.content.decode()
    assert response.context["cross"] == selection
    assert "4 afdelinger deltager" in page
    joined = {row.department.name for row in response.context["rows"] if row.in_cross_hospital}
    assert joined == {world.department.name, away.name, "Afdeling 0", "Afdeling 1"}
    for name in joined | {"Afdeling 2"}:
        assert name in page


def test_cross_hospital_page_links_only_departments_the_user_may_open(client_for, noegle, world, away):
    CrossHospitalSelectionFactory(year=2026)
    page = client_for(noegle).get(reverse("dashboards:cross_hospital"), {"year": 2026}).content.decode()
    assert reverse("dashboards:workspace", kwargs={"pk": world.department.pk}) in page
    assert reverse("dashboards:workspace", kwargs={"pk": away.pk}) not in page
    assert away.name in page


def test_joining_records_the_part_on_the_initiative_and_a_later_change_keeps_it(kdk, leder, world):
    """Issue 16.3: the part is recorded when the department joins; changing the year's recommendation later
    neither unflags the joined initiative nor turns a local selection into the cross-hospital part."""
    first = CrossHospitalSelectionFactory(year=2026)
    joined, created = services.cross_hospital_join(department=world.department, year=2026, by=leder)
    assert created and joined.cross_hospital
    services.cross_hospital_set(year=2026, recommendation=world.initiative.recommendation, by=kdk)
    joined.refresh_from_db()
    world.initiative.refresh_from_db()
    assert (joined.recommendation, joined.cross_hospital) == (first.recommendation, True)
    assert world.initiative.cross_hospital is False


def test_joining_with_a_recommendation_already_selected_locally_marks_that_initiative(kdk, leder, world):
    CrossHospitalSelectionFactory(year=2026, recommendation=world.initiative.recommendation)
    initiative, created = services.cross_hospital_join(department=world.department, year=2026, by=leder)
    assert (created, initiative.pk, initiative.cross_hospital) == (False, world.initiative.pk, True)
    assert Initiative.objects.filter(department=world.department).count() == 1
