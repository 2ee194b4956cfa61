"""Every form and POST endpoint survives hostile input: never a 500; a refusal says what is
wrong, keeps what was typed, and writes nothing. The targets are split over three files
so that pytest-xdist (`--dist loadfile`) runs them on different workers:
this file holds the forms of visitors and trainees."""

import pytest

from .harness import fuzz
from .targets import TARGETS

LEARNER_ROLES = {None, "trainee", "graduate"}


@pytest.mark.parametrize(
    "target",
    [
        pytest.param(t, id=t.name, marks=[pytest.mark.slow] if t.slow else [])
        for t in TARGETS
        if not t.slow and t.role in LEARNER_ROLES
    ],
)
def test_form_survives_hostile_input(target, world, client):
    stats = fuzz(target, world, client)
    assert stats.examples >= 1
    assert stats.refused + stats.accepted == stats.examples
    if target.pending:
        # The code step was reached for real: the current code signed in, others were refused.
        assert stats.accepted >= 1, f"{target.name}: no example got past the code step"
        assert stats.refused >= 1, f"{target.name}: no example was refused"
