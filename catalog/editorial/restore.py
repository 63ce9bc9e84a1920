"""Undo from the history: put an object back as it was after a revision, through the gate like any save.

Restoring a deletion also brings back what was deleted with it (a wizard answer's codes and notes, a
section's entries), unless they exist again. On a list that requires review, a restore by someone who
may not publish directly becomes a draft; a restore that would break the guidance is refused whole.
"""

from django.utils import timezone

from catalog.editorial import gate, history
from catalog.models import Draft, Revision


def revert(revision: Revision, user=None, seen_version: int | None = None):
    """The restored object (or the Draft it became). ``seen_version``: the object's version the history
    page showed, so that a restore never silently undoes a change made since."""
    comment = f"Återställd till läget {timezone.localtime(revision.created_at):%Y-%m-%d %H:%M}"
    with gate.session(user, "restore", comment) as session:
        obj = _restore(session, revision, seen_version)
        if revision.action == Revision.Action.DELETED and not isinstance(obj, Draft):
            for child in revision.cascaded.select_related("content_type").order_by("id"):
                model = child.content_type.model_class()
                if not model.objects.filter(pk=child.object_id).exists():
                    _restore(session, child)
    return obj


def _restore(session: gate.Session, revision: Revision, seen_version: int | None = None):
    model = revision.content_type.model_class()
    state = revision.after if revision.after is not None else revision.before
    current = model.objects.filter(pk=revision.object_id).first()
    obj = current if current is not None else model(pk=revision.object_id)
    history.apply_state(obj, state)
    m2m = {f.name: state[f.name] for f in model._meta.many_to_many if f.name in state}
    if current is None:
        return session.create(obj, m2m=m2m, action=Revision.Action.REVERTED)
    fields = [f.attname for f in model._meta.concrete_fields if f.attname in state and f.name not in history.SKIPPED]
    saved = session.save(
        obj, fields, seen_version=seen_version, m2m=m2m, action=Revision.Action.REVERTED, comment=session.comment
    )
    return saved if saved is not None else model.objects.get(pk=revision.object_id)
