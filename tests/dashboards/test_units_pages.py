"""The units *gennemsnit* and *sjældne hændelser* on the pages that combine apps: the status verdict is the chart's
(T chart over the events, not the monthly counts), and the dashboard and board stay at a fixed number of queries
whatever the number of means, events and months (issue 12, point 2)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.months import add_months, last_complete_month
from departments.models import Department
from goals import status
from measurements import charts
from measurements.models import Measurement, RareEvent, Unit
from measurements.periods import measure_months
from tests.factories import InitiativeFactory, MeasureFactory, SectionFactory

from .test_views import _query_count

pytestmark = pytest.mark.django_db


def _fill(department, *, months: int, means: int = 1, events: int = 1, per_month: int = 2, sections: bool = False):
    today = timezone.localdate()
    end = last_complete_month(today)
    start = add_months(end, -(months - 1))
    initiative = InitiativeFactory(department=department, year=today.year)
    slots = [SectionFactory(department=department) for _ in range(2)] if sections else []
    initiative.sections.set(slots)
    created = []
    for index in range(means):
        measure = MeasureFactory(
            initiative=initiative, unit=Unit.MEAN, per_section=sections, start_month=start, name=f"Liggetid {index}"
        )
        Measurement.objects.bulk_create(
            Measurement(
                measure=measure,
                section=slot,
                month=add_months(start, offset),
                numerator=10 + offset % 3,
                mean=40 + offset % 5,
                sd=8,
                unit=Unit.MEAN,
            )
            for offset in range(months)
            for slot in (slots or [None])
        )
        created.append(measure)
    for index in range(events):
        measure = MeasureFactory(
            initiative=initiative, unit=Unit.EVENTS, per_section=False, start_month=start, name=f"Hændelse {index}"
        )
        for offset in range(months):
            month = add_months(start, offset)
            days = [1 + (7 * k + offset) % 27 for k in range(per_month)]
            Measurement.objects.create(measure=measure, month=month, numerator=len(days), unit=Unit.EVENTS)
            RareEvent.objects.bulk_create(
                RareEvent(measure=measure, date=month.replace(day=day), opportunities=30 + day) for day in days
            )
        created.append(measure)
    return created


def test_status_verdict_is_the_t_chart_over_the_events(home):
    mean, events = _fill(home, months=14)
    today = timezone.localdate()
    [row] = status.department_rows(Department.objects.filter(pk=home.pk), year=today.year, today=today)
    by_pk = {entry.measure.pk: entry for entry in row.measures}
    for measure in (mean, events):
        chart = charts.chart_for_measure(measure, months=measure_months(measure, today=today), values=None)
        assert by_pk[measure.pk].sentence == charts.spc.describe(chart.result)
        assert by_pk[measure.pk].signal == charts.signal_of(measure, chart.result)
    t_chart = charts.chart_for_measure(events, months=measure_months(events, today=today), values=None)
    assert t_chart.kind == "t" and len(t_chart.points) == 28  # one point per event, not per month
    # the month's number of events stays the status' latest value (what the team reported)
    assert by_pk[events.pk].latest_value == 2.0
    assert by_pk[events.pk].completeness.present == 14


def test_dashboard_shows_both_units(client_for, leder, home):
    _fill(home, months=6)
    response = client_for(leder).get(reverse("dashboards:department_dashboard", args=[home.pk]))
    html = response.content.decode()
    assert "Xbar-kontroldiagram" in html and "T-kontroldiagram" in html
    assert "dage siden forrige hændelse" in html


@pytest.mark.parametrize("page", ["dashboards:department_dashboard", "dashboards:board"])
def test_query_count_is_the_same_for_few_and_many_means_and_events(
    client_for, leder, home, django_assert_num_queries, page
):
    _fill(home, months=2)
    client = client_for(leder)
    url = reverse(page, args=[home.pk])
    client.get(url)
    small = _query_count(client, url)
    _fill(home, months=30, means=3, events=3, per_month=4, sections=True)
    with django_assert_num_queries(small):
        client.get(url)


def test_report_sections_read_events_in_one_query(home, django_assert_max_num_queries):
    from initiatives.models import Initiative
    from reports.documents.data import initiative_sections

    _fill(home, months=6, means=2, events=3)
    initiatives = list(Initiative.objects.filter(department=home))
    as_of = add_months(last_complete_month(timezone.localdate()), 1) + dt.timedelta(days=1)
    # 12 for the charts (events in one query for all three rare-event measures), 3 for the improvement section
    # (driver diagrams, the quarter's PDSA cycles, progress scores), whatever the number of measures.
    with django_assert_max_num_queries(15):
        sections = initiative_sections(initiatives, as_of=as_of)
    kinds = sorted(m.chart.kind for section in sections for m in section.measures)
    assert kinds == ["t", "t", "t", "xbar", "xbar"]


def test_report_quarter_table_of_a_rare_event_measure_lists_its_months(home):
    from core.quarters import Quarter
    from initiatives.models import Initiative
    from reports.documents.data import initiative_sections

    _fill(home, months=14)
    end = last_complete_month(timezone.localdate())
    quarter = Quarter(end.year, (end.month - 1) // 3 + 1)
    as_of = add_months(end, 1)
    [section] = initiative_sections(list(Initiative.objects.filter(department=home)), as_of=as_of, quarter=quarter)
    by_unit = {m.measure.unit: m for m in section.measures}
    rows = by_unit[Unit.EVENTS].quarter_points
    assert [p.month for p in rows] == [m for m in quarter.months if m <= end]
    assert {p.numerator for p in rows} == {2}


@pytest.mark.parametrize("unit", [Unit.MEAN, Unit.EVENTS])
def test_chart_page_and_measure_card_of_the_new_units(client_for, leder, home, unit):
    mean, events = _fill(home, months=8)
    measure = mean if unit == Unit.MEAN else events
    client = client_for(leder)
    page = client.get(reverse("measurements:chart", args=[measure.pk]))
    assert page.status_code == 200
    assert (
        ("Xbar" in page.content.decode() or "X̄" in page.content.decode())
        if unit == Unit.MEAN
        else ("T-kontroldiagram" in page.content.decode())
    )
    entry = client.get(reverse("measurements:entry", args=[measure.pk]))
    assert entry.status_code == 200
