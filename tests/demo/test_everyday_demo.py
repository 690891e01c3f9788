"""Issue 16 in the demo: Kirurgisk Afdeling's Mål 1, the newcomer's 404/403 pages and log lines, the reports page."""

import logging
import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.quarters import Quarter
from departments.models import Department
from goals import status
from initiatives.models import Initiative
from reports.models import Report
from tests.factories import RecommendationFactory

pytestmark = pytest.mark.django_db


def test_demo_kirurgisk_counts_its_two_local_selections_beside_the_cross_hospital_one():
    call_command("seed_demo", stdout=StringIO())
    kirurgisk = Department.objects.get(name="Kirurgisk Afdeling")
    year = timezone.localdate().year
    assert Initiative.objects.filter(department=kirurgisk, year=year).count() == 3
    row = status.department_status(kirurgisk, year=year, today=timezone.localdate())
    assert (row.selections.label, row.selections.detail) == ("Opfyldt", "2 valgt, 1 fulgt med målinger")
    assert row.in_cross_hospital


def test_unknown_url_shows_the_danish_404_page_with_debug_on(client_for, noegle, settings):
    settings.DEBUG = True
    client = client_for(noegle)
    for url in ("/findes-ikke/", reverse("dashboards:department_dashboard", args=[999999])):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 404
        assert "Siden findes ikke" in html and "Using the URLconf" not in html and "Page not found" not in html


def test_refusal_shows_the_danish_403_page_and_logs_one_line(client_for, noegle, home, caplog):
    recommendation = RecommendationFactory()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for(noegle).get(reverse("dashboards:select", kwargs={"pk": recommendation.pk}))
    assert response.status_code == 403
    assert "Ingen adgang" in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage().startswith("Forbidden (Permission denied):")
    assert record.exc_info is None and "Traceback" not in caplog.text


def test_reports_page_says_how_to_get_the_reports_where_chromium_is_missing(client_for, kdk, settings):
    settings.CHROMIUM_PATH = "/findes/ikke/chromium"
    html = client_for(kdk).get(reverse("reports:list")).content.decode()
    assert "Chromium" in html and "apt-get install chromium" in html
    assert "seed_demo --reports" in html
    assert str(Quarter.last_complete(timezone.localdate())) in html


def test_seed_demo_reports_without_chromium_builds_nothing_and_says_how(settings):
    settings.CHROMIUM_PATH = "/findes/ikke/chromium"
    out = StringIO()
    call_command("seed_demo", "--reports", stdout=out)
    assert "apt-get install chromium" in out.getvalue() and "seed_demo --reports" in out.getvalue()
    assert not Report.objects.exists()


@pytest.mark.skipif(not shutil.which("chromium"), reason="Chromium is not installed")
def test_seed_demo_reports_builds_the_last_quarters_reports(settings):
    settings.CHROMIUM_PATH = ""
    out = StringIO()
    call_command("seed_demo", "--reports", stdout=out)
    quarter = Quarter.last_complete(timezone.localdate())
    reports = Report.objects.filter(period=str(quarter))
    assert reports.filter(kind=Report.Kind.INSPIRATION, status=Report.Status.DONE).count() == 1
    departments = Department.objects.filter(initiatives__year=quarter.year).distinct().count()
    assert reports.filter(kind=Report.Kind.QUALITY_TEAM, status=Report.Status.DONE).count() == departments
    assert f"{departments + 1} af {departments + 1} færdige" in out.getvalue()
