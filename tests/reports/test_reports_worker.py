"""Integration: a real Celery worker process on Redis and PostgreSQL builds reports; one killed with kill -9
mid-build is rescued by the sweep and the report ends done exactly once."""

import datetime as dt
import subprocess

import pytest

from reports import services
from reports.models import Report
from reports.tasks import build_report

from .report_data import measure_department, report_quarter
from .worker import require_broker_and_postgres, running_worker, unique_queue, wait_for

pytestmark = pytest.mark.postgres


@pytest.fixture
def job_env(transactional_db, settings, tmp_path):
    require_broker_and_postgres()
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    settings.VAELGKLOGT_REPORTS_QUEUE = unique_queue()
    return {"queue": settings.VAELGKLOGT_REPORTS_QUEUE, "media_root": media, "log_path": tmp_path / "worker.log"}


def finished(report_id):
    report = Report.objects.get(pk=report_id)
    return report if report.status in (Report.Status.DONE, Report.Status.FAILED) else None


def test_real_worker_builds_a_quality_team_report_end_to_end(job_env, home):
    measure_department(home)
    seen = set()
    with running_worker(**job_env) as worker:
        report = services.request_report(kind=Report.Kind.QUALITY_TEAM, department=home, period=report_quarter())

        def done():
            current = Report.objects.get(pk=report.pk)
            seen.add(current.status)
            return current if current.status in (Report.Status.DONE, Report.Status.FAILED) else None

        report = wait_for(done, timeout=180, interval=0.1, message="the report to finish")
        log = worker.log()

    assert report.status == Report.Status.DONE, f"{report.error}\n{log}"
    assert Report.Status.RUNNING in seen
    assert report.attempts == 1 and report.progress == 100
    pdf = (job_env["media_root"] / report.pdf_file.name).read_bytes()
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert home.name in text and report_quarter().label in text


def test_worker_killed_mid_build_is_rescued_and_the_report_is_done_exactly_once(job_env, home):
    measure_department(home)
    with running_worker(**job_env) as first:
        report = services.request_report(kind=Report.Kind.QUALITY_TEAM, department=home, period=report_quarter())
        wait_for(
            lambda: Report.objects.filter(pk=report.pk, status=Report.Status.RUNNING).exists(),
            timeout=60,
            interval=0.05,
            message="the worker to claim the job",
        )
        first.kill_hard()  # kill -9 mid-build

    stuck = Report.objects.get(pk=report.pk)
    assert (stuck.status, stuck.attempts) == (Report.Status.RUNNING, 1)

    with running_worker(**job_env) as second:
        # What beat's sweep does once the job has sent no heartbeat for VAELGKLOGT_REPORT_STALE_MINUTES.
        assert services.sweep(stale_after=dt.timedelta(0)) == [report.pk]
        done = wait_for(lambda: finished(report.pk), timeout=180, message="the rescued report to finish")
        assert done.status == Report.Status.DONE, f"{done.error}\n{second.log()}"
        # The original message, redelivered later by Redis, must change nothing.
        build_report.apply_async(args=[report.pk], queue=job_env["queue"])
        wait_for(lambda: "is not pending; nothing to do" in second.log(), timeout=60, message="the duplicate")

    final = Report.objects.get(pk=report.pk)
    assert (final.status, final.attempts, final.finished_at) == (Report.Status.DONE, 2, done.finished_at)
    builds = list((job_env["media_root"] / "reports" / str(report.pk)).iterdir())
    assert len(builds) == 1  # one finished build stored: done exactly once
    assert (job_env["media_root"] / final.pdf_file.name).read_bytes().startswith(b"%PDF")
