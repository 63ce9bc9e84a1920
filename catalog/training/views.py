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
from catalog.models import PracticeCase, PracticeCount, PracticeSet
from catalog.search import engine as search_engine
from catalog.training import classroom, facit, keys
from catalog.usage import counter
from catalog.visits import presentation

MAX_SUGGESTIONS = 8
CHECK = "ratta"  # the submit button's name: present when the learner asks for feedback
HINT = "ledtrad"  # present when the learner asks for the hint (the deciding quote, without its code)


def _case_url(case: PracticeCase, **params) -> str:
    params = {k: v for k, v in params.items() if v}
    return case.get_absolute_url() + (f"?{urlencode(params)}" if params else "")


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
    context = {"set": chosen, "cases": cases, "may_lead": classroom.may_lead(request.user)}
    return render(request, "catalog/practice_set.html", context)


@require_safe
def set_summary(request: HttpRequest, slug: str) -> HttpResponse:
    """The trainer's printable summary of a set: every case's visit and its key, quotes included."""
    chosen = get_object_or_404(PracticeSet, slug=slug)
    cases = list(chosen.cases.order_by("order", "slug").select_related("contact_type").prefetch_related("quotes"))
    rows = []
    for case in cases:
        key = keys.key_from_model(case, sorted(case.quotes.all(), key=lambda q: q.order))
        rows.append({"case": case, "key": key, "facit": facit.facit_for(key)[0]})
    return render(request, "catalog/practice_summary.html", {"set": chosen, "rows": rows})


def _set_context(case: PracticeCase, in_set: PracticeSet | None, keep: dict) -> dict:
    """Where the case stands in its set and the next case's address."""
    if not in_set:
        return {}
    cases = list(in_set.cases.order_by("order", "slug").values_list("slug", flat=True))
    if case.slug not in cases:
        return {}
    position = cases.index(case.slug)
    context = {"set_position": position + 1, "set_size": len(cases)}
    if position + 1 < len(cases):
        next_case = cases[position + 1]
        context["next_url"] = (
            reverse("catalog:practice-case", args=[next_case]) + "?" + urlencode({"set": in_set.slug, **keep})
        )
    return context


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
    presenting = request.GET.get(presentation.PRESENTATION) == "1"
    keep = {presentation.PRESENTATION: "1"} if presenting else {}
    wants_hint = request.GET.get(HINT) == "1"

    hits = search_engine.search(query).hits[:MAX_SUGGESTIONS] if query.strip() else []
    extra = {"kontakt": contact, "set": in_set and in_set.slug, HINT: wants_hint and "1", **keep}
    suggestions = [(hit, _case_url(case, koder=f"{typed} {hit.code}".strip(), **extra) + "#svar-form") for hit in hits]
    context = {
        "case": case,
        "key": key,
        "typed": typed,
        "contact": contact,
        "query": query,
        "suggestions": suggestions,
        "in_set": in_set,
        "check_field": CHECK,
        "hint_field": HINT,
        "presentation": presenting,
        "kept_params": keep,
    }
    if is_fragment_request(request) and "sok" in request.GET and CHECK not in request.GET:
        return render(request, "catalog/practice_case.html#forslag", context)

    context["contact_choices"] = classroom.contact_choices(case)
    context["facit"], titles, labels = facit.facit_for(key)
    if wants_hint:
        context["hint"] = facit.hint_for(key)
    if CHECK in request.GET:
        context.update(facit.graded(key, typed, contact, titles, labels))
        PracticeCount.record(case, context["result"].solved)
        counter.count(counter.Kind.PRACTICE_TRIED, case.slug)
        if context["result"].solved:
            counter.count(counter.Kind.PRACTICE_SOLVED, case.slug)
    context.update(_set_context(case, in_set, keep))
    context["wizard_url"] = reverse("catalog:visit") + "?" + urlencode({presentation.PRACTICE: case.slug, **keep})
    context["presentation_on_url"] = _case_url(case, set=in_set and in_set.slug, **{presentation.PRESENTATION: "1"})
    context["presentation_off_url"] = _case_url(case, set=in_set and in_set.slug)
    return render(request, "catalog/practice_case.html", context)
