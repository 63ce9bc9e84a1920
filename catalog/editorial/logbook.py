"""What the admin's own log (Django's LogEntry, "Senaste händelser" on the start page) says about each change.

Django logs an addition, a change and a deletion made in a form by itself. The doors that change
guidance otherwise log a change whose message begins with their own words, so that an edit and its
undo, an import and an approval are told apart there as they are in an object's history
(catalog.models.Revision.Action).
"""

from django.contrib.admin.models import LogEntry

from catalog.models import Revision

RESTORED = "Återställd från historiken"
IMPORTED = "CSV-import"
APPROVED = "Godkänt utkast"

_BY_MESSAGE = (
    (RESTORED, Revision.Action.REVERTED),
    (IMPORTED, Revision.Action.IMPORTED),
    (APPROVED, Revision.Action.APPROVED),
)


def kind(entry: LogEntry) -> Revision.Action:
    """The kind of change a log entry records, as the history names it."""
    if entry.is_addition():
        return Revision.Action.CREATED
    if entry.is_deletion():
        return Revision.Action.DELETED
    message = entry.change_message or ""
    for start, action in _BY_MESSAGE:
        if message.startswith(start):
            return action
    return Revision.Action.CHANGED
