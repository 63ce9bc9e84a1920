"""A code's entries in every list, and the ways a coordinator reaches them: "Ändra en kods texter" on the
admin's start page, the list on a code's Koder page, and back to the public page "Redigera" came from."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from catalog.models import Code, Draft, Entry
from catalog.search import engine as search_engine
from catalog.text import textlinks

# The query parameter "Redigera" on a public page gives the entry's form: where to return after "Spara".
BACK = "tillbaka"
MAX_BACK = 300  # a public page's path with its section: anything longer is no page of ours
MAX_CODES = 20


def entries_of(codes: list[str]) -> list[tuple[str, list[Entry]]]:
    """Each code with its entries in every list (list, then section order), in the order given."""
    found: dict[str, list[Entry]] = {code: [] for code in codes}
    for entry in (
        Entry.objects.filter(code__code__in=codes)
        .select_related("code", "code_list", "section")
        .order_by("code_list__order", "code_list__title", "section__order", "order", "pk")
    ):
        found[entry.code.code].append(entry)
    return list(found.items())


def _change_url(entry: Entry) -> str:
    return reverse("admin:catalog_entry_change", args=[entry.pk])


def _answer(query: str) -> tuple[list[tuple[str, list[Entry]]], str]:
    """The codes a query finds with their entries, and what to say about it (empty when all went well)."""
    if not query:
        return [], "Skriv en kod, till exempel AU118, eller ett ord ur kodens titel eller texter."
    code = textlinks.normalize_code(query)
    if code:
        entries = entries_of([code])
        if entries[0][1]:
            return entries, ""
        if Code.objects.filter(code=code).exists():
            return [], f"{code} står inte i någon lista, så den har inga texter att ändra här."
    hits = [hit.code for hit in search_engine.search(query, limit=MAX_CODES).hits]
    found = [(c, entries) for c, entries in entries_of(hits) if entries]
    if not found:
        return [], f"Ingen kod i listorna passar ”{query}”. Kontrollera stavningen eller sök på en kod."
    if code:
        return found, f"{code} finns inte i listorna. Koder som liknar sökningen:"
    return found, ""


@require_safe
def find_code(request: HttpRequest) -> HttpResponse:
    """The start page's "Ändra en kods texter": a code (or words) → its entries in every list.

    A code given exactly that stands in one list only goes straight to that entry's form."""
    if not request.user.has_perm("catalog.view_entry"):
        raise PermissionDenied
    query = search_engine.clean_query(request.GET.get("q", "")).strip()
    codes, message = _answer(query)
    if len(codes) == 1 and len(codes[0][1]) == 1 and textlinks.normalize_code(query) == codes[0][0]:
        return redirect(_change_url(codes[0][1][0]))
    context = {
        **admin.site.each_context(request),
        "title": "Ändra en kods texter",
        "query": query,
        "codes": [(code, [(entry, _change_url(entry)) for entry in entries]) for code, entries in codes],
        "message": message,
    }
    return TemplateResponse(request, "admin/catalog/find_code.html", context)


def entry_links(code: Code):
    """For a code's Koder page: its entries in every list, each linking to its form."""
    entries = entries_of([code.code])[0][1] if code.pk else []
    if not entries:
        return "Koden står inte i någon lista."
    return format_html(
        '<ul class="kodens-poster">{}</ul>',
        format_html_join(
            "",
            '<li><a href="{}">{} › {} › {}</a></li>',
            ((_change_url(e), e.code_list.title, e.section.title, e.title) for e in entries),
        ),
    )


def _back(request: HttpRequest) -> str:
    """The page of this site to return to after "Spara", or "" (another site's address is ignored)."""
    back = request.GET.get(BACK, "")
    if (
        back.startswith("/")
        and len(back) <= MAX_BACK
        and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    ):
        return back
    return ""


class ReturnsToPage:
    """Mixed into an admin: "Spara" on a form opened with ``?tillbaka=<a page of this site>`` returns there.

    "Redigera" on the public code and list pages opens an entry's form so; a draft, "Spara och fortsätt
    redigera" and a refused save stay in the admin as before."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        back = _back(request)
        if back and request.method == "GET":
            messages.info(
                request,
                format_html(
                    'Du kom hit från sidan <a href="{}">{}</a>. Trycker du Spara kommer du tillbaka dit.', back, back
                ),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        back = _back(request)
        if (
            back
            and "_save" in request.POST
            and isinstance(response, HttpResponseRedirect)
            and not isinstance(getattr(request, "_kva_saved", None), Draft)
        ):
            # The public page shows the new text: the admin's "ändrades" would only wait for the next admin page.
            list(messages.get_messages(request))
            return redirect(back)
        return response
