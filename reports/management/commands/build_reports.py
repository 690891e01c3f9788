"""Build reports here and now, without a broker or worker:

    manage.py build_reports --kind quality-team --period 2026Q1 [--department ort] [--rebuild]
    manage.py build_reports --kind inspiration --period 2026Q2

Uses the same Report rows and the same claim as the Celery task, so it never builds a report twice at once.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from core.quarters import Quarter
from departments.models import Department
from reports.models import Report
from reports.services import request_report, run_report

KINDS = {"quality-team": Report.Kind.QUALITY_TEAM, "inspiration": Report.Kind.INSPIRATION}


class Command(BaseCommand):
    help = "Byg kvalitetsteam- eller inspirationsrapporter med det samme (uden Celery)."

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=sorted(KINDS), required=True)
        parser.add_argument("--period", required=True, help="Kvartal, fx 2026Q1.")
        parser.add_argument("--department", action="append", help="Afdelingens kode (kan gentages). Standard: alle.")
        parser.add_argument("--rebuild", action="store_true", help="Byg også rapporter, der allerede er færdige.")

    def handle(self, *args, kind, period, department=None, rebuild=False, **options):
        try:
            quarter = Quarter.parse(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        kind = KINDS[kind]
        if kind == Report.Kind.INSPIRATION:
            if department:
                raise CommandError("En inspirationsrapport gælder alle afdelinger; udelad --department.")
            scopes = [None]
        else:
            departments = Department.objects.order_by("name")
            if department:
                departments = departments.filter(code__in=[code.lower() for code in department])
                unknown = {code.lower() for code in department} - set(departments.values_list("code", flat=True))
                if unknown:
                    raise CommandError(f"Ukendte afdelinger: {', '.join(sorted(unknown))}")
            scopes = list(departments)
        failed = 0
        started = time.monotonic()
        for scope in scopes:
            # Run here, not through a broker: request the row without sending it, then claim and build it.
            report = request_report(kind=kind, period=quarter, department=scope, rebuild=rebuild, send=False)
            began = time.monotonic()
            outcome = run_report(report_id=report.pk)
            report.refresh_from_db()
            label = f"{report.get_kind_display()} · {report.scope_label} · {quarter.label}"
            if outcome is None and report.status == Report.Status.DONE:
                self.stdout.write(f"{label}: findes allerede (brug --rebuild for at bygge igen)")
            elif report.status == Report.Status.DONE:
                files = ", ".join(f.name for f in (report.pdf_file, report.html_file, report.pptx_file) if f)
                self.stdout.write(f"{label}: færdig på {time.monotonic() - began:.1f} s → {files}")
            else:
                failed += 1
                self.stderr.write(f"{label}: {report.get_status_display()} {report.error}")
        self.stdout.write(f"I alt {len(scopes)} rapport(er) på {time.monotonic() - started:.1f} s.")
        if failed:
            raise CommandError(f"{failed} rapport(er) fejlede.")
