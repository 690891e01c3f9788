"""The data quality pages (issue 14) through the test client: what each role sees and may do, refusals that change
nothing, and bounded query counts for the lists."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.months import last_complete_month
from departments.models import AuditEvent
from measurements import dataquality
from measurements.models import FollowUpFlag, Measurement, MonthReport, QuarterApproval, ReopenRequest, ValueCheck
from tests.factories import MeasureFactory, MeasurementFactory


@pytest.fixture
def month():
    return last_complete_month(timezone.localdate())


@pytest.fixture
def locked_month(month):
    return dt.date(month.year - 1, month.month, 1)


def _questioned_values(count_measure, n, month):
    for i in range(n):
        measure = MeasureFactory(initiative=count_measure.initiative, unit="count", per_section=False)
        value = MeasurementFactory(measure=measure, month=month, numerator=99, denominator=None)
        ValueCheck.objects.create(measurement=value, kind="range", message=f"Spørgsmål {i}")
        FollowUpFlag.objects.create(measurement=value, note=f"Note {i}")


@pytest.mark.parametrize("n", [1, 12])
def test_quality_page_query_count_does_not_grow_with_rows(
    client_for, leder, home, count, month, n, django_assert_num_queries
):
    _questioned_values(count, n, month)
    client = client_for(leder)
    client.get(reverse("measurements:quality", args=[home.pk]))  # warm the session
    with django_assert_num_queries(7):
        response = client.get(reverse("measurements:quality", args=[home.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("Spørgsmål ") == n


@pytest.mark.parametrize("n", [1, 12])
def test_reopen_requests_page_query_count_does_not_grow(
    client_for, kdk, home, locked_month, n, django_assert_num_queries
):
    for i in range(n):
        ReopenRequest.objects.create(
            department=home, month=dt.date(locked_month.year - i, locked_month.month, 1), reason=f"Grund {i}"
        )
    client = client_for(kdk)
    client.get(reverse("measurements:reopen_requests"))
    with django_assert_num_queries(5):
        response = client.get(reverse("measurements:reopen_requests"))
    assert response.content.decode().count("Grund ") == n


def test_key_person_post_to_approve_changes_nothing(client_for, noegle, home):
    url = reverse("measurements:approval", args=[home.pk, "2026Q3"])
    response = client_for(noegle).post(url, {"seen": dataquality.quarter_stamp(home.pk, "2026Q3")})
    assert response.status_code == 403
    assert not QuarterApproval.objects.exists()


def test_management_approves_and_the_page_says_by_whom(client_for, leder, home):
    client = client_for(leder)
    url = reverse("measurements:approval", args=[home.pk, "2026Q3"])
    page = client.get(url)
    assert "Godkend 3. kvartal 2026" in page.content.decode()
    response = client.post(url, {"seen": page.context["stamp"]}, follow=True)
    html = response.content.decode()
    assert "Godkendt af" in html
    assert QuarterApproval.objects.get().approved_by == leder
    assert AuditEvent.objects.filter(action="quarter_approved").exists()


def test_entry_grid_shows_the_question_and_the_explanation_is_saved(client_for, noegle, count):
    month = timezone.localdate().replace(day=1)  # the running month is open whatever the date
    count.expected_max = Decimal(5)
    count.save()
    client = client_for(noegle)
    save = reverse("measurements:save_row", args=[count.pk, month.strftime("%Y-%m")])
    response = client.post(save, {"n-0": "1.200", "v-0": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.content.decode()[-2000:]
    value = Measurement.objects.get(measure=count, month=month)
    assert value.numerator == 1200
    html = client.get(reverse("measurements:entry", args=[count.pk])).content.decode()
    assert "Gemt, men spurgt:" in html and "1.200 er uden for det forventede (højst 5)." in html
    check = ValueCheck.objects.get()
    client.post(reverse("measurements:explain", args=[check.pk]), {"explanation": "Ny opgørelse"})
    check.refresh_from_db()
    assert check.explanation == "Ny opgørelse" and check.explained_by == noegle


def test_entry_grid_counts_down_to_the_lock(client_for, noegle, count, month):
    html = client_for(noegle).get(reverse("measurements:entry", args=[count.pk])).content.decode()
    today = timezone.localdate()
    from measurements.locking import lock_date

    days = (lock_date(month) - today).days
    if today < lock_date(month):
        assert (f"låses om {days} dage" in html) or ("låses i morgen" in html)
    else:
        assert "Bed om genåbning" in html


def test_month_page_refuses_with_unexplained_gap_then_reports(client_for, noegle, home, count, month):
    client = client_for(noegle)
    report_url = reverse("measurements:month_report", args=[home.pk, month.strftime("%Y-%m")])
    refused = client.post(report_url)
    assert refused.status_code == 422
    assert "kan ikke indberettes" in refused.content.decode()
    assert not MonthReport.objects.exists()
    gap_url = reverse("measurements:gap", args=[home.pk, month.strftime("%Y-%m")])
    client.post(gap_url, {"measure": count.pk, "section": "", "reason": "Ingen data: udtræk mangler"})
    done = client.post(report_url, follow=True)
    assert "Indberettet" in done.content.decode()
    assert MonthReport.objects.get().reported_by == noegle


def test_reopen_request_from_the_entry_page_and_kdk_grants(client_for, noegle, kdk, home, count, locked_month):
    count.start_month = dt.date(locked_month.year, 1, 1)
    count.save()
    client = client_for(noegle)
    url = reverse("measurements:reopen_ask", args=[count.pk, locked_month.strftime("%Y-%m")])
    client.post(url, {"reason": "Forkert udtræk"})
    client.post(url, {"reason": "Igen"})
    asked = ReopenRequest.objects.get()
    client = client_for(kdk)
    client.post(reverse("measurements:reopen_decide", args=[asked.pk]), {"decision": "grant", "reason": ""})
    asked.refresh_from_db()
    assert asked.status == "granted"
    assert AuditEvent.objects.filter(action="reopen_granted").exists()
    assert AuditEvent.objects.filter(action="reopen_requested").count() == 1


def test_start_page_shows_what_waits(client_for, noegle, leder, kdk, home, count, month):
    html = client_for(noegle).get("/").content.decode()
    assert "Det venter på dig" in html and "Indberet" in html
    html = client_for(leder).get("/").content.decode()
    assert "Godkend" in html
    ReopenRequest.objects.create(department=home, month=dt.date(2025, 1, 1), reason="Ret")
    html = client_for(kdk).get("/").content.decode()
    assert "Anmodning om genåbning" in html
