"""Add generated trainees and everything they leave behind to a seeded demo database, for
growth benchmarks. See bench/loadgen.py for what is generated and how."""

import time

from django.core.management.base import BaseCommand, CommandError

from bench.loadgen import TRAINEES_PER_SCALE, LoadDataError, generate


class Command(BaseCommand):
    help = (
        f"Generate load data on top of seed_demo: --scale N adds N x {TRAINEES_PER_SCALE:,} "
        "trainees with enrolments, progress, attempts, practicum, certificates and audit "
        "events. Runs once per database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="1 = 1,000 trainees (default 1)")

    def handle(self, *args, scale=1, **options):
        begin = time.perf_counter()
        self.stdout.write(f"Generating load data at scale {scale}...")
        try:
            counts = generate(scale=scale, out=self.stdout.write)
        except LoadDataError as error:
            raise CommandError(str(error)) from error
        for label, n in sorted(counts.rows.items()):
            self.stdout.write(f"  {label}: {n:,}")
        self.stdout.write(self.style.SUCCESS(f"Done in {time.perf_counter() - begin:.1f} s."))
