"""The access log: one line per request through the project's log formatter (JSON in production).

The app writes it rather than the server, so every field goes through json.dumps (a path with
quotes, control characters or invalid UTF-8 cannot break the line) and the line looks the same
under granian and gunicorn. ``ACCESS_LOG=0`` turns it off; it is then not even installed.
"""

import logging
import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed

logger = logging.getLogger("kvaguide.access")


class AccessLogMiddleware:
    def __init__(self, get_response):
        if not getattr(settings, "ACCESS_LOG", True):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        if logger.isEnabledFor(logging.INFO):
            ms = round((time.perf_counter() - started) * 1000, 1)
            size = len(response.content) if not response.streaming else None
            logger.info(
                "%s %s %s %s ms",
                request.method,
                request.path,
                response.status_code,
                ms,
                extra={"request": request, "status_code": response.status_code, "ms": ms, "bytes": size},
            )
        return response
