"""What an htmx request asks of a view that also serves the whole page."""

from django.http import HttpRequest


def is_fragment_request(request: HttpRequest) -> bool:
    """An htmx request that wants only the changed part (a history restore wants the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request
