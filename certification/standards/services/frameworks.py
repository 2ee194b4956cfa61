"""Standards writes: loading frameworks, domains and competencies from the frameworks file,
aligning courses to them. (`certification.services.loading.load_frameworks` loads the whole
file: this part, the practicum's activity types and the credentials, in one transaction.)"""

from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import Q

from lms import cache as versioned

from ..exceptions import FrameworkDataError
from ..models import Competency, CourseAlignment, Domain, Framework

DEFAULT_FRAMEWORKS_FILE = Path(__file__).resolve().parents[2] / "data" / "frameworks.yaml"

FRAMEWORK_FIELDS = (
    "title",
    "publisher",
    "jurisdiction",
    "version",
    "kind",
    "source_url",
    "licence_note",
    "note",
    "verification",
)


def read_frameworks_file(path: Path = DEFAULT_FRAMEWORKS_FILE) -> dict:
    """The frameworks file, parsed (an empty file is an empty mapping)."""
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise FrameworkDataError(f"Cannot read {path}: {error}") from error


@transaction.atomic
def load_framework_entries(*, data: dict) -> dict[str, int]:
    """Create or update frameworks, domains and competencies from the parsed file, keyed by
    their stable codes. Idempotent. Nothing is deleted: entries missing from the file are
    marked retired, so what points at them keeps working."""
    counts = {"frameworks": 0, "domains": 0, "competencies": 0, "retired": 0}
    seen_frameworks, seen_domains, seen_competencies = set(), set(), set()
    for entry in data.get("frameworks", []):
        if "id" not in entry or "title" not in entry:
            raise FrameworkDataError(f"A framework needs an id and a title: {entry!r:.120}")
        values = {field: str(entry.get(field) or "") for field in FRAMEWORK_FIELDS}
        framework, _ = Framework.objects.update_or_create(
            slug=entry["id"], defaults={**values, "retired": False}
        )
        seen_frameworks.add(framework.pk)
        counts["frameworks"] += 1
        for d_order, d in enumerate(entry.get("domains") or []):
            domain, _ = Domain.objects.update_or_create(
                framework=framework,
                code=str(d["code"]),
                defaults={"title": d.get("title", ""), "sort_order": d_order, "retired": False},
            )
            seen_domains.add(domain.pk)
            counts["domains"] += 1
            for c_order, c in enumerate(d.get("competencies") or []):
                competency, _ = Competency.objects.update_or_create(
                    domain=domain,
                    code=str(c["code"]),
                    defaults={
                        "text": c.get("text", ""),
                        "verification": c.get("verification", ""),
                        "sort_order": c_order,
                        "retired": False,
                    },
                )
                seen_competencies.add(competency.pk)
                counts["competencies"] += 1
    counts["retired"] += (
        Framework.objects.exclude(pk__in=seen_frameworks).filter(retired=False).update(retired=True)
    )
    counts["retired"] += (
        Domain.objects.exclude(pk__in=seen_domains).filter(retired=False).update(retired=True)
    )
    counts["retired"] += (
        Competency.objects.exclude(pk__in=seen_competencies)
        .filter(retired=False)
        .update(retired=True)
    )
    standards_changed()  # the retirements above are updates: no signal says so
    return counts


# Frameworks, domains, competencies and credential versions change only when the frameworks
# file is loaded or a registrar or editor saves one, so pages keep what they read of them per
# process under this version (lms.cache); every save or delete bumps it (apps.ready connects
# the signals).
STANDARDS_VERSION = "standards:frameworks"


def standards_changed(**kwargs) -> None:
    """Make every kept read of the standards stale in every process."""
    versioned.bump(STANDARDS_VERSION)


def live_domains(framework_slug: str) -> list[Domain]:
    """The framework's domains that are not retired, in order. Kept per process; one query
    when the standards have changed."""
    return versioned.kept(
        STANDARDS_VERSION,
        ("domains", framework_slug),
        lambda: list(Domain.objects.filter(framework__slug=framework_slug, retired=False)),
    )


def competencies_in_order(keys) -> list[Competency]:
    """The competencies named "<framework>/<code>", in the order given (unknown keys left
    out), each with its domain and framework. Kept per process; one query when the standards
    have changed."""
    keys = tuple(keys)
    if not keys:
        return []

    def read():
        query = Q()
        for key in keys:
            framework, _sep, code = key.partition("/")
            query |= Q(domain__framework__slug=framework, code=code)
        found = {
            f"{c.domain.framework.slug}/{c.code}": c
            for c in Competency.objects.select_related("domain__framework").filter(query)
        }
        return [found[key] for key in keys if key in found]

    return versioned.kept(STANDARDS_VERSION, ("competencies", keys), read)


def resolve_code(key: str):
    """A domain or competency from "<framework>/<code>", or None."""
    framework, _, code = key.partition("/")
    competency = Competency.objects.filter(domain__framework__slug=framework, code=code).first()
    if competency:
        return competency
    return Domain.objects.filter(framework__slug=framework, code=code).first()


@transaction.atomic
def align_course(*, course, keys: list[str]) -> list[CourseAlignment]:
    """Align a course to domains or competencies by code, once each. Unknown codes raise."""
    alignments = []
    for order, key in enumerate(keys):
        target = resolve_code(key)
        if target is None:
            raise FrameworkDataError(f"Unknown framework code {key!r}")
        field = "competency" if isinstance(target, Competency) else "domain"
        alignment, _ = CourseAlignment.objects.get_or_create(
            page=course, **{field: target}, defaults={"sort_order": order}
        )
        alignments.append(alignment)
    return alignments


def domain_labels(keys) -> dict[str, str]:
    """{"<framework>/<domain code>": domain title} for the keys that name a domain
    that is not retired; other keys are left out. One query."""
    wanted: dict[tuple[str, str], str] = {}
    for key in keys:
        framework, _sep, code = str(key).partition("/")
        if framework and code:
            wanted[(framework, code)] = str(key)
    if not wanted:
        return {}
    domains = Domain.objects.filter(
        framework__slug__in={framework for framework, _code in wanted},
        code__in={code for _framework, code in wanted},
        retired=False,
    ).select_related("framework")
    found = {}
    for domain in domains:
        key = wanted.get((domain.framework.slug, domain.code))
        if key:
            found[key] = domain.title
    return found
