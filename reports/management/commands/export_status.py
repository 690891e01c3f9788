"""Write KDK's hospital-wide status export to a file, for scheduled use:

manage.py export_status --format xlsx --output /srv/eksport/status.xlsx [--hospital naestved] [--year 2026]
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from departments.models import Department, Hospital
from reports.exports import FORMATS, export_status


class Command(BaseCommand):
    help = "Eksportér status for Vælg Klogt for alle afdelinger (eller ét sygehus) som xlsx eller pdf."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, required=True, dest="fmt")
        parser.add_argument("--output", required=True, help="Filen der skrives (mappen skal findes).")
        parser.add_argument("--hospital", help="Sygehusets kode, fx naestved. Standard: alle sygehuse.")
        parser.add_argument("--year", type=int, help="År. Standard: i år.")

    def handle(self, *args, fmt, output, hospital=None, year=None, **options):
        year = year or timezone.localdate().year
        if not 2000 <= year <= 2100:
            raise CommandError(f"Ugyldigt år: {year}")
        chosen = None
        if hospital:
            chosen = Hospital.objects.filter(code=hospital).first()
            if chosen is None:
                codes = ", ".join(Hospital.objects.values_list("code", flat=True))
                raise CommandError(f"Ukendt sygehus {hospital!r}. Kendte koder: {codes}")
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"Mappen {path.parent} findes ikke.")
        _name, content = export_status(fmt=fmt, departments=Department.objects.all(), year=year, hospital=chosen)
        path.write_bytes(content)
        self.stdout.write(f"Skrev {path} ({len(content)} bytes).")
