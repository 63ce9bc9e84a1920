"""The visit wizard as coordinators edit it: steps, answers and their codes and notes.

Every save is checked against the whole tree as it would be after the save (catalog.editorial.admin.base.check_tree).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.text import capfirst

from catalog.editorial.admin.base import HistoryAdmin, VersionedInline, check_tree
from catalog.editorial.admin.drafts import DraftableAdmin
from catalog.models import WizardCode, WizardNote, WizardOption, WizardStep
from catalog.visits import store as wizard_store
from catalog.visits import wizard

OPTION_FIELDS = [
    "order",
    "slug",
    "label",
    "help",
    "next_step",
    "contact_type",
    "extra_points",
    "extra_points_from",
    "no_code",
    "unit_code",
    "when",
    "unless",
    "implied",
]


class ConditionsField(forms.Field):
    """A path condition as coordinators write it: one "fråga/svar" per line, not JSON."""

    widget = forms.Textarea(attrs={"rows": 2, "cols": 60, "spellcheck": "false"})
    default_error_messages = {
        "format": "Skriv ett villkor per rad som ”fråga/svar” med frågans och svarets kortnamn, t.ex. ”psy-kontakt/internet”.",
        "unknown": "”%(reference)s” är inget svar i guiden. Kontrollera frågans och svarets kortnamn.",
    }

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else (value or "")

    def to_python(self, value) -> list[str]:
        if isinstance(value, list):
            return value
        return [line.strip() for line in (value or "").splitlines() if line.strip()]

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        if not value:
            return  # most answers have no condition: no query for them (a step's page has many)
        known = {f"{step}/{option}" for step, option in WizardOption.objects.values_list("step__slug", "slug")}
        for reference in value:
            step, slash, option = reference.partition("/")
            if not slash or not wizard.SLUG_RE.match(step) or not wizard.SLUG_RE.match(option):
                raise ValidationError(self.error_messages["format"], code="format")
            if reference not in known:
                raise ValidationError(self.error_messages["unknown"], code="unknown", params={"reference": reference})

    def has_changed(self, initial, data) -> bool:
        return list(initial or []) != self.to_python(data)


class ConditionFields:
    """Admins that edit an answer show its ``when``/``unless`` as lines of "fråga/svar"."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("when", "unless"):
            return ConditionsField(label=capfirst(db_field.verbose_name), help_text=db_field.help_text, required=False)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class OptionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        tree = wizard_store.tree_from_db()
        step: WizardStep = self.instance
        old_slug = WizardStep.objects.filter(pk=step.pk).values_list("slug", flat=True).first() if step.pk else None
        existing = tree.steps.get(old_slug) if old_slug else None
        by_slug = {o.slug: o for o in existing.options} if existing else {}
        options = []
        for form in sorted(self.forms, key=lambda f: f.cleaned_data.get("order") or 0):
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            old_slug = form.initial.get("slug") if form.instance.pk else None
            old = by_slug.get(old_slug or data["slug"])
            option = wizard_store.option_from_model(form.instance, old.codes if old else [], old.notes if old else [])
            options.append(option)
        if existing and existing.slug != step.slug:
            # A renamed step: what led to it (foreign keys in the database) still does.
            del tree.steps[existing.slug]
            for other in tree.steps.values():
                other.next = step.slug if other.next == existing.slug else other.next
                for option in other.options:
                    option.next = step.slug if option.next == existing.slug else option.next
            if tree.start == existing.slug:
                tree.start = step.slug
        tree.steps[step.slug] = wizard_store.step_from_model(step, options)
        if step.is_start:
            tree.start = step.slug
        check_tree(tree)


class WizardOptionInline(ConditionFields, VersionedInline, admin.StackedInline):
    model = WizardOption
    formset = OptionFormSet
    fk_name = "step"
    extra = 0
    fields = OPTION_FIELDS
    show_change_link = True


@admin.register(WizardStep)
class WizardStepAdmin(DraftableAdmin, HistoryAdmin):
    list_display = ["slug", "question", "kind", "is_start"]
    search_fields = ["slug", "question", "options__label"]
    list_filter = ["kind", "is_start"]
    inlines = [WizardOptionInline]
    fields = ["slug", "question", "help", "kind", "next_step", "optional", "way_out", "is_start", "order"]


class CodeFormSet(forms.BaseInlineFormSet):
    """Codes and notes of one option: validated together with the rest of the tree."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        option: WizardOption = self.instance
        if option.step_id is None:
            return  # no question chosen: the answer's own form says so, there is no tree to check yet
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
        replacement = wizard_store.option_from_model(option, codes, notes)
        step.options = [replacement if current is not None and o is current else o for o in step.options]
        if current is None:
            step.options.append(replacement)
        check_tree(tree)


class WizardCodeInline(VersionedInline, admin.StackedInline):
    model = WizardCode
    formset = CodeFormSet
    extra = 0
    show_change_link = True  # its own page, where the reason can be drafted for review
    autocomplete_fields = ["code"]
    fields = ["order", "code", "role", "reason", "quote_from", "to_check"]


class WizardNoteInline(VersionedInline, admin.StackedInline):
    model = WizardNote
    formset = CodeFormSet
    show_change_link = True
    extra = 0
    fields = ["order", "text", "quote_from"]


@admin.register(WizardOption)
class WizardOptionAdmin(ConditionFields, DraftableAdmin, HistoryAdmin):
    list_display = ["__str__", "next_step", "contact_type", "no_code"]
    list_filter = ["step"]
    search_fields = ["slug", "label", "codes__code__code"]
    list_select_related = ["step", "next_step", "contact_type"]
    inlines = [WizardCodeInline, WizardNoteInline]
    fields = ["step", *OPTION_FIELDS]


class QuotedRowAdmin(DraftableAdmin, HistoryAdmin):
    """A wizard answer's code or note on a page of its own: every change here is a draft for review."""

    always_draft = True
    list_select_related = ["option__step"]

    def has_add_permission(self, request) -> bool:
        return False  # rows are added on their answer's page, where the tree is checked


@admin.register(WizardCode)
class WizardCodeAdmin(QuotedRowAdmin):
    list_display = ["code", "option", "role", "quote_from"]
    search_fields = ["code__code", "reason", "option__label"]
    fields = ["option", "code", "role", "reason", "quote_from", "to_check"]
    readonly_fields = ["option", "code", "role"]


@admin.register(WizardNote)
class WizardNoteAdmin(QuotedRowAdmin):
    list_display = ["option", "quote_from"]
    search_fields = ["text", "option__label"]
    fields = ["option", "text", "quote_from"]
    readonly_fields = ["option"]
