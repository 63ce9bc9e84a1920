"""The lists as coordinators edit them: codes, entries, sections, lists (with CSV import), documents, decisions."""

import base64
import binascii

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from catalog.editorial import decisions, exchange, gate, logbook
from catalog.editorial.admin import code_entries
from catalog.editorial.admin.base import EditedSinceFilter, HistoryAdmin
from catalog.editorial.admin.drafts import DraftableAdmin
from catalog.editorial.admin.wording import yes_no
from catalog.models import (
    Code,
    CodeList,
    ContactType,
    DecisionCode,
    DocumentPart,
    Entry,
    Section,
    SourceDocument,
)
from catalog.text import textlinks


@admin.register(Code)
class CodeAdmin(DraftableAdmin, HistoryAdmin):
    list_display = [
        "code",
        "title",
        yes_no(Code, "is_tillaggskod"),
        yes_no(Code, "is_regional"),
        yes_no(Code, "outside_lists"),
        "valid_to",
    ]
    search_fields = ["code", "title"]
    list_filter = ["is_tillaggskod", "is_regional", "outside_lists", "entries__code_list", EditedSinceFilter]
    fieldsets = [
        (None, {"fields": ["code", "title", "entries_in_lists", "note"]}),
        (
            "Slag och giltighet",
            {"fields": ["is_tillaggskod", "is_regional", "outside_lists", "valid_from", "valid_to", "decision"]},
        ),
    ]
    readonly_fields = ["entries_in_lists"]

    @admin.display(description="Står i listorna (öppna för att ändra texterna)")
    def entries_in_lists(self, obj):
        return code_entries.entry_links(obj)

    def get_urls(self):
        return [
            path("sok/", self.admin_site.admin_view(code_entries.find_code), name="catalog_code_find"),
            *super().get_urls(),
        ]


@admin.register(Entry)
class EntryAdmin(code_entries.ReturnsToPage, DraftableAdmin, HistoryAdmin):
    list_display = ["code", "title", "code_list", "section", "valid_to"]
    list_filter = ["code_list", "section", EditedSinceFilter]
    search_fields = ["code__code", "title", "beskrivning", "anvisning"]
    list_select_related = ["code", "code_list", "section"]
    autocomplete_fields = ["code"]
    # The texts first, where a coordinator starts (with the preview beside them); where the entry stands below.
    fieldsets = [
        (None, {"fields": ["beskrivning", "anvisning", "marker", "preview", "title"]}),
        ("Var posten står", {"fields": ["code_list", "section", "code", "order"]}),
        (
            "Översikt, giltighet och anmärkning",
            {"fields": ["overview_title", "overview_marker", "in_table", "valid_to", "note"]},
        ),
    ]
    readonly_fields = ["preview"]

    class Media:
        js = ["js/admin-preview.js"]

    @admin.display(description="Förhandsvisning")
    def preview(self, obj):
        return format_html(
            '<div class="forhandsvisning" data-forhandsvisning="{}" aria-live="polite">{}</div>',
            reverse("admin:catalog_entry_preview"),
            _render_preview(obj.beskrivning, obj.anvisning) if obj.pk else "Skriv i fälten så visas texterna här.",
        )

    def get_urls(self):
        return [
            path("forhandsvisning/", self.admin_site.admin_view(self.preview_view), name="catalog_entry_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request):
        """The texts as the site will show them, with code links, before anything is saved."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        return HttpResponse(_render_preview(request.POST.get("beskrivning", ""), request.POST.get("anvisning", "")))


def _render_preview(beskrivning: str | None, anvisning: str | None):
    known = Code.objects.listed_among(textlinks.codes_in(f"{beskrivning or ''} {anvisning or ''}"))
    return format_html(
        "<h4>Beskrivning</h4>{}<h4>Anvisning</h4>{}",
        textlinks.paragraphs(textlinks.link_codes(beskrivning, known)) if beskrivning else "–",
        textlinks.paragraphs(textlinks.link_codes(anvisning, known)) if anvisning else "–",
    )


@admin.register(Section)
class SectionAdmin(DraftableAdmin, HistoryAdmin):
    list_display = ["title", "code_list", "order"]
    list_filter = ["code_list", EditedSinceFilter]
    search_fields = ["title", "instructions"]
    fieldsets = [
        (None, {"fields": ["title", "instructions_title", "instructions"]}),
        ("Var avsnittet står", {"fields": ["code_list", "slug", "order"]}),
        ("Översikt och anmärkning", {"fields": ["overview_title", "note"]}),
    ]


@admin.register(CodeList)
class CodeListAdmin(HistoryAdmin):
    list_display = ["title", "slug", "source", "order", yes_no(CodeList, "requires_review"), "import_link"]

    @admin.display(description="Import/export")
    def import_link(self, obj):
        return format_html(
            '<a href="{}">Importera CSV</a> · <a href="{}">Exportera CSV</a> · <a href="{}">JSON</a>',
            reverse("admin:catalog_codelist_import", args=[obj.pk]),
            reverse("catalog:list-csv", args=[obj.slug]),
            reverse("catalog:api-list", args=[obj.slug]),
        )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/import/", self.admin_site.admin_view(self.import_view), name="catalog_codelist_import"
            ),
            *super().get_urls(),
        ]

    def import_view(self, request, object_id):
        code_list = get_object_or_404(CodeList, pk=object_id)
        if not self.has_change_permission(request, code_list):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "code_list": code_list,
            "title": f"Importera CSV till {code_list}",
            "limit": exchange.LIMIT_TEXT,
            "will_draft": gate.needs_review(code_list, request.user),
        }
        if request.method == "POST":
            if request.POST.get("payload"):
                try:
                    raw = base64.b64decode(request.POST["payload"], validate=True)
                except (ValueError, binascii.Error):
                    messages.error(request, "Importen gick inte att läsa. Ladda upp filen igen.")
                    return redirect(request.path)
                plan = exchange.apply_import(code_list, raw, request.user)
                if plan.ok:
                    summary = _import_summary(plan)
                    self.log_change(request, code_list, f"{logbook.IMPORTED}: {summary}.")
                    messages.success(
                        request, f"Importen är genomförd: {summary}. Ändringarna syns i historiken och kan ångras."
                    )
                    return redirect(reverse("admin:catalog_codelist_changelist"))
                context["plan"] = plan
            elif request.FILES.get("fil"):
                raw = request.FILES["fil"].read(exchange.MAX_IMPORT_BYTES + 1)
                context["plan"] = exchange.plan_import(code_list, raw, request.user)
                context["payload"] = base64.b64encode(raw).decode("ascii") if context["plan"].ok else ""
            else:
                messages.error(request, "Välj en CSV-fil att importera.")
        return TemplateResponse(request, "admin/catalog/import.html", context)


def _import_summary(plan) -> str:
    parts = []
    if plan.published or not plan.drafted:
        parts.append(f"{plan.published} {'post' if plan.published == 1 else 'poster'} ändrades")
    if plan.drafted:
        parts.append(
            f"{plan.drafted} {'utkast' if plan.drafted == 1 else 'utkast'} väntar på granskning "
            "(listan kräver granskning)"
        )
    return ", ".join(parts)


class DecisionCodeForm(forms.ModelForm):
    class Meta:
        model = DecisionCode
        fields = ["action", "code", "title", "code_list", "section", "date"]

    def clean(self):
        cleaned = super().clean()
        code = textlinks.normalize_code(cleaned.get("code") or "")
        if not code:
            raise ValidationError("Koden ska vara två bokstäver och tre siffror, t.ex. UX293.")
        cleaned["code"] = code
        if self.instance.applied_at and not self.has_changed():
            return self.cleaned_data  # an applied row saved again unchanged: nothing to apply
        if self.instance.applied_at:
            raise ValidationError(
                "Den här raden är redan genomförd och kan inte ändras; lägg till en ny rad i stället."
            )
        if cleaned.get("action") == DecisionCode.Action.CREATE:
            if not cleaned.get("title") or not cleaned.get("code_list") or not cleaned.get("section"):
                raise ValidationError(f"{code}: en ny kod behöver kodtext, lista och avsnitt.")
            if cleaned["section"].code_list_id != cleaned["code_list"].pk:
                raise ValidationError(
                    f"{code}: avsnittet ”{cleaned['section']}” hör inte till listan ”{cleaned['code_list']}”."
                )
            if Entry.objects.filter(code__code=code, section=cleaned["section"]).exists():
                raise ValidationError(f"{code} står redan i avsnittet ”{cleaned['section'].title}”.")
        else:
            if not Code.objects.filter(code=code).exists():
                raise ValidationError(f"{code} finns inte i guiden och kan därför inte utgå.")
            if not cleaned.get("date"):
                raise ValidationError(f"{code}: ange sista dagen koden gäller.")
        return cleaned


class DecisionCodeInline(admin.TabularInline):
    model = DecisionCode
    form = DecisionCodeForm
    extra = 0
    readonly_fields = ["applied_at"]
    fields = ["action", "code", "title", "code_list", "section", "date", "applied_at"]


@admin.register(SourceDocument)
class SourceDocumentAdmin(HistoryAdmin):
    list_display = ["title", "kind", "identifier", "date", "valid_from"]
    list_filter = ["kind"]
    search_fields = ["title", "identifier"]
    fields = ["slug", "title", "kind", "issuer", "identifier", "date", "valid_from", "seed_file", "note"]

    def get_inlines(self, request, obj):
        return [DecisionCodeInline] if obj is None or obj.kind == SourceDocument.Kind.BESLUT else []

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.instance.kind != SourceDocument.Kind.BESLUT:
            return
        for decision_code in form.instance.decision_codes.filter(applied_at__isnull=True):
            code = decisions.apply(decision_code, request.user)
            messages.success(request, f"{code.code}: {decision_code.get_action_display().lower()} enligt beslutet.")


@admin.register(DocumentPart)
class DocumentPartAdmin(HistoryAdmin):
    list_display = ["heading", "document", "order"]
    list_filter = ["document"]
    search_fields = ["heading", "body"]


@admin.register(ContactType)
class ContactTypeAdmin(HistoryAdmin):
    list_display = ["printed", "staff_category", "patient_fee", "contact_points", "document"]
    list_filter = ["document"]
