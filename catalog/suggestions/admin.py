"""The coordinators' queue of suggestions (Förslag), registered from admin.py, and the reply to the writer."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.views.decorators.http import require_http_methods

from catalog.models import ChangeSuggestion, Code, SuggestionReply
from catalog.suggestions.forms import ReplyForm
from catalog.suggestions.limits import prune
from catalog.suggestions.replies import already_sent, send_reply
from catalog.yes_no import yes_no_icon


def _reply_message(reply: SuggestionReply, suggestion: ChangeSuggestion) -> tuple[int, str]:
    """What the coordinator is told after pressing the button: the level and the Swedish words."""
    status = suggestion.get_status_display()
    if reply.sent:
        return messages.SUCCESS, f"Svaret skickades till {reply.sent_to}. Förslaget har nu status {status}."
    if not reply.sent_to:
        return messages.WARNING, (
            "Svaret är sparat hos förslaget men skickades inte: förslaget har ingen e-postadress. "
            f"Förslaget har nu status {status}."
        )
    return messages.ERROR, (
        f"Svaret kunde inte skickas till {reply.sent_to}: e-postservern svarade inte eller tog inte emot det. "
        f"Svaret är sparat hos förslaget som ”inte skickat”, och förslaget har kvar status {status}. "
        "Försök igen senare, eller be den som sköter servern se över e-posten."
    )


@admin.register(ChangeSuggestion)
class ChangeSuggestionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "status", "subject", "concerns", "excerpt", "wants_reply", "answered"]
    list_filter = ["status", "concerns"]
    search_fields = ["code", "text"]
    date_hierarchy = "created_at"
    fields = ["created_at", "subject", "concerns", "text", "email", "status", "comment", "closed_at", "edit_links"]
    readonly_fields = ["created_at", "subject", "concerns", "text", "email", "closed_at", "edit_links"]

    def has_add_permission(self, request) -> bool:
        return False  # suggestions come from the public form only

    @admin.display(description="kod eller steg")
    def subject(self, obj: ChangeSuggestion) -> str:
        url = obj.public_url()
        if not url:
            return "Allmänt"
        label = obj.code or f"Besöksguiden: /{obj.visit_path}/"
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description="förslag")
    def excerpt(self, obj: ChangeSuggestion) -> str:
        # Plain text only: the list and the page escape it and never turn it into links.
        return Truncator(obj.text).chars(80)

    @admin.display(description="vill ha svar")
    def wants_reply(self, obj: ChangeSuggestion):
        return yes_no_icon(bool(obj.email))

    @admin.display(description="svar skickat", ordering="sent_replies")
    def answered(self, obj: ChangeSuggestion):
        return yes_no_icon(obj.sent_replies > 0)

    def get_queryset(self, request):
        # One query for the whole page, however many suggestions it shows.
        return super().get_queryset(request).annotate(sent_replies=Count("replies", filter=Q(replies__sent=True)))

    @admin.display(description="redigera")
    def edit_links(self, obj: ChangeSuggestion) -> str:
        code = Code.objects.filter(code=obj.code).first() if obj.code else None
        if code is not None:
            return format_html(
                '<a href="{}">Koden {}</a> · <a href="{}">Dess poster i listorna</a>',
                reverse("admin:catalog_code_change", args=[code.pk]),
                code.code,
                reverse("admin:catalog_entry_changelist") + f"?code__code__exact={code.code}",
            )
        if obj.visit_path:
            return format_html('<a href="{}">Besöksguidens steg</a>', reverse("admin:catalog_wizardstep_changelist"))
        return "–"

    def changelist_view(self, request, extra_context=None):
        prune()
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        reply = require_http_methods(["GET", "HEAD", "POST"])(self.reply_view)
        return [
            path("<int:object_id>/svara/", self.admin_site.admin_view(reply), name="catalog_changesuggestion_reply"),
            *super().get_urls(),
        ]

    def _reply_context(self, request: HttpRequest, suggestion: ChangeSuggestion, form: ReplyForm | None) -> dict:
        replies = list(suggestion.replies.select_related("sent_by"))
        may_reply = self.has_change_permission(request, suggestion)
        if may_reply and form is None:
            # After a failed send the form holds that answer again: trying once more is one press.
            failed = replies[-1] if replies and replies[-1].sent_to and not replies[-1].sent else None
            form = ReplyForm(initial={"text": failed.text} if failed else {})
        return {
            "replies": replies,
            "reply_form": form if may_reply else None,
            "suggestion": suggestion,
            "from_address": settings.DEFAULT_FROM_EMAIL,
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        suggestion = ChangeSuggestion.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if suggestion is not None:
            extra_context = {**(extra_context or {}), **self._reply_context(request, suggestion, None)}
        return super().change_view(request, object_id, form_url, extra_context)

    def reply_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The answer to the writer: the form is on the suggestion's page too; a form with errors comes back
        here with them (400), a sent or recorded answer goes back to the suggestion's page."""
        suggestion = get_object_or_404(ChangeSuggestion, pk=object_id)
        if not self.has_change_permission(request, suggestion):
            raise PermissionDenied
        form = ReplyForm(request.POST) if request.method == "POST" else None
        if form is not None and form.is_valid():
            text, then = form.cleaned_data["text"], form.cleaned_data["then"]
            if already_sent(suggestion, text):
                messages.info(request, "Det här svaret är redan skickat. Det skickades inte en gång till.")
            else:
                reply = send_reply(suggestion, text, request.user, then)
                messages.add_message(request, *_reply_message(reply, suggestion))
            return redirect(reverse("admin:catalog_changesuggestion_change", args=[suggestion.pk]))
        context = {
            **self.admin_site.each_context(request),
            **self._reply_context(request, suggestion, form),
            "opts": self.model._meta,
            "title": f"Svara: {suggestion}",
        }
        status = 200 if form is None else 400
        return TemplateResponse(request, "admin/catalog/changesuggestion/reply.html", context, status=status)
