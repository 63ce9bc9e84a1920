"""Utkast: a change to published guidance that waits for another coordinator's sign-off.

A draft holds the fields it changes, the published values it was made from, and who made it. The
gate (catalog.editorial.gate) makes drafts; catalog.editorial.review approves, returns and withdraws
them. Nothing in a draft is public until another coordinator approves it.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models

from catalog.editorial import history
from catalog.models import Draft

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
