"""Search: a query in, ranked hits out. (Issue 3 replaces the matching with full-text search.)"""

from dataclasses import dataclass, field

from django.db.models import Q

from . import textlinks
from .models import Code

MAX_QUERY_LENGTH = 200


@dataclass
class Hit:
    code: Code
    lists: list[str]
    snippet: str = ""


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    hint: str = ""


def search(query: str, within_list: str = "", limit: int = 20) -> SearchResult:
    cleaned = " ".join(query.replace("\x00", " ").split())[:MAX_QUERY_LENGTH]
    if len(cleaned) < 2:
        return SearchResult(
            query=cleaned, hint="Skriv minst två tecken: en kod (t.ex. AU118) eller ett ord (t.ex. suicid)."
        )
    code = textlinks.normalize_code(cleaned)
    codes = Code.objects.filter(entries__isnull=False).distinct()
    if code:
        matches = codes.filter(code=code)
    else:
        compact = cleaned.replace(" ", "").upper()
        matches = codes.filter(
            Q(code__startswith=compact) | Q(title__icontains=cleaned) | Q(entries__title__icontains=cleaned)
        )
    hits = [
        Hit(code=c, lists=sorted({e.code_list.title for e in c.entries.all()}))
        for c in matches.prefetch_related("entries__code_list").order_by("code")[:limit]
    ]
    hint = "" if hits else f"Inga träffar på ”{cleaned}”. Pröva en kod, en förkortning eller ett annat ord."
    return SearchResult(query=cleaned, hits=hits, hint=hint)
