"""The diagram, cycle and score pages: inline editing with htmx, messages next to the field, nothing partial saved,
and query counts that do not grow with the diagram or the number of cycles."""

import datetime as dt

from django.urls import reverse

from improvement import services
from improvement.models import ChangeIdea, Driver, PdsaCycle, ProgressScore
from initiatives.models import Action

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_leder_builds_a_diagram_inline_with_htmx(client_for, leder, initiative):
    client = client_for(leder)
    add = reverse("improvement:driver_add", args=[initiative.pk])
    response = client.post(add, {"text": "Kendskab til anbefalingen"}, **HTMX)
    assert response.status_code == 200
    primary = Driver.objects.get()
    assert 'id="diagram"' in response.content.decode() and "Kendskab til anbefalingen" in response.content.decode()
    assert "<html" not in response.content.decode()  # the partial, not the page
    client.post(add, {"text": "Undervisning", "parent": primary.pk}, **HTMX)
    client.post(add, {"text": "Påmindelser", "parent": primary.pk}, **HTMX)
    secondary = Driver.objects.get(text="Undervisning")
    response = client.post(reverse("improvement:idea_add", args=[secondary.pk]), {"text": "Tavlemøde"}, **HTMX)
    idea = ChangeIdea.objects.get()
    assert idea.driver == secondary and idea.proposed is False
    assert [d.text for d in primary.children.order_by("position")] == ["Undervisning", "Påmindelser"]
    page = client.get(reverse("improvement:diagram", args=[initiative.pk])).content.decode()
    assert page.index("Kendskab til anbefalingen") < page.index("Undervisning") < page.index("Tavlemøde")


def test_a_plain_form_post_returns_to_the_diagram_still_editing(client_for, leder, initiative):
    """Enter pressed before htmx has taken over the form (or without JavaScript): the form posts as a page and the
    user lands back in the diagram's editing mode, where the next field is."""
    client = client_for(leder)
    response = client.post(reverse("improvement:driver_add", args=[initiative.pk]), {"text": "Kendskab"})
    diagram = reverse("improvement:diagram", args=[initiative.pk])
    assert response.status_code == 302 and response.url == f"{diagram}?edit=1"
    primary = Driver.objects.get(text="Kendskab")
    page = client.get(response.url).content.decode()
    assert f'id="add-child-{primary.pk}"' in page and 'id="add-primary"' in page


def test_an_empty_driver_gets_a_danish_message_next_to_the_field_and_nothing_is_saved(client_for, leder, initiative):
    response = client_for(leder).post(reverse("improvement:driver_add", args=[initiative.pk]), {"text": " "}, **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="add-primary-error"' in html and "Skriv driverens tekst." in html
    assert 'aria-invalid="true"' in html
    assert not Driver.objects.exists()


def test_a_key_person_proposes_an_idea_but_cannot_edit_drivers(client_for, noegle, diagram_tree):
    _primary, first, *_rest = diagram_tree
    client = client_for(noegle)
    response = client.post(reverse("improvement:driver_edit", args=[first.pk]), {"text": "Omdøbt"})
    assert response.status_code == 403
    first.refresh_from_db()
    assert first.text == "Undervisning"
    client.post(reverse("improvement:idea_add", args=[first.pk]), {"text": "Lommekort"}, **HTMX)
    proposed = ChangeIdea.objects.get(text="Lommekort")
    assert proposed.proposed is True and proposed.created_by == noegle


def test_rename_and_move_keep_the_diagram_consistent(client_for, leder, diagram_tree):
    primary, _first, second, _idea = diagram_tree
    client = client_for(leder)
    client.post(reverse("improvement:driver_edit", args=[second.pk]), {"text": "Påmindelser i EPJ"}, **HTMX)
    client.post(reverse("improvement:driver_move", args=[second.pk]), {"direction": "up"}, **HTMX)
    assert list(primary.children.order_by("position").values_list("text", flat=True)) == [
        "Påmindelser i EPJ",
        "Undervisning",
    ]
    assert second.history.count() >= 3  # created, renamed, moved: who and when kept


def test_deleting_a_driver_with_cycles_asks_first(client_for, leder, diagram_tree, initiative):
    _primary, first, _second, idea = diagram_tree
    services.cycle_plan(
        initiative=initiative,
        change_idea=idea,
        change="x",
        start=dt.date(2026, 2, 1),
        end=dt.date(2026, 2, 2),
        by=leder,
    )
    client = client_for(leder)
    url = reverse("improvement:driver_delete", args=[first.pk])
    asked = client.get(url).content.decode()
    assert 'name="cycles" value="keep"' in asked
    response = client.post(url, {})
    assert response.status_code == 422 and "Vælg, om de skal beholdes" in response.content.decode()
    assert Driver.objects.filter(pk=first.pk).exists() and ChangeIdea.objects.count() == 1
    response = client.post(url, {"cycles": "keep"})
    assert response.status_code == 302
    assert not ChangeIdea.objects.exists() and PdsaCycle.objects.get().change_idea is None


def _cycle_post(measure, **overrides):
    data = {
        "status": "planned",
        "change": "Tjekliste ved stuegang",
        "start": "2026-03-01",
        "end": "2026-03-31",
        "prediction_measure": measure.pk,
        "prediction_direction": "down",
        "prediction_amount": "10 procentpoint",
        "prediction": "Andelen falder fra 40 % til 30 %",
    }
    data.update(overrides)
    return data


def test_planning_a_cycle_with_end_before_start_is_refused_with_a_danish_message(
    client_for, noegle, initiative, measure
):
    url = reverse("improvement:cycle_create", args=[initiative.pk])
    response = client_for(noegle).post(url, _cycle_post(measure, start="2026-04-01", end="2026-03-01"))
    assert response.status_code == 422
    assert "Slutdatoen ligger før startdatoen." in response.content.decode()
    assert not PdsaCycle.objects.exists()


def test_noegle_plans_runs_studies_and_adopts_a_cycle_once(client_for, noegle, initiative, measure):
    client = client_for(noegle)
    response = client.post(reverse("improvement:cycle_create", args=[initiative.pk]), _cycle_post(measure))
    cycle = PdsaCycle.objects.get()
    assert response.url == reverse("improvement:cycle", args=[cycle.pk])
    url = reverse("improvement:cycle", args=[cycle.pk])
    client.post(url, _cycle_post(measure, status="study", what_happened="Brugt", result="Faldt til 28 %"))
    cycle.refresh_from_db()
    assert (cycle.status, cycle.result) == ("study", "Faldt til 28 %")
    adopt = reverse("improvement:cycle_adopt", args=[cycle.pk])
    client.post(adopt)
    client.post(adopt)
    assert Action.objects.filter(initiative=initiative).count() == 1
    page = client.get(url).content.decode()
    assert "Faldt til 28 %" in page and "Andelen falder fra 40 % til 30 %" in page
    assert 'id="cycle-chart"' in page


def test_a_cycle_without_prediction_cannot_be_set_running_from_the_page(client_for, noegle, initiative, measure):
    cycle = services.cycle_plan(
        initiative=initiative, change="Ny rutine", start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 9), by=noegle
    )
    response = client_for(noegle).post(
        reverse("improvement:cycle", args=[cycle.pk]),
        _cycle_post(measure, status="running", prediction="", prediction_measure="", what_happened="Vi startede"),
    )
    assert response.status_code == 422
    assert "Skriv jeres forudsigelse, før cyklussen kan gå i gang." in response.content.decode()
    cycle.refresh_from_db()
    assert (cycle.status, cycle.what_happened, cycle.prediction) == ("planned", "", "")


def test_score_page_saves_the_teams_score_and_only_suggests(client_for, noegle, initiative):
    client = client_for(noegle)
    url = reverse("improvement:scores", args=[initiative.pk])
    page = client.get(url).content.decode()
    assert "Data peger på 1,0" in page
    assert not ProgressScore.objects.exists()
    response = client.post(url, {"month": "2026-03", "score": "2.5", "note": "Test i gang"})
    assert response.status_code == 302
    assert ProgressScore.objects.get().note == "Test i gang"
    response = client.post(url, {"month": "", "score": "9"})
    assert response.status_code == 422 and ProgressScore.objects.count() == 1


def _grow_diagram(initiative, by, *, primaries, ideas_each):
    for p in range(primaries):
        primary = services.driver_add(initiative=initiative, text=f"P{p}", by=by)
        for s in range(2):
            secondary = services.driver_add(initiative=initiative, text=f"S{p}{s}", parent=primary, by=by)
            for i in range(ideas_each):
                services.idea_add(driver=secondary, text=f"I{p}{s}{i}", by=by)


def _count(client, url, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_diagram_page_query_count_does_not_grow_with_the_diagram(
    client_for, leder, initiative, measure, django_assert_max_num_queries
):
    client = client_for(leder)
    url = reverse("improvement:diagram", args=[initiative.pk]) + "?edit=1"
    _grow_diagram(initiative, leder, primaries=1, ideas_each=1)
    client.get(url)
    small = _count(client, url, django_assert_max_num_queries)
    _grow_diagram(initiative, leder, primaries=6, ideas_each=4)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.content.decode().count('class="dd-node dd-idea') == 2 + 6 * 2 * 4


def test_cycle_list_query_count_is_the_same_for_1_and_30_cycles(
    client_for, noegle, initiative, measure, section, django_assert_max_num_queries
):
    client = client_for(noegle)
    url = reverse("improvement:cycles", args=[initiative.pk])

    def plan(n):
        cycle = services.cycle_plan(
            initiative=initiative,
            change=f"Test {n}",
            start=dt.date(2026, 1, 1) + dt.timedelta(days=n),
            end=dt.date(2026, 1, 5) + dt.timedelta(days=n),
            sections=[section],
            prediction_measure=measure,
            prediction_direction="down",
            prediction="Falder",
            by=noegle,
        )
        return cycle

    previous = plan(0)
    client.get(url)
    small = _count(client, url, django_assert_max_num_queries)
    for n in range(1, 30):
        following = plan(n)
        following.previous = previous
        following.save()
        previous = following
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.content.decode().count("<tr") == 31
