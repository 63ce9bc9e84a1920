"""A case's key as pages show it (each code with its title and quoted rules) and its hint.

Shared by the practice page, the trainer's summary and the live class, so the class reveals the key
with the very quotes the practice feedback uses.
"""

from catalog.models import Code, CodeList
from catalog.training import feedback
from catalog.visits.views import source_labels

FIELDS = {"title": "Titeln", "beskrivning": "Beskrivningen", "anvisning": "Anvisningen"}


def quote_rows(quotes: list[feedback.Quote], labels: dict) -> list[dict]:
    return [{"quote": q, "source": labels.get(q.ref, (q.ref, ""))} for q in quotes]


def facit_for(key: feedback.Key) -> tuple[dict, dict, dict]:
    """(the key as _practice_facit.html shows it, code → title, quote ref → (label, link))."""
    labels = source_labels({q.ref for q in key.quotes})
    titles = dict(Code.objects.filter(code__in=key.required + key.forbidden + key.allowed).values_list("code", "title"))
    facit = {
        "required": [
            (code, titles.get(code, ""), quote_rows(key.quotes_for("kravs", code), labels)) for code in key.required
        ],
        "forbidden": [
            (code, titles.get(code, ""), quote_rows(key.quotes_for("fel", code), labels)) for code in key.forbidden
        ],
        "allowed": [(code, titles.get(code, "")) for code in key.allowed],
        "contact_quotes": quote_rows(key.quotes_for("kontakt"), labels),
        "general": quote_rows(key.quotes_for("allmant"), labels),
    }
    return facit, titles, labels


def hint_for(key: feedback.Key) -> dict | None:
    """The hint's quote, with where it stands said without naming a code (and without a link to one)."""
    quote = feedback.hint(key)
    if quote is None:
        return None
    kind, _, rest = quote.ref.partition(":")
    parts = rest.split("/")
    if kind == "entry" and len(parts) == 3:
        list_title = CodeList.objects.filter(slug=parts[0]).values_list("title", flat=True).first() or parts[0]
        where = f"{FIELDS.get(parts[2], parts[2])} för en kod i {list_title}"
        return {"quote": quote, "source": (where, "")}
    return {"quote": quote, "source": source_labels({quote.ref}).get(quote.ref, (quote.ref, ""))}


def graded(key: feedback.Key, typed: str, contact: str, titles: dict, labels: dict) -> dict:
    """A learner's answer graded: the feedback and, per code, its verdict, title and quotes."""
    codes, junk = feedback.parse_codes(typed)
    result = feedback.grade(key, codes, contact or None)
    result.not_codes = junk
    known_titles = dict(Code.objects.filter(code__in=codes).values_list("code", "title"))
    verdicts = [
        {
            "verdict": v,
            "title": known_titles.get(v.code) or titles.get(v.code, ""),
            "quotes": quote_rows(v.quotes, labels),
        }
        for v in result.codes
    ]
    return {"result": result, "verdicts": verdicts}
