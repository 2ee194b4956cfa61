"""Public framework pages: what each framework, domain and competency is, and which courses
are aligned to it. Certificates link here, so these URLs are stable (they use the codes)."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from courses.models import CoursePage, ModulePage

from .models import Competency, Domain, Framework


def _aligned_courses(condition: Q):
    return CoursePage.objects.live().filter(condition).distinct().order_by("title")


def _aligned_modules(condition: Q):
    return ModulePage.objects.live().filter(condition).distinct().order_by("path")


@require_GET
def framework_list(request):
    frameworks = Framework.objects.filter(retired=False).order_by("title")
    return render(request, "certification/framework_list.html", {"frameworks": frameworks})


@require_GET
def framework_detail(request, framework):
    framework = get_object_or_404(Framework, slug=framework)
    domains = framework.domains.prefetch_related("competencies").order_by("sort_order")
    courses = _aligned_courses(
        Q(alignments__domain__framework=framework)
        | Q(alignments__competency__domain__framework=framework)
    )
    return render(
        request,
        "certification/framework_detail.html",
        {
            "framework": framework,
            "domains": domains,
            "courses": courses,
            "modules": _aligned_modules(
                Q(alignments__domain__framework=framework)
                | Q(alignments__competency__domain__framework=framework)
            ),
        },
    )


@require_GET
def node_detail(request, framework, code):
    framework = get_object_or_404(Framework, slug=framework)
    competency = (
        Competency.objects.select_related("domain")
        .filter(domain__framework=framework, code=code)
        .first()
    )
    if competency:
        courses = _aligned_courses(Q(alignments__competency=competency))
        context = {
            "framework": framework,
            "competency": competency,
            "domain": competency.domain,
            "courses": courses,
            "modules": _aligned_modules(Q(alignments__competency=competency)),
        }
        return render(request, "certification/competency_detail.html", context)
    domain = Domain.objects.filter(framework=framework, code=code).first()
    if domain is None:
        raise Http404
    courses = _aligned_courses(
        Q(alignments__domain=domain) | Q(alignments__competency__domain=domain)
    )
    context = {
        "framework": framework,
        "domain": domain,
        "competencies": domain.competencies.all(),
        "courses": courses,
        "modules": _aligned_modules(
            Q(alignments__domain=domain) | Q(alignments__competency__domain=domain)
        ),
    }
    return render(request, "certification/domain_detail.html", context)
