from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certification.standards.exceptions import FrameworkDataError
from certification.standards.services import frameworks as standards_services

from ...services import loading as loading_services


class Command(BaseCommand):
    help = "Load or update frameworks, domains and competencies from YAML (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", default=str(standards_services.DEFAULT_FRAMEWORKS_FILE)
        )

    def handle(self, *args, path, **options):
        try:
            counts = loading_services.load_frameworks(path=Path(path))
        except FrameworkDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            "Loaded {frameworks} frameworks, {domains} domains, {competencies} competencies; "
            "{retired} retired.".format(**counts)
        )
