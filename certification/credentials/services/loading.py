"""Loading the frameworks file: each app's part (standards, the practicum's activity types,
credentials) in one transaction."""

from pathlib import Path

from django.db import transaction

from certification.practicum.models import ActivityType
from certification.standards.services import credentials as standards_credentials
from certification.standards.services import frameworks as standards

__all__ = ["load_frameworks"]


@transaction.atomic
def load_frameworks(*, path: Path = standards.DEFAULT_FRAMEWORKS_FILE) -> dict[str, int]:
    """Create or update frameworks, domains, competencies, practicum activity types and
    credentials from the YAML file, keyed by their stable codes. Idempotent. Nothing is
    deleted: entries missing from the file are marked retired, so what points at them keeps
    working."""
    data = standards.read_frameworks_file(path)
    counts = standards.load_framework_entries(data=data)
    for order, activity in enumerate(data.get("practicum_activity_types") or []):
        ActivityType.objects.update_or_create(
            code=activity["code"],
            defaults={
                "title": activity["title"],
                "direct": bool(activity.get("direct")),
                "counts_as_supervision": bool(activity.get("counts_as_supervision")),
                "sort_order": order,
            },
        )
    counts.update(standards_credentials.load_credentials(entries=data.get("credentials") or []))
    return counts
