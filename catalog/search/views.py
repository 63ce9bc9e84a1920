"""The search page (/sok/): live results while typing, a chosen code beside them, and the user's context."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from catalog.htmx import is_fragment_request
from catalog.models import Code, SearchMiss
from catalog.search import engine as search_engine
from catalog.text import textlinks
from catalog.usage import counter

INOM_COOKIE = "kva_inom"  # "Jag arbetar inom": shared with the described visit; no login needed
INOM_COOKIE_AGE = 365 * 24 * 3600


def inom_of(request: HttpRequest) -> str:
    """The user's context: ``?inom=`` if given (empty clears it), else the ``kva_inom`` cookie."""
    value = request.GET.get("inom", request.COOKIES.get(INOM_COOKIE, ""))
    return value if value in search_engine.CONTEXTS else ""


def remember_inom(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Keep a context chosen with ``?inom=`` in the cookie, so every later search ranks it first."""
    # The page varies on the cookie only for this preference (no session, no secret): it may be
    # compressed (kvaguide.compression) unless it also sets a cookie or renders a CSRF token.
    response.varies_only_on_preferences = True
    if "inom" in request.GET:
        value = inom_of(request)
        if value:
            response.set_cookie(
                INOM_COOKIE, value, max_age=INOM_COOKIE_AGE, samesite="Lax", httponly=True, secure=request.is_secure()
            )
        else:
            response.delete_cookie(INOM_COOKIE, samesite="Lax")
    return response


def _code_panel(raw: str) -> dict | None:
    """The chosen code beside the results (wide screens): its entries' texts, or None if unknown."""
    normalized = textlinks.normalize_code(raw[:20])
    found = Code.objects.filter(code=normalized).first() if normalized else None
    if found is None:
        return None
    entries = list(
        found.entries.select_related("code_list", "section").order_by("code_list__order", "section__order", "order")
    )
    if not entries:
        return None
    known = Code.objects.listed_among(
        {code for e in entries for text in (e.beskrivning, e.anvisning) for code in textlinks.codes_in(text)}
    )
    return {"code": found, "entries": entries, "known": known}


@require_safe
@vary_on_headers("HX-Request", "HX-Target", "Cookie")
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    within_list = request.GET.get("lista", "")[:80]
    inom = inom_of(request)
    result = search_engine.search(query, within_list=within_list, inom=inom)
    context = {
        "query": result.query,
        "result": result,
        "within_list": within_list,
        "live": False,
        "inom": inom,
        "contexts": [(key, label) for key, (label, _lists) in search_engine.CONTEXTS.items()],
        "inom_label": search_engine.CONTEXTS[inom][0] if inom else "",
        "panel": _code_panel(request.GET["kod"]) if request.GET.get("kod") else None,
    }
    if is_fragment_request(request) and request.htmx.target == "vald-kod-plats":
        # A hit chosen beside the results (wide screens): only the code's panel is swapped.
        return render(request, "catalog/search.html#panel", context)
    if is_fragment_request(request):
        # Live results while typing are previews: counting them would count every half-typed word.
        if len(result.query) < 2:
            return remember_inom(request, HttpResponse(""))
        context["live"] = True
        return remember_inom(request, render(request, "catalog/search.html#results", context))
    if not result.hits and len(result.query) >= 2:
        SearchMiss.record(result.query)
        counter.count(counter.Kind.SEARCH_MISS)
    return remember_inom(request, render(request, "catalog/search.html", context))
