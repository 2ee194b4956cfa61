"""Soak test: 100 simulated learners for 10 minutes against the production shape (gunicorn,
PostgreSQL, Redis, a Celery worker), watching for errors and for memory that keeps growing.
Not part of CI or of the suite.

    .venv/bin/python -m bench.soak [--seconds 600] [--users 100] [--database-url URL]

The load is bench.learners' (locust, constant pacing: reading lessons, saving progress,
completing lessons, "My learning", quizzes); resident memory of gunicorn (master and workers)
and of the Celery worker is sampled every --sample-every seconds. Goals: no errors, memory
flat (at most 10% growth from the end of the first fifth of the run to its end). Writes
bench/results/<UTC time>-soak.json and a chart, bench/results/<UTC time>-soak.png.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from . import learners, runner


def chart(results_path: Path) -> Path:
    """Memory over time of gunicorn and the Celery worker, with the errors in the title."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = json.loads(results_path.read_text())
    samples = results["memory"]["samples"]
    xs = [s["seconds"] / 60 for s in samples]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    for key, colour in (("gunicorn", "#1f4e5f"), ("celery", "#b08d57")):
        ys = [s[key]["total_mb"] for s in samples]
        ax.plot(xs, ys, label=f"{key} (master + children)", color=colour)
        trend = results["memory"][key]
        if trend.get("from_mb"):
            ax.axhline(
                trend["from_mb"] * 1.10,
                color=colour,
                linestyle="--",
                linewidth=0.8,
                label=f"goal: {key} at most +10%",
            )
    ax.set_xlabel("minutes since the server started")
    ax.set_ylabel("resident memory, MB")
    load = results["load"]
    total = results["total"]
    ax.set_title(
        f"Soak: {load['users']} users, {load['measured_seconds'] / 60:.1f} min, "
        f"{total.get('requests', 0)} requests, {total.get('errors', 0)} errors "
        f"(goal 0); offered {load['offered_rps']} req/s, achieved {load['achieved_rps']}",
        fontsize=9,
    )
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    path = results_path.with_suffix(".png")
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def main(argv=None) -> int:
    before = set(Path(runner.RESULTS_DIR).glob("*-soak.json"))
    code = learners.main(argv, name="soak", users=100, seconds=600.0)
    written = sorted(set(Path(runner.RESULTS_DIR).glob("*-soak.json")) - before)
    if code == 0 and written:
        print(f"Chart: {chart(written[-1])}")
    return code


if __name__ == "__main__":
    sys.exit(main())
