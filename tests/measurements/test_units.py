"""The units *gennemsnit* (mean) and *sjældne hændelser* (rare events): pooling, event → T/G values, the write
service, completeness and data quality (issue 12, point 2)."""

import datetime as dt
import math
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from measurements import charts, spc
from measurements.checks import question_for
from measurements.models import Measurement, RareEvent, Unit
from measurements.periods import completeness_for
from measurements.series import event_points, monthly_series, monthly_totals, pool
from measurements.services import (
    Entry,
    NotSaved,
    Outcome,
    error_dict,
    measurement_record,
    measurement_record_many,
)
from tests.factories import MeasureFactory

from .conftest import NOV, OCT, SEP, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def mean(initiative):
    return MeasureFactory(
        initiative=initiative, code="ORT-M", unit=Unit.MEAN, per_section=True, start_month=dt.date(2026, 1, 1)
    )


@pytest.fixture
def events(initiative):
    return MeasureFactory(
        initiative=initiative, code="ORT-E", unit=Unit.EVENTS, per_section=True, start_month=dt.date(2026, 1, 1)
    )


@pytest.fixture
def department_events(initiative):
    return MeasureFactory(
        initiative=initiative, code="ORT-G", unit=Unit.EVENTS, per_section=False, start_month=dt.date(2026, 1, 1)
    )


def record(measure, *, by, section=None, month=OCT, numerator="", version=None, **kw):
    return measurement_record(
        measure=measure,
        section=section,
        month=month,
        numerator=numerator,
        denominator=kw.pop("denominator", ""),
        expected_version=version,
        by=by,
        today=TODAY,
        **kw,
    )


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return error_dict(caught.value)


# --- pooling --------------------------------------------------------------------------------------------------------


def test_pool_by_hand():
    """Two sections: n=4, mean 10, SD 2 and n=6, mean 15, SD 3. By hand:
    N = 10; M = (4·10 + 6·15)/10 = 13;
    within = 3·4 + 5·9 = 57; between = 4·(10−13)² + 6·(15−13)² = 36 + 24 = 60;
    S² = (57 + 60)/9 = 13, S = √13."""
    n, m, s = pool([(4, 10.0, 2.0), (6, 15.0, 3.0)])
    assert n == 10
    assert m == pytest.approx(13.0, abs=1e-12)
    assert s == pytest.approx(math.sqrt(13), abs=1e-12)


def test_pool_equals_sd_of_the_raw_observations():
    import statistics

    a, b, c = [3.0, 5.0, 8.0, 9.0], [10.0, 12.0], [7.5]
    groups = [(len(g), statistics.mean(g), statistics.stdev(g) if len(g) > 1 else None) for g in (a, b, c)]
    n, m, s = pool(groups)
    raw = a + b + c
    assert (n, m) == (7, pytest.approx(statistics.mean(raw), abs=1e-12))
    assert s == pytest.approx(statistics.stdev(raw), abs=1e-12)


def test_pool_edge_cases():
    assert pool([]) == (0, None, None)
    assert pool([(0, None, None)]) == (0, None, None)
    assert pool([(1, 4.0, None)]) == (1, 4.0, None)
    n, m, s = pool([(1, 4.0, None), (1, 6.0, None)])
    assert (n, m, s) == (2, 5.0, pytest.approx(math.sqrt(2)))


def test_mean_series_pools_sections_and_totals_agree(mean, sections, noegle):
    record(mean, section=sections[0], numerator="4", mean="10", sd="2", by=noegle)
    record(mean, section=sections[1], numerator="6", mean="15", sd="3", by=noegle)
    record(mean, section=sections[0], month=NOV, numerator="0", by=noegle)
    record(mean, section=sections[1], month=NOV, numerator="0", by=noegle)
    from_values = monthly_series(mean, months=[SEP, OCT, NOV])
    from_totals = monthly_series(mean, months=[SEP, OCT, NOV], values=monthly_totals([mean.pk])[mean.pk])
    for points in (from_values, from_totals):
        sep, octo, nov = points
        assert (nov.numerator, nov.value, nov.present) == (0, None, True)
        assert octo.numerator == 10
        assert octo.value == pytest.approx(13.0)
        assert octo.sd == pytest.approx(math.sqrt(13))
        assert (sep.numerator, sep.present) == (None, False)


def test_mean_chart_is_xbar_with_pooled_values(mean, sections, noegle):
    record(mean, section=sections[0], numerator="4", mean="10", sd="2", by=noegle)
    record(mean, section=sections[1], numerator="6", mean="15", sd="3", by=noegle)
    assert charts.kinds_for(mean) == ("xbar", "s", "i", "run")
    chart = charts.chart_for_measure(mean, months=[SEP, OCT], values=None, kind="xbar")
    expected = spc.chart("xbar", [None, 13.0], [None, 10], sd=[None, math.sqrt(13)])
    assert chart.result.points[1].cl == pytest.approx(expected.points[1].cl)
    assert chart.result.points[1].ucl == pytest.approx(expected.points[1].ucl)
    assert chart.points[1].value == pytest.approx(13.0)


# --- events → T and G values ----------------------------------------------------------------------------------------


def test_event_points_days_and_opportunities_pooled_in_one_timeline():
    points = event_points(
        [
            (dt.date(2026, 3, 20), 40),
            (dt.date(2026, 1, 5), None),
            (dt.date(2026, 2, 14), 120),
            (dt.date(2026, 2, 14), 0),
        ]
    )
    assert [(p.date, p.days, p.opportunities) for p in points] == [
        (dt.date(2026, 1, 5), None, None),
        (dt.date(2026, 2, 14), 40, 120),
        (dt.date(2026, 2, 14), 0, 0),
        (dt.date(2026, 3, 20), 34, 40),
    ]


def test_t_chart_of_events_recorded_in_two_sections(events, sections, noegle):
    record(events, section=sections[0], month=OCT, events="3, 20", by=noegle)
    record(events, section=sections[1], month=OCT, events="10", by=noegle)
    record(events, section=sections[1], month=NOV, events="4.11.2026", by=noegle)
    assert charts.kinds_for(events) == ("t",)  # G only when recorded for the whole department
    chart = charts.chart_for_measure(events, months=[OCT, NOV], values=None)
    assert chart.kind == "t"
    assert [(p.month, p.value) for p in chart.points] == [
        (dt.date(2026, 10, 3), None),
        (dt.date(2026, 10, 10), 7),
        (dt.date(2026, 10, 20), 10),
        (dt.date(2026, 11, 4), 15),
    ]
    assert chart.result.kind == "t"
    assert chart.result.points[1].y == pytest.approx(7)
    assert charts.higher_is_better(events) is True


def test_g_chart_uses_recorded_opportunities(department_events, noegle):
    record(department_events, month=OCT, events="3 20", opportunities="150 80", by=noegle)
    assert charts.kinds_for(department_events) == ("t", "g")
    chart = charts.chart_for_measure(department_events, months=[SEP, OCT], values=None, kind="g")
    assert [p.value for p in chart.points] == [150, 80]
    assert chart.figure["data"]


# --- the write service: means ---------------------------------------------------------------------------------------


def test_mean_saved_with_history(mean, sections, noegle):
    result = record(mean, section=sections[0], numerator="24", mean="31,5", sd="4,25", by=noegle)
    assert result.outcome == Outcome.CREATED
    stored = Measurement.objects.get()
    assert (stored.numerator, stored.denominator, stored.mean, stored.sd) == (
        24,
        None,
        Decimal("31.5"),
        Decimal("4.25"),
    )
    assert stored.value_text == "n = 24, gns. 31,5 (SD 4,25)"
    again = record(mean, section=sections[0], numerator="24", mean="31,5", sd="4,25", version=1, by=noegle)
    assert again.outcome == Outcome.UNCHANGED
    changed = record(mean, section=sections[0], numerator="24", mean="30", sd="4,25", version=1, by=noegle)
    assert changed.outcome == Outcome.UPDATED
    assert list(Measurement.history.order_by("history_id").values_list("history_type", "mean")) == [
        ("+", Decimal("31.5")),
        ("~", Decimal("30")),
    ]


@pytest.mark.parametrize(
    ("numerator", "mean_", "sd", "errors"),
    [
        ("24", "", "4", {"mean": ["Skriv gennemsnittet af de 24 observationer."]}),
        ("24", "31", "", {"sd": ["Skriv standardafvigelsen (SD) af de 24 observationer."]}),
        ("1", "31", "2", {"sd": ["Én observation har ingen standardafvigelse – lad feltet være tomt."]}),
        ("0", "31", "", {"mean": ["Med 0 observationer er der intet gennemsnit – lad gennemsnit og SD være tomme."]}),
        ("", "31", "2", {"numerator": ["Skriv også antallet af observationer."]}),
        ("24", "31.5", "2", {"mean": [pytest.approx]}),
        ("24", "31", "-2", {"sd": ["Tallet må ikke være negativt."]}),
        ("24", "31,12345", "2", {"mean": ["Højst 4 decimaler."]}),
        ("2,5", "31", "2", {"numerator": ["Skriv et helt tal uden komma eller punktum – 2,5 er ikke et helt tal."]}),
    ],
)
def test_mean_refusals_save_nothing(mean, sections, noegle, numerator, mean_, sd, errors):
    found = errors_of(lambda: record(mean, section=sections[0], numerator=numerator, mean=mean_, sd=sd, by=noegle))
    if errors.get("mean") == [pytest.approx]:
        assert list(found) == ["mean"] and "tvetydigt" in found["mean"][0]
    else:
        assert found == errors
    assert not Measurement.objects.exists()
    assert not Measurement.history.exists()


def test_mean_fields_refused_on_other_units(proportion, sections, noegle):
    found = errors_of(
        lambda: record(proportion, section=sections[0], numerator="3", denominator="10", mean="4", by=noegle)
    )
    assert found == {"mean": ["Feltet hører ikke til målingens enhed – lad det være tomt."]}
    assert not Measurement.objects.exists()


def test_mean_question_on_expected_range_only(mean):
    mean.expected_max = Decimal("40")
    assert question_for(mean, numerator=10, denominator=None, baseline=[], mean=Decimal("45")).kind == "range"
    assert question_for(mean, numerator=10, denominator=None, baseline=[], mean=Decimal("35")) is None


# --- the write service: rare events ---------------------------------------------------------------------------------


def test_events_saved_as_dates_with_the_month_count(events, sections, noegle):
    result = record(events, section=sections[0], events="20; 3", opportunities="", by=noegle)
    assert result.outcome == Outcome.CREATED
    assert result.measurement.numerator == 2
    assert result.measurement.value_text == "2 hændelser"
    assert list(RareEvent.objects.values_list("section", "date", "opportunities")) == [
        (sections[0].pk, dt.date(2026, 10, 3), None),
        (sections[0].pk, dt.date(2026, 10, 20), None),
    ]
    # the same dates: unchanged; one date moved: updated, one event deleted and one created in the history
    assert record(events, section=sections[0], events="3.10, 20.10", version=1, by=noegle).outcome == Outcome.UNCHANGED
    assert record(events, section=sections[0], events="3, 21", version=1, by=noegle).outcome == Outcome.UPDATED
    assert sorted(RareEvent.objects.values_list("date", flat=True)) == [dt.date(2026, 10, 3), dt.date(2026, 10, 21)]
    assert sorted(RareEvent.history.values_list("history_type", "date")) == [
        ("+", dt.date(2026, 10, 3)),
        ("+", dt.date(2026, 10, 20)),
        ("+", dt.date(2026, 10, 21)),
        ("-", dt.date(2026, 10, 20)),
    ]
    assert Measurement.objects.get().version == 2


def test_no_events_confirmed_counts_as_reported(events, sections, noegle):
    record(events, section=sections[0], month=OCT, numerator="0", by=noegle)
    record(events, section=sections[1], month=OCT, events="12", by=noegle)
    stored = Measurement.objects.get(section=sections[0])
    assert (stored.numerator, stored.value_text) == (0, "ingen hændelser")
    completeness = completeness_for(type(events).objects.filter(pk=events.pk), today=TODAY)[events.pk]
    # January–October due in two sections: October reported in both
    assert (completeness.expected, completeness.present) == (20, 2)
    assert OCT not in completeness.missing_months and SEP in completeness.missing_months


def test_emptying_an_events_month_deletes_its_events(events, sections, noegle):
    record(events, section=sections[0], events="3, 20", by=noegle)
    assert record(events, section=sections[0], events="", version=1, by=noegle).outcome == Outcome.DELETED
    assert not RareEvent.objects.exists() and not Measurement.objects.exists()


@pytest.mark.parametrize(
    ("kw", "errors"),
    [
        (
            {"events": "3, 32"},
            {"events": ["»32« er ikke en dato. Skriv dagen i måneden (fx 4) eller datoen (fx 4.3.2026)."]},
        ),
        ({"events": "3.9.2026"}, {"events": ["3.9.2026 ligger ikke i oktober 2026."]}),
        ({"events": "3", "month": NOV, "today": None}, {"events": ["3.11.2026 er ikke kommet endnu."]}),
        (
            {"events": "3, 4", "opportunities": "10"},
            {"opportunities": ["Skriv ét tal pr. dato (2 datoer, 1 tal), eller lad feltet være tomt."]},
        ),
        ({"events": "", "opportunities": "10"}, {"opportunities": ["Muligheder kan kun skrives sammen med datoer."]}),
        ({"numerator": "2"}, {"events": ["Skriv datoen for hver af de 2 hændelser."]}),
        ({"events": "3", "numerator": "2"}, {"numerator": ["Antallet (2) passer ikke med datoerne (1)."]}),
        (
            {"events": "3", "comment": "patient faldt"},
            {"comment": ["Sjældne hændelser registreres kun med dato – uden kommentar."]},
        ),
    ],
)
def test_events_refusals_save_nothing(events, sections, noegle, kw, errors):
    kw = dict(kw)
    if kw.pop("today", "x") is None:
        kw["month"] = NOV  # November is running on TODAY (5 November): the 3rd is past; use a later day
        kw["events"] = "20"
        errors = {"events": ["20.11.2026 er ikke kommet endnu."]}
    found = errors_of(lambda: record(events, section=sections[0], by=noegle, **kw))
    assert found == errors
    assert not Measurement.objects.exists() and not RareEvent.objects.exists()


def test_batch_with_one_bad_events_cell_saves_nothing(events, mean, sections, noegle):
    entries = [
        Entry(key="a", measure=events, section=sections[0], month=OCT, numerator="", denominator="", events="3"),
        Entry(key="b", measure=events, section=sections[1], month=OCT, numerator="", denominator="", events="40"),
        Entry(key="c", measure=mean, section=sections[0], month=OCT, numerator="3", denominator="", mean="2", sd="1"),
    ]
    with pytest.raises(NotSaved) as caught:
        measurement_record_many(entries=entries, by=noegle, today=TODAY)
    assert list(caught.value.errors) == ["b"]
    assert not Measurement.objects.exists() and not RareEvent.objects.exists()


def test_events_never_questioned(events):
    assert question_for(events, numerator=30, denominator=None, baseline=[(0, None)] * 12) is None


# --- entry grid, import, history ------------------------------------------------------------------------------------


def _post_row(client, measure, month, data):
    from django.urls import reverse

    return client.post(reverse("measurements:save_row", args=[measure.pk, month.strftime("%Y-%m")]), data)


@pytest.fixture
def _today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def test_grid_saves_means_and_shows_them(client, mean, sections, noegle, _today):
    from django.urls import reverse

    client.force_login(noegle)
    s1, s2 = (str(s.pk) for s in sections)
    data = {f"n-{s1}": "4", f"m-{s1}": "10", f"s-{s1}": "2", f"n-{s2}": "6", f"m-{s2}": "15,5", f"s-{s2}": "3"}
    response = _post_row(client, mean, OCT, data)
    assert response.status_code == 302
    assert sorted(Measurement.objects.values_list("numerator", "mean", "sd")) == [
        (4, Decimal("10"), Decimal("2")),
        (6, Decimal("15.5"), Decimal("3")),
    ]
    page = client.get(reverse("measurements:entry", args=[mean.pk])).content.decode()
    assert f'name="m-{s2}"' in page and 'value="15,5"' in page
    # The entry page loads its chart from the dashboards' chart partial (it draws PDSA bands too).
    chart = client.get(reverse("dashboards:measure_chart", args=[mean.pk]) + "?panel=entry").content.decode()
    assert "Gennemsnit" in page and "Xbar" in chart


def test_grid_refuses_bad_mean_and_saves_nothing(client, mean, sections, noegle, _today):
    client.force_login(noegle)
    s1, s2 = (str(s.pk) for s in sections)
    data = {f"n-{s1}": "4", f"m-{s1}": "10", f"s-{s1}": "2", f"n-{s2}": "6", f"m-{s2}": "15,5", f"s-{s2}": ""}
    response = _post_row(client, mean, OCT, data)
    assert response.status_code == 422
    assert "Skriv standardafvigelsen (SD) af de 6 observationer." in response.content.decode()
    assert not Measurement.objects.exists()


def test_grid_saves_events_and_no_events(client, events, sections, noegle, _today):
    from django.urls import reverse

    client.force_login(noegle)
    s1, s2 = (str(s.pk) for s in sections)
    response = _post_row(client, events, OCT, {f"e-{s1}": "3, 20", f"o-{s1}": "", f"z-{s2}": "1"})
    assert response.status_code == 302
    assert sorted(Measurement.objects.values_list("section", "numerator")) == [(sections[0].pk, 2), (sections[1].pk, 0)]
    assert RareEvent.objects.count() == 2
    page = client.get(reverse("measurements:entry", args=[events.pk])).content.decode()
    assert 'value="3, 20"' in page
    chart = client.get(reverse("dashboards:measure_chart", args=[events.pk]) + "?panel=entry").content.decode()
    assert "T-kontroldiagram" in chart


def test_grid_refuses_bad_event_date_and_saves_nothing(client, events, sections, noegle, _today):
    client.force_login(noegle)
    s1, s2 = (str(s.pk) for s in sections)
    response = _post_row(client, events, OCT, {f"e-{s1}": "3", f"e-{s2}": "31.11"})
    assert response.status_code == 422
    assert "»31.11« er ikke en dato" in response.content.decode()
    assert not Measurement.objects.exists() and not RareEvent.objects.exists()


def test_history_shows_means_and_events(client, mean, events, sections, noegle, _today):
    from django.urls import reverse

    record(mean, section=sections[0], numerator="4", mean="10", sd="2", by=noegle)
    record(mean, section=sections[0], numerator="4", mean="11", sd="2", version=1, by=noegle)
    record(events, section=sections[0], events="3, 20", by=noegle)
    record(events, section=sections[0], events="3", version=1, by=noegle)
    client.force_login(noegle)
    page = client.get(reverse("measurements:history", args=[mean.pk])).content.decode()
    assert "n = 4, gns. 10 (SD 2)" in page and "n = 4, gns. 11 (SD 2)" in page
    page = client.get(reverse("measurements:history", args=[events.pk])).content.decode()
    assert "2 hændelser" in page and "1 hændelse" in page
    assert "20.10.2026" in page  # the deleted event is named in the history


def test_import_means_and_events(mean, events, sections, noegle):
    from measurements.imports import commit_import, preview_import

    csv = (
        b"measure;section;month;numerator;mean;sd;events;opportunities\r\n"
        b"ORT-M;s1;2026-10;4;10,5;2;;\r\n"
        b"ORT-E;s1;2026-10;;;;3, 20;40, 12\r\n"
        b"ORT-E;s2;2026-10;0;;;;\r\n"
    )
    preview = preview_import(data=csv, by=noegle, today=TODAY)
    assert preview.problems == []
    assert [row.numerator for row in preview.rows] == [4, 2, 0]
    committed = commit_import(plain_rows=[row.as_plain() for row in preview.rows], by=noegle, today=TODAY)
    assert committed.created == 3
    assert Measurement.objects.get(measure=mean).mean == Decimal("10.5")
    assert list(RareEvent.objects.values_list("date", "opportunities")) == [
        (dt.date(2026, 10, 3), 40),
        (dt.date(2026, 10, 20), 12),
    ]


def test_import_refuses_bad_event_rows(events, sections, noegle):
    from measurements.imports import preview_import

    csv = b"measure;section;month;numerator;events\r\nORT-E;s1;2026-10;;3.9.2026\r\nORT-E;s2;2026-10;;\r\n"
    preview = preview_import(data=csv, by=noegle, today=TODAY)
    assert [(p.row, p.column, p.message) for p in preview.problems] == [
        (2, "events", "3.9.2026 ligger ikke i oktober 2026."),
    ]
    assert preview.skipped == 1  # a blank row (a template row left empty)
    assert not Measurement.objects.exists()


# --- definitions ----------------------------------------------------------------------------------------------------


def test_rare_event_measure_must_say_higher_is_better(initiative, leder):
    from measurements import definitions
    from measurements.models import Measure

    with pytest.raises(ValidationError) as caught:
        definitions.measure_create(
            initiative=initiative,
            definition=definitions.MeasureDefinition(
                name="Genanlagt kateter", numerator_definition="Datoen for hver hændelse", unit=Unit.EVENTS
            ),
            by=leder,
        )
    assert "Højere er bedre" in caught.value.message_dict["direction"][0]
    assert not Measure.objects.filter(name="Genanlagt kateter").exists()
    measure = definitions.measure_create(
        initiative=initiative,
        definition=definitions.MeasureDefinition(
            name="Genanlagt kateter",
            numerator_definition="Datoen for hver hændelse",
            unit=Unit.EVENTS,
            direction="higher",
        ),
        by=leder,
    )
    expected_kinds = ("t",) if measure.per_section else ("t", "g")
    assert (measure.unit, measure.direction, charts.kinds_for(measure)) == ("events", "higher", expected_kinds)


# --- properties -----------------------------------------------------------------------------------------------------


def test_pool_of_any_split_is_the_sd_of_the_whole():
    """However the observations are split over sections, pooling gives the mean and SD of them all."""
    import statistics

    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=200, deadline=None)
    @given(
        st.lists(
            st.lists(st.floats(min_value=0, max_value=1000, allow_nan=False), min_size=1, max_size=8),
            min_size=1,
            max_size=5,
        )
    )
    def check(groups):
        summaries = [(len(g), statistics.fmean(g), statistics.stdev(g) if len(g) > 1 else None) for g in groups]
        n, m, s = pool(summaries)
        raw = [x for g in groups for x in g]
        assert n == len(raw)
        assert m == pytest.approx(statistics.fmean(raw), rel=1e-9, abs=1e-9)
        if len(raw) > 1:
            assert s == pytest.approx(statistics.stdev(raw), rel=1e-6, abs=1e-6)
        else:
            assert s is None

    check()


def test_import_reads_an_xlsx_date_cell_as_one_event(events, sections, noegle):
    import io

    from openpyxl import Workbook

    from measurements.imports import preview_import

    workbook = Workbook()
    workbook.active.append(["measure", "section", "month", "numerator", "events", "opportunities"])
    workbook.active.append(["ORT-E", "s1", "2026-10", None, dt.datetime(2026, 10, 7), 55])
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = preview_import(data=buffer.getvalue(), by=noegle, today=TODAY)
    assert preview.problems == []
    assert [(row.numerator, row.events) for row in preview.rows] == [(1, ((dt.date(2026, 10, 7), 55),))]


def test_stale_events_save_is_a_conflict_and_changes_nothing(events, sections, noegle, leder):
    from measurements.services import MeasurementConflict

    record(events, section=sections[0], events="3", by=noegle)
    record(events, section=sections[0], events="3, 9", version=1, by=leder)
    with pytest.raises(MeasurementConflict) as caught:
        record(events, section=sections[0], events="3, 12", version=1, by=noegle)  # saw version 1: stale
    assert "2 hændelser" in caught.value.message
    assert sorted(RareEvent.objects.values_list("date", flat=True)) == [dt.date(2026, 10, 3), dt.date(2026, 10, 9)]


def test_grid_htmx_save_returns_the_row_with_the_event_chart(client, department_events, noegle, _today):
    client.force_login(noegle)
    response = client.post(
        f"/maalinger/{department_events.pk}/maaned/2026-10/",
        {"e-0": "2, 16", "o-0": "120; 80"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="2, 16"' in html and 'value="120, 80"' in html and "Gemt" in html
    # The saved row comes with the chart panel, which loads the chart (a T chart over the events) anew.
    assert 'id="chart-panel"' in html and "?panel=entry" in html
    measure = department_events
    chart = client.get(reverse("dashboards:measure_chart", args=[measure.pk]) + "?panel=entry").content.decode()
    assert "T-kontroldiagram" in chart
    refused = client.post(
        f"/maalinger/{department_events.pk}/maaned/2026-11/",
        {"e-0": "2", "o-0": "1,5"},  # a comma separates numbers here: two numbers for one date
        headers={"HX-Request": "true"},
    )
    assert "Skriv ét tal pr. dato (1 datoer, 2 tal), eller lad feltet være tomt." in refused.content.decode()
    assert list(RareEvent.objects.values_list("date", flat=True)) == [dt.date(2026, 10, 2), dt.date(2026, 10, 16)]
