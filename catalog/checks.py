"""System checks run at every start (manage.py check, migrate, runserver): settings a site needs to work."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


@register(Tags.compatibility)
def email_is_configured(app_configs, **kwargs) -> list[Warning]:
    """Replies to suggestions go out by e-mail: a production site without a mail server should say so at
    start, not only when a coordinator's reply fails."""
    mailer = settings.MAILERS.get("default", {})
    if settings.DEBUG or mailer.get("BACKEND", SMTP_BACKEND) != SMTP_BACKEND or mailer.get("OPTIONS", {}).get("host"):
        return []
    return [
        Warning(
            "EMAIL_HOST is not set: replies to suggestions cannot be sent by e-mail "
            "(each is recorded with its suggestion as not sent).",
            hint="Set EMAIL_HOST, and as needed EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, "
            "EMAIL_USE_TLS and DEFAULT_FROM_EMAIL (docs/operations.md).",
            id="catalog.W001",
        )
    ]
