"""Search: a query in, ranked hits out.

Matching is done by one engine over an index built from the database, so SQLite and
PostgreSQL give the same answers. The index lives in each process and is rebuilt when the
content changes: every save of indexed content writes a new ``SearchIndexState.generation``,
and each search compares it (one query) before using the index it holds.

What a query matches, best first:
- a code, exactly or by prefix, in any case, with or without a space or leading zero;
- a word's stem (Snowball Swedish, as PostgreSQL's ``swedish`` configuration), å/ä/ö folded;
- the start of a longer word (typing in progress; the first part of a compound);
- a part inside a compound ("genomgång" in "läkemedelsgenomgång");
- a word one letter off (two for long words), when nothing closer matches;
- a synonym: a clinician's word or abbreviation that coordinators map to words or codes.
"""

import bisect
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import swedish, textlinks

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 20

# How much a word counts depending on where it stands.
WEIGHT_CODE = 20.0
WEIGHT_TITLE = 10.0
WEIGHT_INSTRUCTION_NAMED = 4.0  # a section instruction that names the code ("… kodas som DU011")
WEIGHT_BODY = 2.0
WEIGHT_SECTION_TITLE = 1.0
WEIGHT_INSTRUCTION_SECTION = 0.5  # the instruction of the section the code stands in

# How well a query word matches an index term.
QUALITY_EXACT = 1.0
QUALITY_SYNONYM = 0.95
QUALITY_PREFIX = 0.8
QUALITY_PART = 0.7
QUALITY_TYPO = (0.0, 0.55, 0.4)  # by edit distance

CODE_QUERY_RE = re.compile(r"^([A-ZÅÄÖ]{2})0*([0-9]{0,3})$")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Hit:
    code: str
    title: str
    url: str
    lists: list[str]
    snippet: SafeString
    title_html: SafeString
    score: float = 0.0

    @property
    def snippet_text(self) -> str:
        return (
            re.sub(r"</?mark>", "", str(self.snippet)).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        )


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    hint: str = ""

    @property
    def is_empty_query(self) -> bool:
        return not self.hits and bool(self.hint) and len(self.query) < 2


@dataclass
class IndexedCode:
    code: str
    title: str
    lists: list[tuple[str, str]]  # (slug, title)
    texts: list[str]  # titles first, then beskrivning, anvisning, instructions: for snippets


class SearchIndex:
    def __init__(self, generation: str):
        self.generation = generation
        self.codes: dict[str, IndexedCode] = {}
        self.postings: dict[str, dict[str, float]] = defaultdict(dict)
        self.synonyms: dict[str, list[str]] = {}
        self.vocabulary: list[str] = []
        self.deletes: dict[str, set[str]] = defaultdict(set)

    def add(self, code: str, text: str | None, weight: float) -> None:
        for term in swedish.terms(text or ""):
            postings = self.postings[term]
            if postings.get(code, 0.0) < weight:
                postings[code] = weight

    def finish(self) -> None:
        self.vocabulary = sorted(self.postings)
        for term in self.vocabulary:
            if len(term) >= 4:
                for variant in _deletes(term):
                    self.deletes[variant].add(term)

    def matches(self, word: str) -> dict[str, float]:
        """Index terms this query word matches, each with how well."""
        stemmed = swedish.term(word)
        whole = swedish.fold(word)
        found: dict[str, float] = {}

        def note(term: str, quality: float) -> None:
            if quality > found.get(term, 0.0):
                found[term] = quality

        if whole in self.postings:
            note(whole, QUALITY_EXACT)
        if stemmed in self.postings:
            # The stemmer sometimes cuts deep ("farlighet" → "far"); such a stem is a weak match.
            note(stemmed, QUALITY_EXACT if len(stemmed) >= len(whole) - 3 else QUALITY_PART)
        for prefix, quality in ((whole, QUALITY_PREFIX + 0.05), (stemmed, QUALITY_PREFIX)):
            if len(prefix) >= 3:
                for candidate in self._starting_with(prefix):
                    note(candidate, quality)
        parts = {t for t in (whole, stemmed) if len(t) >= 4}
        if parts:
            for candidate in self.vocabulary:
                if any(part in candidate for part in parts):
                    note(candidate, QUALITY_PART)
        if not found and len(stemmed) >= 4:
            limit = 2 if len(stemmed) >= 8 else 1
            for candidate in self._near(stemmed, limit):
                distance = _distance(stemmed, candidate)
                if distance <= limit:
                    note(candidate, QUALITY_TYPO[distance])
            if not found:
                # A typo in a word still being typed, or in the first part of a compound ("suicd").
                for candidate in self._starting_with(stemmed[:1]):
                    for length in (len(stemmed), len(stemmed) + 1):
                        if length < len(candidate) and _distance(stemmed, candidate[:length], limit) <= limit:
                            note(candidate, QUALITY_TYPO[2])
                            break
        return found

    def _starting_with(self, prefix: str) -> list[str]:
        start = bisect.bisect_left(self.vocabulary, prefix)
        end = bisect.bisect_left(self.vocabulary, prefix + "\uffff", start)
        return self.vocabulary[start:end]

    def _near(self, term: str, limit: int) -> set[str]:
        variants = {term} | _deletes(term)
        if limit == 2:
            variants |= {second for first in _deletes(term) for second in _deletes(first)}
        near: set[str] = set()
        for variant in variants:
            if variant in self.postings:
                near.add(variant)
            near |= self.deletes.get(variant, set())
        return near


def _deletes(term: str) -> set[str]:
    return {term[:i] + term[i + 1 :] for i in range(len(term))}


def _distance(a: str, b: str, limit: int = 99) -> int:
    """Optimal string alignment distance (a swap of two letters counts once); stops early past limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return previous[-1]


def build_index(generation: str) -> SearchIndex:
    from .models import Entry, Section, Synonym

    index = SearchIndex(generation)
    entries = (
        Entry.objects.select_related("code", "code_list", "section")
        .filter(code__outside_lists=False)
        .order_by("code_list__order", "section__order", "order")
    )
    sections: dict[int, list[str]] = defaultdict(list)
    for entry in entries:
        code = entry.code.code
        indexed = index.codes.get(code)
        if indexed is None:
            indexed = index.codes[code] = IndexedCode(code=code, title=entry.code.title, lists=[], texts=[])
            index.add(code, code, WEIGHT_CODE)
            index.add(code, entry.code.title, WEIGHT_TITLE)
        if (entry.code_list.slug, entry.code_list.title) not in indexed.lists:
            indexed.lists.append((entry.code_list.slug, entry.code_list.title))
        for title in (entry.title, entry.overview_title):
            index.add(code, title, WEIGHT_TITLE)
        for text in (entry.beskrivning, entry.anvisning):
            index.add(code, text, WEIGHT_BODY)
            if text:
                indexed.texts.append(text)
        index.add(code, entry.section.title, WEIGHT_SECTION_TITLE)
        sections[entry.section_id].append(code)
    for section in Section.objects.filter(id__in=sections).exclude(instructions=""):
        named = [code for code in textlinks.codes_in(section.instructions) if code in index.codes]
        for code in named:
            index.add(code, section.instructions, WEIGHT_INSTRUCTION_NAMED)
            index.codes[code].texts.append(section.instructions)
        for code in sections[section.id]:
            if code not in named:
                index.add(code, section.instructions, WEIGHT_INSTRUCTION_SECTION)
    for synonym in Synonym.objects.all():
        key = " ".join(swedish.fold(w) for w in swedish.words(synonym.term))
        if key:
            index.synonyms[key] = swedish.words(synonym.expansion)
    index.finish()
    return index


_cache = threading.local()


def current_index() -> SearchIndex:
    from .models import SearchIndexState

    generation = SearchIndexState.current()
    index = getattr(_cache, "index", None)
    if index is None or index.generation != generation:
        index = _cache.index = build_index(generation)
    return index


def clean_query(query: str) -> str:
    return " ".join(CONTROL_RE.sub(" ", query or "").split())[:MAX_QUERY_LENGTH]


def _code_hits(index: SearchIndex, query: str) -> list[tuple[str, float]]:
    """Codes the query names: exact first, then by prefix ('du11' is DU011, then DU11x)."""
    match = CODE_QUERY_RE.match(re.sub(r"\s+", "", query).upper())
    if not match:
        return []
    letters, digits = match.groups()
    raw_digits = re.sub(r"\s+", "", query)[2:]
    found: list[tuple[str, float]] = []
    if digits:
        exact = letters + digits.zfill(3)
        if exact in index.codes:
            found.append((exact, 1000.0))
    prefixes = {letters + raw_digits, letters + digits} if raw_digits else {letters}
    for code in sorted(index.codes):
        if any(code.startswith(p) for p in prefixes) and code not in dict(found):
            found.append((code, 500.0 if digits else 1.0))
    return found


@dataclass
class _Group:
    """One thing the query asks for: a word, or a synonym and what it stands for."""

    raw: dict[str, float]  # index terms the typed word(s) match -> quality
    expansion: list[dict[str, float]] = field(default_factory=list)  # per word of a synonym's meaning
    codes: dict[str, float] = field(default_factory=dict)  # codes a synonym names -> score


def _groups(index: SearchIndex, query: str) -> list[_Group]:
    query_words = swedish.words(query)
    folded = [swedish.fold(w) for w in query_words]
    covered: set[int] = set()
    groups: list[_Group] = []
    for key, expansion in index.synonyms.items():
        key_words = key.split()
        for start in range(len(folded) - len(key_words) + 1):
            if folded[start : start + len(key_words)] != key_words:
                continue
            covered.update(range(start, start + len(key_words)))
            raw: dict[str, float] = {}
            for word in query_words[start : start + len(key_words)]:
                raw.update(index.matches(word))
            group = _Group(raw=raw)
            for word in expansion:
                code = textlinks.normalize_code(word)
                if code and code in index.codes:
                    group.codes[code] = WEIGHT_TITLE * QUALITY_SYNONYM
                elif word.lower() not in swedish.STOPWORDS:
                    matches = {t: q * QUALITY_SYNONYM for t, q in index.matches(word).items() if q >= QUALITY_PART}
                    group.expansion.append(matches)
            groups.append(group)
    content_words = [i for i, w in enumerate(query_words) if w.lower() not in swedish.STOPWORDS]
    for i in content_words or range(len(query_words)):
        if i not in covered:
            groups.append(_Group(raw=index.matches(query_words[i])))
    return groups


def _best(index: SearchIndex, matches: dict[str, float], terms_for: dict[str, set[str]]) -> dict[str, float]:
    best: dict[str, float] = {}
    for term, quality in matches.items():
        for code, weight in index.postings.get(term, {}).items():
            terms_for[code].add(term)
            if quality * weight > best.get(code, 0.0):
                best[code] = quality * weight
    return best


def _score(index: SearchIndex, groups: list[_Group]) -> dict[str, tuple[int, float, set[str]]]:
    """code -> (how many of the query's groups it matches, score, the index terms it matched)."""
    results: dict[str, tuple[int, float, set[str]]] = {}
    for group in groups:
        terms_for: dict[str, set[str]] = defaultdict(set)
        values = _best(index, group.raw, terms_for)
        if group.expansion:
            # A synonym's meaning counts as a whole: a code holding more of its words scores higher.
            per_word = [_best(index, matches, terms_for) for matches in group.expansion]
            for code in set().union(*per_word):
                mean = sum(best.get(code, 0.0) for best in per_word) / len(per_word)
                values[code] = max(values.get(code, 0.0), mean)
        for code, bonus in group.codes.items():
            values[code] = values.get(code, 0.0) + bonus
        for code, value in values.items():
            matched, score, terms = results.get(code, (0, 0.0, set()))
            results[code] = (matched + 1, score + value, terms | terms_for.get(code, set()))
    return results


def _mark(text: str, terms: set[str], window: bool) -> SafeString:
    positions = [
        m
        for m in swedish.WORD_RE.finditer(text)
        if swedish.term(m.group(0)) in terms or swedish.fold(m.group(0)) in terms
    ]
    start, end, prefix, suffix = 0, len(text), "", ""
    if window and len(text) > 200:
        first = positions[0].start() if positions else 0
        start = max(0, text.rfind(" ", 0, max(0, first - 60)) + 1) if first > 60 else 0
        end = text.find(" ", min(len(text), start + 200))
        end = len(text) if end == -1 else end
        prefix = "… " if start > 0 else ""
        suffix = " …" if end < len(text) else ""
    out, cursor = [prefix], start
    for match in positions:
        if match.start() < start or match.end() > end:
            continue
        out.append(escape(text[cursor : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        cursor = match.end()
    out.append(escape(text[cursor:end]))
    out.append(suffix)
    return mark_safe("".join(out).replace("\n", " "))


def _snippet(indexed: IndexedCode, terms: set[str]) -> SafeString:
    for text in indexed.texts:
        if any(swedish.term(w) in terms for w in swedish.words(text)):
            return _mark(text, terms, window=True)
    return _mark(indexed.texts[0], set(), window=True) if indexed.texts else mark_safe("")


def search(query: str, within_list: str = "", limit: int = MAX_RESULTS) -> SearchResult:
    cleaned = clean_query(query)
    if len(cleaned) < 2 or not swedish.words(cleaned):
        hint = "Skriv minst två tecken: en kod (t.ex. AU118), en förkortning (t.ex. KBT) eller ett ord (t.ex. suicid)."
        return SearchResult(query=cleaned, hint=hint)
    index = current_index()
    code_hits = dict(_code_hits(index, cleaned))
    groups = _groups(index, cleaned)
    scored = _score(index, groups)
    for code, bonus in code_hits.items():
        matched, score, terms = scored.get(code, (0, 0.0, set()))
        scored[code] = (max(matched, len(groups)), score + bonus, terms)

    def rank(item):
        code, (matched, score, _terms) = item
        in_list = any(slug == within_list for slug, _ in index.codes[code].lists) if within_list else False
        return (-matched, -(score >= 500), not in_list, -score, code)

    ranked = sorted(((c, v) for c, v in scored.items() if c in index.codes), key=rank)[:limit]
    hits = []
    for code, (_matched, score, terms) in ranked:
        indexed = index.codes[code]
        hits.append(
            Hit(
                code=code,
                title=indexed.title,
                url=reverse("catalog:code", args=[code]),
                lists=[title for _slug, title in indexed.lists],
                snippet=_snippet(indexed, terms),
                title_html=_mark(indexed.title, terms, window=False),
                score=round(score, 2),
            )
        )
    hint = "" if hits else f"Inga träffar på ”{cleaned}”. Pröva en kod, en förkortning eller ett annat ord."
    return SearchResult(query=cleaned, hits=hits, hint=hint)
