import base64
import binascii
import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst

from . import decisions, exchange, history, textlinks, wizard, wizard_store
from .accounts import LoginForm
from .draft_admin import DraftableAdmin
from .models import (
    Code,
    CodeList,
    Concept,
    ContactType,
    ContentTracked,
    DecisionCode,
    DocumentPart,
    Entry,
    Revision,
    SearchMiss,
    Section,
    SourceDocument,
    Synonym,
    WizardCode,
    WizardNote,
    WizardOption,
    WizardStep,
)

admin.site.login_form = LoginForm
admin.site.site_header = "KVÅ-guiden – administration"
admin.site.site_title = "KVÅ-guiden"
admin.site.index_title = "Innehåll"


class VersionedForm(forms.ModelForm):
    """Refuses to save over a change someone else saved after this form was opened.

    The version the coordinator saw travels in a hidden field that every admin page renders
    (HistoryAdmin and VersionedInline add it to the fields). The check reads the current version
    with a row lock inside the admin's transaction, so two saves at once are serialised: the
    second sees the first one's version and is refused instead of silently overwriting it.
    """

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        current = (
            type(self.instance)
            .objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        seen = cleaned.get("seen_version")
        if current is not None and seen is None:
            raise ValidationError("Formuläret saknar uppgift om vilken version du redigerar. Öppna sidan på nytt.")
        if current is not None and current != seen:
            # Let the next save through: the coordinator has now seen the other change.
            self.data = self.data.copy()
            self.data[self.add_prefix("seen_version")] = current
            raise ValidationError(conflict_message(type(self.instance), self.instance.pk, seen))
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            refused = quote_breaks(self.instance)
            if refused:
                self.add_error(None, refused)


def conflict_message(model, pk: int, seen: int) -> str:
    """Who changed what since the version the coordinator saw, and what it is now."""
    newer = history.revisions_for(model, pk).filter(version__gt=seen)
    described = []
    for revision in newer.order_by("created_at", "id"):
        who = revision.user.get_username() if revision.user else "load_content"
        fields = ", ".join(f"{c.label}: ”{c.before}” → ”{c.after}”" for c in history.changes(revision))
        when = timezone.localtime(revision.created_at)
        described.append(f"{who} {when:%Y-%m-%d %H:%M}: {fields or revision.get_action_display()}")
    return (
        f"Någon annan har sparat ”{model.objects.filter(pk=pk).first()}” medan du redigerade, "
        "så din ändring sparades inte. "
        + ("Deras ändring: " + " · ".join(described) + ". " if described else "")
        + "Dina ändringar står kvar i formuläret: jämför och spara igen om de ska gälla."
    )


def quote_breaks(obj) -> str:
    """Refusal naming the wizard answers whose word-for-word quote this edit would break ("" if none)."""
    if not obj.pk or not isinstance(obj, (Entry, Section, DocumentPart, ContactType)):
        return ""
    before = wizard_store.quote_texts_from_db()
    after = wizard_store.quote_texts_from_db(replacing=obj)
    touched = {ref for ref in after if after[ref] != before.get(ref)} | (set(before) - set(after))
    if not touched:
        return ""
    quote_ok = wizard_store.quote_checker(after)
    broken = [
        f"”{row.option}” ({row.quote_from})"
        for row in [
            *WizardCode.objects.filter(quote_from__in=touched).select_related("option__step"),
            *WizardNote.objects.filter(quote_from__in=touched).select_related("option__step"),
        ]
        if not quote_ok(getattr(row, "reason", None) or getattr(row, "text", ""), row.quote_from)
    ]
    if not broken:
        return ""
    return (
        "Ändringen sparades inte: besöksguiden citerar den här texten ordagrant, och citatet skulle inte "
        "längre stämma i " + ", ".join(sorted(set(broken))) + ". Ändra först citatet i de svaren "
        "(Svar i besöksguiden → svaret), eller behåll de citerade orden."
    )


class VersionedInline:
    """Inline rows carry their version too, rendered as a hidden field in each row."""

    form = VersionedForm

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if "seen_version" in fields else [*fields, "seen_version"]


class HistoryAdmin(admin.ModelAdmin):
    """Records every change with who, when, before and after; shows it per object with undo."""

    form = VersionedForm
    object_history_template = "admin/catalog/object_history.html"

    def get_fields(self, request, obj=None):
        # Admins that list their fields would leave the hidden version out: the check needs it rendered.
        fields = list(super().get_fields(request, obj))
        return fields if "seen_version" in fields else [*fields, "seen_version"]

    def save_model(self, request, obj, form, change):
        before = history.snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        if change and form.has_changed():
            obj.version = (obj.version or 0) + 1
        super().save_model(request, obj, form, change)
        action = Revision.Action.CHANGED if change else Revision.Action.CREATED
        if obj._meta.many_to_many:
            # Recorded once its many-to-many fields are saved too (save_related), so "after" holds them.
            request._kva_history_pending = (obj, action, before)
            return
        history.record(obj, action, before, request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        pending = getattr(request, "_kva_history_pending", None)
        if pending is not None:
            obj, action, before = pending
            del request._kva_history_pending
            history.record(obj, action, before, request.user)

    def delete_view(self, request, object_id, extra_context=None):
        """Refuse a deletion that would leave the wizard tree invalid (a quoted text, a step's last answer)."""
        obj = self.model.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if request.method == "POST" and obj is not None:
            problems = _tree_problems_without(obj)
            if problems:
                messages.error(request, f"”{obj}” kan inte tas bort: " + " ".join(problems))
                info = self.model._meta.app_label, self.model._meta.model_name
                return redirect(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request, action_location=None):
        # Bulk deletion would bypass the tree check in delete_view for what the wizard uses or quotes.
        actions = super().get_actions(request, **({"action_location": action_location} if action_location else {}))
        if self.model in (Entry, Section, DocumentPart, ContactType, WizardStep, WizardOption):
            actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request, obj):
        history.record_delete(obj, request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        befores = {
            f.instance.pk: history.snapshot(type(f.instance).objects.get(pk=f.instance.pk))
            for f in formset.forms
            if f.instance.pk
        }
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            history.record_delete(obj, request.user)
            obj.delete()
        for obj in instances:
            existed = obj.pk in befores
            if existed and isinstance(obj, ContentTracked):
                obj.version = (obj.version or 0) + 1
            obj.save()
            history.record(
                obj, Revision.Action.CHANGED if existed else Revision.Action.CREATED, befores.get(obj.pk), request.user
            )
        formset.save_m2m()

    def _revisions(self, object_id: int):
        """This object's revisions and those of its inline rows (an answer's codes, a step's answers)."""
        wanted = Q(content_type=ContentType.objects.get_for_model(self.model), object_id=object_id)
        for inline in self.inlines:
            fk = forms.models._get_foreign_key(self.model, inline.model, fk_name=getattr(inline, "fk_name", None))
            wanted |= Q(content_type=ContentType.objects.get_for_model(inline.model)) & (
                Q(**{f"after__{fk.attname}": object_id}) | Q(**{f"before__{fk.attname}": object_id})
            )
        return Revision.objects.filter(wanted).select_related("user", "content_type")

    def history_view(self, request, object_id, extra_context=None):
        revisions = self._revisions(int(object_id)) if str(object_id).isdigit() else Revision.objects.none()
        rows, seen = [], set()
        for revision in revisions:
            key = (revision.content_type_id, revision.object_id)
            current, deleted = key not in seen, revision.action == Revision.Action.DELETED
            seen.add(key)
            model = revision.content_type.model_class()
            label = "" if model is self.model else f"{capfirst(model._meta.verbose_name)}: {revision.object_repr}"
            restorable = current if deleted else (revision.after is not None and not current)
            rows.append((revision, history.changes(revision, model), label, restorable, current and not deleted))
        return super().history_view(request, object_id, {**(extra_context or {}), "revisions": rows})

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<int:object_id>/historik/<int:revision_id>/aterstall/",
                self.admin_site.admin_view(self.revert_view),
                name="{}_{}_revert".format(*info),
            ),
            path(
                "borttagna/",
                self.admin_site.admin_view(self.deleted_view),
                name="{}_{}_deleted".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        deleted_url = reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_deleted")
        return super().changelist_view(request, {**(extra_context or {}), "deleted_url": deleted_url})

    def deleted_view(self, request):
        """Deleted objects of this kind that are not back, each with what went with it and a restore button."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        deletions = Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model),
            action=Revision.Action.DELETED,
            cascade_of__isnull=True,
        ).select_related("user")
        existing = set(self.model.objects.filter(pk__in=deletions.values("object_id")).values_list("pk", flat=True))
        rows = [
            (deletion, deletion.cascaded.count()) for deletion in deletions[:200] if deletion.object_id not in existing
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Borttagna {self.model._meta.verbose_name_plural}",
            "rows": rows,
        }
        return TemplateResponse(request, "admin/catalog/deleted.html", context)

    def revert_view(self, request, object_id, revision_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        revision = get_object_or_404(self._revisions(object_id), pk=revision_id)
        if not self.has_change_permission(request):
            raise PermissionDenied
        try:
            # A restore is checked like a save: the wizard tree must stay valid (quotes included).
            with transaction.atomic():
                obj = history.revert(revision, request.user)
                _check_tree(wizard_store.tree_from_db())
        except (IntegrityError, ValidationError) as error:
            reasons = " ".join(getattr(error, "messages", [str(error)]))
            messages.error(request, f"Kunde inte återställa, inget ändrades: {reasons}")
            return redirect(request.META.get("HTTP_REFERER") or "..")
        when = timezone.localtime(revision.created_at)
        messages.success(request, f"”{obj}” är återställd till läget {when:%Y-%m-%d %H:%M}.")
        parent = obj.pk if isinstance(obj, self.model) else object_id
        self.log_change(request, obj, f"Återställd från historiken (version {revision.pk}).")
        return redirect(
            reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_change", args=[parent])
        )


class EditedSinceFilter(admin.SimpleListFilter):
    title = "ändrad sedan"
    parameter_name = "andrad_sedan"

    def lookups(self, request, model_admin):
        return [("1", "senaste dygnet"), ("7", "senaste veckan"), ("30", "senaste 30 dagarna"), ("365", "senaste året")]

    def queryset(self, request, queryset):
        # Only the offered choices: any other value (a typo, "²", a number too large for a date) is ignored.
        if self.value() not in {value for value, _label in self.lookups(request, None)}:
            return queryset
        since = timezone.now() - datetime.timedelta(days=int(self.value()))
        changed = (
            Revision.objects.filter(
                content_type=ContentType.objects.get_for_model(queryset.model), created_at__gte=since
            )
            # The baseline written when content is first loaded is not a change.
            .exclude(action=Revision.Action.LOADED, before__isnull=True)
            .values("object_id")
        )
        return queryset.filter(pk__in=changed)


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


@admin.register(Code)
class CodeAdmin(DraftableAdmin, HistoryAdmin):
    list_display = ["code", "title", "is_tillaggskod", "is_regional", "outside_lists", "valid_to"]
    search_fields = ["code", "title"]
    list_filter = ["is_tillaggskod", "is_regional", "outside_lists", "entries__code_list", EditedSinceFilter]
    fields = [
        "code",
        "title",
        "is_tillaggskod",
        "is_regional",
        "outside_lists",
        "valid_from",
        "valid_to",
        "decision",
        "note",
    ]


@admin.register(Entry)
class EntryAdmin(DraftableAdmin, HistoryAdmin):
    list_display = ["code", "title", "code_list", "section", "valid_to"]
    list_filter = ["code_list", "section", EditedSinceFilter]
    search_fields = ["code__code", "title", "beskrivning", "anvisning"]
    list_select_related = ["code", "code_list", "section"]
    autocomplete_fields = ["code"]
    fields = [
        "code_list",
        "section",
        "code",
        "order",
        "title",
        "marker",
        "beskrivning",
        "anvisning",
        "preview",
        "overview_title",
        "overview_marker",
        "in_table",
        "valid_to",
        "note",
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


@admin.register(CodeList)
class CodeListAdmin(HistoryAdmin):
    list_display = ["title", "slug", "source", "order", "requires_review", "import_link"]

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
                    changed = len(plan.changed)
                    summary = f"{changed} {'post' if changed == 1 else 'poster'} ändrades"
                    self.log_change(request, code_list, f"CSV-import: {summary}.")
                    messages.success(
                        request, f"Importen är genomförd: {summary}. Ändringarna syns i historiken och kan ångras."
                    )
                    return redirect(reverse("admin:catalog_codelist_changelist"))
                context["plan"] = plan
            elif request.FILES.get("fil"):
                raw = request.FILES["fil"].read(exchange.MAX_IMPORT_BYTES + 1)
                context["plan"] = exchange.plan_import(code_list, raw)
                context["payload"] = base64.b64encode(raw).decode("ascii") if context["plan"].ok else ""
            else:
                messages.error(request, "Välj en CSV-fil att importera.")
        return TemplateResponse(request, "admin/catalog/import.html", context)


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


class _TryOnly(Exception):
    pass


def _tree_problems_without(obj) -> list[str]:
    """What would be wrong with the wizard tree after deleting obj (tried, then rolled back)."""
    problems: list[str] = []
    try:
        with transaction.atomic():
            type(obj).objects.get(pk=obj.pk).delete()
            try:
                _check_tree(wizard_store.tree_from_db())
            except ValidationError as error:
                problems = error.messages
            raise _TryOnly
    except _TryOnly:
        pass
    except IntegrityError:
        return []  # protected references: the admin's own confirmation page explains them
    return problems


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
        _check_tree(tree)


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
        _check_tree(tree)


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


# Drafts, the Förslag queue and practice cases register themselves from their own modules.
from . import (  # noqa: E402, F401  (drafts and the Förslag queue, in their own modules)
    draft_admin,
    practice_admin,  # noqa: E402, F401
    suggestion_admin,
)
