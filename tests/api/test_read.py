"""Reading through the API: the token's owner's reach and nothing more, 401 for a token that cannot be used, cursor
pages, CSV for BI tools, and list endpoints whose query count does not grow with the rows."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from api.models import ApiToken
from api.tokens import token_revoke
from departments.models import AuditEvent
from reports.models import Report
from tests.factories import MeasurementFactory

from .conftest import ApiClient, raw_token


@pytest.fixture
def values(measures, sections):
    made = {}
    for prefix in ("home", "away"):
        made[prefix] = MeasurementFactory(
            measure=measures[f"{prefix}_ward"], section=sections[prefix], month=dt.date(2026, 2, 1)
        )
    return made


@pytest.fixture
def reports(home, away):
    return {
        prefix: Report.objects.create(kind="quality_team", department=department, period="2026Q1", status="done")
        for prefix, department in (("home", home), ("away", away))
    }


def _object_urls(prefix, measures, sections, reports, department):
    initiative = measures[f"{prefix}_ward"].initiative
    return [
        f"/api/v1/departments/{department.pk}",
        f"/api/v1/initiatives/{initiative.pk}",
        f"/api/v1/measures/{measures[f'{prefix}_ward'].pk}",
        f"/api/v1/measures/{measures[f'{prefix}_ward'].pk}/analysis",
        f"/api/v1/reports/{reports[prefix].pk}",
        f"/api/v1/reports/{reports[prefix].pk}/files/pdf",
    ]


def test_token_for_ortopaedkirurgisk_gets_404_for_every_object_of_medicinsk(
    api_for, feed, home, away, measures, sections, values, reports
):
    client = api_for(feed)
    assert home.name == "Ortopædkirurgisk Afdeling" and away.name == "Medicinsk Afdeling"

    for url in _object_urls("away", measures, sections, reports, away):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["type"] == "urn:vaelgklogt:problem:not-found"
    for url in _object_urls("home", measures, sections, reports, home)[:-1]:  # home's report has no file
        assert client.get(url).status_code == 200, url
    # Lists hold nothing of Medicinsk either.
    for url in ("/api/v1/departments", "/api/v1/sections", "/api/v1/initiatives", "/api/v1/measures", "/api/v1/values"):
        items = client.get(url).json()["items"]
        assert items, url
        assert away.pk not in {item.get("department", item.get("id")) for item in items}, url
    assert client.get("/api/v1/values", {"department": away.pk}).json()["items"] == []
    assert [row["department"] for row in client.get("/api/v1/goals", {"year": 2026}).json()] == [home.pk]


def test_scoped_404_is_in_the_audit_trail(api_for, feed, away, measures):
    api_for(feed).get(f"/api/v1/measures/{measures['away_ward'].pk}")
    assert AuditEvent.objects.filter(
        action="access_refused", user=feed, detail=AuditEvent.SCOPED_NOT_FOUND, object_type="measurements.Measure"
    ).exists()


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Basic dXNlcjpwdw==", "Bearer vk_abcdefgh_" + "x" * 43, "Bearer not-a-token"],
)
def test_missing_or_wrong_token_gets_401(db, client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/departments", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["title_en"] == "Missing or invalid API token"


def test_expired_and_revoked_tokens_get_401(noegle, measures):
    expired_raw = raw_token(noegle)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    revoked_raw = raw_token(noegle)
    token_revoke(token=ApiToken.objects.get(expires_at__gt=timezone.now()), by=noegle)

    expired = ApiClient(expired_raw).get("/api/v1/measures")
    revoked = ApiClient(revoked_raw).get("/api/v1/measures")

    assert (expired.status_code, expired.json()["detail_en"]) == (401, "The API token has expired.")
    assert (revoked.status_code, revoked.json()["detail_en"]) == (401, "The API token has been revoked.")
    assert AuditEvent.objects.filter(action="access_refused", detail="401: api token revoked", user=noegle).exists()


def test_session_sign_in_does_not_open_the_api(client, noegle, measures):
    client.force_login(noegle)
    assert client.get("/api/v1/measures").status_code == 401


def test_last_use_is_recorded(api_for, noegle, measures):
    api_for(noegle).get("/api/v1/me")
    assert ApiToken.objects.get().last_used_at is not None


def test_values_filters_and_cursor_pages(api_for, noegle, measures, sections):
    for month in range(1, 8):
        MeasurementFactory(measure=measures["home_whole"], month=dt.date(2026, month, 1))
    client = api_for(noegle)

    first = client.get("/api/v1/values", {"measure": measures["home_whole"].pk, "limit": 3}).json()
    second = client.get(
        "/api/v1/values", {"measure": measures["home_whole"].pk, "limit": 3, "cursor": first["next_cursor"]}
    ).json()
    ranged = client.get("/api/v1/values", {"month_from": "2026-03", "month_to": "2026-04"}).json()

    assert [v["month"] for v in first["items"]] == ["2026-01", "2026-02", "2026-03"]
    assert [v["month"] for v in second["items"]] == ["2026-04", "2026-05", "2026-06"]
    assert [v["month"] for v in ranged["items"]] == ["2026-03", "2026-04"]
    assert client.get("/api/v1/values", {"cursor": "%%%"}).status_code == 400
    assert client.get("/api/v1/values", {"month_from": "2026-13"}).status_code == 400


def test_values_as_csv_for_a_spreadsheet(api_for, noegle, measures, values):
    response = api_for(noegle).get("/api/v1/values", HTTP_ACCEPT="text/csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["measure_code"], r["section_code"], r["month"], r["numerator"], r["value"]) for r in rows] == [
        (measures["home_ward"].code, "b1", "2026-02", "3", "30")
    ]
    assert AuditEvent.objects.filter(action="export", user=noegle, detail="api values csv").exists()


def test_csv_over_the_row_limit_is_refused(api_for, noegle, measures, settings):
    settings.VAELGKLOGT_API_CSV_MAX_ROWS = 2
    for month in range(1, 4):
        MeasurementFactory(measure=measures["home_whole"], month=dt.date(2026, month, 1))
    response = api_for(noegle).get("/api/v1/values", {"format": "csv"})
    assert response.status_code == 413
    assert "month_from" in response.json()["detail"]


def test_measure_analysis_uses_the_chart_rules(api_for, noegle, measures):
    for month in range(1, 11):
        MeasurementFactory(
            measure=measures["home_whole"], month=dt.date(2026, month, 1), numerator=month, denominator=20
        )
    body = api_for(noegle).get(f"/api/v1/measures/{measures['home_whole'].pk}/analysis").json()
    assert body["kind"] and body["sentence"]
    assert body["signal"] in {"improvement", "deterioration", "none", "too_few"}
    assert [p["month"] for p in body["points"]][:2] == ["2026-01", "2026-02"]
    assert body["points"][0]["value"] == pytest.approx(5.0)


def test_goal_status_is_the_one_status_function(api_for, kdk, home, away, measures):
    from goals.status import department_rows, visible_departments

    body = api_for(kdk).get("/api/v1/goals", {"year": 2026}).json()
    expected = department_rows(visible_departments(kdk), year=2026, today=timezone.localdate())
    assert [(r["department"], r["team"]["state"], r["selections"]["state"]) for r in body] == [
        (row.department.pk, str(row.team.state), str(row.selections.state)) for row in expected
    ]


def test_report_file_download(api_for, leder, reports, tmp_path, settings):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    reports["home"].pdf_file.save("r.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    client = api_for(leder)
    listed = client.get("/api/v1/reports").json()["items"]
    assert [f["format"] for f in listed[0]["files"]] == ["pdf"]
    response = client.get(listed[0]["files"][0]["url"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"


def test_rate_limit_per_token(api_for, noegle, measures, settings):
    settings.VAELGKLOGT_API_RATE_PER_MINUTE = 3
    client = api_for(noegle)

    answers = [client.get("/api/v1/me") for _ in range(7)]

    # 7 requests over at most two minute windows of 3 each: at least one is refused, whenever the minute turns.
    refused = [a for a in answers if a.status_code == 429]
    assert answers[0].status_code == 200
    assert refused
    assert int(refused[0]["Retry-After"]) >= 1
    assert refused[0].json()["type"] == "urn:vaelgklogt:problem:rate-limited"
    assert api_for(noegle).get("/api/v1/me").status_code == 200  # another token has its own count
    assert AuditEvent.objects.filter(action="access_refused", detail="429: api rate limit").exists()


# --- query counts: the same for 1 and for 100 rows ----------------------------------------------------------------


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"limit": 1000})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url", ["/api/v1/values", "/api/v1/measures", "/api/v1/initiatives", "/api/v1/sections", "/api/v1/departments"]
)
def test_list_query_count_does_not_grow_with_rows(api_for, kdk, home, url):
    from tests.factories import DepartmentFactory, InitiativeFactory, MeasureFactory, SectionFactory

    client = api_for(kdk)
    client.get("/api/v1/me")  # the first request stamps last use; later ones do not

    def grow(n):
        for _ in range(n):
            department = DepartmentFactory()
            section = SectionFactory(department=department, hospital=department.hospitals.first())
            initiative = InitiativeFactory(department=department)
            initiative.sections.set([section])
            measure = MeasureFactory(initiative=initiative, per_section=True)
            MeasurementFactory(measure=measure, section=section, entered_by=kdk)

    grow(1)
    one = _count_queries(client, url)
    grow(99)
    hundred = _count_queries(client, url)
    assert one == hundred, (url, one, hundred)
