"""The coordinators' queue of suggestions (Förslag), registered from admin.py."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from catalog.models import ChangeSuggestion, Code
from catalog.suggestions.limits import prune


@admin.register(ChangeSuggestion)
class ChangeSuggestionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "status", "concerns", "subject", "excerpt", "wants_reply"]
    list_filter = ["status", "concerns"]
    search_fields = ["code", "text"]
    date_hierarchy = "created_at"
    fields = ["created_at", "subject", "concerns", "text", "email", "status", "comment", "closed_at", "edit_links"]
    readonly_fields = ["created_at", "subject", "concerns", "text", "email", "closed_at", "edit_links"]

    def has_add_permission(self, request) -> bool:
        return False  # suggestions come from the public form only

    @admin.display(description="gäller")
    def subject(self, obj: ChangeSuggestion) -> str:
        url = obj.public_url()
        if not url:
            return "Allmänt"
        label = obj.code or f"Besöksguiden: /{obj.visit_path}/"
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description="förslag")
    def excerpt(self, obj: ChangeSuggestion) -> str:
        # Plain text only: the list and the page escape it and never turn it into links.
        return Truncator(obj.text).chars(80)

    @admin.display(description="vill ha svar", boolean=True)
    def wants_reply(self, obj: ChangeSuggestion) -> bool:
        return bool(obj.email)

    @admin.display(description="redigera")
    def edit_links(self, obj: ChangeSuggestion) -> str:
        code = Code.objects.filter(code=obj.code).first() if obj.code else None
        if code is not None:
            return format_html(
                '<a href="{}">Koden {}</a> · <a href="{}">Dess poster i listorna</a>',
                reverse("admin:catalog_code_change", args=[code.pk]),
                code.code,
                reverse("admin:catalog_entry_changelist") + f"?code__code__exact={code.code}",
            )
        if obj.visit_path:
            return format_html('<a href="{}">Besöksguidens steg</a>', reverse("admin:catalog_wizardstep_changelist"))
        return "–"

    def changelist_view(self, request, extra_context=None):
        prune()
        return super().changelist_view(request, extra_context)
