"""Supply chain and static security checks that need no network.

ruff's security rules (flake8-bandit, "S") are selected in pyproject.toml; every exception in the
code is a line-level ``noqa`` with its reason. This runs them over the whole project, bench/ and
bin/ included, so a new ``subprocess`` with a shell, a hard-coded secret or ``mark_safe`` on user
text fails the suite. The lock files must pin every package with hashes, so an install can never
pull a different file from the index than the one reviewed.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUFF = Path(sys.executable).parent / "ruff"


def test_ruff_security_rules_are_clean_everywhere():
    scripts = [
        str(p)
        for p in (ROOT / "bin").iterdir()
        if p.read_text().startswith("#!/usr/bin/env python")
    ]
    # Everywhere: every security rule but assert (tests and benchmarks assert on purpose) and
    # S311, pseudo-random numbers (used for reproducible shuffles, never for secrets).
    everywhere = [".", *scripts, "--ignore", "S101,S311"]
    # The application itself: assert too, since `python -O` removes asserts.
    application = ["lms", "cms", "courses", "certification", "--ignore", "S311"]
    for targets in (everywhere, application):
        completed = subprocess.run(
            [str(RUFF), "check", "--select", "S", "--output-format", "concise", *targets],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr


def test_every_noqa_for_a_security_rule_says_why():
    exempt = [ROOT / "tests", ROOT / "bench", ROOT / "lms" / "settings"]
    unexplained = []
    for path in ROOT.glob("**/*.py"):
        skipped = {".venv", "node_modules", "migrations"} & set(path.parts)
        if skipped or any(path.is_relative_to(folder) for folder in exempt):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = re.search(r"#\s*noqa:\s*S\d+(.*)$", line)
            if match and not re.search(r"[-–]\s*\w", match.group(1)):
                unexplained.append(f"{path.relative_to(ROOT)}:{number}")
    assert unexplained == [], "security exceptions without a reason: " + ", ".join(unexplained)


def test_lock_files_pin_every_package_with_a_hash():
    for name in ("base.lock", "dev.lock"):
        text = (ROOT / "requirements" / name).read_text()
        requirements = re.findall(
            r"^([A-Za-z0-9_.\-]+)(==)?([^\s\\]*)\s*\\\n((?:\s+--hash=sha256:[0-9a-f]{64}\s*\\?\n?)+)",
            text,
            re.M,
        )
        names = re.findall(r"^([A-Za-z0-9_.\-]+)", text, re.M)
        assert names, name
        assert len(requirements) == len(names), f"{name}: a package without == and a hash"
        assert all(pin == "==" for _, pin, _, _ in requirements), name
