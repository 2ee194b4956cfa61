"""Signals the courses app sends for later apps (certification listens; courses never imports
it, so dependencies keep pointing one way)."""

from django.dispatch import Signal

# Sent inside the transaction, once, when a learner's course becomes complete.
# Arguments: user (a User), course (a CoursePage). Receivers that start background work
# should do it on commit.
course_completed = Signal()
