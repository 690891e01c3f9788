"""Writing a month of values through the API: the one write service's rules, all or nothing, re-runnable feeds,
and a person's correction never overwritten silently."""

from __future__ import annotations

from departments.models import AuditEvent
from measurements.models import Measurement

from .conftest import month_text, this_month

URL = "/api/v1/values"


def _rows(measures, **overrides):
    rows = [
        {"measure": measures["home_ward"].code, "section": "b1", "numerator": 3, "denominator": 10},
        {"measure": measures["home_whole"].code, "numerator": 5, "denominator": 20},
    ]
    for row in rows:
        row.update(overrides)
    return rows


def test_feed_writes_a_month_of_values_with_api_as_history_source(api_for, feed, measures):
    client = api_for(feed, "write")

    response = client.post(URL, {"month": month_text(), "rows": _rows(measures)})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (2, 0, 0)
    stored = Measurement.objects.get(measure=measures["home_ward"], month=this_month())
    assert (stored.numerator, stored.denominator, stored.entered_by) == (3, 10, feed)
    history = stored.history.get()
    assert (history.history_user, history.history_change_reason) == (feed, "api")
    assert AuditEvent.objects.filter(action="api_write", user=feed, outcome="success").exists()


def test_rerun_of_identical_feed_is_a_no_op(api_for, feed, measures):
    client = api_for(feed, "write")
    client.post(URL, {"month": month_text(), "rows": _rows(measures)})

    again = client.post(URL, {"month": month_text(), "rows": _rows(measures)})

    assert again.status_code == 200
    assert again.json()["unchanged"] == 2
    assert Measurement.history.count() == 2  # no new history rows


def test_feed_overwrites_its_own_last_value(api_for, feed, measures):
    client = api_for(feed, "write")
    client.post(URL, {"month": month_text(), "rows": _rows(measures)})

    changed = client.post(URL, {"month": month_text(), "rows": _rows(measures, numerator=4)})

    assert changed.status_code == 200, changed.content
    assert changed.json()["updated"] == 2
    assert set(Measurement.objects.values_list("numerator", flat=True)) == {4}


def test_value_changed_by_a_person_is_a_conflict_and_the_bulk_write_saves_nothing(api_for, feed, noegle, measures):
    client = api_for(feed, "write")
    client.post(URL, {"month": month_text(), "rows": _rows(measures)})
    # A key person corrects one value in the grid (the same write service).
    from measurements.services import measurement_record

    value = Measurement.objects.get(measure=measures["home_whole"], month=this_month())
    measurement_record(
        measure=value.measure,
        section=None,
        month=value.month,
        numerator=6,
        denominator=20,
        expected_version=value.version,
        by=noegle,
    )
    before = sorted(Measurement.objects.values_list("pk", "numerator", "version"))
    history_before = Measurement.history.count()

    response = client.post(URL, {"month": month_text(), "rows": _rows(measures, numerator=7)})

    assert response.status_code == 409, response.content
    problem = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert problem["type"] == "urn:vaelgklogt:problem:conflict"
    assert [e["row"] for e in problem["errors"]] == [1]
    assert problem["errors"][0]["detail"] and problem["errors"][0]["detail_en"]
    assert problem["errors"][0]["current_version"] == 2
    assert sorted(Measurement.objects.values_list("pk", "numerator", "version")) == before  # nothing of row 0 either
    assert Measurement.history.count() == history_before
    assert AuditEvent.objects.filter(action="api_write", outcome="failure", detail__startswith="409").exists()

    # With the person's current version the feed may overwrite deliberately.
    rows = _rows(measures, numerator=7)
    rows[1]["version"] = 2
    assert client.post(URL, {"month": month_text(), "rows": rows}).status_code == 200


def test_value_written_by_api_then_changed_in_grid_has_one_history_with_both_authors(
    api_for, feed, noegle, measures, client
):
    api_for(feed, "write").post(URL, {"month": month_text(), "rows": _rows(measures)[1:]})
    value = Measurement.objects.get(measure=measures["home_whole"], month=this_month())
    client.force_login(noegle)

    saved = client.post(
        f"/maalinger/{value.measure.pk}/maaned/{this_month():%Y-%m}/",
        {"n-0": 9, "d-0": 20, "c-0": "", "v-0": value.version},
    )

    assert saved.status_code in (200, 302)
    history = list(value.history.order_by("history_date", "history_id"))
    assert [(h.history_user, h.history_change_reason, h.numerator) for h in history] == [
        (feed, "api", 5),
        (noegle, None, 9),
    ]


def test_invalid_rows_save_nothing_and_answer_in_danish_and_english(api_for, feed, measures):
    rows = _rows(measures)
    rows[0]["numerator"] = 30  # above the denominator: refused by the write service
    rows[1]["measure"] = "NOPE-1"

    response = api_for(feed, "write").post(URL, {"month": month_text(), "rows": rows})

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [(1, "measure")]  # lookups first; nothing checked further
    assert Measurement.objects.count() == 0

    rows[1]["measure"] = measures["home_whole"].code
    response = api_for(feed, "write").post(URL, {"month": month_text(), "rows": rows})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["row"], error["field"], error["pointer"]) == (0, "numerator", "/rows/0/numerator")
    assert "Tælleren (30)" in error["detail"]
    assert "numerator (30)" in error["detail_en"]
    assert Measurement.objects.count() == 0


def test_read_token_may_not_write(api_for, feed, measures):
    response = api_for(feed, "read").post(URL, {"month": month_text(), "rows": _rows(measures)})

    assert response.status_code == 403
    assert response.json()["type"] == "urn:vaelgklogt:problem:insufficient-scope"
    assert Measurement.objects.count() == 0
    assert AuditEvent.objects.filter(action="access_refused", detail="403: read-only api token").exists()


def test_token_for_another_department_cannot_write_its_values(api_for, udenfor, measures):
    response = api_for(udenfor, "write").post(URL, {"month": month_text(), "rows": _rows(measures)})

    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"measure"}
    assert Measurement.objects.count() == 0


def test_hospital_management_token_sees_but_may_not_write(api_for, direktion, measures):
    response = api_for(direktion, "read").post(URL, {"month": month_text(), "rows": _rows(measures)})
    assert response.status_code == 403
    assert Measurement.objects.count() == 0


def test_locked_month_is_refused_like_in_the_grid(api_for, feed, measures):
    response = api_for(feed, "write").post(URL, {"month": "2026-01", "rows": _rows(measures)})

    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"month"}
    assert Measurement.objects.count() == 0


def test_body_over_the_limit_is_refused_before_it_is_read(api_for, feed, measures, settings):
    settings.VAELGKLOGT_API_MAX_BODY_BYTES = 200
    response = api_for(feed, "write").post(URL, {"month": month_text(), "rows": _rows(measures) * 3})
    assert response.status_code == 413
    assert response.json()["type"] == "urn:vaelgklogt:problem:too-large"
    assert Measurement.objects.count() == 0
