"""Measure how long reports take, through whatever runs the tasks (workers on the broker, or in-process):

    manage.py time_reports --period 2026Q3 --department ort     # one department's quality-team report
    manage.py time_reports --period 2026Q3                      # every department's report (the quarterly batch)

Every report asked for is rebuilt; the command waits until all are done or failed and prints the wall-clock time
and each report's own build time (claim to finish).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.quarters import Quarter
from departments.models import Department
from reports.models import Report
from reports.services import request_report, runs_in_process


class Command(BaseCommand):
    help = "Tidtag kvalitetsteamrapporter bygget af de kørende Celery-arbejdere (eller i processen uden broker)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True)
        parser.add_argument("--department", action="append", help="Afdelingens kode (kan gentages). Standard: alle.")
        parser.add_argument("--timeout", type=int, default=900, help="Sekunder før der gives op.")

    def handle(self, *args, period, department=None, timeout=900, **options):
        quarter = Quarter.parse(period)
        departments = Department.objects.order_by("name")
        if department:
            departments = departments.filter(code__in=[code.lower() for code in department])
        if not departments.exists():
            raise CommandError("Ingen afdelinger valgt.")
        started = time.monotonic()
        ids = []
        for scope in departments:
            with transaction.atomic():
                ids.append(
                    request_report(kind=Report.Kind.QUALITY_TEAM, department=scope, period=quarter, rebuild=True).pk
                )
        while True:
            reports = list(Report.objects.filter(pk__in=ids).select_related("department"))
            if all(r.status in (Report.Status.DONE, Report.Status.FAILED) for r in reports):
                break
            if time.monotonic() - started > timeout:
                raise CommandError(f"Ikke færdige efter {timeout} s.")
            time.sleep(0.2)
        wall = time.monotonic() - started
        mode = "i processen" if runs_in_process() else "via Celery-arbejdere"
        for report in sorted(reports, key=lambda r: r.department.name):
            took = (report.finished_at - report.started_at).total_seconds()
            self.stdout.write(f"  {report.department.name:40} {report.get_status_display():8} {took:6.1f} s")
        failed = sum(r.status == Report.Status.FAILED for r in reports)
        self.stdout.write(f"{len(reports)} rapport(er) {mode}: {wall:.1f} s i alt, {failed} fejlet.")
