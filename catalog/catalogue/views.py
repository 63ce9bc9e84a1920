from django.db import DatabaseError, connection, transaction
from django.db.models import Count, F, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from catalog.caching import fragments, signals
from catalog.caching.pagecache import cached_page, signed_in
from catalog.catalogue import snapshot
from catalog.editorial import exchange, history, readable
from catalog.fhir.terminology import operation_outcome
from catalog.models import (
    CodeList,
    Entry,
    Mention,
    Revision,
    SearchIndexState,
    Section,
    SourceDocument,
)
from catalog.search import engine as search_engine
from catalog.text import textlinks
from catalog.usage import counter

FIRST_LISTS = ["psykiatri", "psykologer-skrs"]


def _texts_codes(*texts: str | None) -> set[str]:
    return {code for text in texts for code in textlinks.codes_in(text)}


def _listed_among(codes: set[str]) -> set[str]:
    """Which of these codes stand in a list: like Code.objects.listed_among, without a query."""
    return set(snapshot.current().listed.intersection(codes)) if codes else set()


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


def _editing(request: HttpRequest) -> bool:
    """Whether to put "Redigera" beside each entry: for a signed-in user who may change entries.

    The kept fragments are keyed by what it adds (a code page's ``editing``, a list row's ``back``), and
    catalog.caching.pagecache never keeps a signed-in user's page: an editor's links never reach the
    public, and the public's page never reaches an editor."""
    return signed_in(request) and request.user.has_perm("catalog.change_entry")


@require_safe
@cached_page
def home(request: HttpRequest) -> HttpResponse:
    # The lists most users need first (psychiatry, then psychologists), then the rest in their order.
    lists = sorted(
        CodeList.objects.select_related("source").annotate(code_count=Count("entries")),
        key=lambda code_list: (
            FIRST_LISTS.index(code_list.slug) if code_list.slug in FIRST_LISTS else len(FIRST_LISTS),
            code_list.order,
            code_list.title,
        ),
    )
    documents = SourceDocument.objects.filter(kind__in=[SourceDocument.Kind.REGLER, SourceDocument.Kind.GUIDE])
    decisions = SourceDocument.objects.filter(kind=SourceDocument.Kind.BESLUT).order_by("-date")[:5]
    return render(
        request,
        "catalog/home.html",
        {"lists": lists, "rule_documents": documents, "decisions": decisions},
    )


@require_safe
@cached_page(params=("filtrera",))
def code_list(request: HttpRequest, slug: str) -> HttpResponse:
    catalogue = snapshot.current()
    code_list = catalogue.lists.get(slug)
    if code_list is None:
        raise Http404("Listan finns inte")
    narrow = request.GET.get("filtrera", "").strip()[:100]
    labels = {"beskrivning_label": code_list.beskrivning_label, "anvisning_label": code_list.anvisning_label}
    # A filter's words are the visitor's: its sections and contents are put together from kept rows, not kept.
    render_filtered = fragments.render_once if narrow else fragments.render
    sections, toc = [], []
    shown = total = 0
    grey = code_list.grey
    editing = _editing(request)
    listed = [entry.code.code for section in catalogue.sections[code_list.id] for entry in catalogue.rows[section.id]]
    # The filter reads the words as search does (catalog.search.engine.narrowed), rows in the list's order.
    kept = search_engine.narrowed(narrow, listed) if narrow else set(listed)
    for section in catalogue.sections[code_list.id]:
        entries = catalogue.rows[section.id]
        # Where "Redigera" returns after saving; empty for the public, so their rows stay one set.
        back = f"{code_list.get_absolute_url()}#{section.slug}" if editing else ""
        rows = tuple(
            fragments.render("catalog/list.html#row", entry=entry, back=back, **labels)
            for entry in entries
            if entry.code.code in kept
        )
        sections.append(
            render_filtered(
                "catalog/list.html#section", section=section, rows=rows, hidden=bool(narrow and not rows), **labels
            )
        )
        toc.append((section, len(rows)))
        shown += len(rows)
        total += len(entries)
        grey = grey or section.grey or any(entry.grey for entry in entries)
    context = {
        "code_list": code_list,
        "source": code_list.source,
        "head": fragments.render("catalog/list.html#head", code_list=code_list, shows_grey=grey),
        "toc": render_filtered("catalog/list.html#toc", toc=tuple(toc)),
        "sections": sections,
        "search_list": code_list,
        "narrow": narrow,
        "shown": shown,
        "total": total,
    }
    response = render(request, "catalog/list.html", context)
    if not narrow:
        # A filtered list reads words as search does: any content change (a concept, a synonym, another
        # list's words) may change it, so it depends on everything.
        response.depends_on = {signals.list_tag(code_list.slug), signals.LISTED}
    return response


@require_safe
@cached_page
def cheat_sheet(request: HttpRequest, slug: str) -> HttpResponse:
    """A one-page A4 "fusklapp": the list's codes and titles, from the live data."""
    code_list = get_object_or_404(CodeList.objects.select_related("source"), slug=slug)
    sections = list(
        code_list.sections.order_by("order").prefetch_related(
            Prefetch("entries", queryset=Entry.objects.select_related("code").order_by("order"))
        )
    )
    # A short list prints in larger type, two columns: either way the sheet fills one A4.
    entry_count = sum(len(section.entries.all()) for section in sections)
    context = {"code_list": code_list, "sections": sections, "entry_count": entry_count}
    response = render(request, "catalog/cheat_sheet.html", context)
    response.depends_on = {signals.list_tag(code_list.slug)}
    return response


@require_safe
@cached_page
def code(request: HttpRequest, code: str) -> HttpResponse:
    normalized = textlinks.normalize_code(code)
    if normalized and normalized != code:
        return redirect("catalog:code", code=normalized, permanent=True)
    catalogue = snapshot.current()
    entries = catalogue.entries.get(normalized) if normalized else None
    if not entries:
        return _code_not_found(request, code)
    found = entries[0].code
    posts = []
    grey = False
    editing = _editing(request)
    for number, entry in enumerate(entries, start=1):
        code_list = catalogue.lists_by_id[entry.list_id]
        section = catalogue.sections_by_id[entry.section_id]
        posts.append(
            fragments.render(
                "catalog/code.html#entry",
                entry=entry,
                code_list=code_list,
                section=section,
                number=number,
                editing=editing,
            )
        )
        grey = grey or entry.grey or section.grey
    mentions = fragments.render(
        "catalog/code.html#mentions", code=found, mentions=catalogue.mentions.get(found.code, ())
    )
    article = fragments.render(
        "catalog/code.html#article", code=found, posts=tuple(posts), mentions=mentions, shows_grey=grey
    )
    response = render(request, "catalog/code.html", {"code": found, "article": article})
    response.depends_on = {signals.code_tag(found.code), signals.LISTED}
    response.counted = (counter.Kind.CODE_READ, found.code)  # every read, from the page cache too
    return response


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
        "shows_grey": bool(mentioned - known),
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
    document = next(
        (d for d in decisions if d.decision_key == identifier or (key and _identifier_key(d.identifier) == key)), None
    )
    if document is None:
        raise Http404("Beslutet finns inte")
    return _document_page(request, document, "catalog/decision.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "Adressen finns inte i API:et."}, status=404)
    return render(request, "404.html", {"path": request.path[:200]}, status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's own 400 handler checks the CSRF token first, which reads the body again: a form posted
    in a charset Django refuses (UTF-16, say) then became a 500. This one reads nothing."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "Begäran gick inte att läsa. Skicka UTF-8."}, status=400)
    if request.path.startswith("/fhir/"):
        outcome = operation_outcome("structure", "Begäran gick inte att läsa. Skicka JSON eller UTF-8.")
        return JsonResponse(outcome, status=400, content_type="application/fhir+json; charset=utf-8")
    return render(request, "400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "Ett internt fel inträffade. Försök igen om en stund."}, status=500)
    return render(request, "500.html", status=500)


@require_safe
@cached_page
def list_changes(request: HttpRequest, slug: str) -> HttpResponse:
    code_list = get_object_or_404(CodeList, slug=slug)
    # The baseline revisions of the first load are not changes: clinicians see only what changed since.
    changed = Revision.objects.filter(code_list=code_list).exclude(action=Revision.Action.LOADED, before__isnull=True)
    revisions = list(changed.select_related("content_type")[:200])
    names = readable.Names(revisions)
    rows = [(revision, history.changes(revision, names=names)) for revision in revisions]
    return render(request, "catalog/list_changes.html", {"code_list": code_list, "rows": rows})


@require_safe
def list_csv(request: HttpRequest, slug: str) -> HttpResponse:
    code_list = get_object_or_404(CodeList, slug=slug)
    response = HttpResponse(exchange.export_csv(code_list), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{code_list.slug}.csv"'
    return response


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when the database answers and takes writes, 503 otherwise.

    The write is real (the generation token's row, rewritten unchanged) and rolled back, so a
    read-only or full database is caught, not only one that is down.
    """
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
            SearchIndexState.current()
            SearchIndexState.objects.filter(pk=1).update(generation=F("generation"))
            transaction.set_rollback(True)
    except DatabaseError:
        return JsonResponse({"status": "fel", "database": "tar inte emot ändringar"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
