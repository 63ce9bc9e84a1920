"""The access log: one JSON object per request, written by the app rather than the server.

Written by the app, every field goes through json.dumps (ASCII-escaped), so a path with quotes,
control characters or any Unicode cannot break the line, and the line is the same under granian
and gunicorn. ``ACCESS_LOG=0`` turns it off; the middleware is then not even installed.

Why not logging.info: under `make serve` the access log was where a fifth of hello-world
throughput went. Two costs: one write system call per request to the pipe the server's output
goes to, and the logging module's record, handler and formatter machinery (about 40 µs a
request on this machine). Here a line is one json.dumps (the time string is made once a
second), and lines are gathered in memory and written at most half a second later, in chunks
of at most PIPE_BUF bytes that each end at a line end, so lines of several workers sharing a
pipe never interleave. A worker killed with SIGKILL loses at most that half second of lines.
"""

import atexit
import json
import os
import select
import threading
import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed


class BufferedLines:
    """Lines gathered in memory and written to a file descriptor in whole-line chunks."""

    CHUNK = getattr(select, "PIPE_BUF", 4096)
    FULL = 64 * 1024

    def __init__(self, fd: int = 2, interval: float = 0.5):
        self.fd = fd
        self.interval = interval
        self._lock = threading.Lock()
        self._lines: list[bytes] = []
        self._size = 0
        self._flusher_pid = None
        atexit.register(self.flush)

    def append(self, line: bytes) -> None:
        with self._lock:
            self._lines.append(line)
            self._size += len(line)
            full = self._size >= self.FULL
            if self._flusher_pid != os.getpid():
                # One flusher thread per process (threads do not survive a fork).
                self._flusher_pid = os.getpid()
                threading.Thread(target=self._flush_every_interval, daemon=True, name="access-log").start()
        if full:
            self.flush()

    def _flush_every_interval(self) -> None:
        while True:
            time.sleep(self.interval)
            self.flush()

    def flush(self) -> None:
        with self._lock:
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


_second = [0, ""]


def _now() -> str:
    now = int(time.time())
    if _second[0] != now:
        _second[:] = [now, time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(now))]
    return _second[1]


class AccessLogMiddleware:
    output = BufferedLines()

    def __init__(self, get_response):
        if not getattr(settings, "ACCESS_LOG", True):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        line = json.dumps(
            {
                "time": _now(),
                "level": "INFO",
                "logger": "kvaguide.access",
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "bytes": None if response.streaming else len(response.content),
            }
        )
        self.output.append(line.encode() + b"\n")
        return response
