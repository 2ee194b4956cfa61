"""Run in a subprocess against the private PostgreSQL cluster of test_postgres_restart.py:
migrate, build the quiz and the learners (each signed in, with an attempt started), and
print them as JSON: [{"session": ..., "attempt": ...}, ...].

    DATABASE_URL=postgres://... python -m tests.faults.pg_quiz_setup 40"""

import json
import os
import sys


def main(learners: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from tests.faults.quiz_helpers import build_quiz, learner_with_attempt

    call_command("migrate", verbosity=0, interactive=False)
    course, quiz = build_quiz()
    rows = []
    for number in range(learners):
        user, attempt = learner_with_attempt(course, quiz, number)
        client = Client()
        client.force_login(user)
        rows.append({"session": client.cookies["sessionid"].value, "attempt": str(attempt.key)})
    sys.stdout.write(json.dumps(rows))


if __name__ == "__main__":
    main(int(sys.argv[1]))
