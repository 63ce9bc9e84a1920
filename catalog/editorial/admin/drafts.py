"""Drafts in the admin: "Spara som utkast" on guidance forms, and the review queue (registered from admin.py)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from catalog.editorial import drafts, gate, logbook, review
from catalog.editorial.drafts import DraftConflict
from catalog.models import Code, Draft
from catalog.numbers import whole_number
from catalog.text import textlinks

DRAFT_BUTTON = "_utkast"


def _review_url(draft: Draft) -> str:
    return reverse("admin:catalog_draft_change", args=[draft.pk])


class DraftableAdmin:
    """Mixed into the admins of guidance: a change can be saved as a draft instead of published.

    The gate (catalog.editorial.gate) decides and makes the draft: on "Spara som utkast", on every save
    of an ``always_draft`` page, and on a list that requires review for anyone who may not publish directly.
    """

    # Pages where every save is a draft (a wizard answer's quoted reason edited on its own page).
    always_draft = False

    def as_draft(self, request) -> bool:
        return self.always_draft or super().as_draft(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id) if whole_number(object_id) is not None else None
        extra = dict(extra_context or {})
        if obj is not None:
            waiting = [(d, _review_url(d)) for d in drafts.pending(obj).select_related("author")]
            if request.method == "GET":
                for draft, url in waiting:
                    messages.info(
                        request,
                        format_html(
                            'Ett <a href="{}">utkast av {}</a> väntar på granskning.', url, draft.author.get_username()
                        ),
                    )
            extra.update(
                draftable=True,
                must_draft=self.always_draft or gate.needs_review(obj, request.user),
                pending_drafts=waiting,
            )
        return super().change_view(request, object_id, form_url, extra)

    def save_related(self, request, form, formsets, change):
        if isinstance(getattr(request, "_kva_saved", None), Draft):
            if any(formset.has_changed() for formset in formsets):
                messages.warning(request, "Ändringar i raderna nedanför sparas inte i ett utkast; spara dem för sig.")
            for formset in formsets:  # nothing saved: the admin's change message must find nothing
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_related(request, form, formsets, change)

    def log_change(self, request, obj, message):
        if isinstance(getattr(request, "_kva_saved", None), Draft):
            return None
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        saved = getattr(request, "_kva_saved", None)
        if isinstance(saved, Draft):
            messages.success(
                request, "Sparat som utkast. Det publiceras när en annan samordnare har granskat och godkänt det."
            )
            return redirect(_review_url(saved))
        if saved is None and self.as_draft(request):
            messages.info(request, "Inga texter ändrades, så inget utkast sparades.")
            return redirect(request.path)
        return super().response_change(request, obj)


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ["object_repr", "status", "author", "created_at", "reviewer", "code_list"]
    list_filter = ["status", "code_list"]
    search_fields = ["object_repr"]

    def has_add_permission(self, request) -> bool:
        return False  # a draft is made from the page of what it changes

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a draft is withdrawn or sent back, never deleted: the history keeps it

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.has_perm("catalog.change_entry"):
            return queryset
        return queryset.filter(author=request.user)  # a trainer sees their own drafts

    def get_actions(self, request, action_location=None):
        actions = super().get_actions(request, **({"action_location": action_location} if action_location else {}))
        actions.pop("delete_selected", None)
        return actions

    def changelist_view(self, request, extra_context=None):
        if (
            "status__exact" not in request.GET
            and "status" not in request.GET
            and not request.GET.get("_changelist_filters")
        ):
            # The queue opens on what waits for review.
            query = request.GET.copy()
            query["status__exact"] = Draft.Status.WAITING
            request.GET = query
            request.META["QUERY_STRING"] = query.urlencode()
        return super().changelist_view(request, {**(extra_context or {}), "title": "Väntar på granskning"})

    def _log_approval(self, request, draft: Draft, obj) -> None:
        """In the start page's "Senaste händelser", under what was published: an approval, not an edit."""
        target_admin = self.admin_site.get_model_admin(type(obj))
        message = f"{logbook.APPROVED} av {draft.author.get_username()}."
        target_admin.log_change(request, obj, message)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if whole_number(object_id) is None:
            raise Http404("Det finns inget sådant utkast.")
        draft = get_object_or_404(
            self.get_queryset(request).select_related("author", "reviewer", "content_type"), pk=object_id
        )
        if not self.has_view_permission(request, draft):
            raise PermissionDenied
        conflict = None
        if request.method == "POST":
            if not self.has_change_permission(request, draft):
                raise PermissionDenied
            action = request.POST.get("atgard")
            comment = request.POST.get("kommentar", "")[:2000]
            try:
                if action == "godkann":
                    obj = review.approve(draft, request.user, comment)
                    self._log_approval(request, draft, obj)
                    messages.success(request, f"Utkastet är godkänt och publicerat: ”{obj}”.")
                    return redirect(reverse("admin:catalog_draft_changelist"))
                if action == "skicka-tillbaka":
                    review.send_back(draft, request.user, comment)
                    messages.success(request, "Utkastet är skickat tillbaka med din kommentar.")
                    return redirect(reverse("admin:catalog_draft_changelist"))
                if action == "aterkalla":
                    review.withdraw(draft, request.user)
                    messages.success(request, "Utkastet är återkallat. Det står kvar i listan över utkast.")
                    return redirect(reverse("admin:catalog_draft_changelist"))
                messages.error(request, "Okänd åtgärd.")
            except DraftConflict as error:
                conflict = error.current
                messages.error(
                    request,
                    "Den publicerade texten har ändrats sedan utkastet gjordes, så utkastet publicerades inte. "
                    "Jämför nedan: gör ett nytt utkast från den nuvarande texten om ändringen fortfarande behövs.",
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            draft.refresh_from_db()
        target = draft.target()
        current = {name: getattr(target, name) for name in draft.changes} if target is not None else {}
        if (
            conflict is None
            and target is not None
            and not all(gate.same_text(current.get(n), draft.base.get(n)) for n in draft.changes)
        ):
            conflict = current
        known = Code.objects.listed_among({c for v in draft.changes.values() for c in textlinks.codes_in(str(v or ""))})
        context = {
            **self.admin_site.each_context(request),
            "title": str(draft),
            "opts": self.model._meta,
            "draft": draft,
            "target": target,
            "target_admin_url": (
                reverse(f"admin:catalog_{draft.content_type.model}_change", args=[draft.object_id]) if target else ""
            ),
            "public_url": _public_url(target),
            "changes": drafts.field_changes(draft),
            "conflict_changes": drafts.field_changes(draft, current=conflict) if conflict is not None else None,
            "known": known,
            "is_author": draft.author_id == request.user.pk,
            "may_review": review.may_review(draft, request.user),
            "waiting": draft.status == Draft.Status.WAITING,
        }
        return TemplateResponse(request, "admin/catalog/draft_review.html", context)


def _public_url(obj) -> str:
    if obj is None:
        return ""
    code = getattr(obj, "code", None)
    if isinstance(code, Code):
        return code.get_absolute_url()
    if isinstance(obj, Code):
        return obj.get_absolute_url()
    if obj._meta.model_name == "practicecase":
        return obj.get_absolute_url()
    code_list = getattr(obj, "code_list", None)
    return code_list.get_absolute_url() if code_list is not None else reverse("catalog:visit")
