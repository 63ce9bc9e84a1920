"""What every coordinator's form shares: the version a save started from, quote protection, history and undo."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst

from catalog.editorial import gate, history, logbook, naming, readable, restore
from catalog.editorial.accounts import LoginForm
from catalog.editorial.admin.drafts import DRAFT_BUTTON
from catalog.editorial.admin.wording import DeletionSummary
from catalog.models import (
    Draft,
    Revision,
)
from catalog.numbers import whole_number
from catalog.text import worddiff

admin.site.login_form = LoginForm
admin.site.site_header = "KVÅ-guiden – administration"
admin.site.site_title = "KVÅ-guiden"
admin.site.index_title = "Innehåll"


class VersionedForm(forms.ModelForm):
    """Carries the version a coordinator opened, so that the gate writes only what they changed.

    ``seen_version`` is the version the page showed; ``confirmed_version`` the newer one a refusal
    showed them (catalog.editorial.gate: a second save after a refusal applies only this
    coordinator's fields on top of the colleague's). When the gate refused the save, the admin
    renders the form again with the refusal (``refusal``) as its errors.
    """

    seen_version = forms.IntegerField(label="version du öppnade", widget=forms.HiddenInput, required=False)
    confirmed_version = forms.IntegerField(label="version du har sett", widget=forms.HiddenInput, required=False)
    refusal: gate.Refused | None = None
    shows_messages = False  # the page's main form shows the refusal's messages; each row its own conflict

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version
        conflict = self._conflict()
        if conflict is not None and self.is_bound:
            self.data = self.data.copy()
            self.data[self.add_prefix("confirmed_version")] = conflict.current_version

    def _conflict(self) -> gate.Conflict | None:
        if self.refusal is None or not self.instance.pk:
            return None
        return self.refusal.conflict_for(type(self.instance), self.instance.pk)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("seen_version") is None and "seen_version" not in self.errors:
            raise ValidationError("Formuläret saknar uppgift om vilken version du redigerar. Öppna sidan på nytt.")
        if self.refusal is not None:
            if self.shows_messages:
                for message in self.refusal.messages:
                    self.add_error(None, message)
            conflict = self._conflict()
            if conflict is not None:
                self.add_error(None, conflict_html(conflict))
        return cleaned


# Words kept on each side of a change in a conflict: enough to find the place, short enough to see it.
CONFLICT_CONTEXT = 5


def _diff_cell(base, value):
    """A change with a little context; the whole text behind a <details> when words were left out."""
    short = worddiff.html(base, value, CONFLICT_CONTEXT)
    if not worddiff.is_trimmed(base, value, CONFLICT_CONTEXT):
        return short
    return format_html(
        '{}<details class="konflikt__hela"><summary>Hela texten</summary><p>{}</p></details>',
        short,
        worddiff.html(base, value),
    )


def conflict_html(conflict: gate.Conflict):
    """Per field: what the coordinator started from → what it is now, and → what they wrote, as word diffs."""
    rows = format_html_join(
        "",
        '<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>',
        (
            (
                capfirst(diff.label),
                _diff_cell(diff.base, diff.theirs) if diff.changed_by_them else "oförändrat",
                _diff_cell(diff.base, diff.yours) if diff.changed_by_you else "oförändrat",
            )
            for diff in conflict.fields
        ),
    )
    by = f"Ändrat av {', '.join(conflict.by)}. " if conflict.by else ""
    then = (
        "Ta bort igen om det ändå ska bort."
        if conflict.deleted
        else "Sparar du igen skrivs bara dina ändringar, ovanpå deras."
    )
    return format_html(
        '<div class="konflikt"><p>{}: {}{}</p><table class="konflikt__tabell"><thead><tr><th scope="col">Fält</th>'
        '<th scope="col">Deras ändring (borttaget <del>så här</del>, tillagt <ins>så här</ins>)</th>'
        '<th scope="col">Din ändring</th></tr></thead><tbody>{}</tbody></table></div>',
        capfirst(conflict.label),
        by,
        then,
        rows,
    )


FORM_ONLY = ("seen_version", "confirmed_version")


def _model_fields(model, form) -> tuple[list[str], list[str]]:
    """The model's fields a form edits, and its many-to-many fields among them."""
    concrete = {f.name for f in model._meta.concrete_fields if not f.primary_key}
    many = {f.name for f in model._meta.many_to_many}
    names = [n for n in form.fields if n not in FORM_ONLY]
    return [n for n in names if n in concrete], [n for n in names if n in many]


def _versions(form) -> dict:
    data = getattr(form, "cleaned_data", None) or {}
    return {"seen_version": data.get("seen_version"), "confirmed_version": data.get("confirmed_version")}


def save_through_gate(form, obj, *, change: bool, action: str = Revision.Action.CHANGED):
    """Hand one form's object to the open session: a change (only what this user changed) or a new object."""
    session = gate.current_session()
    fields, many = _model_fields(type(obj), form)
    m2m = {name: [o.pk for o in form.cleaned_data.get(name) or []] for name in many}
    if change and obj.pk:
        return session.save(obj, fields, m2m=m2m, action=action, **_versions(form))
    return session.create(obj, m2m=m2m)


class VersionedInline:
    """Inline rows carry their version too, rendered as a hidden field in each row."""

    form = VersionedForm

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return [*fields, *(name for name in FORM_ONLY if name not in fields)]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        refusal = getattr(request, "_kva_refusal", None)
        if refusal is not None:
            formset.form = type(formset.form.__name__, (formset.form,), {"refusal": refusal})
        return formset


class HistoryAdmin(DeletionSummary, admin.ModelAdmin):
    """Every save, deletion and restore through the gate (catalog.editorial.gate); each object's history with undo."""

    form = VersionedForm
    object_history_template = "admin/catalog/object_history.html"
    delete_confirmation_template = "admin/catalog/delete_confirmation.html"

    def get_fields(self, request, obj=None):
        # Admins that list their fields would leave the hidden versions out: the gate needs them posted.
        fields = list(super().get_fields(request, obj))
        return [*fields, *(name for name in FORM_ONLY if name not in fields)]

    def get_fieldsets(self, request, obj=None):
        # Admins that lay their fields out in fieldsets (texts first) get the hidden versions in the first.
        fieldsets = list(super().get_fieldsets(request, obj))
        named = set(flatten_fieldsets(fieldsets))
        missing = [name for name in FORM_ONLY if name not in named]
        if missing and fieldsets:
            (title, options), *rest = fieldsets
            fieldsets = [(title, {**options, "fields": [*options["fields"], *missing]}), *rest]
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "_kva_refusal", None)
        if refusal is None:
            return form
        return type(form.__name__, (form,), {"refusal": refusal, "shows_messages": True})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        try:
            with gate.session(request.user, "admin", as_draft=self.as_draft(request)):
                return super().changeform_view(request, object_id, form_url, extra_context)
        except gate.Refused as refusal:
            # Nothing was written. The same page again, its forms carrying the refusal as their errors:
            # everything the coordinator typed is still there.
            request._kva_refusal = refusal
            return super().changeform_view(request, object_id, form_url, extra_context)

    def as_draft(self, request) -> bool:
        return DRAFT_BUTTON in request.POST

    def save_model(self, request, obj, form, change):
        request._kva_saved = save_through_gate(form, obj, change=change)

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields went through the gate with their object (save_model).
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        # Checked now, before the admin says "saved": a refusal must be the only thing the page says.
        gate.current_session().check()

    def save_formset(self, request, form, formset, change):
        session = gate.current_session()
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.forms:
            if not hasattr(row, "cleaned_data") or (not row.has_changed() and not row.instance.pk):
                continue
            if formset.can_delete and formset._should_delete_form(row):
                if row.instance.pk:
                    session.delete(row.instance, **_versions(row))
                    formset.deleted_objects.append(row.instance)
                continue
            if not row.instance.pk:
                setattr(row.instance, formset.fk.name, formset.instance)
                save_through_gate(row, row.instance, change=False)
                formset.new_objects.append(row.instance)
            elif save_through_gate(row, row.instance, change=True) is not None:
                formset.changed_objects.append((row.instance, row.changed_data))

    def delete_view(self, request, object_id, extra_context=None):
        """A deletion through the gate: refused, saying why, if it would leave the guidance wrong or was stale."""
        pk = whole_number(object_id)
        obj = self.model.objects.filter(pk=pk).first() if pk is not None else None
        if request.method != "POST" or obj is None:
            extra = {**(extra_context or {}), "seen_version": getattr(obj, "version", "")}
            return super().delete_view(request, object_id, extra)
        try:
            with gate.session(request.user, "admin"):
                return super().delete_view(request, object_id, extra_context)
        except gate.Refused as refusal:
            messages.error(request, f"{capfirst(naming.name(obj))} kan inte tas bort: " + " ".join(refusal.messages))
            for conflict in refusal.conflicts:
                messages.error(request, conflict_html(conflict))
            info = self.model._meta.app_label, self.model._meta.model_name
            return redirect(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))

    def get_actions(self, request, action_location=None):
        # Bulk deletion would delete many things with no version seen: one at a time, from each page.
        actions = super().get_actions(request, **({"action_location": action_location} if action_location else {}))
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request, obj):
        session = gate.current_session()
        session.delete(obj, seen_version=_posted_version(request.POST.get("seen_version")))
        session.check()  # before the admin says "deleted"

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
        pk = whole_number(object_id)
        revisions = list(self._revisions(pk)) if pk is not None else []
        names = readable.Names(revisions)
        rows, seen = [], set()
        for revision in revisions:
            key = (revision.content_type_id, revision.object_id)
            current, deleted = key not in seen, revision.action == Revision.Action.DELETED
            seen.add(key)
            model = revision.content_type.model_class()
            label = "" if model is self.model else f"{capfirst(model._meta.verbose_name)}: {revision.object_repr}"
            restorable = current if deleted else (revision.after is not None and not current)
            rows.append((revision, history.changes(revision, model, names), label, restorable, current and not deleted))
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
        # Those still gone, newest first, each counted with what went with it in one query.
        gone = deletions.exclude(object_id__in=self.model.objects.values("pk")).annotate(children=Count("cascaded"))
        rows = [(deletion, deletion.children) for deletion in gone[:200]]
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
            obj = restore.revert(revision, request.user, _posted_version(request.POST.get("seen_version")))
        except gate.Refused as refusal:
            messages.error(request, "Kunde inte återställa, inget ändrades: " + " ".join(refusal.messages))
            for conflict in refusal.conflicts:
                messages.error(request, conflict_html(conflict))
            info = self.model._meta.app_label, self.model._meta.model_name
            if self.model.objects.filter(pk=object_id).exists():
                return redirect(reverse("admin:{}_{}_history".format(*info), args=[object_id]))
            return redirect(reverse("admin:{}_{}_deleted".format(*info)))
        when = timezone.localtime(revision.created_at)
        if isinstance(obj, Draft):
            messages.success(
                request,
                f"Listan kräver granskning: återställningen till läget {when:%Y-%m-%d %H:%M} är sparad som utkast "
                "och publiceras när en annan samordnare har godkänt den.",
            )
            return redirect(reverse("admin:catalog_draft_change", args=[obj.pk]))
        messages.success(request, f"{capfirst(naming.name(obj))} återställdes till läget {when:%Y-%m-%d %H:%M}.")
        parent = obj.pk if isinstance(obj, self.model) else object_id
        self.log_change(request, obj, f"{logbook.RESTORED} till läget {when:%Y-%m-%d %H:%M}.")
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


def _posted_version(value) -> int | None:
    return whole_number(value) if isinstance(value, str) else None
