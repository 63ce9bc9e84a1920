"""Föreslå en ändring: what anyone may tell the coordinators about a text.

A suggestion is plain text from an unknown person. It is stored as typed and always shown escaped.
It keeps no address of the sender's except the e-mail address the person chose to give for a reply:
the network address is kept only as a keyed hash (catalog.suggestions.limits), forgotten with the row.
A coordinator's reply keeps the address it was sent to, and is deleted with its suggestion.
"""

from django.db import models
from django.utils import timezone

MAX_TEXT = 2000


class ChangeSuggestion(models.Model):
    class Status(models.TextChoices):
        NEW = "ny", "Ny"
        IN_PROGRESS = "pagar", "Pågår"
        DONE = "klar", "Klar"
        REJECTED = "avvisad", "Avvisad"

    class Concerns(models.TextChoices):
        BESKRIVNING = "beskrivning", "Beskrivningen"
        ANVISNING = "anvisning", "Anvisningen"
        TITLE = "titel", "Titeln"
        WIZARD = "besoksguiden", "Ett svar eller förslag i besöksguiden"
        OTHER = "annat", "Något annat"

    CLOSED = (Status.DONE, Status.REJECTED)

    created_at = models.DateTimeField("inkom", auto_now_add=True)
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.NEW)
    closed_at = models.DateTimeField("avslutad", null=True, blank=True, editable=False)
    code = models.CharField("kod", max_length=5, blank=True)
    visit_path = models.CharField("steg i besöksguiden", max_length=500, blank=True)
    concerns = models.CharField("vilken text", max_length=20, choices=Concerns.choices)
    text = models.TextField("vad som är fel eller saknas", max_length=MAX_TEXT)
    email = models.EmailField("e-post för svar", blank=True)
    comment = models.TextField("intern kommentar", blank=True)
    address_key = models.CharField(max_length=64, editable=False, db_index=True)

    class Meta:
        verbose_name = "förslag"
        verbose_name_plural = "förslag"
        ordering = ["status", "-created_at"]

    def __str__(self) -> str:
        where = self.code or (f"besöksguiden /{self.visit_path}" if self.visit_path else "allmänt")
        return f"Förslag om {where} ({self.created_at:%Y-%m-%d})" if self.created_at else f"Förslag om {where}"

    def save(self, *args, **kwargs):
        if self.status in self.CLOSED and self.closed_at is None:
            self.closed_at = timezone.now()
        elif self.status not in self.CLOSED:
            self.closed_at = None
        super().save(*args, **kwargs)

    def public_url(self) -> str:
        if self.code:
            return f"/kod/{self.code}/"
        if self.visit_path:
            return f"/besok/{self.visit_path.strip('/')}/"
        return ""


MAX_REPLY = 5000


class SuggestionReply(models.Model):
    """A coordinator's answer to a suggestion, and whether it went out by e-mail.

    ``sent_to`` is the suggestion's address when the answer was sent (empty when it gave none);
    ``sent`` is whether the mail server took the message. Deleted with its suggestion (CASCADE), so
    the address lives no longer than the suggestion does.
    """

    suggestion = models.ForeignKey(
        ChangeSuggestion, on_delete=models.CASCADE, related_name="replies", verbose_name="förslag"
    )
    text = models.TextField("svar", max_length=MAX_REPLY)
    sent_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="skrivet av"
    )
    created_at = models.DateTimeField("skrivet", default=timezone.now)
    sent_to = models.EmailField("skickat till", blank=True)
    sent = models.BooleanField("skickat", default=False)

    class Meta:
        verbose_name = "svar på förslag"
        verbose_name_plural = "svar på förslag"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Svar på {self.suggestion}"
