"""Reading a JSON request body without letting a hostile one through to a 500.

``json.loads`` raises RecursionError on a body nested thousands deep, and returns lone surrogates
("\\ud800") that make the answer fail later, when it is encoded. Both are refused here as unreadable.
"""

import json


class Unreadable(ValueError):
    """The body is not JSON this site can read (not UTF-8, not JSON, too deep, or a lone surrogate)."""


def parse(body: bytes):
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Unreadable from None
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise Unreadable from None
    return data
