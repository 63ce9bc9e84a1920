"""Admin for practice cases and sets: coordinators and the group Utbildare edit them.

Every save goes through the gate (catalog.editorial.gate), which checks each case as load_content
checks the file: known codes, a quote for every code the key requires or rules out, and every quote
word for word in the text it names. History and undo come from HistoryAdmin, like all other content.
"""

from django.contrib import admin

from catalog.editorial.admin.base import HistoryAdmin, VersionedInline
from catalog.editorial.admin.drafts import DraftableAdmin
from catalog.models import PracticeCase, PracticeQuote, PracticeSet


class PracticeQuoteInline(VersionedInline, admin.StackedInline):
    model = PracticeQuote
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


@admin.register(PracticeSet)
class PracticeSetAdmin(HistoryAdmin):
    list_display = ["title", "slug"]
    search_fields = ["title", "slug"]
    fields = ["slug", "title", "intro", "cases"]
