"""A coordinator's answer to a suggestion: recorded with it, and sent by e-mail to the address it gave.

The answer is saved before the mail server is asked, so a send that fails loses nothing: the reply
stays with the suggestion marked as not sent, and the suggestion keeps its status, so that a closed
suggestion always means its writer was answered (or gave no address).
"""

import logging
import smtplib

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.utils import timezone

from catalog.models import ChangeSuggestion, SuggestionReply

log = logging.getLogger(__name__)


def subject_line(suggestion: ChangeSuggestion) -> str:
    if suggestion.code:
        return f"Svar på ditt förslag om {suggestion.code} i KVÅ-guiden"
    if suggestion.visit_path:
        return f"Svar på ditt förslag om besöksguiden (/{suggestion.visit_path}/) i KVÅ-guiden"
    return "Svar på ditt förslag till KVÅ-guiden"


def message_body(suggestion: ChangeSuggestion, text: str) -> str:
    # The suggestion's own text is not quoted back: whoever typed an address could have typed someone
    # else's, and then only the coordinator's words reach that person.
    sent_on = f"{timezone.localtime(suggestion.created_at):%Y-%m-%d}"
    return (
        f"{text}\n\n"
        f"-- \nDet här är ett svar på förslaget du skickade till KVÅ-guiden {sent_on}. "
        "Vi sparar din e-postadress bara så länge förslaget finns kvar.\n"
    )


def _reason(error: Exception) -> str:
    """Why a send failed, for the log, without the address: a refusal's message names the recipient,
    and the suggestion's number finds it for whoever may see it."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in error.recipients.values()})
        return f"{type(error).__name__} {codes}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__} {error.smtp_code}"
    return f"{type(error).__name__} {getattr(error, 'strerror', '') or ''}".strip()


def already_sent(suggestion: ChangeSuggestion, text: str) -> bool:
    """True when the last answer that went out is this very text: a second press of the button, or the
    browser's back-and-resend, does not mail the writer twice."""
    last = suggestion.replies.filter(sent=True).order_by("-created_at", "-pk").first()
    return last is not None and last.text == text


def send_reply(suggestion: ChangeSuggestion, text: str, user: User, then: str) -> SuggestionReply:
    """Record the answer, mail it when the suggestion has an address, and set the status ``then``
    unless the mail server failed."""
    reply = SuggestionReply.objects.create(suggestion=suggestion, text=text, sent_by=user, sent_to=suggestion.email)
    if suggestion.email:
        message = EmailMessage(
            subject_line(suggestion),
            message_body(suggestion, text),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[suggestion.email],
            reply_to=settings.SUGGESTION_REPLY_TO or None,
        )
        try:
            message.send()
        # ValueError: a header Django refuses (a line break): the reply is kept, as not sent.
        except (smtplib.SMTPException, OSError, ValueError) as error:
            log.warning("reply %s to suggestion %s not sent: %s", reply.pk, suggestion.pk, _reason(error))
            return reply
        reply.sent = True
        reply.save(update_fields=["sent"])
    suggestion.status = then
    suggestion.save(update_fields=["status", "closed_at"])
    return reply
