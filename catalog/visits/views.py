"""The visit wizard's pages: /besok/ and one URL per step, each with a JSON twin."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from catalog.caching.pagecache import cached_page
from catalog.htmx import is_fragment_request
from catalog.models import Code, CodeList, Section, SourceDocument
from catalog.usage import counter
from catalog.visits import presentation, wizard
from catalog.visits import store as wizard_store
from catalog.visits.wizard import Walk, WalkError

FIELD = "val"
PREVIOUS = "tidigare"  # the answer given before "Ändra": shown ticked


def step_url(path: list[str]) -> str:
    base = reverse("catalog:visit")
    return base + "".join(f"{segment}/" for segment in path)


def _wants_json(request: HttpRequest) -> bool:
    return request.GET.get("format") == "json" or "application/json" in request.headers.get("Accept", "")


def source_labels(refs: set[str]) -> dict[str, tuple[str, str]]:
    """quote_from reference → (a label a clinician understands, a link to where the text stands)."""
    lists = dict(CodeList.objects.values_list("slug", "title"))
    documents = {d.slug: d for d in SourceDocument.objects.all()}
    sections = {(s.code_list.slug, s.slug): s.title for s in Section.objects.select_related("code_list")}
    labels = {}
    fields = {"title": "Titel", "beskrivning": "Beskrivning", "anvisning": "Anvisning"}
    for ref in refs:
        kind, _, rest = ref.partition(":")
        parts = rest.split("/")
        try:
            if kind == "entry":
                list_slug, code, field_name = parts
                label = f"{fields.get(field_name, field_name)} för {code}, {lists.get(list_slug, list_slug)}"
                labels[ref] = (label, reverse("catalog:code", args=[code]))
            elif kind == "section":
                list_slug, section_slug = parts
                title = sections.get((list_slug, section_slug), section_slug)
                labels[ref] = (
                    f"Anvisning för avsnittet {title}, {lists.get(list_slug, list_slug)}",
                    reverse("catalog:list", args=[list_slug]) + f"#{section_slug}",
                )
            elif kind in ("part", "contact", "footnote"):
                document = documents[parts[0]]
                anchor = f"#{parts[1]}" if kind != "footnote" else ""
                labels[ref] = (document.title, document.get_absolute_url() + anchor)
        except (ValueError, KeyError):
            labels[ref] = (ref, "")
    return labels


def _contact_facts(walk: Walk) -> dict | None:
    """Normalised values beside the verbatim row: contact-type code, fee and points as numbers."""
    contact = walk.suggestion.contact if walk.suggestion else None
    if contact is None:
        return None
    points = walk.suggestion.points
    return {
        "code": wizard.contact_type_code(contact.printed),
        "fee_kr": wizard.fee_kronor(contact.patient_fee),
        "points": float(points) if points is not None else None,
    }


def _change_url(answer) -> str:
    """Back to the question, with the earlier answer marked (ticked boxes stay ticked)."""
    return step_url(answer.path[:-1]) + "?" + urlencode({PREVIOUS: answer.segment})


def result_context(walk: Walk) -> dict:
    suggestion = walk.suggestion
    codes = {
        c.code: c for c in Code.objects.filter(code__in=[s.code for s in suggestion.codes]).prefetch_related("entries")
    }
    refs = {s.quote_from for s in suggestion.codes} | {n.quote_from for n in suggestion.notes if n.quote_from}
    if suggestion.extra_points_from:
        refs.add(suggestion.extra_points_from)
    if suggestion.contact:
        refs.add(f"contact:{suggestion.contact.ref}")
    labels = source_labels(refs)
    rows = [
        {
            "suggested": s,
            "code": codes.get(s.code),
            "listed": s.code in codes and bool(codes[s.code].entries.all()),
            "source": labels.get(s.quote_from, (s.quote_from, "")),
        }
        for s in suggestion.codes
    ]
    notes = [{"note": n, "source": labels.get(n.quote_from, ("", ""))} for n in suggestion.notes]
    return {
        "rows": rows,
        "notes": notes,
        "all_codes": " ".join(s.code for s in suggestion.codes),
        "facts": _contact_facts(walk),
        "way_out_result_text": wizard.way_out_result_text(suggestion),
        "contact_source": labels.get(f"contact:{suggestion.contact.ref}") if suggestion.contact else None,
        "extra_source": labels.get(suggestion.extra_points_from) if suggestion.extra_points_from else None,
    }


def _as_json(request: HttpRequest, walk: Walk, path: list[str]) -> dict:
    absolute = request.build_absolute_uri
    return {
        "url": absolute(step_url(path)),
        "answers": [
            {
                "step": answer.step.slug,
                "question": answer.step.question,
                "answer": [option.label for option in answer.chosen],
                "segment": answer.segment,
                "implied": answer.implied,
                "none_fits": answer.way_out,
                "change_url": None if answer.implied else absolute(_change_url(answer)),
            }
            for answer in walk.answers
        ],
        "finished": walk.finished,
        "step": _step_json(absolute, walk, path) if walk.current is not None else None,
        "suggestion": _suggestion_json(walk) if walk.suggestion is not None else None,
    }


def _step_json(absolute, walk: Walk, path: list[str]) -> dict:
    step = walk.current
    offered = wizard.available(step, walk.answers)
    return {
        "slug": step.slug,
        "number": _asked(walk) + 1,
        "at_most": _asked(walk) + wizard.remaining_at_most(wizard_store.current_tree(), step.slug),
        "question": step.question,
        "help": step.help or None,
        "kind": step.kind,
        "optional": step.optional,
        "options": [
            {
                "slug": option.slug,
                "label": option.label,
                "help": option.help or None,
                "url": absolute(step_url([*path, option.slug])) if step.kind == "single" else None,
            }
            for option in offered
        ],
        "none_fits": {
            "label": _way_out_label(step),
            "text": wizard.way_out_text(step) if _way_out_ends(step) else None,
            "url": absolute(step_url([*path, _way_out_segment(step)])),
        },
        "answer_with": (
            f"{absolute(step_url(path))}?{FIELD}=<svar>" + (f"&{FIELD}=<svar>…" if step.kind == "multiple" else "")
        ),
    }


def _suggestion_json(walk: Walk) -> dict:
    suggestion = walk.suggestion
    contact = suggestion.contact
    return {
        "codes": [
            {"code": s.code, "role": s.role, "reason": s.reason, "quote_from": s.quote_from, "check": s.check or None}
            for s in suggestion.codes
        ],
        "notes": [{"text": n.text, "quote_from": n.quote_from or None} for n in suggestion.notes],
        "no_code": suggestion.no_code,
        "complete": not suggestion.incomplete,
        "unit_code": suggestion.unit_code or None,
        "none_fits": None
        if suggestion.way_out is None
        else {"question": suggestion.way_out.step.question, "text": wizard.way_out_result_text(suggestion)},
        "contact": None
        if contact is None
        else {
            "type": contact.printed,
            "name": contact.name,
            "staff_category": contact.staff_category or None,
            "patient_fee": contact.patient_fee or None,
            "contact_points": float(suggestion.points) if suggestion.points is not None else None,
            "qualified": contact.qualified,
            **{f"{key}": value for key, value in (_facts_json(walk) or {}).items()},
        },
    }


def _facts_json(walk: Walk) -> dict | None:
    facts = _contact_facts(walk)
    if facts is None:
        return None
    return {"type_code": facts["code"], "patient_fee_kr": facts["fee_kr"], "points": facts["points"]}


def _asked(walk: Walk) -> int:
    return sum(1 for answer in walk.answers if not answer.implied)


def _way_out_ends(step) -> bool:
    """Whether "none of these" ends the walk (single choice, or a multiple choice that needs an answer)."""
    return step.kind == "single" or not step.optional


def _way_out_segment(step) -> str:
    return wizard.WAY_OUT_SEGMENT if step.kind == "single" else wizard.NONE_SEGMENT


def _way_out_label(step) -> str:
    return "Inget av dessa passar" if _way_out_ends(step) else "Inget av dessa"


def _counted(response: HttpResponse, walk: Walk, keep: str) -> HttpResponse:
    """A result reached by "Inget av dessa passar" counts for its step whenever it is shown (catalog.usage),
    unless a class or a practice case walks the guide (``keep``): that is training, not a clinician's visit."""
    way_out = walk.suggestion.way_out if walk.suggestion else None
    if way_out is not None and not keep:
        response.counted = (counter.Kind.WAY_OUT, way_out.step.slug)
    return response


def _broken(request: HttpRequest, error: WalkError) -> HttpResponse:
    context = {"message": error.message, "back_url": step_url(error.valid_path), "start_url": step_url([])}
    if _wants_json(request):
        return JsonResponse(
            {"error": error.message, "back_url": request.build_absolute_uri(context["back_url"])}, status=404
        )
    return render(request, "catalog/visit_broken.html", context, status=404)


@require_safe
@vary_on_headers("HX-Request", "Accept")
@cached_page(
    params=(FIELD, "steg", "format", PREVIOUS, presentation.PRESENTATION, presentation.PRACTICE, presentation.CLASS)
)
def visit(request: HttpRequest, answers: str = "") -> HttpResponse:
    tree = wizard_store.current_tree()
    if not tree.steps or tree.start not in tree.steps:
        return render(
            request,
            "catalog/visit_broken.html",
            {"message": "Besöksguiden är inte inläst.", "back_url": "/"},
            status=503,
        )
    segments = [segment for segment in answers.split("/") if segment]
    keep = presentation.kept_query(request)  # presentation mode and practice case ride along (train)
    if len(segments) > 50:
        return _broken(request, WalkError("Länken har för många svar för att vara en väg genom guiden.", []))
    try:
        walk = wizard.walk(tree, segments)
    except WalkError as error:
        return _broken(request, error)
    path = walk.answers[-1].path if walk.answers else []
    error_message = ""
    if (FIELD in request.GET or "steg" in request.GET) and walk.current is not None:
        try:
            segment = wizard.choose(walk.current, request.GET.getlist(FIELD))
        except WalkError as error:
            error_message = error.message
        else:
            target = [*path, segment]
            if not request.htmx:
                return redirect(step_url(target) + keep)
            walk = wizard.walk(tree, target)
            path = target
    elif path != segments:
        return redirect(step_url(path) + keep)
    if _wants_json(request):
        return _counted(
            JsonResponse(_as_json(request, walk, path), json_dumps_params={"ensure_ascii": False}), walk, keep
        )
    context = {
        "walk": walk,
        "path": path,
        "field": FIELD,
        "error_message": error_message,
        "summary": [(answer, None if answer.implied else _change_url(answer)) for answer in walk.answers],
        "options": [(option, step_url([*path, option.slug])) for option in wizard.available(walk.current, walk.answers)]
        if walk.current
        else [],
        "previous": set(request.GET.get(PREVIOUS, "").split("+")) - {""},
        "step_at_most": _asked(walk) + wizard.remaining_at_most(tree, walk.current.slug) if walk.current else 0,
        "restart_url": step_url([]),
        "json_url": step_url(path) + "?format=json",
        "step_number": _asked(walk) + 1,
        "page_url": request.build_absolute_uri(step_url(path)),
    }
    if walk.current:
        context.update(
            way_out_ends=_way_out_ends(walk.current),
            way_out_label=_way_out_label(walk.current),
            way_out_url=step_url([*path, _way_out_segment(walk.current)]),
            way_out_text=wizard.way_out_text(walk.current),
        )
    if walk.finished:
        context.update(result_context(walk))
    # --- Presentation mode, progress, QR code and practice cases (helper "train"): catalog/presentation.py ---
    context.update(presentation.wizard_extras(request, tree, walk, context, keep, step_url(path)))
    status = 400 if error_message else 200
    if is_fragment_request(request):
        response = render(request, "catalog/visit.html#guide", context, status=status)
        return _counted(push_url(response, step_url(path) + keep), walk, keep) if status == 200 else response
    return _counted(render(request, "catalog/visit.html", context, status=status), walk, keep)
