"""Data quality and sign-off in a real Chromium (issue 14): `noegle` saves an out-of-range value and explains it,
marks the month complete, asks to reopen a locked month; `kdk` grants it; `leder` approves the quarter; the
quality-team PDF says the quarter is approved. Screenshots in screenshots/."""

import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.months import add_months, last_complete_month
from measurements import dataquality
from measurements.models import Measure, Measurement, MonthReport, QuarterApproval, ReopenRequest, ValueCheck
from measurements.periods import measure_months, measure_slots

SLOW = 15_000
MEASURE = "ORT-MED-01"  # proportion, whole department


@pytest.fixture
def month_to_report(demo_data, settings):
    """The last completed month open for entry; every value of the department there except MEASURE's."""
    settings.VAELGKLOGT_LOCK_DAYS = 31
    today = timezone.localdate()
    month = last_complete_month(today)
    measure = Measure.objects.get(code=MEASURE)
    measure.expected_max = Decimal("10")  # percent
    measure.save()
    Measurement.objects.filter(measure=measure, month=month).delete()
    department = measure.initiative.department
    for other in dataquality.department_measures(department.pk):
        if other.pk == measure.pk or month not in measure_months(other, today=today):
            continue
        for slot in measure_slots(other):
            Measurement.objects.get_or_create(
                measure=other,
                section=slot,
                month=month,
                defaults={
                    "numerator": 1,
                    "denominator": None if other.unit == "count" else 10,
                    "unit": other.unit,
                },
            )
    return month


def switch_user(page, login, username):
    page.context.clear_cookies()
    return login(username)


def test_data_quality_journey(month_to_report, login, page, screenshot, live_server):
    month = month_to_report
    key = f"{month:%Y-%m}"
    measure = Measure.objects.get(code=MEASURE)

    # noegle saves an out-of-range value: it is saved, and questioned
    login("noegle")
    page.goto(f"{live_server.url}/maalinger/{measure.pk}/")
    page.locator(f"#n-{key}-0").fill("30")
    page.locator(f"#d-{key}-0").fill("120")
    page.locator(f"#month-{key} button.save").click()
    expect(page.locator(f"#month-{key} .value-question")).to_contain_text("Gemt, men spurgt", timeout=SLOW)
    expect(page.locator(f"#month-{key} .value-question")).to_contain_text("25 % er uden for det forventede")
    screenshot("dq-entry-questioned")
    page.locator(f"#month-{key} .explain-form input[name=explanation]").fill("Ny visitationspraksis i måneden")
    page.locator(f"#month-{key} .explain-form button", has_text="Gem forklaring").click()
    expect(page.locator(f"#month-{key} .value-question")).to_contain_text("Forklaring: Ny visitationspraksis")
    assert ValueCheck.objects.get(measurement__measure=measure, measurement__month=month).explained

    # ... marks the month complete
    page.get_by_role("link", name=re.compile(r"^Indberet ")).first.click()
    expect(page.locator("h1")).to_contain_text("Indberetning for", timeout=SLOW)
    page.get_by_role("button", name=re.compile("som indberettet")).click()
    expect(page.locator(".badge", has_text="Indberettet rettidigt")).to_be_visible(timeout=SLOW)
    screenshot("dq-month-reported")
    assert MonthReport.objects.get(month=month, department=measure.initiative.department).on_time

    # ... asks to reopen a locked month
    locked = add_months(month, -3)
    page.goto(f"{live_server.url}/maalinger/{measure.pk}/")
    page.locator(f"#month-{locked:%Y-%m} a.reopen-link").click()
    page.fill("#id_reason", "Udtrækket for måneden var forkert")
    page.get_by_role("button", name="Send anmodning").click()
    expect(page.locator(".messages")).to_contain_text("Din anmodning er sendt til KDK", timeout=SLOW)
    assert ReopenRequest.objects.get().status == "pending"

    # kdk grants it from the list of requests
    switch_user(page, login, "kdk")
    expect(page.locator(".waiting")).to_contain_text("Anmodning om genåbning", timeout=SLOW)
    page.goto(f"{live_server.url}/maalinger/genaabninger/")
    screenshot("dq-reopen-requests")
    page.get_by_role("button", name=re.compile("^Genåbn")).click()
    expect(page.locator(".messages")).to_contain_text("er genåbnet", timeout=SLOW)
    assert ReopenRequest.objects.get().status == "granted"

    # leder approves the last ended quarter from "Det venter på dig"
    switch_user(page, login, "leder")
    page.locator(".waiting").get_by_role("link", name=re.compile("^Godkend")).first.click()
    page.get_by_role("button", name=re.compile("^Godkend")).click()
    expect(page.locator("#approval-status")).to_contain_text("Godkendt af", timeout=SLOW)
    screenshot("dq-quarter-approved")
    approval = QuarterApproval.objects.get()
    assert page.console_errors == []

    # the quality-team PDF says the quarter is approved
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")
    from reports.documents import build_documents, no_progress
    from reports.models import Report

    report = Report(kind=Report.Kind.QUALITY_TEAM, department=approval.department, period=approval.quarter)
    pdf = build_documents(report, progress=no_progress, built_at=timezone.now()).files["pdf"][1]
    text = " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode().split())
    assert "er godkendt. Godkendt af" in text
