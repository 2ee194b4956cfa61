"""The boards a trainee aims at: choosing one (pinned to its current requirements), ticking
what Peerpath cannot hold, moving to newer requirements, and letting one go. Audited."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lms.audit.services.events import record_event

from ..exceptions import BoardError
from ..models import BoardCredential, BoardTarget
from .readiness import tick_keys

__all__ = ["aim", "let_go", "set_tick", "targets_of", "update_version"]


def _credential(code: str) -> BoardCredential:
    credential = BoardCredential.objects.filter(code=code, retired=False).first()
    if credential is None:
        raise BoardError(_("We could not find that board credential."), status=404)
    return credential


def targets_of(user):
    return (
        BoardTarget.objects.filter(trainee=user)
        .select_related("credential__board", "version")
        .order_by("chosen_at")
    )


def aim(*, trainee, code: str) -> BoardTarget:
    """Aim at a board credential (idempotent), pinned to its current requirements."""
    credential = _credential(code)
    version = credential.current
    if version is None:
        raise BoardError(_("That board's requirements are not loaded yet."))
    existing = BoardTarget.objects.filter(trainee=trainee, credential=credential).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            target = BoardTarget.objects.create(
                trainee=trainee, credential=credential, version=version
            )
            record_event(
                actor=trainee,
                action="board_target.chosen",
                obj=target,
                after={"credential": code, "version": version.number},
            )
    except IntegrityError:
        target = BoardTarget.objects.get(trainee=trainee, credential=credential)
    return target


def _target(trainee, code) -> BoardTarget:
    target = targets_of(trainee).filter(credential__code=code).first()
    if target is None:
        raise BoardError(_("You are not aiming for that credential."), status=404)
    return target


@transaction.atomic
def set_tick(*, trainee, code: str, key: str, done: bool) -> BoardTarget:
    target = _target(trainee, code)
    target = BoardTarget.objects.select_for_update().get(pk=target.pk)
    if key not in tick_keys(target):
        raise BoardError(
            _("That is not an item you tick on this checklist."),
            fields={"key": [_("That is not an item you tick on this checklist.")]},
        )
    ticked = [k for k in target.ticked or [] if k != key]
    if done:
        ticked.append(key)
    target.ticked = sorted(ticked)
    target.save(update_fields=["ticked"])
    record_event(
        actor=trainee, action="board_target.ticked", obj=target, after={"item": key, "done": done}
    )
    return target


@transaction.atomic
def update_version(*, trainee, code: str) -> BoardTarget:
    """Move to the board's newest requirements (ticks for items still asked for are kept)."""
    target = _target(trainee, code)
    newest = target.credential.current
    if newest is None or newest.pk == target.version_id:
        return target
    before = target.version.number
    target.version = newest
    target.ticked = sorted(set(target.ticked or []) & tick_keys(target))
    target.save(update_fields=["version", "ticked"])
    record_event(
        actor=trainee,
        action="board_target.updated",
        obj=target,
        before={"version": before},
        after={"version": newest.number},
    )
    return target


@transaction.atomic
def let_go(*, trainee, code: str) -> None:
    target = _target(trainee, code)
    record_event(
        actor=trainee,
        action="board_target.removed",
        obj=target,
        before={"credential": code, "version": target.version.number},
    )
    target.delete()
