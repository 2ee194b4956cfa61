"""Events of this app that apps above it receive."""

from django.dispatch import Signal

# An invitation was accepted: kwargs `user` and `invitation`. (The practicum places a
# trainee whose supervisor joined first.)
invitation_accepted = Signal()
