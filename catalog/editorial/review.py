"""Reviewing drafts: approve (published through the gate, in the reviewer's name), send back, withdraw.

A draft is never deleted: withdrawn or sent back, it stays with its author, reviewer and comment.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from catalog.editorial import gate
from catalog.editorial.drafts import DraftConflict
from catalog.models import Draft, Revision


def may_review(draft: Draft, user) -> bool:
    """Anyone who may change what the draft changes, except its author."""
    model = draft.content_type.model_class()
    return draft.author_id != user.pk and user.has_perm(f"catalog.change_{model._meta.model_name}")


@transaction.atomic
def approve(draft: Draft, reviewer, comment: str = ""):
    """Publish the draft. Refuses the author's own draft, a draft already decided, a conflict, an invalid result."""
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if draft.status != Draft.Status.WAITING:
        raise ValidationError(
            f"Utkastet är redan {draft.get_status_display().lower()}; sidan du godkände från var gammal."
        )
    if draft.author_id == reviewer.pk:
        raise ValidationError("Du kan inte godkänna ditt eget utkast: en annan samordnare ska granska det.")
    if not may_review(draft, reviewer):
        raise ValidationError("Du får inte ändra det som utkastet gäller och kan därför inte godkänna det.")
    model = draft.content_type.model_class()
    obj = model.objects.select_for_update().filter(pk=draft.object_id).first()
    if obj is None:
        raise ValidationError("Det som utkastet ändrar finns inte längre.")
    current = {name: getattr(obj, name) for name in draft.changes}
    if not all(gate.same_text(current[name], draft.base.get(name)) for name in draft.changes):
        raise DraftConflict(draft, current)
    now = timezone.now()
    note = (
        f"Utkast av {draft.author.get_username()} ({timezone.localtime(draft.created_at):%Y-%m-%d %H:%M}), "
        f"godkänt av {reviewer.get_username()} ({timezone.localtime(now):%Y-%m-%d %H:%M})"
        + (f": {comment.strip()[:2000]}" if comment.strip() else "")
    )
    for name, value in draft.changes.items():
        setattr(obj, name, value)
    try:
        with gate.session(reviewer, "draft-approval", note) as session:
            session.save(obj, list(draft.changes), action=Revision.Action.APPROVED)
    except gate.Refused as refusal:
        raise ValidationError(["Utkastet skulle göra besöksguiden ogiltig:", *refusal.messages]) from None
    draft.status, draft.reviewer, draft.reviewed_at = Draft.Status.APPROVED, reviewer, now
    draft.comment = comment.strip()[:2000]
    draft.save()
    return model.objects.get(pk=obj.pk)


@transaction.atomic
def send_back(draft: Draft, reviewer, comment: str) -> Draft:
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if draft.status != Draft.Status.WAITING:
        raise ValidationError(f"Utkastet är redan {draft.get_status_display().lower()}.")
    if not comment.strip():
        raise ValidationError("Skriv en kommentar som säger vad som behöver ändras.")
    if not may_review(draft, reviewer):
        raise ValidationError("Du får inte granska det här utkastet.")
    draft.status, draft.reviewer, draft.reviewed_at, draft.comment = (
        Draft.Status.RETURNED,
        reviewer,
        timezone.now(),
        comment.strip()[:2000],
    )
    draft.save()
    return draft


@transaction.atomic
def withdraw(draft: Draft, author) -> Draft:
    """The author takes back a draft still waiting; it stays in the list, withdrawn."""
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if draft.author_id != author.pk:
        raise ValidationError("Bara den som skrev utkastet kan återkalla det.")
    if draft.status != Draft.Status.WAITING:
        raise ValidationError(f"Utkastet är redan {draft.get_status_display().lower()}.")
    draft.status = Draft.Status.WITHDRAWN
    draft.reviewed_at = timezone.now()
    draft.save(update_fields=["status", "reviewed_at"])
    return draft
