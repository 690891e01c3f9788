"""`manage.py seed_demo`: the demo data (through the domain's services), or `--scale region` in bulk."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.content import DEMO_PASSWORD, USERS
from demo.region import NAMED_USERS, SCALES, RegionSeedError, seed_region
from demo.seed import seed


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
