"""Dashboards, hospital-wide status and board: content, scoping (leder/udenfor/kdk/direktion) and query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.months import add_months, last_complete_month
from departments.models import Department
from measurements.models import ChartPhase, Measure, Measurement, PointNote, Unit
from tests.factories import (
    ActionFactory,
    DepartmentFactory,
    HospitalFactory,
    InitiativeFactory,
    LocalTeamFactory,
    MeasureFactory,
    SectionFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _this_year():
    return timezone.localdate().year


def _fill(department, *, measures=1, months=3, with_sections=False, unit=Unit.PROPORTION):
    """An initiative of this year with `measures` measures holding `months` monthly values each."""
    end = last_complete_month(timezone.localdate())
    start = add_months(end, -(months - 1))
    initiative = InitiativeFactory(department=department, year=_this_year())
    sections = [SectionFactory(department=department) for _ in range(2)] if with_sections else []
    initiative.sections.set(sections)
    ActionFactory(initiative=initiative, date=start + dt.timedelta(days=3), text="Ny instruks på tavlen")
    created = []
    for index in range(measures):
        measure = MeasureFactory(
            initiative=initiative,
            unit=unit,
            per_section=with_sections,
            start_month=start,
            target=20,
            name=f"Andel med kateter {index}",
        )
        Measurement.objects.bulk_create(
            Measurement(
                measure=measure,
                section=section,
                month=add_months(start, offset),
                numerator=3 + offset % 4,
                denominator=None if unit == Unit.COUNT else 20,
                unit=unit,
            )
            for offset in range(months)
            for section in (sections or [None])
        )
        created.append(measure)
    return initiative, created


def _query_count(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# --- department dashboard ---------------------------------------------------------------------------------------


def test_leder_sees_own_dashboard_with_goals_team_initiatives_charts_and_actions(client_for, leder, home):
    LocalTeamFactory(department=home, established_on=dt.date(_this_year(), 2, 1))
    _initiative, [measure] = _fill(home, months=12)
    response = client_for(leder).get(reverse("dashboards:department_dashboard", args=[home.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ortopædkirurgisk Afdeling" in html
    assert "Mål 1: 1–2 anbefalinger, fulgt med målinger" in html and "Opfyldt" in html
    assert "Etableret i 1. kvartal" in html
    assert measure.name in html
    assert f'id="chart-{measure.pk}-data" type="application/json"' in html
    assert "For få datapunkter til analyse" in html or "variation" in html  # the signal sentence
    assert "12 af 12 månedstal" in html  # completeness of the measure
    assert "Ny instruks på tavlen" in html  # recent actions
    assert "plotly-basic-4.1.1.min.js" in html and "js/charts.js" in html
    assert "<script>" not in html and " style=" not in html
    card = response.context["dashboard"].cards[0]
    assert card.chart.kind == "p" and card.target_text == "20,0 %"


def test_dashboard_run_switch_shows_every_chart_as_run_chart(client_for, leder, home):
    _fill(home, measures=2)
    response = client_for(leder).get(reverse("dashboards:department_dashboard", args=[home.pk]), {"diagram": "run"})
    assert [card.chart.kind for card in response.context["dashboard"].cards] == ["run", "run"]
    assert "Vis diagramtype efter måleenhed" in response.content.decode()


def test_dashboard_without_initiatives_says_so(client_for, leder, home):
    response = client_for(leder).get(reverse("dashboards:department_dashboard", args=[home.pk]))
    html = response.content.decode()
    assert "har ikke valgt en anbefaling" in html
    assert "har ikke registreret et lokalt Vælg Klogt-team" in html


def test_outsider_gets_404_on_another_departments_dashboard_and_board(client_for, udenfor, home):
    _fill(home)
    client = client_for(udenfor)
    for url in (
        reverse("dashboards:department_dashboard", args=[home.pk]),
        reverse("dashboards:board", args=[home.pk]),
        reverse("dashboards:department_dashboard", args=[999999]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert home.name not in response.content.decode()  # nothing of the department is shown


def test_leder_cannot_open_other_departments_dashboard(client_for, leder, away):
    response = client_for(leder).get(reverse("dashboards:department_dashboard", args=[away.pk]))
    assert response.status_code == 404
    assert away.name not in response.content.decode()


@pytest.mark.parametrize("who", ["kdk", "direktion"])
def test_kdk_and_direktion_see_every_department(request, client_for, who, home, away):
    client = client_for(request.getfixturevalue(who))
    for department in (home, away):
        response = client.get(reverse("dashboards:department_dashboard", args=[department.pk]))
        assert response.status_code == 200 and response.context["dashboard"].department == department


def test_dashboards_refuse_post_and_change_nothing(client_for, udenfor, home):
    _fill(home)
    before = Measurement.objects.count()
    response = client_for(udenfor).post(reverse("dashboards:department_dashboard", args=[home.pk]))
    assert response.status_code == 405 and Measurement.objects.count() == before


def test_anonymous_user_is_sent_to_login(client, home):
    response = client.get(reverse("dashboards:department_dashboard", args=[home.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_dashboard_query_count_is_the_same_for_small_and_large_data(client_for, leder, home, django_assert_num_queries):
    LocalTeamFactory(department=home)
    TeamMemberFactory(team=home.local_team)
    _fill(home, measures=1, months=2)
    client = client_for(leder)
    url = reverse("dashboards:department_dashboard", args=[home.pk])
    client.get(url)  # warm the session
    small = _query_count(client, url)
    _fill(home, measures=4, months=30, with_sections=True)
    _fill(home, measures=2, months=24, unit=Unit.COUNT)
    TeamMemberFactory(team=home.local_team)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["dashboard"].cards) == 7
    # In a test transaction the status summaries are computed, not cached (4 fewer when warm); two queries read the
    # months reported and the quarter's approval (measurements.dataquality); two read the phases and notes of the
    # measures whose status and chart are computed; two read the PDSA periods and the progress scores (improvement);
    # one reads the data generation (core.generation: the page is remembered under it once committed).
    assert small <= 29


# --- mine ---------------------------------------------------------------------------------------------------------


def test_mine_sends_department_user_to_their_dashboard_and_kdk_to_status(client_for, leder, kdk, home):
    response = client_for(leder).get(reverse("dashboards:department_dashboard_mine"))
    assert response.url == reverse("dashboards:department_dashboard", args=[home.pk])
    response = client_for(kdk).get(reverse("dashboards:department_dashboard_mine"))
    assert response.url == reverse("dashboards:hospital_status")


def test_mine_sends_user_without_department_to_start(client_for):
    response = client_for(UserFactory()).get(reverse("dashboards:department_dashboard_mine"))
    assert response.url == reverse("dashboards:start")


# --- chart-type switch ---------------------------------------------------------------------------------------------


def test_chart_switch_returns_only_the_card_for_htmx(client_for, noegle, home):
    _initiative, [measure] = _fill(home, months=6)
    url = reverse("dashboards:measure_chart", args=[measure.pk])
    response = client_for(noegle).get(url, {"kind": "run"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<article class="measure-card" id="measure-{measure.pk}"')
    assert "<html" not in html
    assert "Seriediagram" in html and "Vis som p-kontroldiagram" in html
    assert f'hx-get="{url}?kind=p"' in html and f'href="{url}?kind=p"' in html


def test_chart_switch_without_htmx_is_a_full_page_and_ignores_unknown_kind(client_for, noegle, home):
    _initiative, [measure] = _fill(home, months=6)
    response = client_for(noegle).get(reverse("dashboards:measure_chart", args=[measure.pk]), {"kind": "bogus"})
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert response.context["card"].chart.kind == "p"


def test_outsider_gets_404_on_another_departments_chart(client_for, udenfor, home):
    _initiative, [measure] = _fill(home)
    response = client_for(udenfor).get(reverse("dashboards:measure_chart", args=[measure.pk]))
    assert response.status_code == 404


# --- board ----------------------------------------------------------------------------------------------------------


def test_board_is_full_screen_large_and_polls_itself(client_for, leder, home):
    _initiative, [measure] = _fill(home, months=8)
    response = client_for(leder).get(reverse("dashboards:board", args=[home.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="board"' in html and 'hx-trigger="every 300s"' in html
    assert measure.name in html and f'id="chart-{measure.pk}-data"' in html
    assert "Hovedmenu" not in html  # no navigation on the screen
    assert "<script>" not in html and " style=" not in html


def test_board_refresh_returns_the_board_partial(client_for, leder, home):
    _fill(home)
    response = client_for(leder).get(reverse("dashboards:board", args=[home.pk]), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="board"') and "<html" not in html


def test_board_query_count_is_the_same_for_small_and_large_data(client_for, leder, home, django_assert_num_queries):
    _fill(home, measures=1, months=2)
    client = client_for(leder)
    url = reverse("dashboards:board", args=[home.pk])
    client.get(url)
    small = _query_count(client, url)
    _fill(home, measures=5, months=36, with_sections=True)
    with django_assert_num_queries(small):
        client.get(url)


# --- hospital-wide status -------------------------------------------------------------------------------------------


def test_hospital_status_lists_every_department_with_totals_and_drill_down(client_for, kdk, home, away):
    _fill(home, months=12)
    response = client_for(kdk).get(reverse("dashboards:hospital_status"))
    html = response.content.decode()
    assert response.status_code == 200
    assert [row.department for row in response.context["rows"]] == [away, home]  # by name
    assert "I alt" in html and "1 af 2 opfyldt" in html
    assert reverse("dashboards:department_dashboard", args=[home.pk]) in html
    totals = response.context["totals"]
    assert totals.completeness.expected == 12 and totals.completeness.present == 12


def test_hospital_status_rows_escape_names_and_write_numbers_as_the_pages_do(client_for, kdk, home):
    """The rows are written in Python (dashboards/status_table.py): names escaped, completeness and counts as the
    template language wrote them, the approval link for the quarter to approve."""
    home.name = 'Øre & <næse> "hals"'
    home.save()
    _fill(home, months=12)
    response = client_for(kdk).get(reverse("dashboards:hospital_status"))
    text = response.content.decode()
    dashboard = reverse("dashboards:department_dashboard", args=[home.pk])
    name = "Øre &amp; &lt;næse&gt; &quot;hals&quot;"
    assert f'<th scope="row"><a href="{dashboard}?year={_this_year()}">{name}</a></th>' in text
    assert "<næse>" not in text
    row = text[text.index(name) : text.index("</tr>", text.index(name))]
    assert '<td class="num">100 % <small class="muted">(12/12)</small></td>' in row
    approval = reverse("measurements:approval", args=[home.pk, response.context["approval_quarter"]])
    assert f'<td class="approval"><a href="{approval}">' in row


def test_hospital_status_filters_by_hospital_and_year_with_htmx_partial(client_for, direktion, home, away, hospital):
    _fill(home)
    client = client_for(direktion)
    response = client.get(
        reverse("dashboards:hospital_status"), {"hospital": hospital.pk}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="status-results"') and "<html" not in html
    assert "Ortopædkirurgisk Afdeling" in html and "Medicinsk Afdeling" not in html
    response = client.get(reverse("dashboards:hospital_status"), {"hospital": hospital.pk})
    assert [row.department for row in response.context["rows"]] == [home]
    response = client.get(reverse("dashboards:hospital_status"), {"year": _this_year() - 1})
    assert response.context["year"] == _this_year() - 1
    assert all(row.initiatives == [] for row in response.context["rows"])


def test_hospital_status_ignores_unknown_filters(client_for, kdk, home, away):
    response = client_for(kdk).get(reverse("dashboards:hospital_status"), {"hospital": "x", "year": "abc"})
    assert response.context["hospital"] is None and response.context["year"] == _this_year()
    assert len(response.context["rows"]) == 2


@pytest.mark.parametrize("who", ["leder", "udenfor"])
def test_department_users_get_403_on_hospital_status(request, client_for, who):
    response = client_for(request.getfixturevalue(who)).get(reverse("dashboards:hospital_status"))
    assert response.status_code == 403
    assert "rows" not in (response.context or {})  # no status was computed or shown


def test_hospital_status_query_count_is_the_same_for_few_and_many_departments(
    client_for, kdk, home, django_assert_num_queries
):
    _fill(home, months=2)
    client = client_for(kdk)
    url = reverse("dashboards:hospital_status")
    client.get(url)
    small = _query_count(client, url)
    other_hospital = HospitalFactory()
    for _ in range(5):
        department = DepartmentFactory(hospitals=[other_hospital])
        LocalTeamFactory(department=department)
        _fill(department, measures=3, months=20, with_sections=True)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["rows"]) == Department.objects.count() == 6
    assert small <= 20


# --- start page -------------------------------------------------------------------------------------------------


def test_start_page_links_to_dashboard_for_department_user_and_status_for_kdk(client_for, leder, kdk, home):
    html = client_for(leder).get(reverse("dashboards:start")).content.decode()
    assert reverse("dashboards:department_dashboard", args=[home.pk]) in html
    html = client_for(kdk).get(reverse("dashboards:start")).content.decode()
    assert reverse("dashboards:hospital_status") in html


def test_values_are_formatted_in_danish_display_units():
    from dashboards.selectors import format_value
    from measurements.models import Measure

    assert format_value(Measure(unit=Unit.PROPORTION), 23.456) == "23,5 %"
    assert format_value(Measure(unit=Unit.RATE, rate_per=1000), 4.1234) == "4,12 pr. 1.000"
    assert format_value(Measure(unit=Unit.RATE, rate_per=1), 4.27) == "4,27"
    assert format_value(Measure(unit=Unit.COUNT), 45.0) == "45"
    assert format_value(Measure(unit=Unit.COUNT), None) == "–"


# --- issue 12: saved chart kinds, phases and notes keep the query counts fixed -----------------------------------


def _decide(measures, *, kinds):
    """Give each measure a saved kind, a frozen baseline, a split, an excluded month and a note."""
    for measure, kind in zip(measures, kinds, strict=False):
        Measure.objects.filter(pk=measure.pk).update(chart_kind=kind, chart_revision=1)
        start = measure.start_month
        ChartPhase.objects.bulk_create(
            [
                ChartPhase(measure=measure, kind="freeze", month=add_months(start, 1), reason="Baseline"),
                ChartPhase(measure=measure, kind="split", month=add_months(start, 1), reason="Tiltag"),
                ChartPhase(measure=measure, kind="exclude", month=start, reason="IT-nedbrud"),
            ]
        )
        PointNote.objects.create(measure=measure, month=start, text="Ferie")


@pytest.mark.parametrize("page", ["dashboards:department_dashboard", "dashboards:board"])
def test_pages_with_new_kinds_and_phases_take_as_many_queries_for_small_and_large_data(
    client_for, leder, home, django_assert_num_queries, page
):
    LocalTeamFactory(department=home)
    _initiative, small_measures = _fill(home, measures=1, months=3)
    _decide(small_measures, kinds=["pp"])
    client = client_for(leder)
    url = reverse(page, args=[home.pk])
    client.get(url)  # warm the session
    small = _query_count(client, url)
    _initiative, large = _fill(home, measures=4, months=30, with_sections=True)
    _decide(large, kinds=["pp", "run", "p", "pp"])
    _initiative, counts = _fill(home, measures=2, months=24, unit=Unit.COUNT)
    _decide(counts, kinds=["c", "i"])
    with django_assert_num_queries(small):
        response = client.get(url)
    kinds = {card.measure.pk: card.chart.kind for card in response.context["dashboard"].cards}
    assert sorted(kinds.values()) == sorted(["pp", "pp", "run", "p", "pp", "c", "i"])
    split = next(c for c in response.context["dashboard"].cards if c.measure.pk == large[0].pk)
    assert len(split.chart.result.parts) == 2 and split.chart.result.exclude == (1,)


# --- issue 16.6: a tiltag of this month on every chart ------------------------------------------------------------


def _tiltag_notes(figure):
    marker = next(trace for trace in figure["data"] if trace["name"] == "Tiltag")
    return [row[1] for row in marker["customdata"]], figure["layout"]["annotations"]


@pytest.mark.parametrize("page", ["dashboards:department_dashboard", "dashboards:board"])
def test_tiltag_dated_this_month_shows_on_dashboard_and_board_charts(client_for, leder, home, page):
    _initiative, [measure] = _fill(home, months=4)
    today = timezone.localdate()
    text = "Ny tjekliste på stuegang for alle patienter med kateter fra i dag"
    ActionFactory(initiative=measure.initiative, date=today, text=text)
    response = client_for(leder).get(reverse(page, args=[home.pk]))
    [card] = response.context["dashboard"].cards
    texts, notes = _tiltag_notes(card.chart.figure)
    assert texts == ["Ny instruks på tavlen", text]
    assert card.chart.figure["layout"]["xaxis"]["range"][1] >= today.isoformat()
    # The label is readable in full: wrapped on lines, every word there, and the whole text on hover.
    label = notes[1]["text"]
    assert label.replace("<br>", " ") == text and "<br>" in label
    assert today.strftime("%Y") in notes[1]["hovertext"] and text in notes[1]["hovertext"]
