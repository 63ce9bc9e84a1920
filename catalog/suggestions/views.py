"""The public "Föreslå en ändring" form, reached from every code page and wizard result."""

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_safe

from catalog.models import Code
from catalog.suggestions.forms import SuggestionForm
from catalog.suggestions.limits import address_key, client_address, prune, throttled
from catalog.text import textlinks

VISIT_PATH_RE = re.compile(r"^[a-z0-9+\-/]{1,500}$")


def _subject(request: HttpRequest) -> tuple[dict, str | None]:
    """What the suggestion is about, from ?kod= or ?besok=, or an error message."""
    raw_code = request.GET.get("kod", "").strip()
    raw_path = request.GET.get("besok", "").strip().strip("/")
    subject = {"code": "", "title": "", "visit_path": "", "query": ""}
    if raw_code:
        code = textlinks.normalize_code(raw_code[:20])
        found = Code.objects.filter(code=code).first() if code else None
        if found is None:
            return subject, f"”{raw_code[:20]}” är ingen kod i guiden. Du kan ändå skriva ett förslag utan kod."
        subject.update(code=found.code, title=found.title)
    elif raw_path:
        if not VISIT_PATH_RE.fullmatch(raw_path):
            return subject, "Länken till besöksguiden är trasig. Du kan ändå skriva ett förslag."
        subject["visit_path"] = raw_path
    params = {k: v for k, v in (("kod", subject["code"]), ("besok", subject["visit_path"])) if v}
    subject["query"] = f"?{urlencode(params)}" if params else ""
    return subject, None


@require_http_methods(["GET", "HEAD", "POST"])
def suggest_change(request: HttpRequest) -> HttpResponse:
    subject, problem = _subject(request)
    status = 200
    if request.method == "POST":
        form = SuggestionForm(request.POST)
        if form.is_valid():
            thanks = reverse("catalog:suggest-thanks") + subject["query"]
            if form.is_robot():
                return redirect(thanks)
            key = address_key(client_address(request))
            if throttled(key):
                form.add_error(None, "Du har skickat många förslag på kort tid. Vänta en stund och försök igen.")
                status = 429
            else:
                suggestion = form.save(commit=False)
                suggestion.code = subject["code"]
                suggestion.visit_path = subject["visit_path"]
                suggestion.address_key = key
                suggestion.save()
                prune()
                return redirect(thanks)
        else:
            status = 400
    else:
        initial = {"concerns": "besoksguiden"} if subject["visit_path"] else {}
        form = SuggestionForm(initial=initial)
    context = {"form": form, "subject": subject, "problem": problem}
    return render(request, "catalog/suggest.html", context, status=status)


@require_safe
def suggest_thanks(request: HttpRequest) -> HttpResponse:
    subject, _ = _subject(request)
    return render(request, "catalog/suggest.html", {"subject": subject, "sent": True})
