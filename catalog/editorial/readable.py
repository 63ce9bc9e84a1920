"""A revision's stored values as a coordinator reads them: names, not database ids; Ja/Nej, not True/False.

Snapshots keep what the database holds (catalog.editorial.history.snapshot): a foreign key as its id, a
flag as true/false, a choice as its stored value. That is what a restore needs, and not what a person
can read, so the history pages turn each value into words here, looking the named objects up once
for all the revisions a page shows.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models

from catalog.models import Code, CodeList, Revision, Section

# The name a coordinator knows an object by, where its full name says more than a history row needs.
SHORT_NAMES = {
    Code: lambda code: code.code,
    Section: lambda section: section.title,
    CodeList: lambda code_list: code_list.title,
}


def fields_by_key(model) -> dict[str, models.Field]:
    """A snapshot's keys (attnames, and names for many-to-many fields) → the model's fields."""
    found = {f.attname: f for f in model._meta.concrete_fields}
    found.update({f.name: f for f in model._meta.many_to_many})
    return found


def _name(obj: models.Model) -> str:
    short = SHORT_NAMES.get(type(obj))
    return short(obj) if short is not None else str(obj)


def _ids(value) -> set:
    if isinstance(value, list):
        return {v for v in value if isinstance(v, int)}
    return {value} if isinstance(value, int) else set()


class Names:
    """The names of everything some revisions refer to, looked up with one query per kind of object.

    An object that is gone is named as its own history last named it, marked "borttagen".
    """

    def __init__(self, revisions: Iterable[Revision]):
        wanted: dict[type, set] = defaultdict(set)
        for revision in revisions:
            model = revision.content_type.model_class()
            if model is None:
                continue
            for key, field in fields_by_key(model).items():
                if field.is_relation and field.related_model is not None:
                    for state in (revision.before, revision.after):
                        wanted[field.related_model] |= _ids((state or {}).get(key))
        self._names: dict[tuple[type, int], str] = {}
        for model, ids in wanted.items():
            if ids:
                self._look_up(model, ids)

    def _look_up(self, model, ids: set) -> None:
        # The names of sections, answers and parts name their parents too: fetched in the same query.
        parents = [f.name for f in model._meta.concrete_fields if f.many_to_one and not f.null]
        objects = model._default_manager.filter(pk__in=ids)
        for obj in objects.select_related(*parents) if parents else objects:
            self._names[(model, obj.pk)] = _name(obj)
        gone = ids - {pk for kind, pk in self._names if kind is model}
        if not gone:
            return
        last = Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=gone
        ).order_by("object_id", "-id")
        for object_id, object_repr in last.values_list("object_id", "object_repr"):
            self._names.setdefault((model, object_id), f"{object_repr} (borttagen)")
        for pk in gone:
            self._names.setdefault((model, pk), "något som är borttaget")

    def of(self, model, pk) -> str:
        return self._names.get((model, pk), "något som är borttaget")

    def value(self, field: models.Field | None, value) -> str:
        """One stored value as words."""
        if value is None or value == "" or value == []:
            return ""
        if field is not None and field.many_to_many:
            return ", ".join(sorted(self.of(field.related_model, pk) for pk in _ids(value)))
        if field is not None and field.is_relation:
            return self.of(field.related_model, value)
        if isinstance(value, bool):
            return "Ja" if value else "Nej"
        if field is not None and field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        return str(value)
