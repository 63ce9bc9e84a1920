"""The described visit: /besok/beskriv/ (a page) and /api/besok/beskriv/ (JSON).

The text is patient information. It comes only by POST, is handed to the engine and dropped:
never stored, logged, cached, put in a URL or shown in an error report (Django's
sensitive_post_parameters / sensitive_variables hide it from error reports). The addresses the
answers link to hold only answer slugs.

A dialogue: where the text leaves a question open, the page offers every answer of it as a button
of the same form, so answering posts the text again (from the one text field, never a URL) with
the answers given so far (``vag``, answer slugs only); the engine starts after them and keeps
reading the text. "Ändra" on an answer posts the answers before it (``andra``) and the question is
asked again. The API takes the same answers as ``"path"``: a wizard address.
"""

import threading
from urllib.parse import urlsplit

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
from catalog.usage import counter
from catalog.visits import store as wizard_store
from catalog.visits import wizard
from catalog.visits.describe import engine as describe
from catalog.visits.describe.engine import Description
from catalog.visits.views import FIELD, result_context, step_url
from catalog.visits.wizard import WalkError

MAX_CHARS = describe.MAX_CHARS
MAX_BODY = 64_000  # bytes of JSON; more than any 5,000-character text needs
MAX_PATH = 2_000  # characters of a wizard address: 50 answers of long slugs
MAX_SEGMENTS = 50  # as the wizard's own pages
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


def _joined(segments: list[str]) -> str:
    return "/".join(segments)


def path_segments(value: str) -> list[str]:
    """A wizard address (absolute, its path, or bare answer segments) → its answer segments.

    Raises WalkError (with a Swedish message) for anything that is not one."""
    if len(value) > MAX_PATH:
        raise WalkError("Adressen är för lång för att vara en väg genom besöksguiden.", [])
    parts = [part for part in urlsplit(value).path.split("/") if part]
    base = [part for part in step_url([]).split("/") if part]
    if parts[: len(base)] == base:
        parts = parts[len(base) :]
    elif value.strip().startswith(("/", "http:", "https:")):
        raise WalkError(f"Adressen ska vara en väg i besöksguiden ({step_url([])}…).", [])
    if len(parts) > MAX_SEGMENTS:
        raise WalkError("Adressen har för många svar för att vara en väg genom besöksguiden.", [])
    return parts


@sensitive_variables("description")
def _answers(description: Description) -> list[dict]:
    rows = []
    for index, item in enumerate(description.inferred):
        labels = [item.step.option(slug).label for slug in item.chosen]
        rows.append(
            {
                "item": item,
                "answer": ", ".join(labels) if labels else "Inget av detta",
                "change": _joined(description.path[:index]),
                "change_url": step_url(description.path[:index]),
            }
        )
    return rows


@sensitive_variables("description")
def _stop_context(description: Description) -> dict:
    step = description.stopped_at
    if step is None:
        return {}
    path = description.path
    single = step.kind == "single"
    return {
        "stop_step": step,
        "stop_url": step_url(path),
        "stop_path": _joined(path),
        "stop_options": [
            {
                "option": choice.option,
                "likely": choice.likely,
                "because": choice.because,
                "said": choice.said and not single,
                "path": _joined([*path, choice.option.slug]) if single else "",
            }
            for choice in description.choices
        ],
        # "None of these": the wizard's way out (single choice), or "none" (an optional multiple choice).
        "stop_way_out": _joined([*path, wizard.WAY_OUT_SEGMENT if single else wizard.NONE_SEGMENT])
        if single or not step.optional
        else "",
        "none_segment": wizard.NONE_SEGMENT,
        "field": FIELD,
    }


@sensitive_variables("post")
def _dialogue(post, tree) -> tuple[list[str] | None, bool]:
    """The answers a dialogue button sent: (the path to start from, whether to ask its next step
    again); (None, False) for a new description. Raises WalkError for answers that do not fit."""
    if "andra" in post:
        return path_segments(post["andra"]), True
    if "svara" in post:
        prefix = path_segments(post["svara"])
        walk = wizard.walk(tree, prefix)
        if walk.current is None:
            raise WalkError("Frågan är redan besvarad.", prefix)
        chosen = wizard.choose(walk.current, post.getlist(FIELD))
        return [*prefix, chosen], False
    if "vag" in post:
        return path_segments(post["vag"]), False
    return None, False


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


@sensitive_variables("text", "description")
def _run(text: str, inom: str | None, path: list[str] | None = None, ask: bool = False) -> Description:
    tree = wizard_store.current_tree()
    description = describe.describe(tree, text, inom, lexicon=current_lexicon(), path=path, ask=ask)
    if path is None and description.stopped_at is not None:
        # A new description the text could not take to the end: the step only, never the text.
        counter.count(counter.Kind.DESCRIBE_STOP, description.stopped_at.slug)
    return description


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters("text")
@sensitive_variables("form", "description", "context")
@never_cache
def describe_visit(request: HttpRequest) -> HttpResponse:
    remembered = request.COOKIES.get(COOKIE)
    context: dict = {}
    status = 200
    if request.method == "POST":
        form = DescribeForm(request.POST)
        if form.is_valid():
            try:
                path, ask = _dialogue(request.POST, wizard_store.current_tree())
                description = _run(form.cleaned_data["text"], form.cleaned_data["inom"], path, ask)
            except WalkError as error:
                context["dialogue_error"] = error.message
                status = 400
            else:
                context.update(_described(description))
    else:
        form = DescribeForm(initial={"inom": remembered if remembered in CONTEXT_SLUGS else None})
    context["form"] = form
    if request.method == "POST" and form.errors:
        status = 400
    template = (
        "catalog/describe.html#resultat" if request.htmx and request.method == "POST" else "catalog/describe.html"
    )
    response = render(request, template, context, status=status)
    if request.method == "POST" and form.is_valid():
        response.set_cookie(COOKIE, form.cleaned_data["inom"], max_age=COOKIE_AGE, samesite="Lax", httponly=True)
    return response


@sensitive_variables("description", "context")
def _described(description: Description) -> dict:
    context = {
        "description": description,
        "answers": _answers(description),
        "wizard_url": step_url(description.path),
        **_stop_context(description),
    }
    if description.finished:
        context.update(result_context(description.walk))
        context.update(
            walk=description.walk,
            summary=[],
            restart_url=step_url([]),
            json_url=step_url(description.path) + "?format=json",
        )
    return context


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
    data = _api_input(request)
    if isinstance(data, JsonResponse):
        return data
    text, inom, path = data
    try:
        description = _run(text, inom, path)
    except WalkError as error:
        return _error(f"”path”: {error.message}")
    return JsonResponse(_api_body(request, description), json_dumps_params={"ensure_ascii": False})


@sensitive_variables("data", "text")
def _api_input(request: HttpRequest) -> tuple[str, str | None, list[str] | None] | JsonResponse:
    """(text, inom, path) from the request's JSON, or the 4xx answer that explains what is wrong."""
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
    path = data.get("path")
    if path is None:
        return text, inom, None
    if not isinstance(path, str):
        return _error("”path” ska vara en adress i besöksguiden, t.ex. open_question.url med svaret efter.")
    try:
        return text, inom, path_segments(path)
    except WalkError as error:
        return _error(f"”path”: {error.message}")


@sensitive_variables("description", "body")
def _api_body(request: HttpRequest, description: Description) -> dict:
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
                "by": item.by,
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
            "kind": step.kind,
            "likely": [{"option": s, "label": step.option(s).label} for s in description.likely],
            "options": [
                {
                    "option": choice.option.slug,
                    "label": choice.option.label,
                    "likely": choice.likely,
                    "because": list(choice.because),
                }
                for choice in description.choices
            ],
            "url": absolute(step_url(description.path)),
        }
    if description.finished:
        suggestion = description.walk.suggestion
        body["codes"] = [{"code": c.code, "role": c.role} for c in suggestion.codes]
        body["no_code"] = suggestion.no_code
        body["contact"] = suggestion.contact.printed if suggestion.contact else None
    return body
