"""The kind of change a line of the admin's log records ("Senaste händelser"), in the history's words."""

from django import template
from django.contrib.admin.models import LogEntry

from catalog.editorial import logbook

register = template.Library()


@register.filter
def slag(entry: LogEntry) -> str:
    """ "Ändrad", "Återställd", "Importerad", "Godkänt utkast", "Skapad" or "Borttagen"."""
    return logbook.kind(entry).label
