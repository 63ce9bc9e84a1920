import threading

from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from . import exchange, fragments, freshness, history, textlinks
from . import search as search_engine
from .models import Code, CodeList, Entry, Mention, Revision, SearchMiss, Section, SourceDocument
from .pagecache import cached_page


def _texts_codes(*texts: str | None) -> set[str]:
    return {code for text in texts for code in textlinks.codes_in(text)}


_listed = threading.local()


def _listed_among(codes: set[str]) -> set[str]:
    """Which of these codes stand in a list: like Code.objects.listed_among, but from the set of all
    listed codes, read once per content generation (a few hundred codes) instead of once per page."""
    if not codes:
        return set()
    generation = freshness.generation()
    if getattr(_listed, "generation", None) != generation:
        _listed.codes = frozenset(Code.objects.filter(entries__isnull=False).values_list("code", flat=True))
        _listed.generation = generation
    return _listed.codes.intersection(codes)


def is_fragment_request(request: HttpRequest) -> bool:
    """An htmx request that wants only the changed part (a history restore wants the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _code_not_found(request: HttpRequest, raw: str) -> HttpResponse:
    normalized = textlinks.normalize_code(raw)
    mentions = []
    if normalized:
        mentions = list(
            Mention.objects.filter(code=normalized, entry__isnull=False)
            .select_related("entry__code", "entry__code_list")
            .order_by("entry__code__code")
        )
    context = {"raw": raw[:40], "code": normalized, "mentions": mentions}
    return render(request, "catalog/code_not_found.html", context, status=404)


@require_safe
@cached_page
def home(request: HttpRequest) -> HttpResponse:
    lists = CodeList.objects.select_related("source").order_by("order", "title")
    documents = SourceDocument.objects.filter(kind__in=[SourceDocument.Kind.REGLER, SourceDocument.Kind.GUIDE])
    decisions = SourceDocument.objects.filter(kind=SourceDocument.Kind.BESLUT).order_by("-date")[:5]
    return render(
        request,
        "catalog/home.html",
        {"lists": lists, "rule_documents": documents, "decisions": decisions},
    )


@require_safe
@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    within_list = request.GET.get("lista", "")[:80]
    result = search_engine.search(query, within_list=within_list)
    context = {"query": result.query, "result": result, "within_list": within_list, "live": False}
    if is_fragment_request(request):
        # Live results while typing are previews: counting them would count every half-typed word.
        if len(result.query) < 2:
            return HttpResponse("")
        context["live"] = True
        return render(request, "catalog/search.html#results", context)
    if not result.hits and len(result.query) >= 2:
        SearchMiss.record(result.query)
    return render(request, "catalog/search.html", context)


@require_safe
@cached_page
def code_list(request: HttpRequest, slug: str) -> HttpResponse:
    code_list = get_object_or_404(CodeList.objects.select_related("source"), slug=slug)
    sections = list(code_list.sections.order_by("order"))
    known = _listed_among(_texts_codes(code_list.intro, *(s.instructions for s in sections)))
    # Each section's markup is kept by its content (catalog.fragments): the key is every stored
    # field of the section, of its entries and their codes, the list's column label, the linked
    # codes its instructions mention, and the day (retirement). Reading those fields as tuples is
    # a few milliseconds cheaper than building 98 model objects, and an edit re-renders only the
    # section it touched.
    rows: dict[int, list[tuple]] = {section.pk: [] for section in sections}
    entry_fields = fragments.stored_fields(Entry) + fragments.stored_fields(Code, "code__")
    for row in Entry.objects.filter(code_list=code_list).order_by("order", "pk").values_list(*entry_fields):
        rows.setdefault(row[entry_fields.index("section")], []).append(row)
    today = timezone.localdate()
    keys = {}
    for section in sections:
        section.entry_count = len(rows[section.pk])
        keys[section.pk] = (
            "list-section",
            fragments.stored_values(section),
            code_list.beskrivning_label,
            tuple(sorted(known.intersection(textlinks.codes_in(section.instructions)))),
            tuple(rows[section.pk]),
            today,
        )
    kept = fragments.get_many(keys.values())
    missing = [section.pk for section in sections if keys[section.pk] not in kept]
    entries: dict[int, list[Entry]] = {pk: [] for pk in missing}
    if missing:  # one query for every section that must be rendered
        for entry in Entry.objects.filter(section__in=missing).select_related("code").order_by("order", "pk"):
            entries[entry.section_id].append(entry)
    for section in sections:
        key = keys[section.pk]
        if key in kept:
            section.html = kept[key]
        else:
            context = {"code_list": code_list, "section": section, "entries": entries[section.pk], "known": known}
            section.html = fragments.put(key, render_to_string("catalog/list.html#section", context))
    return render(
        request,
        "catalog/list.html",
        {"code_list": code_list, "sections": sections, "known": known, "search_list": code_list},
    )


@require_safe
@cached_page
def code(request: HttpRequest, code: str) -> HttpResponse:
    normalized = textlinks.normalize_code(code)
    if normalized and normalized != code:
        return redirect("catalog:code", code=normalized, permanent=True)
    # The code comes with its entries (one query): a code without entries has no page anyway.
    entries = (
        list(
            Entry.objects.filter(code__code=normalized)
            .select_related("code__decision", "code_list__source", "section")
            .order_by("code_list__order", "section__order", "order")
        )
        if normalized
        else []
    )
    if not entries:
        return _code_not_found(request, code)
    found = entries[0].code
    for entry in entries:
        entry.code = found
    mentions = list(
        Mention.objects.filter(code=found.code)
        .select_related("entry__code", "entry__code_list", "section__code_list", "part__document")
        .order_by("id")
    )
    known = _listed_among(
        _texts_codes(*(t for e in entries for t in (e.beskrivning, e.anvisning, e.section.instructions)))
    )
    return render(
        request,
        "catalog/code.html",
        {"code": found, "entries": entries, "mentions": mentions, "known": known},
    )


def _document_page(request: HttpRequest, document: SourceDocument, template: str) -> HttpResponse:
    parts = list(document.parts.order_by("order"))
    contact_types = list(document.contact_types.order_by("order"))
    footnotes = list(document.footnotes.order_by("mark"))
    code_lists = list(
        document.code_lists.prefetch_related(
            Prefetch("sections", queryset=Section.objects.order_by("order")),
            Prefetch(
                "entries", queryset=Entry.objects.select_related("code", "section").order_by("section__order", "order")
            ),
        )
    )
    mentioned = _texts_codes(
        *(p.body for p in parts),
        *(f.text for f in footnotes),
        *(c.description for c in contact_types),
        *(code for c in contact_types for code in c.required_codes + c.one_of_codes),
        *(t for cl in code_lists for e in cl.entries.all() for t in (e.beskrivning, e.anvisning)),
        *(s.instructions for cl in code_lists for s in cl.sections.all()),
    )
    known = _listed_among(mentioned)
    decision_codes = (
        list(document.decision_codes.select_related("code_list", "section").order_by("action", "code"))
        if document.kind == SourceDocument.Kind.BESLUT
        else []
    )
    context = {
        "decision_codes": decision_codes,
        "document": document,
        "parts": parts,
        "contact_types": contact_types,
        "footnotes": footnotes,
        "code_lists": code_lists,
        "known": known,
    }
    return render(request, template, context)


@require_safe
@cached_page
def rules(request: HttpRequest, slug: str) -> HttpResponse:
    document = get_object_or_404(
        SourceDocument, slug=slug, kind__in=[SourceDocument.Kind.REGLER, SourceDocument.Kind.GUIDE]
    )
    return _document_page(request, document, "catalog/rules.html")


def _identifier_key(identifier: str) -> str:
    return "".join(ch for ch in identifier.upper() if ch.isalnum())


@require_safe
@cached_page
def decision(request: HttpRequest, identifier: str) -> HttpResponse:
    key = _identifier_key(identifier)
    decisions = SourceDocument.objects.filter(kind=SourceDocument.Kind.BESLUT)
    document = next((d for d in decisions if _identifier_key(d.identifier) == key), None)
    if document is None or not key:
        raise Http404("Beslutet finns inte")
    return _document_page(request, document, "catalog/decision.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "Adressen finns inte i API:et."}, status=404)
    return render(request, "404.html", {"path": request.path[:200]}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "Ett internt fel inträffade. Försök igen om en stund."}, status=500)
    return render(request, "500.html", status=500)


@require_safe
@cached_page
def list_changes(request: HttpRequest, slug: str) -> HttpResponse:
    code_list = get_object_or_404(CodeList, slug=slug)
    revisions = list(Revision.objects.filter(code_list=code_list).select_related("content_type")[:200])
    rows = [(revision, history.changes(revision)) for revision in revisions]
    return render(request, "catalog/list_changes.html", {"code_list": code_list, "rows": rows})


@require_safe
def list_csv(request: HttpRequest, slug: str) -> HttpResponse:
    code_list = get_object_or_404(CodeList, slug=slug)
    response = HttpResponse(exchange.export_csv(code_list), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{code_list.slug}.csv"'
    return response


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "fel", "database": "svarar inte"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
