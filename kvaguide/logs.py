"""One JSON object per log line, so a log collector can read fields rather than guess them.

(The access log is written by ``kvaguide.accesslog``, batched, in the same JSON shape.)
"""

import json
import logging

# Characters JSON allows raw inside strings but that line-based readers take as line breaks.
_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def _dumps(data: dict) -> str:
    try:
        text = json.dumps(data, ensure_ascii=False)
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate cannot be written as UTF-8: escape everything
        return json.dumps(data, ensure_ascii=True)
    return text.translate(_LINE_BREAKS)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None:
            data["method"] = getattr(request, "method", None)
            data["path"] = getattr(request, "path", None)
        for name in ("status", "bytes", "ms", "method", "path", "query"):
            if hasattr(record, name) and name not in data:
                data[name] = getattr(record, name)
        status = getattr(record, "status_code", None)
        if status is not None:
            data["status"] = status
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return _dumps(data)
