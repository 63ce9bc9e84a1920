"""What a coordinator calls things, for the gate's messages: never a database id or a kortnamn path.

A wizard answer is named by its label and its question («svaret ”Bedömning” på frågan ”Vad gjordes
vid besöket?”»), a text by its field, code and list («anvisningen till AU118 i listan ”Baslista
psykiatri”»). A message starts with ``capfirst`` of a name.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from catalog.editorial import history
from catalog.models import (
    Code,
    CodeList,
    ContactType,
    DocumentPart,
    Entry,
    Footnote,
    PracticeCase,
    PracticeQuote,
    PracticeSet,
    Revision,
    Section,
    SourceDocument,
    WizardCode,
    WizardNote,
    WizardOption,
    WizardStep,
)
from catalog.visits import wizard

ENTRY_TEXTS = {"title": "titeln", "beskrivning": "beskrivningen", "anvisning": "anvisningen"}
NO_SOURCE = "(ingen källa angiven)"


def question(text: str) -> str:
    return f"frågan ”{text}”"


def answer(label: str, question_text: str) -> str:
    return f"svaret ”{label}” på {question(question_text)}"


def of_list(title: str) -> str:
    return f"listan ”{title}”"


def _answer_of(option: WizardOption) -> str:
    return answer(option.label, option.step.question)


NAMERS = {
    Entry: lambda o: f"posten {o.code.code} ”{o.title}” i {of_list(o.code_list.title)}",
    Section: lambda o: f"avsnittet ”{o.title}” i {of_list(o.code_list.title)}",
    CodeList: lambda o: of_list(o.title),
    Code: lambda o: f"koden {o.code}",
    WizardStep: lambda o: question(o.question),
    WizardOption: _answer_of,
    WizardCode: lambda o: f"koden {o.code.code} som {_answer_of(o.option)} föreslår",
    WizardNote: lambda o: f"anteckningen till {_answer_of(o.option)}",
    PracticeCase: lambda o: f"övningen ”{o.title}”",
    PracticeQuote: lambda o: f"citatet ”{o.quote[:60]}” i övningen ”{o.case.title}”",
    PracticeSet: lambda o: f"övningssetet ”{o.title}”",
    DocumentPart: lambda o: f"avsnittet ”{o.heading}” i {o.document.title}",
    ContactType: lambda o: f"kontakttypen ”{o.printed}”",
    Footnote: lambda o: f"fotnot {o.mark} i {o.document.title}",
    SourceDocument: lambda o: f"källdokumentet ”{o}”",
}


def name(obj: models.Model) -> str:
    """The object as the coordinator knows it: «svaret ”…” på frågan ”…”», «posten AU118 ”…” i listan ”…”»."""
    namer = NAMERS.get(type(obj))
    if namer is not None:
        try:
            return namer(obj)
        except models.ObjectDoesNotExist:
            pass  # a row whose parent is gone (a restore): named by its kind below
    try:
        return f"{obj._meta.verbose_name} ”{obj}”"
    except models.ObjectDoesNotExist:
        return str(obj._meta.verbose_name)


def gone(model: type[models.Model], pk: int) -> str:
    """Something deleted, named from what the history last recorded of it."""
    revision = (
        Revision.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=pk)
        .order_by("-id")
        .first()
    )
    kind = str(model._meta.verbose_name)
    if revision is None:
        return kind
    obj = model()
    history.apply_state(obj, revision.before or revision.after or {})
    namer = NAMERS.get(model)
    try:
        return namer(obj) if namer is not None else f"{kind} ”{revision.object_repr}”"
    except (models.ObjectDoesNotExist, AttributeError):
        return f"{kind} ”{revision.object_repr}”"


def entry_text(field: str, code: str, list_title: str) -> str:
    return f"{ENTRY_TEXTS.get(field, field)} till {code} i {of_list(list_title)}"


def source(ref: str) -> str:
    """A quote's source («entry:psykiatri/AU118/anvisning») as a coordinator says it:
    «anvisningen till AU118 i listan ”Baslista psykiatri”»."""
    kind, _, rest = ref.partition(":")
    parts = rest.split("/")
    if kind == "entry" and len(parts) == 3:
        title = CodeList.objects.filter(slug=parts[0]).values_list("title", flat=True).first() or parts[0]
        return entry_text(parts[2], parts[1], title)
    if kind == "section" and len(parts) == 2:
        section = Section.objects.filter(code_list__slug=parts[0], slug=parts[1]).select_related("code_list").first()
        if section:
            return f"anvisningen till avsnittet ”{section.title}” i {of_list(section.code_list.title)}"
    if kind == "part" and len(parts) == 2:
        part = DocumentPart.objects.filter(document__slug=parts[0], slug=parts[1]).select_related("document").first()
        if part:
            return f"avsnittet ”{part.heading}” i {part.document.title}"
    if kind == "contact" and len(parts) == 2:
        row = ContactType.objects.filter(document__slug=parts[0], slug=parts[1]).first()
        if row:
            return f"kontakttypen ”{row.printed}”"
    if kind == "footnote" and len(parts) == 2:
        document = SourceDocument.objects.filter(slug=parts[0]).first()
        return f"fotnot {parts[1]} i {document.title if document else parts[0]}"
    # A source that no longer exists: the reference is all there is to name it by.
    return f"”{ref}”" if ref else NO_SOURCE


def answer_ref(ref: str) -> str:
    """A path condition's «fråga/svar» as the answer it names, also when that answer was just deleted
    (then its label comes from the history)."""
    step_slug, _, option_slug = ref.partition("/")
    option = WizardOption.objects.filter(step__slug=step_slug, slug=option_slug).select_related("step").first()
    if option is not None:
        return _answer_of(option)
    step = WizardStep.objects.filter(slug=step_slug).first()
    label = _deleted_label(step, option_slug) if step is not None else None
    if step is not None and label:
        return answer(label, step.question)
    if step is not None:
        return f"svaret med kortnamnet ”{option_slug}” på {question(step.question)}"
    return f"svaret ”{ref}”"


def _deleted_label(step: WizardStep, option_slug: str) -> str | None:
    revision = (
        Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(WizardOption),
            before__step_id=step.pk,
            before__slug=option_slug,
        )
        .order_by("-id")
        .first()
    )
    return revision.before.get("label") if revision is not None else None


class CoordinatorNames(wizard.Names):
    """The wizard's checks (catalog.visits.wizard.validate) in the coordinator's words."""

    def __init__(self, tree: wizard.Tree):
        self.tree = tree

    def step(self, step: wizard.Step) -> str:
        return f"Frågan ”{step.question}”"

    def option(self, step: wizard.Step, option: wizard.Option) -> str:
        return f"Svaret ”{option.label}” på frågan ”{step.question}”"

    def step_ref(self, slug: str) -> str:
        step = self.tree.steps.get(slug)
        return step.question if step is not None else slug

    def cycle(self, slugs: list[str]) -> str:
        return " → ".join(f"”{self.step_ref(slug)}”" for slug in slugs)

    def missing_start(self, slug: str) -> str:
        return "Besöksguiden har ingen första fråga: kryssa i ”första frågan” på en av frågorna."

    def path_item(self, item: str) -> str:
        step_slug, _, option_slug = item.partition("/")
        step = self.tree.steps.get(step_slug)
        if step is None:
            return item
        option = next((o for o in step.options if o.slug == option_slug), None)
        chosen = f"”{option.label}”" if option is not None else "inget svar"
        return f"”{step.question}” {chosen}"

    def source(self, ref: str) -> str:
        return source(ref)
