"""Code mentions in free text: find them, and turn them into safe markup with links.

A mention is a KVÅ code (two capital letters and three digits) or a range written the way
the sources write it ("ZX102-130"). A mention links to the code's page only when the code
stands in one of the lists; anything else is marked as a reference outside the lists, so
a page never carries a link that leads nowhere.
"""

import re
from collections.abc import Callable, Collection

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

CODE_PATTERN = r"[A-Z]{2}[0-9]{3}"
MENTION_RE = re.compile(rf"(?<![A-Za-z0-9ÅÄÖåäö])({CODE_PATTERN})(?:[-–]([0-9]{{3}}))?(?![A-Za-z0-9ÅÄÖåäö])")
CODE_RE = re.compile(rf"^{CODE_PATTERN}$")


def normalize_code(raw: str) -> str | None:
    """'au 118' → 'AU118'; None when the text cannot be a code."""
    candidate = re.sub(r"\s+", "", raw or "").upper()
    return candidate if CODE_RE.match(candidate) else None


def codes_in(text: str | None) -> list[str]:
    """The codes a text mentions, in order of first mention, each once (a range gives its first code)."""
    seen: dict[str, None] = {}
    for match in MENTION_RE.finditer(text or ""):
        seen.setdefault(match.group(1), None)
    return list(seen)


def _outside(label: str) -> str:
    return format_html(
        '<span class="kod-utanfor" title="Finns inte i guidens listor">{}'
        '<span class="visually-hidden"> (finns inte i guidens listor)</span></span>',
        label,
    )


def link_codes(text: str | None, known: Collection[str], url_for: Callable[[str], str] | None = None) -> SafeString:
    """Escape text and turn each code mention into a link (known codes) or a marked reference."""
    url_for = url_for or (lambda code: reverse("catalog:code", args=[code]))
    out: list[str] = []
    position = 0
    text = text or ""
    for match in MENTION_RE.finditer(text):
        out.append(escape(text[position : match.start()]))
        code, range_end = match.group(1), match.group(2)
        if range_end is None and code in known:
            out.append(format_html('<a class="kod" href="{}">{}</a>', url_for(code), code))
        else:
            out.append(_outside(match.group(0)))
        position = match.end()
    out.append(escape(text[position:]))
    return mark_safe("".join(out))


def paragraphs(markup: SafeString) -> SafeString:
    """Blank lines start a paragraph, single line breaks stay line breaks."""
    blocks = [block for block in re.split(r"\n\s*\n", str(markup)) if block.strip()]
    return mark_safe("".join(f"<p>{block.strip().replace(chr(10), '<br>')}</p>" for block in blocks))
