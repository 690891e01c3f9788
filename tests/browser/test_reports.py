"""Journeys on the reports page, with a real Celery worker process building the report."""

import re

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from departments.models import Department
from reports.models import Report
from tests.reports.worker import require_broker_and_postgres, running_worker, unique_queue


@pytest.fixture
def report_worker(live_server, settings, tmp_path):
    require_broker_and_postgres()
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    settings.VAELGKLOGT_REPORTS_QUEUE = unique_queue()
    with running_worker(
        queue=settings.VAELGKLOGT_REPORTS_QUEUE, media_root=media, log_path=tmp_path / "worker.log"
    ) as worker:
        yield worker


def test_kdk_builds_the_inspiration_report_watches_progress_and_downloads_the_pdf(
    demo_data, report_worker, login, page, screenshot, live_server
):
    login("kdk")
    page.goto(f"{live_server.url}/rapporter/")
    page.evaluate("window.stillTheSamePage = true")
    page.select_option("#id_kind", "inspiration")

    page.get_by_role("button", name="Byg nu").click()

    row = page.locator("tr.report-row", has_text="Inspirationsmøde-rapport")
    expect(row).to_contain_text(re.compile("Venter|Bygges"))
    progress = page.locator("tr.report-running progress")
    progress.wait_for(timeout=60_000)
    first_value = int(progress.get_attribute("value"))
    screenshot("reports-kdk-building")
    download = row.get_by_role("link", name="PDF")
    expect(download).to_be_visible(timeout=180_000)
    assert page.evaluate("window.stillTheSamePage") is True  # updated by htmx, never reloaded
    assert first_value >= 1
    expect(row).to_contain_text("Færdig")
    screenshot("reports-kdk-done")

    with page.expect_download() as info:
        download.click()
    with open(info.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
    assert info.value.suggested_filename.startswith("inspirationsmoede-")
    assert row.get_by_role("link", name="PowerPoint").is_visible()
    assert page.console_errors == []


def test_leder_sees_own_department_reports_only(demo_data, login, page, screenshot, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for code in ("ort", "med"):
        report = Report.objects.create(
            kind=Report.Kind.QUALITY_TEAM,
            department=Department.objects.get(code=code),
            period="2026Q3",
            status=Report.Status.DONE,
            finished_at=timezone.now(),
        )
        report.pdf_file.save(f"{code}.pdf", ContentFile(b"%PDF-1.7"), save=True)
    Report.objects.create(
        kind=Report.Kind.QUALITY_TEAM,
        department=Department.objects.get(code="ort"),
        period="2026Q2",
        status=Report.Status.FAILED,
        error="RuntimeError: Chromium kunne ikke starte",
    )

    login("leder")
    page.goto(f"{live_server.url}/rapporter/")

    table = page.locator("#report-table").inner_text()
    assert "Ortopædkirurgisk Afdeling" in table and "Medicinsk Afdeling" not in table
    assert "Chromium kunne ikke starte" in table and "Prøv igen" in table
    assert page.locator("#id_department option").all_inner_texts() == ["Vælg afdeling", "Ortopædkirurgisk Afdeling"]
    screenshot("reports-leder")
    assert page.console_errors == []
