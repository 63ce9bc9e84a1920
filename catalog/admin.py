from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from . import wizard, wizard_store
from .models import (
    Code,
    CodeList,
    ContactType,
    DocumentPart,
    Entry,
    SearchMiss,
    Section,
    SourceDocument,
    Synonym,
    WizardCode,
    WizardNote,
    WizardOption,
    WizardStep,
)

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


# --- The visit wizard -------------------------------------------------------------------------
# Every save is checked against the whole tree as it would be after the save, so a coordinator
# cannot leave a dangling step, a cycle, an unknown code, a misquoted rule or a dead end.


def _check_tree(tree) -> None:
    from .models import Code

    problems = wizard.validate(
        tree,
        known_codes=set(Code.objects.values_list("code", flat=True)),
        quote_ok=wizard_store.quote_checker(wizard_store.quote_texts_from_db()),
        contact_refs=set(tree.contacts),
    )
    if problems:
        raise ValidationError(problems)


def _step_from_instance(step: WizardStep, options: list[wizard.Option]) -> wizard.Step:
    return wizard.Step(
        slug=step.slug,
        question=step.question,
        kind=step.kind,
        help=step.help,
        next=step.next_step.slug if step.next_step else None,
        optional=step.optional,
        options=options,
    )


def _option_from_instance(option: WizardOption, codes=None, notes=None) -> wizard.Option:
    return wizard.Option(
        slug=option.slug,
        label=option.label,
        help=option.help,
        next=option.next_step.slug if option.next_step else None,
        codes=codes if codes is not None else [],
        notes=notes if notes is not None else [],
        contact=f"{option.contact_type.document.slug}/{option.contact_type.slug}" if option.contact_type else None,
        extra_points=option.extra_points,
        extra_points_from=option.extra_points_from,
        no_code=option.no_code,
    )


class OptionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        tree = wizard_store.tree_from_db()
        step: WizardStep = self.instance
        existing = tree.steps.get(step.slug) or (
            tree.steps.get(WizardStep.objects.get(pk=step.pk).slug) if step.pk else None
        )
        by_slug = {o.slug: o for o in existing.options} if existing else {}
        options = []
        for form in sorted(self.forms, key=lambda f: f.cleaned_data.get("order") or 0):
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            old_slug = form.initial.get("slug") if form.instance.pk else None
            old = by_slug.get(old_slug or data["slug"])
            option = _option_from_instance(form.instance, old.codes if old else [], old.notes if old else [])
            options.append(option)
        if existing and existing.slug != step.slug:
            del tree.steps[existing.slug]
        tree.steps[step.slug] = _step_from_instance(step, options)
        if step.is_start:
            tree.start = step.slug
        _check_tree(tree)


class WizardOptionInline(admin.StackedInline):
    model = WizardOption
    formset = OptionFormSet
    fk_name = "step"
    extra = 0
    fields = [
        "order",
        "slug",
        "label",
        "help",
        "next_step",
        "contact_type",
        "extra_points",
        "extra_points_from",
        "no_code",
    ]
    show_change_link = True


@admin.register(WizardStep)
class WizardStepAdmin(admin.ModelAdmin):
    list_display = ["slug", "question", "kind", "is_start"]
    search_fields = ["slug", "question", "options__label"]
    list_filter = ["kind", "is_start"]
    inlines = [WizardOptionInline]
    fields = ["slug", "question", "help", "kind", "next_step", "optional", "is_start", "order"]


class CodeFormSet(forms.BaseInlineFormSet):
    """Codes and notes of one option: validated together with the rest of the tree."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        option: WizardOption = self.instance
        tree = wizard_store.tree_from_db()
        step = tree.steps[option.step.slug]
        current = next(
            (o for o in step.options if option.pk and o.slug == WizardOption.objects.get(pk=option.pk).slug), None
        )
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        rows.sort(key=lambda d: d.get("order") or 0)
        if self.model is WizardCode:
            codes = [
                wizard.SuggestedCode(
                    code=d["code"].code,
                    role=d["role"],
                    reason=d["reason"],
                    quote_from=d["quote_from"],
                    check=d.get("to_check", ""),
                )
                for d in rows
            ]
            notes = current.notes if current else []
        else:
            codes = current.codes if current else []
            notes = [wizard.Note(text=d["text"], quote_from=d.get("quote_from", "")) for d in rows]
        replacement = _option_from_instance(option, codes, notes)
        step.options = [replacement if current is not None and o is current else o for o in step.options]
        if current is None:
            step.options.append(replacement)
        _check_tree(tree)


class WizardCodeInline(admin.StackedInline):
    model = WizardCode
    formset = CodeFormSet
    extra = 0
    autocomplete_fields = ["code"]
    fields = ["order", "code", "role", "reason", "quote_from", "to_check"]


class WizardNoteInline(admin.StackedInline):
    model = WizardNote
    formset = CodeFormSet
    extra = 0
    fields = ["order", "text", "quote_from"]


@admin.register(WizardOption)
class WizardOptionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "next_step", "contact_type", "no_code"]
    list_filter = ["step"]
    search_fields = ["slug", "label", "codes__code__code"]
    list_select_related = ["step", "next_step", "contact_type"]
    inlines = [WizardCodeInline, WizardNoteInline]
    fields = [
        "step",
        "order",
        "slug",
        "label",
        "help",
        "next_step",
        "contact_type",
        "extra_points",
        "extra_points_from",
        "no_code",
    ]
