"""Admin for practice cases and sets: coordinators and the group Utbildare edit them.

Every save is checked as load_content checks the file: known codes, a quote for every code the
key requires or rules out, and every quote word for word in the text it names. History and undo
come from HistoryAdmin, like all other content.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from catalog.editorial.admin.base import HistoryAdmin, VersionedInline
from catalog.editorial.admin.drafts import DraftableAdmin
from catalog.models import Code, ContactType, PracticeCase, PracticeQuote, PracticeSet
from catalog.training import feedback, keys
from catalog.visits import store as wizard_store


def check_key(key: feedback.Key) -> None:
    problems = feedback.validate(
        key,
        known_codes=set(Code.objects.values_list("code", flat=True)),
        quote_ok=wizard_store.quote_checker(wizard_store.quote_texts_from_db()),
        contact_refs={f"{c.document.slug}/{c.slug}" for c in ContactType.objects.select_related("document")},
    )
    if problems:
        raise ValidationError(problems)


class QuoteFormSet(forms.BaseInlineFormSet):
    """The case and its quotes are checked together, as they would stand after the save."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        rows.sort(key=lambda d: d.get("order") or 0)
        check_key(keys.key_from_model(self.instance, rows))


class PracticeQuoteInline(VersionedInline, admin.StackedInline):
    model = PracticeQuote
    formset = QuoteFormSet
    extra = 0
    fields = ["order", "about", "code", "quote", "quote_from"]


@admin.register(PracticeCase)
class PracticeCaseAdmin(DraftableAdmin, HistoryAdmin):
    list_display = ["title", "context", "required_codes", "forbidden_codes", "tried", "solved"]
    list_filter = ["context"]
    search_fields = ["slug", "title", "text", "required_codes", "forbidden_codes"]
    list_select_related = ["stats"]
    inlines = [PracticeQuoteInline]
    fields = [
        "slug",
        "order",
        "title",
        "context",
        "text",
        "required_codes",
        "forbidden_codes",
        "allowed_codes",
        "contact_type",
        "extra_points",
        "trap",
        "explanation",
    ]

    @admin.display(description="rättade svar")
    def tried(self, obj):
        stats = getattr(obj, "stats", None)
        return stats.tried if stats else 0

    @admin.display(description="helt rätt")
    def solved(self, obj):
        stats = getattr(obj, "stats", None)
        return stats.solved if stats else 0


@admin.register(PracticeQuote)
class PracticeQuoteAdmin(HistoryAdmin):
    """Each quote also has its own page, so its history can be read and undone."""

    list_display = ["__str__", "case", "about"]
    list_filter = ["about"]
    search_fields = ["code", "quote", "case__title"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class CheckedForm(form):
            def clean(self):
                cleaned = super().clean()
                case = cleaned.get("case")
                if case is None or self.errors:
                    return cleaned
                others = [q for q in case.quotes.all() if q.pk != self.instance.pk]
                mine = {k: cleaned.get(k, "") for k in ("about", "code", "quote", "quote_from")}
                check_key(keys.key_from_model(case, [*others, mine]))
                return cleaned

        return CheckedForm


@admin.register(PracticeSet)
class PracticeSetAdmin(HistoryAdmin):
    list_display = ["title", "slug"]
    search_fields = ["title", "slug"]
    fields = ["slug", "title", "intro", "cases"]
