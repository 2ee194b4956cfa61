from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certification.boards.exceptions import BoardDataError
from certification.boards.services.loading import DEFAULT_BOARDS_FILE, load_boards


class Command(BaseCommand):
    help = "Load certifying boards and their requirements from the boards data file (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_BOARDS_FILE))

    def handle(self, *args, path, **options):
        try:
            counts = load_boards(path=Path(path))
        except BoardDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(", ".join(f"{n} {name}" for name, n in counts.items()))
