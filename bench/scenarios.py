"""What the benchmark measures: the pages (by URL name, as which user) and the in-process timings.

Everything here runs inside Django (called from `bench.probe`), so URLs are reversed, never hard-coded; a page whose
URL name does not exist on this branch yet is reported as missing rather than guessed.
"""

from __future__ import annotations

import contextlib
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

#: The demo users both scales have (demo.seed and demo.region).
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


def entry_measure(username: str):
    """The measure the entry scenarios use: the user's current-year proportion measure recorded for the whole
    department (one cell per month at both scales, so the pages compare like with like), with the most values."""
    from measurements.models import Measure

    return (
        Measure.objects.enterable_by(get_user_model().objects.get(username=username))
        .filter(initiative__year=timezone.localdate().year, unit="proportion", per_section=False)
        .annotate(values=models.Count("measurements"))
        .order_by("-values", "pk")
        .first()
    )


def entry_saves(measure, *, clients: int) -> list[dict]:
    """One row (measure × month) per load client, so that clients never conflict: the fields the entry grid posts
    for that month, with the values stored now. The client alternates the numerator between two values."""
    from measurements.models import Measurement
    from measurements.periods import measure_slots

    slots = measure_slots(measure)
    months = sorted(
        Measurement.objects.filter(measure=measure).values_list("month", flat=True).distinct(), reverse=True
    )
    stored = {(m.section_id, m.month): m for m in Measurement.objects.filter(measure=measure, month__in=months)}
    saves = []
    for month in months[1 : clients + 1]:  # not the newest month: an older month is a correction anywhere
        fields, keys, alternate = {}, [], {}
        for slot in slots:
            key = str(slot.pk) if slot is not None else "0"
            value = stored.get((slot.pk if slot is not None else None, month))
            numerator = value.numerator if value else 1
            denominator = value.denominator if value else (None if measure.unit == "count" else 10)
            fields[f"n-{key}"] = str(numerator)
            fields[f"d-{key}"] = "" if denominator is None else str(denominator)
            fields[f"c-{key}"] = ""
            fields[f"v-{key}"] = str(value.version) if value else ""
            other = numerator + 1 if denominator is None or numerator < denominator else numerator - 1
            alternate[f"n-{key}"] = [str(numerator), str(max(other, 0))]
            keys.append(key)
        path = _reverse("measurements:save_row", measure.pk, month)
        saves.append({"path": path, "fields": fields, "keys": keys, "alternate": alternate, "month": str(month)})
    return saves


def pages(*, clients: int = 4) -> list[Page]:
    """The pages of the load test, in a fixed order (floor first)."""
    department = department_of(DASHBOARD_USER)
    measure = entry_measure(ENTRY_USER) if _reverse("measurements:mine") else None
    entry_path = _reverse("measurements:entry", measure.pk) if measure else None
    saves = (
        entry_saves(measure, clients=clients)
        if measure and _reverse("measurements:save_row", measure.pk, "2026-01")
        else []
    )
    return [
        Page("floor", FLOOR_USER, _reverse("bench_floor"), note="VAELGKLOGT_BENCH_FLOOR must be on"),
        Page("dashboards:start", FLOOR_USER, _reverse("dashboards:start")),
        Page(
            "dashboard",
            DASHBOARD_USER,
            _reverse("dashboards:department_dashboard", department.pk)
            or _reverse("dashboards:department_dashboard_mine"),
        ),
        Page("status", STATUS_USER, _reverse("dashboards:hospital_status")),
        Page("entry_page", ENTRY_USER, entry_path, note="needs the entry page (issue 3)"),
        Page(
            "entry_save",
            ENTRY_USER,
            saves[0]["path"] if saves else None,
            method="POST",
            data={"saves": saves, "measure": measure.code if measure else None},
            note="htmx save of one month's row (issue 3)",
        ),
    ]


def query_counts(page_list: list[Page]) -> dict[str, int | None]:
    """Queries per page through Django's test client, in steady state: each page is requested once first, so
    caches filled on a first visit (the status summaries) are warm, as they are under load (and the session's
    last-seen time recorded). A save posts the first
    client's row once, as htmx does; it really saves, so take the load test's plan after this."""
    counts = {}
    User = get_user_model()
    for page in page_list:
        if page.path is None:
            counts[page.name] = None
            continue
        client = Client()
        client.force_login(User.objects.get(username=page.user))
        if page.method == "GET":
            # Twice: a cold first request (all summaries computed: most of a minute at national scale) outlasts
            # the session's last-seen resolution, so the next request stores the visit (3 queries not the page's).
            client.get(page.path)
            client.get(page.path)
        with CaptureQueriesContext(connection) as captured:
            if page.method == "GET":
                response = client.get(page.path)
                ok = response.status_code in page.expect
            else:
                save = page.data["saves"][0]
                fields = dict(save["fields"])
                fields.update({name: values[1] for name, values in save["alternate"].items()})
                response = client.post(save["path"], fields, headers={"HX-Request": "true"})
                ok = response.status_code == 200 and b'class="saved"' in response.content
        if not ok:
            raise RuntimeError(f"{page.name} {page.path} answered {response.status_code}: {response.content[:300]!r}")
        counts[page.name] = len(captured)
    return counts


def page_times(page_list: list[Page], *, runs: int = 7) -> dict[str, float | None]:
    """Median in-process time of each GET page through the test client, in ms (no network, no gunicorn)."""
    times = {}
    for page in page_list:
        if page.path is None or page.method != "GET":
            times[page.name] = None
            continue
        client = Client()
        client.force_login(get_user_model().objects.get(username=page.user))
        times[page.name], _samples = time_median(lambda p=page.path, c=client: c.get(p), runs=runs)
    return times


def profile_page(name: str, *, top: int = 30, sort: str = "cumulative") -> str:
    """cProfile of one request to page `name` (after one unprofiled request), as pstats text."""
    import cProfile
    import io
    import pstats

    [page] = [p for p in pages() if p.name == name]
    client = Client()
    client.force_login(get_user_model().objects.get(username=page.user))

    def request():
        if page.method == "GET":
            return client.get(page.path)
        save = page.data["saves"][0]
        return client.post(save["path"], save["fields"], headers={"HX-Request": "true"})

    request()
    profiler = cProfile.Profile()
    profiler.enable()
    request()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(top)
    return out.getvalue()


def status_function():
    """The hospital-wide status computation, as the status page calls it (the one source of truth)."""
    from goals import status

    today = timezone.localdate()

    def compute():
        rows = status.department_rows(Department.objects.all(), year=today.year, today=today)
        return status.totals(rows)

    return compute


def time_median(function, *, runs: int, warmup: int = 1, cpu: list | None = None) -> tuple[float, list[float]]:
    """Median wall time of `function()` in milliseconds over `runs` runs after `warmup` unmeasured ones.

    `cpu`, when given, receives this process's median CPU time per run in ms (wall time minus the waits: for the
    database, and for the cores when other programs keep them busy)."""
    for _ in range(warmup):
        function()
    samples, cpu_samples = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        samples.append(time.perf_counter() - started)
        cpu_samples.append(time.process_time() - started_cpu)
    samples.sort()
    if cpu is not None:
        cpu.append(round(1000 * sorted(cpu_samples)[len(cpu_samples) // 2], 1))
    return round(1000 * samples[len(samples) // 2], 1), [round(1000 * s, 1) for s in samples]


def prepare(scale: str, *, reseed: bool = False) -> dict:
    """Migrate, and seed the demo, region or national data when the database has none (or, for demo, when asked to)."""
    from io import StringIO

    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    seeded = False
    if scale == "demo" and (reseed or not Department.objects.exists()):
        call_command("seed_demo", stdout=StringIO())
        seeded = True
    elif scale in {"region", "national"} and not Department.objects.exists():
        out = StringIO()
        call_command("seed_demo", "--scale", scale, stdout=out)
        seeded = out.getvalue().strip()
    return {"seeded": seeded, **scale_of_database()}


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
    from core import quarters
    from reports import models as report_models  # one statement: imported late
    from reports import services

    Report, Quarter, request_report, run_report = (
        report_models.Report,
        quarters.Quarter,
        services.request_report,
        services.run_report,
    )
    department = department_of(username)
    quarter = Quarter.last_complete(timezone.localdate())
    _warm_imports()
    started = time.perf_counter()
    report = request_report(
        kind=Report.Kind.QUALITY_TEAM, period=quarter, department=department, rebuild=True, send=False
    )
    run_report(report_id=report.pk)
    seconds = time.perf_counter() - started
    report.refresh_from_db()
    return {"seconds": round(seconds, 2), "status": report.status, "error": report.error, "period": str(quarter)}


def _warm_imports() -> None:
    """Import what a report build imports and start the chart engine, as a Celery worker has after its first task:
    the figure is the cost of one report in a running worker, not of importing WeasyPrint (seconds without
    byte-code caches) or of starting Chromium."""
    import importlib

    for module in ("weasyprint", "kaleido", "plotly.io", "reports.documents"):
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
    # A running worker has its chart engine (Chromium) open already, when the reports keep one per process.
    render = importlib.import_module("reports.documents.render") if reports_available() else None
    if render is not None and hasattr(render, "shared_session"):
        with render.shared_session():
            pass


def report_batch(*, timeout: float) -> dict:
    """Ask for every department's quality-team report (sent to the broker) and wait until all are built."""
    from core import quarters
    from reports import models as report_models
    from reports import services

    Report, request_report = report_models.Report, services.request_report
    quarter = quarters.Quarter.last_complete(timezone.localdate())
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


# --- the Web API (issue 15): one request writing a month of values --------------------------------------------------


def api_feed(rows: int = 1000) -> dict:
    """An integration for every department (made once) and a fresh write token, and the body of one request writing
    `rows` values of the current month across the region: each cell's stored version is sent, so the request
    overwrites what the seed wrote, as a data-warehouse job correcting a month would. Returns token and body."""
    import json

    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from api.tokens import integration_create, token_create
    from measurements.models import Measure, Measurement, Unit
    from measurements.periods import measure_slots

    user = get_user_model().objects.filter(username="bench-dwh").first()
    if user is None:
        user = integration_create(
            username="bench-dwh", description="Benchmark feed", departments=Department.objects.all(), by=None
        )
    _token, raw = token_create(owner=user, scope="write", name="bench", days=1, by=None)
    month = timezone.localdate().replace(day=1)
    measures = (
        Measure.objects.filter(Q(start_month__isnull=True) | Q(start_month__lte=month))
        .filter(Q(end_month__isnull=True) | Q(end_month__gte=month))
        .select_related("initiative")
        .prefetch_related("initiative__sections")
        .order_by("pk")
    )
    # A value a person wrote needs its version to be overwritten; one the feed wrote last does not (a re-run).
    stored = (
        Measurement.objects.filter(month=month)
        .order_by()
        .only("pk", "measure_id", "section_id", "version", "numerator", "entered_by_id")
    )
    versions = {(v.measure_id, v.section_id): v.version for v in stored if v.entered_by_id != user.pk}
    # Every run changes each value (7 ↔ 8), so a second benchmark on the same database writes 1,000 values again
    # instead of finding them unchanged.
    numerators = {(v.measure_id, v.section_id): v.numerator for v in stored}
    body_rows = []
    for measure in measures:
        if measure.initiative.year > month.year:
            continue
        for section in measure_slots(measure):
            cell = (measure.pk, getattr(section, "pk", None))
            numerator = 8 if numerators.get(cell) == 7 else 7
            row = {"measure": measure.code, "section": section.code if section else None, "numerator": numerator}
            row["denominator"] = None if measure.unit == Unit.COUNT else 40
            version = versions.get(cell)
            if version is not None:
                row["version"] = version
            body_rows.append(row)
            if len(body_rows) == rows:
                break
        if len(body_rows) == rows:
            break
    return {"token": raw, "month": f"{month:%Y-%m}", "body": json.dumps({"month": f"{month:%Y-%m}", "rows": body_rows})}


# --- national scale (issue 17) ---------------------------------------------------------------------------------


def _one_value_writer():
    """A function that changes one stored value of a counted measure through the write service (its numerator
    alternates between two values), as a key person's save does; returns the measure's id."""
    from measurements.models import Measurement
    from measurements.services import measurement_record

    user = get_user_model().objects.get(username=ENTRY_USER)
    measure = entry_measure(ENTRY_USER)
    value = Measurement.objects.filter(measure=measure).order_by("-month")[1]  # an older month: a correction
    other = (
        value.numerator + 1 if value.denominator is None or value.numerator < value.denominator else value.numerator - 1
    )
    turn = [0]

    def write() -> int:
        stored = Measurement.objects.get(pk=value.pk)
        turn[0] += 1
        measurement_record(
            measure=measure,
            section=stored.section,
            month=stored.month,
            numerator=[value.numerator, max(other, 0)][turn[0] % 2],
            denominator=stored.denominator,
            expected_version=stored.version,
            by=user,
        )
        return measure.pk

    return write


def status_after_changes(*, runs: int, cold_runs: int) -> dict:
    """The hospital-wide status function three ways (median ms): all from the summaries (warm); right after one
    value changed (that measure recomputed, the rest from the summaries); fully cold (every summary dropped, all
    recomputed and stored). Also how many measures each run after a change recomputed (must be one)."""
    from measurements import summary
    from measurements.models import MeasureSummary

    compute = status_function()
    compute()  # every summary stored
    warm_cpu: list = []
    warm_ms, warm_samples = time_median(compute, runs=runs, cpu=warm_cpu)
    write = _one_value_writer()
    changed, recomputed = [], set()
    for _ in range(runs):
        write()
        stale = MeasureSummary.objects.filter(payload__isnull=True).count()
        started, started_cpu = time.perf_counter(), time.process_time()
        compute()
        changed.append((time.perf_counter() - started, time.process_time() - started_cpu))
        recomputed.add(stale - MeasureSummary.objects.filter(payload__isnull=True).count())
    cold = []
    for _ in range(cold_runs):
        summary.forget_all()
        started, started_cpu = time.perf_counter(), time.process_time()
        totals = compute()
        cold.append((time.perf_counter() - started, time.process_time() - started_cpu))

    def median(samples, index):
        ordered = sorted(sample[index] for sample in samples)
        return round(1000 * ordered[len(ordered) // 2], 1)

    return {
        "warm_ms": warm_ms,
        "warm_cpu_ms": warm_cpu[0],
        "warm_samples_ms": warm_samples,
        "one_changed_ms": median(changed, 0),
        "one_changed_cpu_ms": median(changed, 1),
        "one_changed_samples_ms": sorted(round(1000 * wall, 1) for wall, _cpu in changed),
        "recomputed_per_change": sorted(recomputed),
        "cold_ms": median(cold, 0),
        "cold_cpu_ms": median(cold, 1),
        "counted_measures": totals.signals.measures,
        "departments": totals.departments,
    }


def hospital_status_filtered(*, runs: int) -> dict:
    """The status page filtered to one hospital (the first by name) as KDK: queries and median in-process ms, with
    the unfiltered page's queries beside them."""
    from departments.models import Hospital

    hospital = Hospital.objects.order_by("name").first()
    client = Client()
    client.force_login(get_user_model().objects.get(username=STATUS_USER))
    path = _reverse("dashboards:hospital_status")
    counts = {}
    for name, data in (("status", {}), ("status_one_hospital", {"hospital": hospital.pk})):
        client.get(path, data)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, data)
        if response.status_code != 200:
            raise RuntimeError(f"{path} {data} answered {response.status_code}")
        counts[name] = len(captured)
    median, samples = time_median(lambda: client.get(path, {"hospital": hospital.pk}), runs=runs)
    departments = Department.objects.filter(hospitals=hospital).distinct().count()
    return {
        "hospital": hospital.name,
        "departments": departments,
        "ms": median,
        "samples_ms": samples,
        "queries": counts,
    }
