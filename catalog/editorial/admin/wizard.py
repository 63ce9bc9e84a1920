"""The visit wizard as coordinators edit it: steps, answers and their codes and notes.

Every save goes through the gate (catalog.editorial.gate), which checks the whole tree as it stands after
the save: no dangling step, cycle, unknown code, misquoted rule, dead end or condition naming nothing.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.text import capfirst

from catalog.editorial.admin.base import HistoryAdmin, VersionedInline
from catalog.editorial.admin.drafts import DraftableAdmin
from catalog.editorial.admin.wording import yes_no
from catalog.models import WizardCode, WizardNote, WizardOption, WizardStep
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


class WizardOptionInline(ConditionFields, VersionedInline, admin.StackedInline):
    model = WizardOption
    fk_name = "step"
    extra = 0
    fields = OPTION_FIELDS
    show_change_link = True


@admin.register(WizardStep)
class WizardStepAdmin(DraftableAdmin, HistoryAdmin):
    list_display = ["slug", "question", "kind", yes_no(WizardStep, "is_start")]
    search_fields = ["slug", "question", "options__label"]
    list_filter = ["kind", "is_start"]
    inlines = [WizardOptionInline]
    fieldsets = [
        (None, {"fields": ["question", "help", "way_out"]}),
        ("Var frågan står", {"fields": ["slug", "kind", "next_step", "optional", "is_start", "order"]}),
    ]


class WizardCodeInline(VersionedInline, admin.StackedInline):
    model = WizardCode
    extra = 0
    show_change_link = True  # its own page, where the reason can be drafted for review
    autocomplete_fields = ["code"]
    fields = ["order", "code", "role", "reason", "quote_from", "to_check"]


class WizardNoteInline(VersionedInline, admin.StackedInline):
    model = WizardNote
    show_change_link = True
    extra = 0
    fields = ["order", "text", "quote_from"]


@admin.register(WizardOption)
class WizardOptionAdmin(ConditionFields, DraftableAdmin, HistoryAdmin):
    list_display = ["__str__", "next_step", "contact_type", yes_no(WizardOption, "no_code")]
    list_filter = ["step"]
    search_fields = ["slug", "label", "codes__code__code"]
    list_select_related = ["step", "next_step", "contact_type"]
    inlines = [WizardCodeInline, WizardNoteInline]
    fieldsets = [
        (None, {"fields": ["label", "help"]}),
        (
            "Var svaret står och vart det leder",
            {"fields": ["step", *(f for f in OPTION_FIELDS if f not in ("label", "help"))]},
        ),
    ]


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
    fields = ["reason", "to_check", "option", "code", "role", "quote_from"]
    readonly_fields = ["option", "code", "role"]


@admin.register(WizardNote)
class WizardNoteAdmin(QuotedRowAdmin):
    list_display = ["option", "quote_from"]
    search_fields = ["text", "option__label"]
    fields = ["text", "option", "quote_from"]
    readonly_fields = ["option"]
