"""Coordinators: their group and permissions, and throttled logins."""

import datetime

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.models import Group, Permission
from django.db.models import F
from django.utils import timezone

from .models import LoginFailure

COORDINATORS = "Kodningssamordnare"
EDITABLE_MODELS = [
    "code",
    "codelist",
    "section",
    "entry",
    "sourcedocument",
    "documentpart",
    "contacttype",
    "footnote",
    "synonym",
    "wizardstep",
    "wizardoption",
    "wizardcode",
    "wizardnote",
    "decisioncode",
    "practicecase",
    "practicequote",
    "practiceset",
]
READABLE_MODELS = ["searchmiss", "revision"]

# Trainers edit practice cases (and their quotes and sets) and nothing else.
TRAINERS = "Utbildare"
TRAINER_MODELS = ["practicecase", "practicequote", "practiceset"]

MAX_FAILURES = 5
WINDOW = datetime.timedelta(minutes=15)
LOCKOUT = datetime.timedelta(minutes=15)


def coordinator_group() -> Group:
    group, _ = Group.objects.get_or_create(name=COORDINATORS)
    wanted = Permission.objects.filter(content_type__app_label="catalog").filter(
        codename__in=[
            f"{action}_{model}" for model in EDITABLE_MODELS for action in ("add", "change", "delete", "view")
        ]
        + [f"view_{model}" for model in READABLE_MODELS]
    )
    group.permissions.set(wanted)
    return group


def trainer_group() -> Group:
    group, _ = Group.objects.get_or_create(name=TRAINERS)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="catalog",
            codename__in=[
                f"{action}_{model}" for model in TRAINER_MODELS for action in ("add", "change", "delete", "view")
            ],
        )
    )
    return group


def _keys(username: str, address: str | None) -> list[str]:
    keys = [f"user:{username.strip().lower()[:150]}"]
    if address:
        keys.append(f"ip:{address}")
    return keys


def locked_until(username: str, address: str | None) -> datetime.datetime | None:
    now = timezone.now()
    until = (
        LoginFailure.objects.filter(key__in=_keys(username, address), locked_until__gt=now)
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )
    return until


def note_failure(username: str, address: str | None) -> None:
    now = timezone.now()
    for key in _keys(username, address):
        failure, created = LoginFailure.objects.get_or_create(key=key, defaults={"count": 0, "first_at": now})
        if not created and now - failure.first_at > WINDOW:
            LoginFailure.objects.filter(pk=failure.pk).update(count=0, first_at=now, locked_until=None)
        LoginFailure.objects.filter(pk=failure.pk).update(count=F("count") + 1)
        failure.refresh_from_db()
        if failure.count >= MAX_FAILURES:
            LoginFailure.objects.filter(pk=failure.pk).update(locked_until=now + LOCKOUT)


def note_success(username: str) -> None:
    LoginFailure.objects.filter(key__in=_keys(username, None)).delete()


class ThrottledLoginForm(AdminAuthenticationForm):
    """The admin login: after several failures the user name (and address) is locked out for a while."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": "Fel användarnamn eller lösenord. Observera att stora och små bokstäver skiljs åt.",
        "locked": "För många misslyckade inloggningar. Försök igen om %(minutes)s minuter, eller be en administratör om hjälp.",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = self.request.META.get("REMOTE_ADDR") if self.request else None
        until = locked_until(username, address)
        if until:
            minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
            raise forms.ValidationError(self.error_messages["locked"], code="locked", params={"minutes": minutes})
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            note_failure(username, address)
            raise
        note_success(username)
        return cleaned
