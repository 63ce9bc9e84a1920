"""Read-only JSON API. Its shapes are a contract: integrations and checks rely on them."""

from functools import wraps

from django.db.models import Prefetch
from django.http import HttpRequest, JsonResponse

from catalog.caching.pagecache import cached_page
from catalog.catalogue import snapshot
from catalog.models import Code, CodeList, Entry, SearchMiss, Section
from catalog.search import engine as search_engine
from catalog.text import textlinks
from catalog.usage import counter


def api_get(view):
    """Like require_safe (GET and HEAD), but a refused method gets a JSON error, as every API answer does."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = _error("API:et går bara att läsa (GET).", 405)
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    # Nothing here writes, so a refused POST should say "read-only", not "CSRF failure".
    wrapper.csrf_exempt = True
    return wrapper


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


def _json(data: dict) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def _entry(entry: Entry, section: Section, code_list: CodeList) -> dict:
    return {
        "code": entry.code.code,
        "list": code_list.slug,
        "list_title": code_list.title,
        "section": section.title,
        "title": entry.title,
        "beskrivning": entry.beskrivning,
        "anvisning": entry.anvisning,
        "marker": entry.marker or None,
        "note": entry.note or None,
        "valid_to": entry.valid_to.isoformat() if entry.valid_to else None,
    }


def _code_list(request: HttpRequest, code_list: CodeList) -> dict:
    sections = []
    for section in code_list.sections.all():
        sections.append(
            {
                "title": section.title,
                "instructions_title": section.instructions_title or None,
                "instructions": section.instructions or None,
                "entries": [_entry(e, section, code_list) for e in section.entries.all()],
            }
        )
    source = code_list.source
    return {
        "slug": code_list.slug,
        "title": code_list.title,
        "url": request.build_absolute_uri(code_list.get_absolute_url()),
        "source": {
            "title": source.title,
            "identifier": source.identifier or None,
            "date": source.date.isoformat() if source.date else None,
            "valid_from": source.valid_from.isoformat() if source.valid_from else None,
            "seed_file": source.seed_file,
        },
        "sections": sections,
    }


def _lists_queryset():
    return CodeList.objects.select_related("source").prefetch_related(
        Prefetch(
            "sections",
            queryset=Section.objects.order_by("order").prefetch_related(
                Prefetch("entries", queryset=Entry.objects.select_related("code").order_by("order"))
            ),
        )
    )


@api_get
def code(request: HttpRequest, code: str) -> JsonResponse:
    normalized = textlinks.normalize_code(code)
    found = Code.objects.filter(code=normalized).first() if normalized else None
    entries = (
        list(
            found.entries.select_related("code", "section", "code_list").order_by(
                "code_list__order", "section__order", "order"
            )
        )
        if found
        else []
    )
    if not entries:
        return _error(f"Koden {code[:20]} finns inte i guidens listor.", 404)
    referenced = []
    for entry in entries:
        for mentioned in textlinks.codes_in(f"{entry.beskrivning or ''}\n{entry.anvisning or ''}"):
            if mentioned != found.code and mentioned not in referenced:
                referenced.append(mentioned)
    listed = Code.objects.listed_among(referenced)
    return _json(
        {
            "code": found.code,
            "title": found.title or None,
            "url": request.build_absolute_uri(found.get_absolute_url()),
            "tillaggskod": found.is_tillaggskod,
            "regional": found.is_regional,
            "valid_to": found.valid_to.isoformat() if found.valid_to else None,
            "retired": found.is_retired,
            "entries": [_entry(e, e.section, e.code_list) for e in entries],
            "referenced_codes": referenced,
            "referenced_codes_outside_lists": [c for c in referenced if c not in listed],
        }
    )


@api_get
def lists(request: HttpRequest) -> JsonResponse:
    return _json({"lists": [_code_list(request, cl) for cl in _lists_queryset().order_by("order", "title")]})


@api_get
def code_list(request: HttpRequest, slug: str) -> JsonResponse:
    found = _lists_queryset().filter(slug=slug).first()
    if found is None:
        return _error(f"Listan {slug[:40]} finns inte.", 404)
    return _json(_code_list(request, found))


@api_get
@cached_page(params=("filtrera",))
def list_filter(request: HttpRequest, slug: str) -> JsonResponse:
    """The list page's filter as you type: the codes of the list ``?filtrera=`` keeps, in the list's
    order, by the same reading as the page's GET form (catalog.search.engine.narrowed)."""
    code_list = snapshot.current().lists.get(slug)
    if code_list is None:
        return _error(f"Listan {slug[:40]} finns inte.", 404)
    catalogue = snapshot.current()
    listed = [entry.code.code for section in catalogue.sections[code_list.id] for entry in catalogue.rows[section.id]]
    narrow = request.GET.get("filtrera", "").strip()[:100]
    kept = search_engine.narrowed(narrow, listed) if narrow else set(listed)
    codes = [code for code in dict.fromkeys(listed) if code in kept]
    shown = sum(code in kept for code in listed)  # rows: a code may stand in two sections
    return _json({"list": slug, "filtrera": narrow, "codes": codes, "shown": shown, "total": len(listed)})


@api_get
@cached_page(params=("q", "lista", "inom"), cookies=("kva_inom",))
def search(request: HttpRequest) -> JsonResponse:
    """Answers are kept in the page cache per query until the content changes; a query without
    hits is never kept, so every miss is still counted for the coordinators."""
    query = search_engine.clean_query(request.GET.get("q", ""))
    if not query:
        return _error("Ange vad du söker efter med ?q=, till exempel ?q=AU118 eller ?q=suicid.", 400)
    inom = request.GET.get("inom", "")
    if inom and inom not in search_engine.CONTEXTS:
        return _error(f"Okänt sammanhang i ?inom=. Välj ett av: {', '.join(search_engine.CONTEXTS)}.", 400)
    if "inom" not in request.GET:
        inom = request.COOKIES.get("kva_inom", "")
    result = search_engine.search(query, within_list=request.GET.get("lista", "")[:80], inom=inom)
    if not result.hits and len(result.query) >= 2:
        SearchMiss.record(result.query)
        counter.count(counter.Kind.SEARCH_MISS)
    site = request.build_absolute_uri("/").rstrip("/")
    data = {
        "query": result.query,
        "results": [
            {
                "code": hit.code,
                "title": hit.title or None,
                "lists": hit.lists,
                "url": site + hit.url,
                "snippet": hit.snippet_text or None,
            }
            for hit in result.hits
        ],
    }
    if result.hint:
        data["hint"] = result.hint
    if inom:
        data["inom"] = inom
    if result.suggestion:
        data["suggestion"] = result.suggestion
        data["nearest"] = [
            {"code": hit.code, "title": hit.title or None, "url": site + hit.url} for hit in result.nearest
        ]
    if result.documents:
        data["documents"] = [
            {"title": d.title, "identifier": d.identifier or None, "kind": d.kind, "url": site + d.url}
            for d in result.documents
        ]
    if result.wizard_links:
        data["wizard"] = [
            {"answer": link.label, "question": link.question, "url": site + link.url} for link in result.wizard_links
        ]
    response = _json(data)
    response.uncacheable = not result.hits
    return response
