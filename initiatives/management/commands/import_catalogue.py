from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from initiatives.catalogue import import_catalogue


class Command(BaseCommand):
    help = "Importér Vælg Klogt-kataloget fra en CSV-fil med kolonnerne title, society, text, source_url, year."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        if not path.is_file():
            raise CommandError(f"Filen findes ikke: {path}")
        result = import_catalogue(path.read_bytes())
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError("Intet blev importeret.")
        self.stdout.write(self.style.SUCCESS(f"Oprettet: {result.created}, opdateret: {result.updated}"))
