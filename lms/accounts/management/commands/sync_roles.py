from django.core.management.base import BaseCommand

from lms.accounts import services


class Command(BaseCommand):
    help = "Create or update the Trainers and Registrars groups from lms/accounts/roles.py."

    def handle(self, *args, **options):
        for group, count in services.sync_role_groups().items():
            self.stdout.write(f"{group}: {count} permissions")
