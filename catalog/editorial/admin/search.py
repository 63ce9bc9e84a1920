"""Search words coordinators keep (synonyms, concepts) and the searches that found nothing."""

from django.contrib import admin
from django.urls import path

from catalog.editorial.admin import usage
from catalog.editorial.admin.base import HistoryAdmin
from catalog.models import Concept, SearchMiss, Synonym


@admin.register(Synonym)
class SynonymAdmin(HistoryAdmin):
    list_display = ["term", "expansion", "note"]
    search_fields = ["term", "expansion"]


@admin.register(Concept)
class ConceptAdmin(HistoryAdmin):
    list_display = ["name", "words", "means", "note"]
    search_fields = ["name", "words", "means"]


@admin.register(SearchMiss)
class SearchMissAdmin(admin.ModelAdmin):
    list_display = ["query", "count", "first_seen", "last_seen"]
    search_fields = ["query"]
    readonly_fields = ["query", "count", "first_seen", "last_seen"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "vad-letar-klinikerna-efter/",
                self.admin_site.admin_view(usage.what_clinicians_look_for),
                name="catalog_vad_letar",
            ),
            *super().get_urls(),
        ]
