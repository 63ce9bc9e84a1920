"""Where Django's admin says English that no translation catalogue reaches, said in Swedish.

Django writes a yes/no icon with the alt text "True"/"False" (read aloud as such), and lists a
many-to-many link row on a delete page as "Practiceset-practicecase relation: PracticeSet_cases
object (1)". tests/editorial/test_admin_in_swedish.py walks every admin page for such leftovers.
"""

from django.apps import apps
from django.contrib import admin
from django.utils.text import capfirst

from catalog.yes_no import yes_no_icon


def yes_no(model, name: str):
    """A list column for a yes/no field: the icon, headed and sorted as the field, read aloud as Ja/Nej."""

    @admin.display(description=model._meta.get_field(name).verbose_name, ordering=name)
    def column(obj):
        return yes_no_icon(getattr(obj, name))

    column.__name__ = name
    return column


def _link_rows() -> tuple[tuple[str, ...], set[str]]:
    """How a delete page names rows of the tables Django makes for many-to-many fields."""
    through = [m for m in apps.get_models(include_auto_created=True) if m._meta.auto_created]
    prefixes = tuple(f"{capfirst(m._meta.verbose_name)}: " for m in through)
    return prefixes, {str(m._meta.verbose_name_plural) for m in through}


def _without(items: list, prefixes: tuple[str, ...]) -> list:
    kept, skip_children = [], False
    for item in items:
        if isinstance(item, list):
            if not skip_children:
                kept.append(_without(item, prefixes))
            continue
        skip_children = str(item).startswith(prefixes)
        if not skip_children:
            kept.append(item)
    return kept


class DeletionSummary:
    """A delete page lists what a coordinator knows: a link between a set and its cases goes with
    them unmentioned (Django would name it by its table, in English)."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        prefixes, plurals = _link_rows()
        counts = {name: count for name, count in counts.items() if str(name) not in plurals}
        return _without(deleted, prefixes), counts, perms_needed, protected
