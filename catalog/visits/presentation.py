"""What the visit wizard adds for trainers: presentation mode, a case in view, the step as a QR code.

Three query parameters ride along on every step's address: ``projektor=1`` (presentation mode:
large type, no header, a key for every answer), ``ovning=<slug>`` (a practice case's text above
the wizard, and at the end a link that checks the suggested codes against the case's key) and
``klass=<join code>`` (a learner in a live class: at the end, a link that takes the codes back to
the class's answer form instead of the key). The visit view calls ``kept_query`` and
``wizard_extras``; nothing else in the wizard changes.
"""

import re
from urllib.parse import urlencode

import segno
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from catalog.models import PracticeCase
from catalog.visits import wizard

PRESENTATION = "projektor"
PRACTICE = "ovning"
CLASS = "klass"
CLASS_CODE_RE = re.compile(r"^[0-9]{6}$")
# The keys that choose answers in presentation mode, in order: digits, then letters without q (q
# shows the QR code). "Inget av dessa" is always 0. Fifteen answers need 1–9 and a–f.
ANSWER_KEYS = "123456789abcdefghijklmnoprstuvwxyz"
WAY_OUT_KEY = "0"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def kept_params(request: HttpRequest) -> dict[str, str]:
    params = {}
    if request.GET.get(PRESENTATION) == "1":
        params[PRESENTATION] = "1"
    slug = request.GET.get(PRACTICE, "")[:80]
    if SLUG_RE.match(slug):
        params[PRACTICE] = slug
    code = request.GET.get(CLASS, "")[:6]
    if CLASS_CODE_RE.match(code):
        params[CLASS] = code
    return params


def answer_key(position: int) -> str:
    """The key that chooses the answer at 1-based ``position`` ("" beyond the last key)."""
    return ANSWER_KEYS[position - 1] if 0 < position <= len(ANSWER_KEYS) else ""


def kept_query(request: HttpRequest) -> str:
    """``?projektor=1&ovning=…`` (only what this request carries), or ``""``."""
    params = kept_params(request)
    return f"?{urlencode(params)}" if params else ""


def qr_svg(url: str) -> SafeString:
    """The address as an inline SVG QR code, made here (no external service, no inline style)."""
    code = segno.make(url, error="m", micro=False)
    # segno writes only attributes (no style), so the page's CSP (style-src 'self') allows it.
    svg = code.svg_inline(scale=4, border=2, dark="#000", light="#fff", omitsize=False)
    # A viewBox beside the size, so that CSS can draw it at any size (large on its own, #qr:target).
    width, height = code.symbol_size(scale=4, border=2)
    return mark_safe(svg.replace("<svg ", f'<svg viewBox="0 0 {width} {height}" ', 1))


def _with(url: str, query: str) -> str:
    """``url`` with the kept parameters added (``query`` is ``?a=b``, or empty)."""
    if not query:
        return url
    return url + ("&" + query[1:] if "?" in url else query)


def wizard_extras(
    request: HttpRequest, tree: wizard.Tree, walk: wizard.Walk, context: dict, keep: str, step_path: str
) -> dict:
    """Context the wizard template needs for presentation mode and practice cases."""

    params = kept_params(request)
    extras: dict = {}
    if keep:
        extras["options"] = [(option, _with(url, keep)) for option, url in context["options"]]
        extras["summary"] = [(answer, _with(url, keep)) for answer, url in context["summary"]]
        extras["restart_url"] = _with(context["restart_url"], keep)
        if "way_out_url" in context:
            extras["way_out_url"] = _with(context["way_out_url"], keep)
    presenting = PRESENTATION in params
    extras["presentation"] = presenting
    extras["kept_params"] = params
    without = {k: v for k, v in params.items() if k != PRESENTATION}
    extras["presentation_on_url"] = step_path + "?" + urlencode({**without, PRESENTATION: "1"})
    extras["presentation_off_url"] = step_path + (f"?{urlencode(without)}" if without else "")
    # The room gets the step without presentation mode: phones want the ordinary page.
    extras["share_url"] = share_url = request.build_absolute_uri(extras["presentation_off_url"])
    if presenting:
        extras["share_qr"] = qr_svg(share_url)
    if PRACTICE in params:
        case = PracticeCase.objects.filter(slug=params[PRACTICE]).first()
        extras["practice_case"] = case
        if CLASS in params:
            extras["class_url"] = reverse("catalog:classroom-learner", args=[params[CLASS]])
        if case is not None and walk.suggestion is not None:
            extras.update(_answer_links(case, walk.suggestion, params.get(CLASS)))
    return extras


def _answer_links(case: PracticeCase, suggestion: wizard.Suggestion, class_code: str | None) -> dict:
    """Where the wizard's codes go: to the class's answer form in a live class (not to the key: the
    room answers before it sees the key), else to the practice case's grading."""
    answer = {"koder": " ".join(s.code for s in suggestion.codes)}
    if suggestion.contact is not None:
        answer["kontakt"] = suggestion.contact.ref
    if class_code:
        url = reverse("catalog:classroom-learner", args=[class_code])
        return {"class_answer_url": f"{url}?{urlencode(answer)}#svara"}
    url = reverse("catalog:practice-case", args=[case.slug])
    return {"practice_check_url": f"{url}?{urlencode({**answer, 'ratta': '1'})}"}
