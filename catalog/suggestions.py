"""Föreslå en ändring: anyone can tell the coordinators that a text is wrong or missing.

A suggestion is plain text from an unknown person. It is stored as typed and always shown
escaped (never as a link or HTML); it carries no address, only a keyed hash of it, used to throttle
floods and forgotten with the row. Closed suggestions are deleted after a set time.
"""

import datetime
import hashlib
import hmac

from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.db import models
from django.http import HttpRequest
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


class SuggestionForm(forms.ModelForm):
    # A honeypot: hidden from people (and from screen readers), filled in by form-filling robots.
    webbplats = forms.CharField(required=False, label="Lämna det här fältet tomt")

    class Meta:
        model = ChangeSuggestion
        fields = ["concerns", "text", "email"]
        labels = {
            "concerns": "Vilken text gäller det?",
            "text": "Vad är fel eller saknas?",
            "email": "Din e-postadress (om du vill ha svar)",
        }
        help_texts = {
            "text": f"Högst {MAX_TEXT} tecken. Skriv inga patientuppgifter.",
            "email": "Frivilligt. Används bara för att svara dig.",
        }
        widgets = {"concerns": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 6, "maxlength": MAX_TEXT})}
        error_messages = {
            "text": {
                "required": "Skriv vad som är fel eller saknas.",
                "max_length": f"Texten får vara högst {MAX_TEXT} tecken (den har %(show_value)d).",
            },
            "concerns": {"required": "Välj vilken text det gäller.", "invalid_choice": "Välj ett av alternativen."},
            "email": {"invalid": "Skriv en giltig e-postadress, eller lämna fältet tomt."},
        }

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if not text.strip():
            raise forms.ValidationError("Skriv vad som är fel eller saknas.")
        return text.strip()

    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("webbplats"))


def client_address(request: HttpRequest) -> str:
    """The client's address by the login lock-out's rule (REMOTE_ADDR, or behind TRUSTED_PROXIES proxies
    the address the outermost trusted proxy saw), so both count the same client."""
    return get_client_ip_address(request) or ""


def address_key(address: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def throttled(key: str) -> bool:
    since = timezone.now() - datetime.timedelta(hours=1)
    recent = ChangeSuggestion.objects.filter(address_key=key, created_at__gte=since).count()
    return recent >= settings.SUGGESTIONS_PER_HOUR


def prune() -> int:
    """Delete suggestions closed longer ago than the retention period; returns how many."""
    before = timezone.now() - datetime.timedelta(days=settings.SUGGESTION_RETENTION_DAYS)
    deleted, _ = ChangeSuggestion.objects.filter(status__in=ChangeSuggestion.CLOSED, closed_at__lt=before).delete()
    return deleted
