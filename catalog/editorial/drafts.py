"""Utkast: a change to published guidance that waits for another coordinator's sign-off.

A draft holds the fields it changes, the published values it was made from, and who made it.
Nothing in it is public until another coordinator approves it; approval refuses a draft whose
published text has changed since (showing the conflict), and validates the change like a save
(the wizard tree must stay valid, every quote word for word) before it goes live.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from catalog.editorial import history
from catalog.models import Draft
from catalog.visits import store as wizard_store

# Which fields of which models hold guidance that a draft may change.
DRAFT_FIELDS: dict[str, list[str]] = {
    "entry": ["title", "marker", "beskrivning", "anvisning"],
    "section": ["title", "instructions_title", "instructions"],
    "code": ["title"],
    "wizardstep": ["question", "help"],
    "wizardoption": ["label", "help"],
    "wizardcode": ["reason", "quote_from", "to_check"],
    "wizardnote": ["text", "quote_from"],
    # A case's words; its key (codes, quotes) is checked as a whole on its own page.
    "practicecase": ["title", "text", "trap", "explanation"],
}


class DraftConflict(Exception):
    """The published text changed after the draft was made; approving would overwrite it."""

    def __init__(self, draft: Draft, current: dict):
        super().__init__("Den publicerade texten har ändrats sedan utkastet gjordes.")
        self.draft = draft
        self.current = current


def field_changes(draft: Draft, current: dict | None = None) -> list[history.FieldChange]:
    """Word-level changes from the published text (as it was, or ``current``) to the draft's."""
    model = draft.content_type.model_class()
    labels = {f.attname: str(f.verbose_name) for f in model._meta.concrete_fields}
    published = current if current is not None else draft.base
    return [
        history.FieldChange(name=name, label=labels.get(name, name), before=published.get(name), after=value)
        for name, value in draft.changes.items()
    ]


def draftable(obj_or_model) -> list[str]:
    return DRAFT_FIELDS.get(obj_or_model._meta.model_name, [])


def requires_review(obj: models.Model) -> bool:
    code_list = history.code_list_of(obj)
    return bool(code_list and code_list.requires_review)


def pending(obj: models.Model):
    return Draft.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk, status=Draft.Status.WAITING
    )


def pending_fields_index() -> dict[tuple[int, int], set[str]]:
    """(content type id, object id) → fields with a draft waiting, for a whole content load at once."""
    index: dict[tuple[int, int], set[str]] = {}
    for content_type_id, object_id, changes in Draft.objects.filter(status=Draft.Status.WAITING).values_list(
        "content_type_id", "object_id", "changes"
    ):
        index.setdefault((content_type_id, object_id), set()).update(changes)
    return index


def create(obj: models.Model, changes: dict, author) -> Draft:
    """A draft of ``changes`` (field → new value) to the published ``obj``."""
    fields = draftable(obj)
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValidationError(f"Fälten {', '.join(sorted(unknown))} kan inte ändras genom ett utkast.")
    published = type(obj).objects.get(pk=obj.pk)
    return Draft.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        object_repr=str(published)[:300],
        changes=changes,
        base={name: getattr(published, name) for name in changes},
        author=author,
        code_list=history.code_list_of(published),
    )


@transaction.atomic
def approve(draft: Draft, reviewer, comment: str = "") -> models.Model:
    """Publish the draft. Refuses the author's own draft, a draft already decided, a conflict, an invalid result."""
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if draft.status != Draft.Status.WAITING:
        raise ValidationError(
            f"Utkastet är redan {draft.get_status_display().lower()}; sidan du godkände från var gammal."
        )
    if draft.author_id == reviewer.pk:
        raise ValidationError("Du kan inte godkänna ditt eget utkast: en annan samordnare ska granska det.")
    model = draft.content_type.model_class()
    obj = model.objects.select_for_update().filter(pk=draft.object_id).first()
    if obj is None:
        raise ValidationError("Det som utkastet ändrar finns inte längre.")
    current = {name: getattr(obj, name) for name in draft.changes}
    if current != draft.base:
        raise DraftConflict(draft, current)
    before = history.snapshot(obj)
    for name, value in draft.changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    if hasattr(obj, "version"):
        obj.version = (obj.version or 0) + 1
    obj.save()
    problems = wizard_store.tree_problems()
    if problems:
        # The savepoint of this atomic block is rolled back: nothing is published.
        raise ValidationError(["Utkastet skulle göra besöksguiden ogiltig:", *problems])
    now = timezone.now()
    draft.status, draft.reviewer, draft.reviewed_at = Draft.Status.APPROVED, reviewer, now
    draft.comment = comment.strip()[:2000]
    draft.save()
    history.record(
        obj,
        history.Revision.Action.CHANGED,
        before,
        reviewer,
        comment=(
            f"Utkast av {draft.author.get_username()} ({timezone.localtime(draft.created_at):%Y-%m-%d %H:%M}), "
            f"godkänt av {reviewer.get_username()} ({timezone.localtime(now):%Y-%m-%d %H:%M})"
            + (f": {draft.comment}" if draft.comment else "")
        ),
    )
    return obj


@transaction.atomic
def send_back(draft: Draft, reviewer, comment: str) -> Draft:
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if draft.status != Draft.Status.WAITING:
        raise ValidationError(f"Utkastet är redan {draft.get_status_display().lower()}.")
    if not comment.strip():
        raise ValidationError("Skriv en kommentar som säger vad som behöver ändras.")
    draft.status, draft.reviewer, draft.reviewed_at, draft.comment = (
        Draft.Status.RETURNED,
        reviewer,
        timezone.now(),
        comment.strip()[:2000],
    )
    draft.save()
    return draft
