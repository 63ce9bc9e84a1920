"""Grading a practice case: an answer key and a learner's codes → feedback per code, a score.

Plain data and functions, no requests and no database (catalog.practice holds the models,
catalog.practice_content builds keys from the content file and from the database).
"""

import re
from dataclasses import dataclass, field

from catalog.text import textlinks
from catalog.visits import wizard

CONTEXTS = ("psykiatri", "psykolog", "rehab", "sob", "bhv")
ABOUT = ("kravs", "fel", "tillats", "kontakt", "allmant")


@dataclass(frozen=True)
class Quote:
    about: str  # kravs | fel | tillats | kontakt | allmant
    code: str
    text: str
    ref: str  # quote_from, as the wizard's quotes name it


@dataclass
class Key:
    slug: str
    title: str
    context: str
    required: list[str]
    forbidden: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)
    contact: str | None = None  # "<document slug>/<contact type slug>"
    quotes: list[Quote] = field(default_factory=list)

    def quotes_for(self, about: str, code: str = "") -> list[Quote]:
        return [q for q in self.quotes if q.about == about and q.code == code]


@dataclass
class CodeVerdict:
    code: str
    verdict: str  # ratt | saknas | fel | tillats | utanfor
    quotes: list[Quote]

    LABELS = {
        "ratt": "Rätt",
        "saknas": "Saknas",
        "fel": "Fel",
        "tillats": "Får användas men behövs inte",
        "utanfor": "Ingår inte i facit",
    }

    @property
    def label(self) -> str:
        return self.LABELS[self.verdict]


@dataclass
class Feedback:
    codes: list[CodeVerdict]
    not_codes: list[str]  # what the learner typed that cannot be a code
    contact_asked: bool
    contact_right: bool | None  # None when the key has no contact type
    contact_quotes: list[Quote]
    score: int
    max_score: int

    @property
    def solved(self) -> bool:
        return (
            all(c.verdict in ("ratt", "tillats") for c in self.codes)
            and not any(c.verdict == "saknas" for c in self.codes)
            and self.contact_right is not False
        )

    def count(self, verdict: str) -> int:
        return sum(1 for c in self.codes if c.verdict == verdict)


TOKEN_RE = re.compile(r"[\s,;+/]+")


def parse_codes(text: str) -> tuple[list[str], list[str]]:
    """What a learner typed → (codes in order, each once; the bits that are not codes)."""
    codes: dict[str, None] = {}
    junk: list[str] = []
    for token in TOKEN_RE.split((text or "")[:500]):
        if not token:
            continue
        code = textlinks.normalize_code(token)
        if code:
            codes.setdefault(code, None)
        elif token[:20] not in junk:
            junk.append(token[:20])
    return list(codes), junk[:10]


def grade(key: Key, answered: list[str], contact: str | None = None) -> Feedback:
    """Each code right, missing (with the rule), wrong (with why), allowed, or outside the key."""
    verdicts: list[CodeVerdict] = []
    for code in key.required:
        if code in answered:
            verdicts.append(CodeVerdict(code, "ratt", key.quotes_for("kravs", code)))
    for code in answered:
        if code in key.required:
            continue
        if code in key.forbidden:
            verdicts.append(CodeVerdict(code, "fel", key.quotes_for("fel", code)))
        elif code in key.allowed:
            verdicts.append(CodeVerdict(code, "tillats", key.quotes_for("tillats", code)))
        else:
            verdicts.append(CodeVerdict(code, "utanfor", []))
    for code in key.required:
        if code not in answered:
            verdicts.append(CodeVerdict(code, "saknas", key.quotes_for("kravs", code)))
    contact_right = None if key.contact is None else contact == key.contact
    right = sum(1 for v in verdicts if v.verdict == "ratt") + (1 if contact_right else 0)
    wrong = sum(1 for v in verdicts if v.verdict == "fel")
    return Feedback(
        codes=verdicts,
        not_codes=[],
        contact_asked=key.contact is not None,
        contact_right=contact_right,
        contact_quotes=key.quotes_for("kontakt"),
        score=max(0, right - wrong),
        max_score=len(key.required) + (1 if key.contact else 0),
    )


def validate(
    key: Key, known_codes: set[str], quote_ok=None, contact_refs: set[str] | None = None, where: str = ""
) -> list[str]:
    """Everything wrong with a case's key, as Swedish sentences a trainer can act on; each starts with
    ``where`` (by default the case's kortnamn, as the content file names it)."""
    where = where or f"Övningen ”{key.slug}”"
    errors = []
    if not wizard.SLUG_RE.match(key.slug or ""):
        errors.append(f"{where}: kortnamnet får bara ha små bokstäver a–z, siffror och bindestreck.")
    if key.context not in CONTEXTS:
        errors.append(f"{where}: sammanhanget ska vara ett av {', '.join(CONTEXTS)}.")
    if not key.required and not key.contact:
        errors.append(f"{where}: facit behöver minst en kod som ska användas eller en kontakttyp.")
    groups = {"ska användas": key.required, "får inte användas": key.forbidden, "får användas": key.allowed}
    seen: dict[str, str] = {}
    for name, codes in groups.items():
        for code in codes:
            if code not in known_codes:
                errors.append(f"{where}: koden {code} ({name}) finns inte i guiden.")
            if code in seen:
                errors.append(f"{where}: koden {code} står både under ”{seen[code]}” och ”{name}”.")
            seen[code] = name
    for code in key.required:
        if not key.quotes_for("kravs", code):
            errors.append(f"{where}: {code} ska användas men inget citat säger varför.")
    for code in key.forbidden:
        if not key.quotes_for("fel", code):
            errors.append(f"{where}: {code} är fel men inget citat säger varför.")
    if key.contact:
        if contact_refs is not None and key.contact not in contact_refs:
            errors.append(f"{where}: kontakttypen ”{key.contact}” finns inte.")
        if not key.quotes_for("kontakt"):
            errors.append(f"{where}: kontakttypen saknar citat ur regeln.")
    for quote in key.quotes:
        if quote.about not in ABOUT:
            errors.append(f"{where}: citatet gäller ”{quote.about}”, som inte är ett av {', '.join(ABOUT)}.")
        if quote.code and quote.code not in seen:
            errors.append(f"{where}: ett citat gäller {quote.code}, som inte står i facit.")
        if not quote.text.strip():
            errors.append(f"{where}: ett citat är tomt.")
        elif quote_ok and not quote_ok(quote.text, quote.ref):
            errors.append(
                f"{where}: citatet ”{quote.text[:60]}…” står inte ordagrant i {quote.ref or '(ingen källa angiven)'}."
            )
    return errors


# A hint shows why the tempting code is wrong where the key has such a code, else why a needed code
# is needed, else the contact rule: the quote that decides the case, before the key says which code.
HINT_ORDER = ("fel", "kravs", "kontakt", "allmant")


def hint(key: Key) -> Quote | None:
    """The deciding quote; the first, in HINT_ORDER, that names no code of the key (the hint must not
    give the answer away), else the first quote there is."""
    in_key = set(key.required) | set(key.forbidden) | set(key.allowed)
    ordered = [q for about in HINT_ORDER for q in key.quotes if q.about == about]
    unnamed = [q for q in ordered if not in_key & set(textlinks.codes_in(q.text))]
    return (unnamed or ordered or [None])[0]
