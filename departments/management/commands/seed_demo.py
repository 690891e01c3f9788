from django.core.management.base import BaseCommand
from django.utils import timezone

from departments.demo import DEMO_PASSWORD, USERS, seed


class Command(BaseCommand):
    help = "Opret demodata (tre NSR-sygehuse, afdelinger, teams, katalog, indsatser, målinger og demobrugere)."

    def handle(self, *args, **options):
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
