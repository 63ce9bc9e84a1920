"""A whole number as an address, a form or a CSV file writes it, or None.

``str.isdigit`` is true for "²" and "٣", which ``int`` then refuses or reads as another number:
every place that takes an id or a version from outside reads it here, so such input is "not a
number" (a 404 or a refusal), never a 500.
"""


def whole_number(value: object) -> int | None:
    text = str(value) if isinstance(value, (str, int)) else ""
    return int(text) if text.isascii() and text.isdigit() else None
