"""A report built where no browser is found fails with a Danish message that names the fix, never a raw exception."""

import pytest

from reports import services
from reports.documents import render
from reports.models import Report
from tests.factories import DepartmentFactory
from tests.reports.report_data import measure_department, report_quarter


@pytest.fixture
def no_open_engine():
    """Start from a process without an open chart engine, and leave none behind."""
    render._close_shared()
    yield
    render._close_shared()


def test_a_chromium_path_pointing_nowhere_is_named_in_danish(settings, tmp_path):
    settings.CHROMIUM_PATH = str(tmp_path / "no-such-chromium")
    with pytest.raises(render.ChartEngineMissing) as missing:
        render.chromium_path()
    assert "CHROMIUM_PATH" in str(missing.value) and "apt-get install chromium" in str(missing.value)


def test_no_browser_on_path_says_how_to_install_one(settings, monkeypatch):
    settings.CHROMIUM_PATH = ""
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(render.ChartEngineMissing) as missing:
        render.chromium_path()
    assert "Chromium ikke er installeret" in str(missing.value)


def test_a_configured_browser_is_used(settings):
    settings.CHROMIUM_PATH = "/bin/sh"  # any executable file will do for the lookup
    assert render.chromium_path() == "/bin/sh"


@pytest.mark.django_db
def test_report_without_a_browser_fails_with_the_fix_and_stores_nothing(settings, tmp_path, no_open_engine):
    settings.CHROMIUM_PATH = str(tmp_path / "no-such-chromium")
    department = DepartmentFactory(name="Kirurgisk Afdeling", code="kir")
    measure_department(department)
    report = Report.objects.create(kind=Report.Kind.QUALITY_TEAM, department=department, period=str(report_quarter()))

    assert services.run_report(report_id=report.pk) == Report.Status.FAILED

    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "CHROMIUM_PATH" in report.error and "Traceback" not in report.error
    assert "Error" not in report.error.split(":")[0]  # a sentence, not "SomeError: …"
    assert not report.pdf_file and not report.html_file
