"""Coordinators: their group and permissions, and the login lock-out (django-axes)."""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.models import Group, Permission
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import render

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
    "concept",
    "wizardstep",
    "wizardoption",
    "wizardcode",
    "wizardnote",
    "decisioncode",
    "changesuggestion",
    "draft",
    "practicecase",
    "practicequote",
    "practiceset",
]
READABLE_MODELS = ["searchmiss", "revision", "usagecount"]

# Trainers edit practice cases (and their quotes and sets) and nothing else; they see and withdraw
# their own drafts (catalog.editorial.admin.drafts shows a trainer only theirs).
TRAINERS = "Utbildare"
TRAINER_MODELS = ["practicecase", "practicequote", "practiceset"]
TRAINER_DRAFT_PERMISSIONS = ["view_draft", "change_draft"]


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
            ]
            + TRAINER_DRAFT_PERMISSIONS,
        )
    )
    return group


def login_name(request, credentials: dict | None) -> str:
    """The user name a failure is counted under: as typed, ignoring case and surrounding spaces."""
    name = (credentials or {}).get("username") or request.POST.get("username") or ""
    return name.strip().lower()[:150]


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with a second, higher threshold for an address on its own.

    axes compares the largest count over its lock-out parameters with one limit; we want the pair
    (user name, address) locked after AXES_FAILURE_LIMIT failures and the address alone only after
    LOGIN_FAILURES_PER_ADDRESS, so that someone guessing from one address locks out only the names
    they guess from there, and one busy shared address does not lock out everyone behind it at once.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        by_name_and_address, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= settings.LOGIN_FAILURES_PER_ADDRESS:
            return max(by_name_and_address, settings.AXES_FAILURE_LIMIT)
        return by_name_and_address


LOCKED_MESSAGE = (
    "För många misslyckade inloggningar. Försök igen om {minutes} minuter, eller be en administratör om hjälp."
)


def locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """The admin's login page again, with a Swedish lock-out message and 429 Too Many Requests."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        **admin.site.each_context(request),
        "title": "Logga in",
        "site_header": admin.site.site_header,
        "form": LoginForm(request),
        "locked_message": LOCKED_MESSAGE.format(minutes=minutes),
        "app_path": request.get_full_path(),
    }
    return render(request, "admin/login.html", context, status=429)


class LoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": "Fel användarnamn eller lösenord. Observera att stora och små bokstäver skiljs åt.",
    }
