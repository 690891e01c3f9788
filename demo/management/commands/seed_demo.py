"""`manage.py seed_demo`: the demo data (through the domain's services), or `--scale region` in bulk.

`--reports` also builds the last complete quarter's reports (each department's quality-team report and the
inspiration report), so a newcomer's reports page is not empty; where Chromium (the chart engine) is missing it
says so, and how to build them later, instead.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.quarters import Quarter
from demo.content import DEMO_PASSWORD, USERS
from demo.region import NAMED_USERS, SCALES, RegionSeedError, seed_region
from demo.seed import seed
from departments.models import Department
from reports.documents.render import chart_engine_problem
from reports.models import Report
from reports.services import request_report, run_report


class Command(BaseCommand):
    help = (
        "Opret demodata (tre NSR-sygehuse, afdelinger, teams, katalog, indsatser, målinger og demobrugere). "
        "--scale region/national: hele regionen eller hele landet i bulk til benchmark (kun i en tom database)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=["demo", *SCALES],
            default="demo",
            help="demo (standard, kan køres igen); region: 5 sygehuse, 150 afdelinger, 400 afsnit, "
            "5.000 målinger × 120 måneder, 1.000 brugere; national: 25 sygehuse, 750 afdelinger, 2.000 afsnit, "
            "25.000 målinger × 120 måneder (3 mio. værdier), 5.000 brugere.",
        )
        parser.add_argument(
            "--reports",
            action="store_true",
            help="Byg også sidste kvartals rapporter (kræver Chromium til diagrammerne).",
        )

    def handle(self, *args, **options):
        if options["scale"] in SCALES:
            return self.handle_bulk(options["scale"])
        counts = seed(timezone.localdate())
        self.stdout.write(
            self.style.SUCCESS(
                "Demodata klar: {hospitals} sygehuse, {departments} afdelinger, {sections} afsnit, "
                "{values} månedlige værdier.".format(**counts)
            )
        )
        self.stdout.write(f"Demobrugere (adgangskode '{DEMO_PASSWORD}'):")
        for username, name, role, department in USERS:
            where = f", {department}" if department else ""
            self.stdout.write(f"  {username:<10} {role.label}{where} – {name}")
        if options["reports"]:
            self.build_reports(timezone.localdate())

    def build_reports(self, today):
        quarter = Quarter.last_complete(today)
        problem = chart_engine_problem()
        if problem:
            self.stdout.write(
                self.style.WARNING(
                    f"{problem}\nSidste kvartals rapporter er ikke bygget. Når Chromium er installeret: "
                    f"python manage.py seed_demo --reports (eller build_reports --kind quality-team --period {quarter})."
                )
            )
            return
        departments = Department.objects.filter(initiatives__year=quarter.year).distinct().order_by("name")
        scopes = [(Report.Kind.QUALITY_TEAM, department) for department in departments]
        scopes.append((Report.Kind.INSPIRATION, None))
        done = 0
        for kind, department in scopes:
            report = request_report(kind=kind, period=quarter, department=department, send=False)
            run_report(report_id=report.pk)
            report.refresh_from_db()
            done += report.status == Report.Status.DONE
        self.stdout.write(f"Rapporter for {quarter.label}: {done} af {len(scopes)} færdige.")

    def handle_bulk(self, scale: str):
        started = time.monotonic()
        try:
            counts = seed_region(timezone.localdate(), SCALES[scale])
        except RegionSeedError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                "{what} klar på {seconds:.0f} s: {hospitals} sygehuse, {departments} afdelinger, {sections} afsnit, "
                "{initiatives} indsatser, {measures} målinger, {values} månedlige værdier, {users} brugere.".format(
                    what="Regionsdata" if scale == "region" else "Landsdata",
                    seconds=time.monotonic() - started,
                    **counts,
                )
            )
        )
        names = ", ".join(username for username, *_rest in NAMED_USERS)
        self.stdout.write(f"Demobrugere: {names} (adgangskode '{DEMO_PASSWORD}'); øvrige brugere: bruger0001 …")
