"""The access log: one line per request through the project's log formatter (JSON in production).

The app writes it rather than the server, so every field goes through json.dumps (a path with
quotes, control characters or invalid UTF-8 cannot break the line) and the line looks the same
under granian and gunicorn. ``ACCESS_LOG=0`` turns it off; it is then not even installed.
"""

import atexit
import logging
import os
import select
import threading
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


class BufferedStreamHandler(logging.Handler):
    """Writes log lines to a file descriptor in batches instead of one write per line.

    Writing and flushing one line per request to the pipe the server's output goes to was most
    of what the access log cost (a system call per request). Lines are gathered in memory and
    written at most ``interval`` seconds later (or at 64 KB), in chunks of at most PIPE_BUF bytes
    that each end at a line end, so lines of several workers sharing one pipe never interleave.
    A worker killed with SIGKILL loses at most ``interval`` seconds of lines.
    """

    CHUNK = select.PIPE_BUF if hasattr(select, "PIPE_BUF") else 4096
    FULL = 64 * 1024

    def __init__(self, fd: int = 2, interval: float = 0.5):
        super().__init__()
        self.fd = fd
        self.interval = interval
        self._lines: list[bytes] = []
        self._size = 0
        self._flusher_pid = None
        atexit.register(self.flush)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = (self.format(record) + "\n").encode("utf-8", "backslashreplace")
        except Exception:
            self.handleError(record)
            return
        with self.lock:
            self._lines.append(line)
            self._size += len(line)
            full = self._size >= self.FULL
            if self._flusher_pid != os.getpid():
                # One flusher thread per process (threads do not survive a fork).
                self._flusher_pid = os.getpid()
                threading.Thread(target=self._flush_every_interval, daemon=True, name="log-flusher").start()
        if full:
            self.flush()

    def _flush_every_interval(self) -> None:
        while True:
            time.sleep(self.interval)
            self.flush()

    def flush(self) -> None:
        with self.lock:
            lines, self._lines, self._size = self._lines, [], 0
            chunk = b""
            for line in lines:
                if chunk and len(chunk) + len(line) > self.CHUNK:
                    self._write(chunk)
                    chunk = b""
                chunk += line
            if chunk:
                self._write(chunk)

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.fd, view) :]
        except OSError:
            pass  # a closed pipe must not take the request down with it
