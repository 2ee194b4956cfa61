"""The demo's board application packets; `seed_demo` (in credentials, below this app) runs it
by name. Idempotent."""

from django.core.management.base import BaseCommand

from certification.packets.demo import demo_packet_lines, seed_packets


class Command(BaseCommand):
    help = "Make the demo graduate's packet and the demo trainee's draft (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--codes", action="store_true", help="Only print the demo packets' codes."
        )

    def handle(self, *args, codes=False, **options):
        if not codes:
            seed_packets()
        for line in demo_packet_lines():
            self.stdout.write(line)
