"""What the benchmark measures: the pages (by URL name, as which user) and the in-process timings.

Everything here runs inside Django (called from `bench.probe`), so URLs are reversed, never hard-coded; a page whose
URL name does not exist on this branch yet is reported as missing rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from departments.models import Department, Membership

#: The demo users both scales have (departments.demo and departments.demo_region).
FLOOR_USER = "noegle"
DASHBOARD_USER = "leder"
STATUS_USER = "kdk"
ENTRY_USER = "noegle"


@dataclass
class Page:
    name: str
    user: str
    path: str | None  # None: the page does not exist on this branch
    method: str = "GET"
    data: dict | None = None
    expect: tuple[int, ...] = (200,)
    note: str = ""

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "user": self.user,
            "path": self.path,
            "method": self.method,
            "data": self.data,
            "expect": list(self.expect),
            "note": self.note,
        }


def _reverse(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def department_of(username: str) -> Department:
    membership = Membership.objects.filter(user__username=username, department__isnull=False).first()
    if membership is None:
        raise LookupError(f"{username} has no department: seed the database first")
    return membership.department


def pages() -> list[Page]:
    """The pages of the load test, in a fixed order (floor first)."""
    department = department_of(DASHBOARD_USER)
    return [
        Page("floor", FLOOR_USER, _reverse("bench_floor"), note="VAELGKLOGT_BENCH_FLOOR must be on"),
        Page("start", FLOOR_USER, _reverse("start")),
        Page(
            "dashboard",
            DASHBOARD_USER,
            _reverse("reports:department_dashboard", department.pk) or _reverse("reports:department_dashboard_mine"),
        ),
        Page("status", STATUS_USER, _reverse("reports:hospital_status")),
        Page("entry_page", ENTRY_USER, None, note="needs the entry page (issue 3)"),
        Page("entry_save", ENTRY_USER, None, method="POST", note="needs the entry save endpoint (issue 3)"),
    ]


def query_counts(page_list: list[Page]) -> dict[str, int | None]:
    """Queries per page through Django's test client (a fresh login each, as a first request after login)."""
    counts = {}
    User = get_user_model()
    for page in page_list:
        if page.path is None or page.method != "GET":
            counts[page.name] = None
            continue
        client = Client()
        client.force_login(User.objects.get(username=page.user))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path)
        if response.status_code not in page.expect:
            raise RuntimeError(f"{page.name} {page.path} answered {response.status_code}")
        counts[page.name] = len(captured)
    return counts


def status_function():
    """The hospital-wide status computation, as the status page calls it (the one source of truth)."""
    from reports import status

    today = timezone.localdate()

    def compute():
        rows = status.department_rows(Department.objects.all(), year=today.year, today=today)
        return status.totals(rows)

    return compute


def time_median(function, *, runs: int, warmup: int = 1) -> tuple[float, list[float]]:
    """Median wall time of `function()` in milliseconds over `runs` runs after `warmup` unmeasured ones."""
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    samples.sort()
    return round(1000 * samples[len(samples) // 2], 1), [round(1000 * s, 1) for s in samples]


def scale_of_database() -> dict[str, int]:
    from measurements.models import Measure, Measurement

    return {
        "departments": Department.objects.count(),
        "measures": Measure.objects.count(),
        "values": Measurement.objects.count(),
        "today": dt.date.today().isoformat(),
    }


# --- reports and exports (issue 5) -----------------------------------------------------------------------------


def reports_available() -> bool:
    try:
        from reports.services import request_report, run_report  # noqa: F401
    except ImportError:
        return False
    return True


def report_one(username: str = DASHBOARD_USER) -> dict:
    """Build one department's quality-team report for the last complete quarter, in this process, timed."""
    from reports.quarters import Quarter
    from reports.services import request_report, run_report

    from reports.models import Report

    department = department_of(username)
    quarter = Quarter.last_complete(timezone.localdate())
    started = time.perf_counter()
    report = request_report(
        kind=Report.Kind.QUALITY_TEAM, period=quarter, department=department, rebuild=True, send=False
    )
    run_report(report_id=report.pk)
    seconds = time.perf_counter() - started
    report.refresh_from_db()
    return {"seconds": round(seconds, 2), "status": report.status, "error": report.error, "period": str(quarter)}


def report_batch(*, timeout: float) -> dict:
    """Ask for every department's quality-team report (sent to the broker) and wait until all are built."""
    from reports.quarters import Quarter
    from reports.services import request_report

    from reports.models import Report

    quarter = Quarter.last_complete(timezone.localdate())
    started = time.perf_counter()
    ids = [
        request_report(kind=Report.Kind.QUALITY_TEAM, period=quarter, department=department, rebuild=True).pk
        for department in Department.objects.order_by("name")
    ]
    finished = [Report.Status.DONE, Report.Status.FAILED]
    while time.perf_counter() - started < timeout:
        left = Report.objects.filter(pk__in=ids).exclude(status__in=finished).count()
        if not left:
            break
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    statuses = dict(Report.objects.filter(pk__in=ids).values_list("status").annotate(n=models.Count("pk")).order_by())
    return {"seconds": round(seconds, 1), "reports": len(ids), "statuses": statuses, "period": str(quarter)}


def export_region(fmt: str = "xlsx") -> dict:
    """KDK's hospital-wide status export of every department, in this process, timed."""
    from reports.exports import export_status

    started = time.perf_counter()
    _name, content = export_status(fmt=fmt, departments=Department.objects.all(), year=timezone.localdate().year)
    return {"seconds": round(time.perf_counter() - started, 2), "bytes": len(content), "format": fmt}


def reports_queue() -> str:
    from django.conf import settings

    return getattr(settings, "VAELGKLOGT_REPORTS_QUEUE", "celery")
