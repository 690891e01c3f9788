from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from measurements.imports import commit_import, max_bytes, preview_import, problems_from, too_large_message
from measurements.services import NotSaved


class Command(BaseCommand):
    help = (
        "Importér månedlige målinger fra en CSV- eller XLSX-fil med kolonnerne measure, section, month, numerator, "
        "denominator, comment. Alt eller intet: er en række forkert, gemmes intet, og fejlene skrives ud."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--user",
            help="Brugernavnet, importen registreres på (og hvis rettigheder gælder). Uden: systemet, alle afdelinger.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Kontrollér filen uden at gemme noget.")

    def handle(self, *args, path: Path, user=None, dry_run=False, **options):
        if not path.is_file():
            raise CommandError(f"Filen findes ikke: {path}")
        if path.stat().st_size > max_bytes():
            raise CommandError(too_large_message(path.stat().st_size))
        by = None
        if user:
            try:
                by = get_user_model().objects.get(username=user, is_active=True)
            except get_user_model().DoesNotExist:
                raise CommandError(f"Ukendt bruger: {user}") from None
        today = timezone.localdate()
        preview = preview_import(data=path.read_bytes(), by=by, today=today)
        if preview.problems:
            self._print_problems(preview.problems)
            raise CommandError(f"Intet blev importeret: {len(preview.problems)} fejl.")
        counts = preview.counts
        summary = f"{counts['new']} nye, {counts['changed']} ændrede, {counts['unchanged']} uændrede"
        if preview.skipped:
            summary += f", {preview.skipped} rækker uden tal sprunget over"
        if dry_run:
            self.stdout.write(f"Filen er i orden ({summary}). Intet er gemt (--dry-run).")
            return
        try:
            result = commit_import(plain_rows=[row.as_plain() for row in preview.rows], by=by, today=today)
        except NotSaved as exc:
            self._print_problems(problems_from(exc))
            raise CommandError("Intet blev importeret.") from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Importeret: {result.created} nye, {result.updated} ændrede, {result.unchanged} uændrede værdier."
            )
        )

    def _print_problems(self, problems):
        for problem in problems:
            where = f"Række {problem.row}" if problem.row else "Filen"
            if problem.column:
                where += f", kolonne {problem.column}"
            self.stderr.write(f"{where}: {problem.message}")
