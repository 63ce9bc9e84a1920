"""The live class's pages (/klassrum/): joining and starting, the learner's phone, the trainer's view.

Learners have no account and give no name. A phone carries a signed cookie with a random token
(what the throttle counts it under, as a keyed hash) and its own answers in this class, so that a
changed answer moves its count; the server keeps only the counts. Phones poll every two seconds and
the projector every second (htmx; a phone gets a 204 while nothing changed); without JavaScript every page has
a link that fetches it anew. Only the trainer who started a class moves it.
"""

import json
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh

from catalog.htmx import is_fragment_request
from catalog.models import LiveClass, PracticeSet
from catalog.suggestions.limits import client_address
from catalog.training import classroom, facit, keys
from catalog.visits import presentation

COOKIE = "kva_klassrum"
SALT = "catalog.training.klassrum"
Phase = LiveClass.Phase


def _message(request: HttpRequest, title: str, text: str, status: int, **extra) -> HttpResponse:
    return render(request, "catalog/classroom_message.html", {"title": title, "text": text, **extra}, status=status)


def _find(request: HttpRequest, code: str) -> LiveClass | HttpResponse:
    """The class with this join code, or the Swedish page saying why there is none."""
    if not presentation.CLASS_CODE_RE.match(code):
        return _message(request, "Ingen sådan kod", "En kod till en klass är sex siffror, t.ex. 123456.", 404)
    live_class = LiveClass.objects.filter(code=code).select_related("practice_set").first()
    if live_class is None:
        if not classroom.take_lookup_turn(client_address(request)):
            return _message(request, "För många försök", "Du har provat många koder. Vänta en minut.", 429)
        text = f"Ingen klass har koden {code}. Kontrollera koden på tavlan, eller fråga utbildaren."
        return _message(request, "Ingen klass med den koden", text, 404)
    return live_class


def _gone(request: HttpRequest, live_class: LiveClass) -> HttpResponse:
    text = f"Klassen med koden {live_class.code} är avslutad. Tack för att du var med!"
    return _message(request, "Klassen är avslutad", text, 410)


def _case_context(live_class: LiveClass, shown: bool = True) -> dict:
    """The current case, its key, and (``shown``: for a whole page) the hint and the facit once the
    trainer has shown them: what both views show."""
    case = classroom.current_case(live_class)
    context = {"live_class": live_class, "case": case, "phase": live_class.phase, "size": len(live_class.case_ids)}
    context["number"] = live_class.position + 1
    if case is None:
        return context
    key = keys.key_from_model(case, list(case.quotes.order_by("order")))
    context["key"] = key
    context["contacts"] = classroom.contact_choices(case)
    if not shown:
        return context
    if live_class.phase in (Phase.HINT, Phase.KEY):
        context["hint"] = facit.hint_for(key)
    if live_class.phase == Phase.KEY:
        context["facit"], context["titles"], context["labels"] = facit.facit_for(key)
    return context


# --- The phone's cookie ---------------------------------------------------------------------------


def _phone(request: HttpRequest, live_class: LiveClass) -> dict:
    """This phone in this class: {"k": class id, "d": random token, "a": {position: answer set}}."""
    raw = request.get_signed_cookie(COOKIE, default=None, salt=SALT)
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict) or data.get("k") != live_class.pk or not isinstance(data.get("a"), dict):
        data = {"k": live_class.pk, "d": secrets.token_urlsafe(16), "a": {}}
    return data


def _keep_phone(request: HttpRequest, response: HttpResponse, data: dict) -> HttpResponse:
    max_age = int((classroom.idle_limit() + classroom.retention()).total_seconds())
    response.set_signed_cookie(
        COOKIE,
        json.dumps(data, separators=(",", ":")),
        salt=SALT,
        max_age=max_age,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


# --- Joining and starting ---------------------------------------------------------------------------


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Join with a code (GET ?kod=), or, for a trainer, start a class from a set."""
    typed = request.GET.get("kod", "")[:40]
    code = "".join(typed.split())
    if presentation.CLASS_CODE_RE.match(code):
        return redirect("catalog:classroom-learner", code=code)
    context = {"typed": typed, "error": "En kod till en klass är sex siffror, t.ex. 123456." if typed else ""}
    if classroom.may_lead(request.user):
        context["sets"] = PracticeSet.objects.annotate(size=Count("cases")).order_by("title")
        mine = LiveClass.objects.filter(trainer=request.user, ended_at__isnull=True).select_related("practice_set")
        context["mine"] = [c for c in mine.order_by("-started_at") if not classroom.ended(c)]
    return render(request, "catalog/classroom_index.html", context, status=400 if typed else 200)


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    if not classroom.may_lead(request.user):
        text = "Bara utbildare och kodningssamordnare kan starta en klass. Logga in först."
        return _message(request, "Du kan inte starta en klass", text, 403, login=True)
    chosen = PracticeSet.objects.filter(slug=request.POST.get("set", "")[:80]).first()
    if chosen is None:
        return _message(request, "Välj ett övningsset", "Setet finns inte. Välj ett i listan.", 400)
    try:
        live_class = classroom.start(chosen, request.user)
    except classroom.ClassError as error:
        return _message(request, "Klassen kunde inte startas", str(error), 400)
    return redirect(reverse("catalog:classroom-trainer", args=[live_class.code]) + "?projektor=1")


# --- The learner's phone ------------------------------------------------------------------------------


def _phone_poll(request: HttpRequest, live_class: LiveClass) -> HttpResponse:
    """What a phone asks every two seconds: nothing new (204), the hint (the status part swapped,
    typing left alone), or anything else (the page anew)."""
    seen_version, seen_position = request.GET.get("v", ""), request.GET.get("fall", "")
    if seen_version == str(live_class.version) and not classroom.ended(live_class):
        return HttpResponse(status=204)
    if classroom.ended(live_class) or seen_position != str(live_class.position) or live_class.phase == Phase.KEY:
        return HttpResponseClientRefresh()
    context = _case_context(live_class)
    return render(request, "catalog/classroom_learner.html#lage", {**context, **_poll_urls(request, live_class)})


def _poll_urls(request: HttpRequest, live_class: LiveClass) -> dict:
    here = reverse("catalog:classroom-learner", args=[live_class.code])
    poll = {"v": live_class.version, "fall": live_class.position}
    return {
        "page_url": here,
        "poll_url": f"{here}?{urlencode(poll)}",
        "poll_every": f"{settings.CLASSROOM_PHONE_POLL_SECONDS}s",
    }


def _learner_page(request: HttpRequest, live_class: LiveClass, phone: dict, status: int = 200, **extra) -> HttpResponse:
    context = _case_context(live_class)
    case = context["case"]
    mine = phone["a"].get(str(live_class.position))
    context.update(_poll_urls(request, live_class), mine=mine, **extra)
    if mine is not None:
        context["mine_codes"], context["mine_contact"] = classroom.split(mine)
    if "typed" not in context:
        brought = request.GET.get("koder")  # from the wizard: its codes, for the learner to send
        context["typed"] = brought[:300] if brought is not None else " ".join(context.get("mine_codes", []))
        context["chosen_contact"] = request.GET.get("kontakt", context.get("mine_contact", ""))[:200]
    if case is not None:
        wizard = {presentation.PRACTICE: case.slug, presentation.CLASS: live_class.code}
        context["wizard_url"] = reverse("catalog:visit") + "?" + urlencode(wizard)
        if live_class.phase == Phase.KEY and mine is not None:
            codes, contact = classroom.split(mine)
            context.update(facit.graded(context["key"], " ".join(codes), contact, context["titles"], context["labels"]))
    return _keep_phone(request, render(request, "catalog/classroom_learner.html", context, status=status), phone)


@require_safe
@never_cache
@vary_on_headers("HX-Request")
def learner(request: HttpRequest, code: str) -> HttpResponse:
    found = _find(request, code)
    if isinstance(found, HttpResponse):
        return found
    if is_fragment_request(request) and "v" in request.GET:
        return _phone_poll(request, found)
    if classroom.ended(found):
        return _gone(request, found)
    return _learner_page(request, found, _phone(request, found))


@require_POST
@never_cache
def answer(request: HttpRequest, code: str) -> HttpResponse:
    found = _find(request, code)
    if isinstance(found, HttpResponse):
        return found
    if classroom.ended(found):
        return _gone(request, found)
    phone = _phone(request, found)
    typed, contact = request.POST.get("koder", "")[:300], request.POST.get("kontakt", "")[:200]
    again = {"typed": typed, "chosen_contact": contact}
    if request.POST.get("fall") != str(found.position):
        text = "Klassen har gått vidare till ett annat fall. Här är det fall som visas nu."
        return _learner_page(request, found, phone, status=409, error=text)
    if found.phase == Phase.KEY:
        return _learner_page(request, found, phone, status=409, error="Facit visas redan: svaren är stängda.")
    case = classroom.current_case(found)
    if case is None:
        return _learner_page(request, found, phone, status=409, error="Fallet finns inte längre.")
    try:
        answer_set = classroom.answer_set(case, typed, contact)
    except classroom.ClassError as error:
        return _learner_page(request, found, phone, status=400, error=str(error), **again)
    if not classroom.take_answer_turn(phone["d"], client_address(request)):
        text = "Du har skickat många svar på kort tid. Vänta en minut och skicka sedan igen."
        return _learner_page(request, found, phone, status=429, error=text, **again)
    position = str(found.position)
    classroom.record(found, found.position, answer_set, phone["a"].get(position))
    phone["a"][position] = answer_set
    response = redirect(reverse("catalog:classroom-learner", args=[found.code]) + "#mitt-svar")
    return _keep_phone(request, response, phone)


# --- The trainer's view (the projector) -----------------------------------------------------------------


def _trainer_or_refusal(request: HttpRequest, code: str) -> LiveClass | HttpResponse:
    found = _find(request, code)
    if isinstance(found, HttpResponse):
        return found
    if not request.user.is_authenticated and request.method in ("GET", "HEAD"):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not classroom.leads(request.user, found):
        text = "Bara utbildaren som startade klassen kan visa och styra den. Som deltagare svarar du på din telefon."
        return _message(request, "Klassen styrs av utbildaren", text, 403, join_url=_join_path(found))
    return found


def _join_path(live_class: LiveClass) -> str:
    return reverse("catalog:classroom-learner", args=[live_class.code])


def _spread_context(live_class: LiveClass, context: dict, keep: dict) -> dict:
    key = context.get("key") if live_class.phase == Phase.KEY else None
    spread = classroom.spread(live_class, live_class.position, key, dict(context.get("contacts", [])))
    here = reverse("catalog:classroom-trainer", args=[live_class.code])
    poll = {"v": live_class.version, **keep}
    return {
        "spread": spread,
        "poll_url": f"{here}?{urlencode(poll)}",
        "poll_every": f"{settings.CLASSROOM_PROJECTOR_POLL_SECONDS}s",
    }


@require_safe
@never_cache
@vary_on_headers("HX-Request")
def trainer(request: HttpRequest, code: str) -> HttpResponse:
    found = _trainer_or_refusal(request, code)
    if isinstance(found, HttpResponse):
        return found
    presenting = request.GET.get(presentation.PRESENTATION) == "1"
    keep = {presentation.PRESENTATION: "1"} if presenting else {}
    if is_fragment_request(request) and "v" in request.GET:
        # One projector polls, so it gets the spread every time (an answer that moves between sets
        # leaves the total as it was); only a move of the trainer's reloads the page.
        if request.GET["v"] != str(found.version):
            return HttpResponseClientRefresh()
        context = _case_context(found, shown=False)
        return render(request, "catalog/classroom_trainer.html#svarsbild", _spread_context(found, context, keep))
    context = _case_context(found)
    context.update(_spread_context(found, context, keep))
    join_url = request.build_absolute_uri(_join_path(found))
    here = reverse("catalog:classroom-trainer", args=[found.code])
    context.update(
        presentation=presenting,
        kept_params=keep,
        ended=classroom.ended(found),
        join_url=join_url,
        join_host=request.get_host() + reverse("catalog:classroom"),
        join_qr=presentation.qr_svg(join_url),
        page_url=here + (f"?{urlencode(keep)}" if keep else ""),
        presentation_on_url=here + "?projektor=1",
        presentation_off_url=here,
        actions=classroom.ACTIONS,
    )
    return render(request, "catalog/classroom_trainer.html", context)


@require_POST
def control(request: HttpRequest, code: str) -> HttpResponse:
    found = _trainer_or_refusal(request, code)
    if isinstance(found, HttpResponse):
        return found
    action = request.POST.get("gor", "")[:20]
    try:
        classroom.move(found, action)
    except classroom.ClassError as error:
        return _message(request, "Det gick inte", str(error), 409, back_url=_trainer_path(found, request))
    if action == "avsluta":
        classroom.prune()
    return redirect(_trainer_path(found, request))


def _trainer_path(live_class: LiveClass, request: HttpRequest) -> str:
    here = reverse("catalog:classroom-trainer", args=[live_class.code])
    return here + ("?projektor=1" if request.POST.get(presentation.PRESENTATION) == "1" else "")
