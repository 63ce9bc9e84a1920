"""Practice cases for learners: /ovningar/, a case with its feedback, and sets a trainer hands out.

Everything is a GET: the answers are in the address (so a result can be shared) and nothing
about the learner is kept, only an anonymous count per case (tried, solved).
"""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from catalog.htmx import is_fragment_request
from catalog.models import Code, ContactType, PracticeCase, PracticeCount, PracticeSet
from catalog.search import engine as search_engine
from catalog.training import feedback, keys
from catalog.visits.views import source_labels

MAX_SUGGESTIONS = 8
CHECK = "ratta"  # the submit button's name: present when the learner asks for feedback


def _case_url(case: PracticeCase, **params) -> str:
    params = {k: v for k, v in params.items() if v}
    return case.get_absolute_url() + (f"?{urlencode(params)}" if params else "")


def _quote_rows(quotes: list[feedback.Quote], labels: dict) -> list[dict]:
    return [{"quote": q, "source": labels.get(q.ref, (q.ref, ""))} for q in quotes]


def _facit(key: feedback.Key) -> tuple[dict, dict, dict]:
    """A case's key as the page shows it: each code with its title and quoted rules."""
    labels = source_labels({q.ref for q in key.quotes})
    titles = dict(Code.objects.filter(code__in=key.required + key.forbidden + key.allowed).values_list("code", "title"))
    facit = {
        "required": [
            (code, titles.get(code, ""), _quote_rows(key.quotes_for("kravs", code), labels)) for code in key.required
        ],
        "forbidden": [
            (code, titles.get(code, ""), _quote_rows(key.quotes_for("fel", code), labels)) for code in key.forbidden
        ],
        "allowed": [(code, titles.get(code, "")) for code in key.allowed],
        "contact_quotes": _quote_rows(key.quotes_for("kontakt"), labels),
        "general": _quote_rows(key.quotes_for("allmant"), labels),
    }
    return facit, titles, labels


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    cases = list(PracticeCase.objects.order_by("order", "slug"))
    groups = [(label, [c for c in cases if c.context == value]) for value, label in PracticeCase.Context.choices]
    return render(
        request,
        "catalog/practice_index.html",
        {"groups": [g for g in groups if g[1]], "sets": PracticeSet.objects.order_by("title")},
    )


@require_safe
def practice_set(request: HttpRequest, slug: str) -> HttpResponse:
    chosen = get_object_or_404(PracticeSet, slug=slug)
    cases = list(chosen.cases.order_by("order", "slug"))
    return render(request, "catalog/practice_set.html", {"set": chosen, "cases": cases})


@require_safe
def set_summary(request: HttpRequest, slug: str) -> HttpResponse:
    """The trainer's printable summary of a set: every case's visit and its key, quotes included."""
    chosen = get_object_or_404(PracticeSet, slug=slug)
    cases = list(chosen.cases.order_by("order", "slug").select_related("contact_type").prefetch_related("quotes"))
    rows = []
    for case in cases:
        key = keys.key_from_model(case, sorted(case.quotes.all(), key=lambda q: q.order))
        rows.append({"case": case, "key": key, "facit": _facit(key)[0]})
    return render(request, "catalog/practice_summary.html", {"set": chosen, "rows": rows})


@require_safe
@vary_on_headers("HX-Request")
def case(request: HttpRequest, slug: str) -> HttpResponse:
    case = get_object_or_404(PracticeCase.objects.select_related("contact_type__document"), slug=slug)
    quotes = list(case.quotes.order_by("order"))
    key = keys.key_from_model(case, quotes)
    typed = request.GET.get("koder", "")[:300]
    contact = request.GET.get("kontakt", "")[:200]
    query = request.GET.get("sok", "")[:100]
    in_set = PracticeSet.objects.filter(slug=request.GET.get("set", "")[:80]).first()

    hits = search_engine.search(query).hits[:MAX_SUGGESTIONS] if query.strip() else []
    suggestions = [
        (hit, _case_url(case, koder=f"{typed} {hit.code}".strip(), kontakt=contact, set=in_set and in_set.slug))
        for hit in hits
    ]
    context = {
        "case": case,
        "key": key,
        "typed": typed,
        "contact": contact,
        "query": query,
        "suggestions": suggestions,
        "in_set": in_set,
        "check_field": CHECK,
    }
    if is_fragment_request(request) and "sok" in request.GET and CHECK not in request.GET:
        return render(request, "catalog/practice_case.html#forslag", context)

    contact_choices = []
    if case.contact_type:
        contact_choices = [
            (f"{row.document.slug}/{row.slug}", str(row))
            for row in ContactType.objects.filter(document=case.contact_type.document).select_related("document")
        ]
    context["contact_choices"] = contact_choices

    context["facit"], titles, labels = _facit(key)
    if CHECK in request.GET:
        codes, junk = feedback.parse_codes(typed)
        result = feedback.grade(key, codes, contact or None)
        result.not_codes = junk
        known_titles = dict(Code.objects.filter(code__in=codes).values_list("code", "title"))
        context["result"] = result
        context["verdicts"] = [
            {
                "verdict": v,
                "title": known_titles.get(v.code) or titles.get(v.code, ""),
                "quotes": _quote_rows(v.quotes, labels),
            }
            for v in result.codes
        ]
        PracticeCount.record(case, result.solved)
    if in_set:
        cases = list(in_set.cases.order_by("order", "slug").values_list("slug", flat=True))
        if case.slug in cases:
            position = cases.index(case.slug)
            context["set_position"] = position + 1
            context["set_size"] = len(cases)
            if position + 1 < len(cases):
                context["next_url"] = (
                    reverse("catalog:practice-case", args=[cases[position + 1]]) + f"?set={in_set.slug}"
                )
    context["wizard_url"] = reverse("catalog:visit") + "?" + urlencode({"ovning": case.slug})
    return render(request, "catalog/practice_case.html", context)
