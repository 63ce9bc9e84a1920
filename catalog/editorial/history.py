"""Every change to content, recorded: snapshots, readable differences, and undo."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, router
from django.db.models.deletion import Collector
from django.utils.safestring import SafeString

from catalog.editorial import readable
from catalog.models import CodeList, Entry, Revision, Section, plain_value
from catalog.text import worddiff

SKIPPED = {"loaded", "version", "id"}
# Rows derived from other content (rebuilt on save) or history itself: never recorded.
UNRECORDED = {"mention", "revision", "searchindexstate"}


def snapshot(obj: models.Model) -> dict:
    """The object's own fields as plain JSON values (foreign keys as ids, many-to-many as sorted ids)."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in SKIPPED:
            continue
        data[field.attname] = plain_value(getattr(obj, field.attname))
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return data


def code_list_of(obj: models.Model) -> CodeList | None:
    if isinstance(obj, Entry | Section):
        return obj.code_list
    if isinstance(obj, CodeList):
        return obj
    return None


def record(
    obj: models.Model, action: str, before: dict | None, user=None, comment: str = "", cascade_of=None
) -> Revision | None:
    """Write one revision; nothing when a change changed nothing."""
    after = None if action == Revision.Action.DELETED else snapshot(obj)
    if before is not None and after is not None and before == after and action != Revision.Action.REVERTED:
        return None
    user = user if getattr(user, "is_authenticated", False) else None
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        action=action,
        user=user,
        before=before,
        after=after,
        version=getattr(obj, "version", None),
        code_list=code_list_of(obj),
        comment=comment[:300],
        cascade_of=cascade_of,
    )


def amend_last(obj: models.Model) -> None:
    """Bring the newest revision's "after" up to date: for a row whose many-to-many fields were set
    after it was recorded (the loader saves a practice set, then its cases)."""
    revision = (
        Revision.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        .order_by("-id")
        .first()
    )
    if revision is not None and revision.after is not None:
        revision.after = snapshot(obj)
        revision.save(update_fields=["after"])


def record_delete(obj: models.Model, user=None, comment: str = "") -> Revision:
    """Record a deletion and everything it takes with it (a section's entries, an answer's codes).

    Call before deleting. The rows removed by the cascade are recorded as part of this deletion,
    parents before children, so that restoring the deletion brings them all back.
    """
    root = record(obj, Revision.Action.DELETED, snapshot(obj), user, comment)
    collector = Collector(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    collector.sort()
    for model, instances in reversed(list(collector.data.items())):
        if model._meta.app_label != "catalog" or model._meta.model_name in UNRECORDED:
            continue
        for child in instances:
            if not (type(child) is type(obj) and child.pk == obj.pk):
                record(child, Revision.Action.DELETED, snapshot(child), user, comment, cascade_of=root)
    for queryset in collector.fast_deletes:
        if queryset.model._meta.app_label == "catalog" and queryset.model._meta.model_name not in UNRECORDED:
            for child in queryset:
                record(child, Revision.Action.DELETED, snapshot(child), user, comment, cascade_of=root)
    return root


def baseline(model_classes) -> int:
    """A "loaded" revision for every object with no history yet, so the loaded state can be restored."""
    created = 0
    for model in model_classes:
        content_type = ContentType.objects.get_for_model(model)
        recorded = Revision.objects.filter(content_type=content_type).values("object_id")
        missing = model.objects.exclude(pk__in=recorded)
        rows = [
            Revision(
                content_type=content_type,
                object_id=obj.pk,
                object_repr=str(obj)[:300],
                action=Revision.Action.LOADED,
                after=snapshot(obj),
                version=getattr(obj, "version", None),
                code_list_id=obj.code_list_id if isinstance(obj, Entry | Section) else None,
            )
            for obj in missing
        ]
        Revision.objects.bulk_create(rows, batch_size=500)
        created += len(rows)
    return created


def revisions_for(obj_or_model, object_id: int | None = None):
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    object_id = object_id if object_id is not None else obj_or_model.pk
    return Revision.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id=object_id
    ).select_related("user")


@dataclass
class FieldChange:
    name: str
    label: str
    before: object
    after: object

    def html(self) -> SafeString:
        """The whole text as a word-level difference (catalog.text.worddiff)."""
        return worddiff.html(self.before, self.after)


def changes(
    revision: Revision, model: type[models.Model] | None = None, names: readable.Names | None = None
) -> list[FieldChange]:
    """What a revision changed, field by field, in words: names for ids, Ja/Nej for flags, choices by label.

    ``names``: the names of what the page's revisions refer to, looked up once (catalog.editorial.readable).
    """
    model = model or revision.content_type.model_class()
    names = names if names is not None else readable.Names([revision])
    before, after = revision.before or {}, revision.after or {}
    fields = readable.fields_by_key(model) if model else {}
    order = list(fields)
    found = []
    for name in sorted(set(before) | set(after), key=lambda n: order.index(n) if n in order else 99):
        field = fields.get(name)
        old, new = names.value(field, before.get(name)), names.value(field, after.get(name))
        if old != new:
            label = str(field.verbose_name) if field is not None else name
            found.append(FieldChange(name=name, label=label, before=old, after=new))
    return found


def apply_state(obj: models.Model, data: dict) -> None:
    """Set an object's fields from a snapshot (as stored in a revision)."""
    for field in obj._meta.concrete_fields:
        if field.attname in data and field.name not in SKIPPED:
            value = data[field.attname]
            if value is not None and field.get_internal_type() in ("DateField", "DateTimeField", "DecimalField"):
                value = field.to_python(value)
            setattr(obj, field.attname, value)
