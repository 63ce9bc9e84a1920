"""A word-level difference between two texts, as HTML: the one diff the history and the conflict message share.

Removed words are ``<del>``, added words ``<ins>``, each starting with a visually hidden "borttaget: " or
"tillagt: " so that a screen reader says what the mark means (colour and strike-through say it to the
eye; the CSS gives the colours). With ``context`` set, long runs of unchanged words are cut to that many
words on each side of a change, with "…" where words were left out: a one-word change in a long
Anvisning is found at a glance.
"""

import difflib
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ELLIPSIS = "…"
# Read aloud before each mark; the visible text shows the change by strike-through and underline.
SPOKEN = {"del": "borttaget: ", "ins": "tillagt: "}


@dataclass(frozen=True)
class Part:
    kind: str  # "equal", "del" or "ins"
    words: tuple[str, ...]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _words_of(value: object) -> list[str]:
    text = _text(value)
    return text.split(" ") if text else []


def parts(before: object, after: object) -> list[Part]:
    """The texts as runs of unchanged, removed and added words (split on spaces: line breaks stay in words)."""
    old, new = _words_of(before), _words_of(after)
    found: list[Part] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            found.append(Part("equal", tuple(old[a1:a2])))
            continue
        # A run of only empty words is a changed run of spaces: nothing a reader could see or hear.
        if any(old[a1:a2]):
            found.append(Part("del", tuple(old[a1:a2])))
        if any(new[b1:b2]):
            found.append(Part("ins", tuple(new[b1:b2])))
    return found


def trimmed(found: list[Part], context: int) -> list[Part]:
    """Unchanged runs cut to ``context`` words next to each change; what is left out becomes "…"."""
    if not any(part.kind != "equal" for part in found):
        return found
    out: list[Part] = []
    last = len(found) - 1
    for i, part in enumerate(found):
        words = part.words
        if part.kind != "equal":
            out.append(part)
            continue
        keep_head = context if i > 0 else 0  # words after the change before this run
        keep_tail = context if i < last else 0  # words before the change after this run
        if len(words) <= keep_head + keep_tail + 1:
            out.append(part)
            continue
        kept = [*words[:keep_head], ELLIPSIS, *words[len(words) - keep_tail :]]
        out.append(Part("equal", tuple(kept)))
    return out


def _words(words: tuple[str, ...]) -> str:
    return escape(" ".join(words)).replace("\n", "<br>")


def html(before: object, after: object, context: int | None = None) -> SafeString:
    """The difference as safe HTML; the whole text unless ``context`` asks for a trimmed one."""
    found = parts(before, after)
    if context is not None:
        found = trimmed(found, context)
    out = []
    for part in found:
        if part.kind == "equal":
            out.append(_words(part.words))
        else:
            spoken = f'<span class="visually-hidden">{SPOKEN[part.kind]}</span>'
            out.append(f"<{part.kind}>{spoken}{_words(part.words)}</{part.kind}>")
    return mark_safe(" ".join(out))


def is_trimmed(before: object, after: object, context: int) -> bool:
    """Whether ``html(before, after, context)`` leaves words out (so the whole text is worth offering)."""
    return trimmed(parts(before, after), context) != parts(before, after)
