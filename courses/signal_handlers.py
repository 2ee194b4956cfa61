"""Cache invalidation only: no business rules here."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move


def clear_course_trees(sender, instance=None, **kwargs):
    """Any change to a page may change a course's live tree: make every cached tree stale,
    now and again once the change commits (a request between the two could otherwise cache
    the tree as it was before the commit)."""
    from .outline import bump_tree_version

    if instance is not None and not isinstance(instance, Page):
        return
    bump_tree_version()


def clear_learner_progress(sender, instance=None, **kwargs):
    """A learner's lesson progress or quiz attempt changed: their cached progress is stale."""
    from .outline import learner_progress_changed

    if instance is not None and instance.user_id:
        learner_progress_changed(instance.user_id)


def register_signal_handlers():
    from lms import cache

    from .models import Attempt, LessonProgress
    from .outline import LEARNER_VERSION, TREE_VERSION

    cache.read_together(TREE_VERSION)
    cache.read_together_for_user(LEARNER_VERSION)

    for model in (LessonProgress, Attempt):
        uid = f"courses-learner-{model._meta.label_lower}"
        post_save.connect(clear_learner_progress, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(clear_learner_progress, sender=model, dispatch_uid=f"{uid}.delete")
    for signal in (page_published, page_unpublished, post_page_move, post_save, post_delete):
        signal.connect(clear_course_trees, dispatch_uid=f"courses-tree-{id(signal)}")
