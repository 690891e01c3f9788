"""The catalogue: search and filters, opt-outs by visibility, who works on what, bounded queries."""

import pytest
from django.urls import reverse

from initiatives.models import Initiative, Recommendation
from tests.factories import DepartmentFactory, InitiativeFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(home, away):
    kateter = RecommendationFactory(
        title="Undgå rutinemæssigt blærekateter", society="Dansk Ortopædisk Selskab", year=2025, text="Kateter."
    )
    antibiotika = RecommendationFactory(
        title="Antibiotika til øvre luftvejsinfektioner",
        society="Vælg Klogt (flere selskaber)",
        year=2024,
        text="Undgå antibiotika ved halsbetændelse.",
        source_url="https://dsohh.dk/national-kampagne-vaelg-klogt/",
    )
    own = RecommendationFactory(kind=Recommendation.Kind.LOCAL, owner_department=home, title="Fravalg af vejning")
    hidden = RecommendationFactory(kind=Recommendation.Kind.LOCAL, owner_department=away, title="Fravalg af blodtryk")
    shared = RecommendationFactory(
        kind=Recommendation.Kind.LOCAL, owner_department=away, title="Fravalg af rutine-EKG", shared=True
    )
    InitiativeFactory(department=away, recommendation=kateter, year=2026)
    InitiativeFactory(department=home, recommendation=kateter, year=2026)
    InitiativeFactory(department=away, recommendation=antibiotika, year=2025, status=Initiative.Status.STOPPED)
    return {"kateter": kateter, "antibiotika": antibiotika, "own": own, "hidden": hidden, "shared": shared}


def _titles(response):
    return [entry.recommendation.title for entry in response.context["entries"]]


def test_catalogue_lists_national_and_visible_opt_outs(client_for, noegle, catalogue):
    titles = _titles(client_for(noegle).get(reverse("initiatives:catalogue")))
    assert set(titles) == {
        "Undgå rutinemæssigt blærekateter",
        "Antibiotika til øvre luftvejsinfektioner",
        "Fravalg af vejning",
        "Fravalg af rutine-EKG",
    }
    assert titles[0] == "Antibiotika til øvre luftvejsinfektioner"  # national recommendations first


def test_kdk_sees_every_opt_out(client_for, kdk, catalogue):
    assert "Fravalg af blodtryk" in _titles(client_for(kdk).get(reverse("initiatives:catalogue")))


@pytest.mark.parametrize(
    "query,expected",
    [
        ({"q": "halsbetændelse"}, ["Antibiotika til øvre luftvejsinfektioner"]),
        ({"q": "KATETER rutinemæssigt"}, ["Undgå rutinemæssigt blærekateter"]),
        ({"society": "Dansk Ortopædisk Selskab"}, ["Undgå rutinemæssigt blærekateter"]),
        ({"year": "2024"}, ["Antibiotika til øvre luftvejsinfektioner"]),
        ({"kind": "local"}, ["Fravalg af rutine-EKG", "Fravalg af vejning"]),
    ],
)
def test_catalogue_filters(client_for, noegle, catalogue, query, expected):
    response = client_for(noegle).get(reverse("initiatives:catalogue"), query)
    assert _titles(response) == expected


def test_unknown_filter_value_is_ignored_not_an_error(client_for, noegle, catalogue):
    response = client_for(noegle).get(reverse("initiatives:catalogue"), {"year": "1066"})
    assert response.status_code == 200
    assert len(_titles(response)) == 4


def test_catalogue_shows_which_departments_work_on_it_and_links_source(client_for, noegle, catalogue, home, away):
    response = client_for(noegle).get(reverse("initiatives:catalogue"))
    entries = {entry.recommendation.title: entry for entry in response.context["entries"]}
    kateter = entries["Undgå rutinemæssigt blærekateter"]
    assert [(department.name, years) for department, years in kateter.departments] == [
        (away.name, [2026]),
        (home.name, [2026]),
    ]
    assert [initiative.department for initiative in kateter.mine] == [home]
    assert entries["Antibiotika til øvre luftvejsinfektioner"].departments == []  # stopped does not count
    body = response.content.decode()
    assert "Medicinsk Afdeling (2026); Ortopædkirurgisk Afdeling (2026)" in body
    assert 'href="https://dsohh.dk/national-kampagne-vaelg-klogt/"' in body


def test_catalogue_htmx_returns_only_the_results(client_for, noegle, catalogue):
    response = client_for(noegle).get(reverse("initiatives:catalogue"), {"q": "kateter"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="catalogue-results"')
    assert "Undgå rutinemæssigt blærekateter" in body and "<html" not in body


def test_key_person_sees_no_select_button(client_for, noegle, leder, catalogue):
    assert client_for(noegle).get(reverse("initiatives:catalogue")).context["can_select"] is False
    assert client_for(leder).get(reverse("initiatives:catalogue")).context["can_select"] is True


@pytest.mark.parametrize("count", [1, 12])
def test_catalogue_query_count_is_bounded(client_for, leder, home, count, django_assert_max_num_queries):
    for _ in range(count):
        recommendation = RecommendationFactory()
        for _ in range(3):
            InitiativeFactory(recommendation=recommendation, department=DepartmentFactory())
    client = client_for(leder)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("initiatives:catalogue"))
    assert len(response.context["entries"]) == count


def test_recommendation_page_shows_departments_and_select_link(client_for, leder, catalogue, home, away):
    response = client_for(leder).get(reverse("initiatives:recommendation", kwargs={"pk": catalogue["kateter"].pk}))
    body = response.content.decode()
    assert [i.department for i in response.context["working"]] == [away, home]
    assert reverse("dashboards:select", kwargs={"pk": catalogue["kateter"].pk}) in body


def test_other_departments_unshared_opt_out_is_not_found(client_for, noegle, catalogue):
    response = client_for(noegle).get(reverse("initiatives:recommendation", kwargs={"pk": catalogue["hidden"].pk}))
    assert response.status_code == 404
