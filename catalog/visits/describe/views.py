"""The described visit: /besok/beskriv/ (a page) and /api/besok/beskriv/ (JSON).

The text is patient information. It comes only by POST, is handed to the engine and dropped:
never stored, logged, cached, put in a URL or shown in an error report (Django's
sensitive_post_parameters / sensitive_variables hide it from error reports). The addresses the
answers link to hold only answer slugs.
"""

import threading

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from catalog import json_bodies
from catalog.caching import freshness
from catalog.models import Concept
from catalog.visits import store as wizard_store
from catalog.visits.describe import engine as describe
from catalog.visits.describe.engine import Description
from catalog.visits.views import FIELD, result_context, step_url

MAX_CHARS = describe.MAX_CHARS
MAX_BODY = 64_000  # bytes of JSON; more than any 5,000-character text needs
COOKIE = "kva_inom"  # the remembered context, shared with search
COOKIE_AGE = 365 * 24 * 3600
CONTEXTS = [
    ("psykiatri", "Psykiatri"),
    ("psykolog", "Psykolog (SKRS)"),
    ("rehab", "Vårdval Rehab"),
    ("sob", "Stöd och behandling"),
    ("bhv", "Barnhälsovård"),
]
CONTEXT_SLUGS = {slug for slug, _ in CONTEXTS}


class DescribeForm(forms.Form):
    text = forms.CharField(
        label="Beskriv besöket",
        max_length=MAX_CHARS,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 7, "maxlength": MAX_CHARS, "autocomplete": "off", "spellcheck": "true"}),
        error_messages={
            "required": "Skriv några meningar om besöket.",
            "max_length": f"Texten får vara högst {MAX_CHARS:,} tecken.".replace(",", " "),
        },
    )
    inom = forms.ChoiceField(
        label="Inom",
        choices=CONTEXTS,
        widget=forms.RadioSelect,
        error_messages={"required": "Välj var besöket gjordes.", "invalid_choice": "Välj var besöket gjordes."},
    )


def _answers(description: Description) -> list[dict]:
    rows = []
    for index, item in enumerate(description.inferred):
        labels = [item.step.option(slug).label for slug in item.chosen]
        rows.append(
            {
                "item": item,
                "answer": ", ".join(labels) if labels else "Inget av detta",
                "change_url": step_url(description.path[:index]),
            }
        )
    return rows


def _stop_context(description: Description) -> dict:
    step = description.stopped_at
    if step is None:
        return {}
    path = description.path
    likely = set(description.likely)
    return {
        "stop_step": step,
        "stop_url": step_url(path),
        "stop_options": [
            {"option": o, "url": step_url([*path, o.slug]) if step.kind == "single" else "", "likely": o.slug in likely}
            for o in step.options
        ],
        "field": FIELD,
    }


_lexicon_lock = threading.Lock()
_lexicon: dict = {"generation": None, "lexicon": None}


def current_lexicon() -> describe.Lexicon:
    """The engine's lexicon with the concepts as coordinators keep them in the admin, read again
    whenever the content changes (like the wizard tree it walks)."""
    generation = freshness.generation()
    with _lexicon_lock:
        if _lexicon["generation"] != generation:
            concepts = list(Concept.objects.values_list("name", "words", "means"))
            _lexicon.update(generation=generation, lexicon=describe.lexicon_with(concepts))
        return _lexicon["lexicon"]


@sensitive_variables("text")
def _run(text: str, inom: str) -> Description:
    return describe.describe(wizard_store.current_tree(), text, inom, lexicon=current_lexicon())


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters("text")
@sensitive_variables("form", "description")
@never_cache
def describe_visit(request: HttpRequest) -> HttpResponse:
    remembered = request.COOKIES.get(COOKIE)
    context: dict = {}
    if request.method == "POST":
        form = DescribeForm(request.POST)
        if form.is_valid():
            description = _run(form.cleaned_data["text"], form.cleaned_data["inom"])
            context.update(
                description=description,
                answers=_answers(description),
                wizard_url=step_url(description.path),
                **_stop_context(description),
            )
            if description.finished:
                context.update(result_context(description.walk))
                context.update(
                    walk=description.walk,
                    summary=[],
                    restart_url=step_url([]),
                    json_url=step_url(description.path) + "?format=json",
                )
    else:
        form = DescribeForm(initial={"inom": remembered if remembered in CONTEXT_SLUGS else None})
    context["form"] = form
    status = 400 if request.method == "POST" and form.errors else 200
    template = (
        "catalog/describe.html#resultat" if request.htmx and request.method == "POST" else "catalog/describe.html"
    )
    response = render(request, template, context, status=status)
    if request.method == "POST" and form.is_valid():
        response.set_cookie(COOKIE, form.cleaned_data["inom"], max_age=COOKIE_AGE, samesite="Lax", httponly=True)
    return response


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


# CSRF: this API is for other systems (a record system posting a note), so it takes no cookie
# and is exempt from the CSRF token. What CSRF protects against is a page on another site making
# the browser post a form; a form can only send form-encoded, multipart or text/plain bodies, and a
# cross-site fetch with Content-Type application/json needs a CORS preflight that this site never
# grants. So the API accepts only application/json and refuses everything else with 415. Besides,
# it changes nothing and reads no session: a forged post could learn nothing and alter nothing.
@csrf_exempt
@sensitive_post_parameters()
@sensitive_variables("data", "text", "description")
@never_cache
def describe_api(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        response = _error("Skicka beskrivningen med POST som JSON.", 405)
        response["Allow"] = "POST"
        return response
    if not request.body:
        return _error('Skicka beskrivningen som JSON: {"text": "…", "inom": "psykiatri"}.')
    if request.content_type != "application/json":
        return _error("Skicka JSON (Content-Type: application/json).", 415)
    if len(request.body) > MAX_BODY:
        return _error(f"Texten får vara högst {MAX_CHARS} tecken.")
    try:
        data = json_bodies.parse(request.body)
    except json_bodies.Unreadable:
        return _error("Det skickade är inte giltig JSON.")
    if not isinstance(data, dict):
        return _error('Skicka ett JSON-objekt: {"text": "…", "inom": "psykiatri"}.')
    text = data.get("text")
    if not isinstance(text, str):
        return _error("”text” ska vara en text.")
    text = text.strip()
    if not text:
        return _error("”text” är tom: skriv några meningar om besöket.")
    if len(text) > MAX_CHARS:
        return _error(f"Texten får vara högst {MAX_CHARS} tecken.")
    inom = data.get("inom")
    if inom is not None and (not isinstance(inom, str) or inom not in CONTEXT_SLUGS):
        return _error(f"”inom” ska vara en av {', '.join(sorted(CONTEXT_SLUGS))}.")
    description = _run(text, inom)
    absolute = request.build_absolute_uri
    body: dict = {
        "path": absolute(step_url(description.path)),
        "finished": description.finished,
        "inferred": [
            {
                "step": item.step.slug,
                "question": item.step.question,
                "answer": ", ".join(item.step.option(s).label for s in item.chosen) or "Inget av detta",
                "options": item.chosen,
                "because": item.because,
                "reason": item.reason,
                "given": item.given,
            }
            for item in description.inferred
        ],
        "open_question": None,
    }
    step = description.stopped_at
    if step is not None:
        body["open_question"] = {
            "step": step.slug,
            "question": step.question,
            "likely": [{"option": s, "label": step.option(s).label} for s in description.likely],
            "url": absolute(step_url(description.path)),
        }
    if description.finished:
        suggestion = description.walk.suggestion
        body["codes"] = [{"code": c.code, "role": c.role} for c in suggestion.codes]
        body["no_code"] = suggestion.no_code
        body["contact"] = suggestion.contact.printed if suggestion.contact else None
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
