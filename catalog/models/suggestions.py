"""Föreslå en ändring: what anyone may tell the coordinators about a text.

A suggestion is plain text from an unknown person. It is stored as typed and always shown escaped;
it carries no address, only a keyed hash of it (catalog.suggestions.limits), forgotten with the row.
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
    concerns = models.CharField("gäller", max_length=20, choices=Concerns.choices)
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
