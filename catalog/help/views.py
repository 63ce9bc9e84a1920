from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from catalog.help import pages


@require_safe
def help_page(request: HttpRequest, slug: str = "") -> HttpResponse:
    found = pages.page(slug)
    if found is None:
        raise Http404("Hjälpsidan finns inte")
    context = {
        "page": found,
        # Rendered by markdown-it with raw HTML off, from files in the repo (catalog.help.pages).
        "body": mark_safe(found.html),
        "others": [pages.page(other) for other in pages.PAGES if slug and other and other != slug],
    }
    return render(request, "catalog/help.html", context)
