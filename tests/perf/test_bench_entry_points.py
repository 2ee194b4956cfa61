"""Every benchmark scenario starts as `python -m bench.<name>` in a fresh interpreter, before
Django is set up (each sets it up itself, against its own database). A module that imports
models or services at its top fails there; two scenarios once did, and the suite reported
them as unfinished. Importing each in a clean process catches that without running it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
# Not scenarios: locust's user file (read by locust with its own environment) and the
# production settings module the scenarios' servers load.
NOT_ENTRY_POINTS = {"__init__", "locustfile", "settings"}
MODULES = sorted(p.stem for p in BENCH.glob("*.py") if p.stem not in NOT_ENTRY_POINTS)


@pytest.mark.parametrize("module", MODULES)
def test_a_benchmark_module_imports_before_django_is_set_up(module):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", f"import bench.{module}"],
        cwd=BENCH.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
