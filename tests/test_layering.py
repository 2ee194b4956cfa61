"""Dependencies point one way. Every import in the project's packages (module level and inside
functions alike, read with `ast`, nothing imported) goes from an app to itself or to an app
lower in LAYERS; an import up the chain, or between two apps on the same level, fails with
the file and line. Any cycle between apps needs such an edge, so none can exist."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("lms", "cms", "courses", "certification", "bench")

# Lowest first. A module belongs to the longest prefix listed; `lms` alone is the shared
# base (crypto, fields, request ids, rate limits).
LAYERS = [
    ("lms",),
    ("lms.audit",),
    ("lms.accounts",),
    ("lms.privacy",),
    ("cms",),
    ("courses",),
    ("certification.standards",),
    # Live sessions read domains from standards and courses and cohorts from courses.
    ("certification.live",),
    ("certification.practicum",),
    # Eligibility (credentials) counts accepted prior learning, so recognition sits below it.
    ("certification.recognition",),
    # Exam results are an input to eligibility, like the practicum: credentials reads them.
    ("certification.exams",),
    # Training hours read the credential rules of standards and the sources in lms.hours;
    # eligibility (credentials) reads lms.hours itself, so the two share a level: neither
    # imports the other.
    ("certification.credentials", "certification.hours"),
    # The roster check shows each certificate's public record, the same allow-list the
    # verify page uses, so organisations sit above verification.
    ("certification.verification",),
    ("certification.organisations",),
    # The bare package: only its historical migrations (not walked) and shared data files.
    ("certification",),
    # Above credentials, certificates and the privacy registry: it reads them all.
    ("certification.desk",),
    # Readiness for a board reads hours from every source, practicum totals and attestations.
    ("certification.boards",),
    # Reads practicum, credentials and the verify page's allow-list; the verify page finds
    # packet codes through its registry (certification.verification.others).
    ("certification.packets",),
    ("bench",),
]
RANK = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}

# The project's composition root and process entry points wire every app together.
GLUE = (
    "lms.settings",
    "lms.urls",
    "lms.celery",
    "lms.wsgi",
    "lms.asgi",
    "lms.checks",
    # `manage.py seed_demo` composes every app's own demo seeding, as lms.urls composes their
    # URLs: it lives in credentials only so that manage.py finds it.
    "certification.credentials.management.commands.seed_demo",
)

# Deliberate exceptions, each with its reason.
ALLOWED = {
    # The load generator is benchmark code (bench/); the command that runs it stays a
    # management command of the app whose data it generates, so `manage.py` finds it.
    ("certification.credentials.management.commands.generate_load_data", "bench.loadgen"),
}


def app_of(module: str) -> str | None:
    best = None
    for app in RANK:
        if (module == app or module.startswith(app + ".")) and (
            best is None or len(app) > len(best)
        ):
            best = app
    return best


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path, module: str):
    """(imported module, line) for every import in the file, relative ones resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            yield target, node.lineno
            for alias in node.names:  # `from certification import services` names a module
                yield f"{target}.{alias.name}", node.lineno


def project_modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, module_name(path)


def wrong_way_imports() -> list[str]:
    problems = []
    for path, module in project_modules():
        if module.startswith(GLUE):
            continue
        source = app_of(module)
        for target, line in imports(path, module):
            destination = app_of(target)
            if destination is None or destination == source:
                continue
            if any(module == m and target.startswith(t) for m, t in ALLOWED):
                continue
            if RANK[destination] >= RANK[source]:
                problems.append(
                    f"{path.relative_to(ROOT)}:{line}: {source} imports {target} "
                    f"({destination} is not below {source})"
                )
    return sorted(set(problems))


def test_every_import_points_down_the_chain():
    problems = wrong_way_imports()
    assert not problems, "\n".join(problems)


def test_the_check_sees_an_import_up_the_chain(tmp_path, monkeypatch):
    """The walk finds real imports: the courses app importing certification is caught."""
    found = list(imports(ROOT / "courses" / "signals.py", "courses.signals"))
    assert found, "courses/signals.py imports something"
    assert app_of("certification.models") == "certification"
    assert RANK[app_of("certification.models")] > RANK[app_of("courses.models")]
    assert app_of("lms.privacy.registry") == "lms.privacy"
    source = tmp_path / "x.py"
    source.write_text("def f():\n    from certification.models import Certificate\n")
    assert ("certification.models", 2) in list(imports(source, "courses.x"))
