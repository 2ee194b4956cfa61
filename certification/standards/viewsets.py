"""Admin for frameworks: registrars edit, trainers read (the permissions in roles.py)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from .models import Competency, Domain, Framework, QuestionAlignment


class FrameworkViewSet(ModelViewSet):
    model = Framework
    icon = "list-ul"
    menu_label = _("Frameworks")
    form_fields = [
        "slug",
        "title",
        "publisher",
        "jurisdiction",
        "version",
        "kind",
        "source_url",
        "licence_note",
        "note",
        "verification",
        "retired",
    ]
    list_display = ["title", "slug", "publisher", "jurisdiction", "retired"]
    list_filter = ["jurisdiction", "retired"]
    search_fields = ["title", "slug", "publisher"]
    inspect_view_enabled = True


class DomainViewSet(ModelViewSet):
    model = Domain
    icon = "folder-open-inverse"
    menu_label = _("Domains")
    form_fields = ["framework", "code", "title", "sort_order", "retired"]
    list_display = ["code", "title", "framework"]
    list_filter = ["framework"]
    search_fields = ["code", "title"]
    inspect_view_enabled = True


class CompetencyViewSet(ModelViewSet):
    model = Competency
    icon = "tick-inverse"
    menu_label = _("Competencies")
    form_fields = ["domain", "code", "text", "verification", "sort_order", "retired"]
    list_display = ["code", "text", "domain"]
    list_filter = ["domain__framework", "verification"]
    search_fields = ["code", "text"]
    inspect_view_enabled = True


class QuestionAlignmentViewSet(ModelViewSet):
    """Trainers align question-bank questions to competencies here (the question editor
    belongs to courses, which never depends on certification)."""

    model = QuestionAlignment
    icon = "tick"
    menu_label = _("Question alignments")
    form_fields = ["question", "domain", "competency"]
    list_display = ["question", "competency", "domain"]
    list_filter = ["competency__domain__framework"]
    copy_view_enabled = False


class FrameworkViewSetGroup(ModelViewSetGroup):
    menu_label = _("Frameworks")
    menu_icon = "list-ul"
    menu_order = 300
    items = (FrameworkViewSet, DomainViewSet, CompetencyViewSet, QuestionAlignmentViewSet)
