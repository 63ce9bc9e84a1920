"""The page "Vad letar klinikerna efter?": what clinicians looked for and did not find, per week
(catalog.usage). Read-only; wired into the admin by SearchMissAdmin (catalog.editorial.admin.search)."""

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from catalog.usage import counter, report

TITLE = "Vad letar klinikerna efter?"


@require_safe
def what_clinicians_look_for(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("catalog.view_usagecount"):
        raise PermissionDenied
    # This process's counts are written now rather than at its next flush; other processes' within USAGE_FLUSH_SECONDS.
    counter.flush()
    weeks, sections = report.sections()
    context = {
        **admin.site.each_context(request),
        "title": TITLE,
        "weeks": weeks,
        "sections": sections,
        "kept_weeks": settings.USAGE_WEEKS,
    }
    return TemplateResponse(request, "admin/catalog/vad_letar.html", context)
