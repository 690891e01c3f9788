"""Redis stopped: gunicorn keeps serving data entry and dashboards; a report asked for meanwhile is kept (pending,
in the database) and built by a real Celery worker once Redis is back. Uses a redis-server of its own, never the
shared one."""

import subprocess
import sys

import pytest
from django.urls import reverse

from departments.access import Role
from measurements.models import Measurement
from tests.reports import report_data
from tests.reports import worker as worker_module

from ..factories import MembershipFactory, UserFactory
from .processes import ROOT, Browser, RedisServer, app_env, gunicorn, require_postgres, wait_for

pytestmark = pytest.mark.postgres

SWEEP = (
    "import datetime as dt, django; django.setup(); from reports import services;"
    "print(services.sweep(stale_after=dt.timedelta(0)))"
)


def _url(name, *args):
    return reverse(name, args=args)


def test_redis_down_entry_and_dashboards_work_and_a_report_waits_for_redis(
    transactional_db, home, kdk, settings, tmp_path, capsys
):
    from reports.models import Report

    require_postgres()
    _initiative, measure = report_data.measure_department(home)
    leder = UserFactory(username="leder_redis", password="pw")
    MembershipFactory(user=leder, role=Role.MANAGEMENT, department=home)
    kdk.set_password("pw")
    kdk.save()
    queue = worker_module.unique_queue()
    media = tmp_path / "media"
    media.mkdir()
    redis = RedisServer().start()
    settings.CELERY_BROKER_URL = redis.url
    settings.VAELGKLOGT_REPORTS_QUEUE = queue
    settings.MEDIA_ROOT = media
    app = {
        "CELERY_BROKER_URL": redis.url,
        "VAELGKLOGT_REPORTS_QUEUE": queue,
        "MEDIA_ROOT": media,
        "VAELGKLOGT_LOCK_DAYS": 100_000,
    }
    dashboard = _url("dashboards:department_dashboard", home.pk)
    status_page = _url("dashboards:hospital_status")
    entry_month = measure.start_month
    try:
        with gunicorn(log_path=tmp_path / "gunicorn.log", workers=2, threads=2, **app) as base:
            manager = Browser(base).sign_in("leder_redis", "pw")
            quality = Browser(base).sign_in("kdk", "pw")
            assert manager.get("/readyz").status_code == 200

            redis.stop()  # Redis goes away

            ready = manager.get("/readyz")
            assert ready.status_code == 503 and "broker" in ready.json()["failing"]
            # Data entry still saves, with its history.
            Measurement.objects.filter(measure=measure, month=entry_month).delete()
            saved = manager.post(
                f"/maalinger/{measure.pk}/maaned/{entry_month:%Y-%m}/",
                data={"n-0": 3, "d-0": 9, "c-0": "", "v-0": ""},
            )
            assert saved.status_code == 302, saved.status_code
            stored = Measurement.objects.get(measure=measure, month=entry_month)
            assert (stored.numerator, stored.denominator) == (3, 9)
            assert stored.history.count() == 1
            # Dashboards still answer.
            board = manager.get(dashboard)
            assert board.status_code == 200 and home.name in board.text
            overview = quality.get(status_page)
            assert overview.status_code == 200 and home.name in overview.text
            # A report asked for now is accepted and kept.
            period = str(report_data.report_quarter())
            asked = manager.post(
                "/rapporter/byg/", data={"kind": Report.Kind.QUALITY_TEAM, "department": home.pk, "period": period}
            )
            assert asked.status_code == 302, asked.status_code
            report = Report.objects.get(department=home, kind=Report.Kind.QUALITY_TEAM)
            assert report.status == Report.Status.PENDING

        # Redis is back: the sweep (celery beat's job) sends the kept job and a real worker builds it once.
        redis.start()
        with worker_module.running_worker(queue=queue, media_root=media, log_path=tmp_path / "worker.log") as worker:
            # What beat's periodic sweep does once the job has waited VAELGKLOGT_REPORT_STALE_MINUTES, run as its own
            # process on the app's settings (the test process's Celery app is bound to the test broker).
            sweep = subprocess.run(
                [sys.executable, "-c", SWEEP],
                cwd=ROOT,
                env=app_env(**app),
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert sweep.stdout.strip().splitlines()[-1] == f"[{report.pk}]", sweep.stdout + sweep.stderr
            done = wait_for(
                lambda: Report.objects.filter(pk=report.pk, status__in=["done", "failed"]).first(),
                timeout=180,
                interval=0.25,
                message="the kept report to be built",
            )
            assert done.status == Report.Status.DONE, f"{done.error}\n{worker.log()}"
            assert done.attempts == 1
    finally:
        redis.stop()
    with capsys.disabled():
        print("\nredis down: entry saved, dashboards served, report kept pending and built once Redis was back")
