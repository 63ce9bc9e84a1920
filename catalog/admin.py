from django.contrib import admin

from .models import Code, CodeList, ContactType, DocumentPart, Entry, SearchMiss, Section, SourceDocument, Synonym

admin.site.site_header = "KVÅ-guiden – administration"
admin.site.site_title = "KVÅ-guiden"
admin.site.index_title = "Innehåll"


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["term", "expansion", "note"]
    search_fields = ["term", "expansion"]


@admin.register(SearchMiss)
class SearchMissAdmin(admin.ModelAdmin):
    list_display = ["query", "count", "first_seen", "last_seen"]
    search_fields = ["query"]
    readonly_fields = ["query", "count", "first_seen", "last_seen"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Code)
class CodeAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "is_tillaggskod", "is_regional", "outside_lists"]
    search_fields = ["code", "title"]
    list_filter = ["is_tillaggskod", "is_regional", "outside_lists"]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "code_list", "section"]
    list_filter = ["code_list", "section"]
    search_fields = ["code__code", "title", "beskrivning", "anvisning"]
    list_select_related = ["code", "code_list", "section"]


admin.site.register([CodeList, Section, SourceDocument, DocumentPart, ContactType])
