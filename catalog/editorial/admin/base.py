"""What every coordinator's form shares: the version a save started from, quote protection, history and undo."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst

from catalog.editorial import history
from catalog.editorial.accounts import LoginForm
from catalog.models import (
    ContactType,
    ContentTracked,
    DocumentPart,
    Entry,
    Revision,
    Section,
    WizardCode,
    WizardNote,
    WizardOption,
    WizardStep,
)
from catalog.visits import store as wizard_store

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
            problems = tree_problems_without(obj)
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
                check_tree(wizard_store.tree_from_db())
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


# Every save is checked against the whole tree as it would be after the save, so a coordinator
# cannot leave a dangling step, a cycle, an unknown code, a misquoted rule or a dead end.
def check_tree(tree) -> None:
    problems = wizard_store.tree_problems(tree)
    if problems:
        raise ValidationError(problems)


class _TryOnly(Exception):
    pass


def tree_problems_without(obj) -> list[str]:
    """What would be wrong with the wizard tree after deleting obj (tried, then rolled back)."""
    problems: list[str] = []
    try:
        with transaction.atomic():
            type(obj).objects.get(pk=obj.pk).delete()
            try:
                check_tree(wizard_store.tree_from_db())
            except ValidationError as error:
                problems = error.messages
            raise _TryOnly
    except _TryOnly:
        pass
    except IntegrityError:
        return []  # protected references: the admin's own confirmation page explains them
    return problems
