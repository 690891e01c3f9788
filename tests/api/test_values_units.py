"""Writing and reading values of the units *gennemsnit* (mean, SD) and *sjældne hændelser* (event dates) through the
API, under the grid's rules: fields that do not fit the unit are refused, re-runs are no-ops, a person's value is a
conflict, history says `api`."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from measurements.models import Measurement, RareEvent, Unit
from measurements.services import measurement_record
from tests.factories import InitiativeFactory, MeasureFactory

from .conftest import month_text, this_month

URL = "/api/v1/values"


@pytest.fixture
def unit_measures(home, sections):
    initiative = InitiativeFactory(department=home, year=this_month().year)
    initiative.sections.set([sections["home"]])
    return {
        "mean": MeasureFactory(initiative=initiative, code="HOME-M", unit=Unit.MEAN),
        "events": MeasureFactory(initiative=initiative, code="HOME-E", unit=Unit.EVENTS, per_section=True),
        "proportion": MeasureFactory(initiative=initiative, code="HOME-P"),
    }


def _days():
    first, today = this_month(), timezone.localdate()
    return first, today


def _rows(*, mean=12.5, sd=3.25, opportunities=(40, 55)):
    first, today = _days()
    return [
        {"measure": "HOME-M", "numerator": 8, "mean": mean, "sd": sd},
        {
            "measure": "HOME-E",
            "section": "b1",
            "events": [
                {"date": today.isoformat(), "opportunities": opportunities[1]},
                {"date": first.isoformat(), "opportunities": opportunities[0]},
            ],
        },
    ]


def _snapshot():
    return (
        sorted(Measurement.objects.values_list("pk", "numerator", "mean", "sd", "version")),
        sorted(RareEvent.objects.values_list("date", "opportunities")),
        Measurement.history.count(),
        RareEvent.history.count(),
    )


def test_mean_and_events_months_written_and_read_back(api_for, feed, unit_measures):
    client = api_for(feed, "write")

    response = client.post(URL, {"month": month_text(), "rows": _rows()})

    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2
    first, today = _days()
    mean = Measurement.objects.get(measure=unit_measures["mean"])
    assert (mean.numerator, mean.mean, mean.sd) == (8, Decimal("12.5"), Decimal("3.25"))
    assert sorted(RareEvent.objects.values_list("date", "opportunities", "entered_by")) == sorted(
        [(first, 40, feed.pk), (today, 55, feed.pk)]
    )
    events = Measurement.objects.get(measure=unit_measures["events"])
    assert events.numerator == 2
    for value in (mean, events):
        assert [(h.history_user, h.history_change_reason) for h in value.history.all()] == [(feed, "api")]

    items = {row["measure_code"]: row for row in client.get(URL, {"month_from": month_text()}).json()["items"]}
    assert (items["HOME-M"]["numerator"], items["HOME-M"]["mean"], items["HOME-M"]["sd"]) == (8, 12.5, 3.25)
    assert items["HOME-M"]["events"] is None
    assert items["HOME-E"]["numerator"] == 2
    assert items["HOME-E"]["events"] == sorted(
        [{"date": first.isoformat(), "opportunities": 40}, {"date": today.isoformat(), "opportunities": 55}],
        key=lambda e: e["date"],
    )

    body = b"".join(client.get(URL, {"format": "csv"}).streaming_content).decode()
    table = {row["measure_code"]: row for row in csv.DictReader(io.StringIO(body))}
    assert (table["HOME-M"]["mean"], table["HOME-M"]["sd"], table["HOME-M"]["value"]) == ("12.5", "3.25", "12.5")
    assert table["HOME-E"]["events"] == ";".join(sorted({first.isoformat(), today.isoformat()}))
    if first != today:
        assert table["HOME-E"]["event_opportunities"] == "40;55"
    assert table["HOME-M"]["events"] == ""


def test_no_events_confirms_zero_and_reads_back_an_empty_list(api_for, feed, unit_measures):
    client = api_for(feed, "write")

    response = client.post(
        URL, {"month": month_text(), "rows": [{"measure": "HOME-E", "section": "b1", "no_events": True}]}
    )

    assert response.status_code == 200, response.content
    assert Measurement.objects.get(measure=unit_measures["events"]).numerator == 0
    assert not RareEvent.objects.exists()
    [item] = client.get(URL).json()["items"]
    assert (item["numerator"], item["events"]) == (0, [])


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"measure": "HOME-P", "numerator": 1, "denominator": 2, "mean": 1.5}, "mean"),
        ({"measure": "HOME-P", "numerator": 1, "denominator": 2, "no_events": True}, "no_events"),
        ({"measure": "HOME-M", "numerator": 2, "mean": 1.5, "sd": 1, "events": []}, "events"),
        ({"measure": "HOME-E", "section": "b1", "numerator": 0, "sd": 2.0}, "sd"),
        ({"measure": "HOME-E", "section": "b1", "no_events": True, "events": [{"date": "2026-01-01"}]}, "no_events"),
        ({"measure": "HOME-E", "section": "b1"}, "events"),
        ({"measure": "HOME-M", "mean": 1.5}, "numerator"),
    ],
)
def test_field_that_does_not_fit_the_unit_is_refused_and_nothing_saved(api_for, feed, unit_measures, row, field):
    rows = [*_rows(), row]

    response = api_for(feed, "write").post(URL, {"month": month_text(), "rows": rows})

    assert response.status_code == 422, response.content
    [error] = response.json()["errors"]
    assert (error["row"], error["field"], error["pointer"]) == (2, field, f"/rows/2/{field}")
    assert error["detail"] and error["detail_en"] and error["detail"] != error["detail_en"]
    assert not Measurement.objects.exists() and not RareEvent.objects.exists()


def test_service_rules_of_the_units_answer_in_danish_and_english(api_for, feed, unit_measures):
    rows = _rows(sd=None)  # 8 observations need an SD
    rows[1]["events"][0]["date"] = f"{this_month():%Y-%m}-32"

    response = api_for(feed, "write").post(URL, {"month": month_text(), "rows": rows})

    assert response.status_code == 422, response.content
    errors = {(e["row"], e["field"]): e for e in response.json()["errors"]}
    assert set(errors) == {(0, "sd"), (1, "events")}
    assert "standardafvigelsen" in errors[(0, "sd")]["detail"]
    assert errors[(0, "sd")]["detail_en"] != errors[(0, "sd")]["detail"]
    assert not Measurement.objects.exists() and not RareEvent.objects.exists()


def test_rerun_is_a_no_op_and_the_feed_overwrites_its_own_values(api_for, feed, unit_measures):
    client = api_for(feed, "write")
    client.post(URL, {"month": month_text(), "rows": _rows()})
    before = _snapshot()

    again = client.post(URL, {"month": month_text(), "rows": _rows(mean=12.50, sd=3.250)})

    assert again.status_code == 200, again.content
    assert again.json()["unchanged"] == 2
    assert _snapshot() == before

    changed = client.post(URL, {"month": month_text(), "rows": _rows(mean=13, opportunities=(41, 55))})
    assert changed.status_code == 200, changed.content
    assert changed.json()["updated"] == 2
    assert Measurement.objects.get(measure=unit_measures["mean"]).mean == Decimal(13)
    assert sorted(RareEvent.objects.values_list("opportunities", flat=True)) == [41, 55]


@pytest.mark.parametrize("changed", ["mean", "events"])
def test_a_persons_change_is_a_conflict_and_nothing_of_the_request_is_saved(
    api_for, feed, noegle, sections, unit_measures, changed
):
    client = api_for(feed, "write")
    client.post(URL, {"month": month_text(), "rows": _rows()})
    first, today = _days()
    # A key person corrects one value in the grid (the same write service), keeping its numbers.
    value = Measurement.objects.get(measure=unit_measures[changed])
    if changed == "mean":
        kw = {"section": None, "numerator": 8, "mean": "12,5", "sd": "4"}
    else:
        kw = {"section": sections["home"], "numerator": "", "events": [first, today], "opportunities": [40, 60]}
    measurement_record(
        measure=value.measure,
        month=value.month,
        denominator=None,
        expected_version=value.version,
        by=noegle,
        **kw,
    )
    before = _snapshot()

    # The feed sends its old values again, and a new mean: the person's value is not taken for the feed's.
    response = client.post(URL, {"month": month_text(), "rows": _rows(mean=99 if changed == "events" else 12.5)})

    assert response.status_code == 409, response.content
    errors = response.json()["errors"]
    assert [e["row"] for e in errors] == [0 if changed == "mean" else 1]
    assert errors[0]["current_version"] == 2
    assert _snapshot() == before


def test_null_numerator_deletes_an_events_month_and_its_events(api_for, feed, unit_measures):
    client = api_for(feed, "write")
    client.post(URL, {"month": month_text(), "rows": _rows()})

    response = client.post(
        URL, {"month": month_text(), "rows": [{"measure": "HOME-E", "section": "b1", "numerator": None}]}
    )

    assert response.status_code == 200, response.content
    assert response.json()["deleted"] == 1
    assert not RareEvent.objects.exists()
    assert list(Measurement.objects.values_list("measure__code", flat=True)) == ["HOME-M"]


def test_an_unknown_query_parameter_is_a_bad_request(api_for, noegle, unit_measures):
    client = api_for(noegle)

    assert client.get(URL, {"measure": unit_measures["mean"].pk}).status_code == 200
    response = client.get(URL, {"measuer": unit_measures["mean"].pk})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["measuer"]
    assert client.get("/api/v1/me", {"": "null"}).status_code == 400
