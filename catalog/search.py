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
import datetime
import heapq
import html
import re
import threading
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from itertools import chain, repeat

from django.urls import reverse
from django.utils.safestring import SafeString

from . import freshness, swedish, textlinks

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
    retired_on: datetime.date | None = None

    @property
    def snippet_text(self) -> str:
        return html.unescape(re.sub(r"</?mark>", "", str(self.snippet)))


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    hint: str = ""


@dataclass
class IndexedCode:
    code: str
    title: str
    lists: list[tuple[str, str]]  # (slug, title)
    texts: list[str]  # beskrivning, anvisning, instructions naming the code: for snippets
    retired_on: datetime.date | None = None
    _words: list[list[tuple[int, int, str, str]]] | None = None
    _title_words: list[tuple[int, int, str, str]] | None = None
    _text_terms: list[frozenset[str]] | None = None

    def words(self) -> list[list[tuple[int, int, str, str]]]:
        """Each text's words as (start, end, stem, folded word); worked out the first time a snippet needs them."""
        if self._words is None:
            self._words = [
                [
                    (m.start(), m.end(), swedish.term(m.group(0)), swedish.fold(m.group(0)))
                    for m in swedish.WORD_RE.finditer(text)
                ]
                for text in self.texts
            ]
            self._text_terms = [
                frozenset(w[2] for w in words) | frozenset(w[3] for w in words) for words in self._words
            ]
        return self._words

    def title_words(self) -> list[tuple[int, int, str, str]]:
        if self._title_words is None:
            self._title_words = _word_spans(self.title)
        return self._title_words

    def text_terms(self) -> list[frozenset[str]]:
        self.words()
        return self._text_terms


class SearchIndex:
    def __init__(self, generation: str):
        self.generation = generation
        self.codes: dict[str, IndexedCode] = {}
        self.postings: dict[str, dict[str, float]] = defaultdict(dict)
        self.synonyms: dict[str, list[str]] = {}
        self.vocabulary: list[str] = []
        self.deletes: dict[str, set[str]] = defaultdict(set)
        self.sorted_codes: list[str] = []
        self.buckets: dict[str, list[tuple[float, tuple[str, ...]]]] = {}  # term -> [(weight, codes)]
        self.list_codes: dict[str, set[str]] = defaultdict(set)
        self.retired: set[str] = set()
        # The vocabulary as one string, to find compound parts with one C-level scan.
        self._joined = ""
        self._offsets: list[int] = []

    def code_url(self, code: str) -> str:
        if not hasattr(self, "_url_template"):
            self._url_template = reverse("catalog:code", args=["XX000"]).replace("XX000", "{}")
        return self._url_template.format(code)

    def add(self, code: str, text: str | None, weight: float) -> None:
        for term in swedish.terms(text or ""):
            postings = self.postings[term]
            if postings.get(code, 0.0) < weight:
                postings[code] = weight

    def finish(self) -> None:
        self.vocabulary = sorted(self.postings)
        self.sorted_codes = sorted(self.codes)
        for term, postings in self.postings.items():
            by_weight: dict[float, list[str]] = defaultdict(list)
            for code, weight in postings.items():
                by_weight[weight].append(code)
            self.buckets[term] = sorted(((w, tuple(c)) for w, c in by_weight.items()), reverse=True)
        self.postings = defaultdict(dict)  # only needed while building
        for code, indexed in self.codes.items():
            for slug, _title in indexed.lists:
                self.list_codes[slug].add(code)
        offsets, position = [], 0
        for term in self.vocabulary:
            offsets.append(position)
            position += len(term) + 1
        self._offsets = offsets
        self._joined = "\n".join(self.vocabulary)
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

        if whole in self.buckets:
            note(whole, QUALITY_EXACT)
        if stemmed in self.buckets:
            # The stemmer sometimes cuts deep ("farlighet" → "far"); such a stem is a weak match.
            note(stemmed, QUALITY_EXACT if len(stemmed) >= len(whole) - 3 else QUALITY_PART)
        for prefix, quality in ((whole, QUALITY_PREFIX + 0.05), (stemmed, QUALITY_PREFIX)):
            if len(prefix) >= 3:
                for candidate in self._starting_with(prefix):
                    note(candidate, quality)
        for part in {t for t in (whole, stemmed) if len(t) >= 4}:
            for candidate in self._containing(part):
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

    def _containing(self, part: str) -> set[str]:
        found = set()
        position = self._joined.find(part)
        while position != -1:
            index = bisect.bisect_right(self._offsets, position) - 1
            found.add(self.vocabulary[index])
            # Jump to the next term: one hit per term is enough.
            next_start = self._offsets[index + 1] if index + 1 < len(self._offsets) else len(self._joined)
            position = self._joined.find(part, next_start)
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
            if variant in self.buckets:
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
            if entry.code.is_retired:
                indexed.retired_on = entry.code.valid_to
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
    index.retired = {code for code, indexed in index.codes.items() if indexed.retired_on}
    return index


_cache = threading.local()


def current_index() -> SearchIndex:
    """The index for the content as it is now (as of at most CONTENT_CHECK_SECONDS ago)."""
    generation = freshness.generation()
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
    already = {code for code, _ in found}
    for prefix in sorted(prefixes):
        start = bisect.bisect_left(index.sorted_codes, prefix)
        for code in index.sorted_codes[start:]:
            if not code.startswith(prefix):
                break
            if code not in already:
                already.add(code)
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


def _best(index: SearchIndex, matches: dict[str, float]) -> dict[str, float]:
    """code -> the best value any of these matched terms gives it."""
    pairs = [
        (quality * weight, codes) for term, quality in matches.items() for weight, codes in index.buckets.get(term, ())
    ]
    pairs.sort(key=lambda pair: pair[0], reverse=True)
    best: dict[str, float] = {}
    for value, codes in pairs:
        # Highest values come first, so setdefault keeps each code's best; map() keeps the loop in C.
        deque(map(best.setdefault, codes, repeat(value)), maxlen=0)
    return best


def _summed(dicts: list[dict[str, float]], codes) -> dict[str, float]:
    """code -> the sum of its values in the dicts (0 where missing), for the given codes.

    Written out for one and two dicts, the common cases: this runs over thousands of codes.
    """
    if len(dicts) == 1:
        get = dicts[0].get
        return {code: get(code, 0.0) for code in codes}
    if len(dicts) == 2:
        first, second = dicts[0].get, dicts[1].get
        return {code: first(code, 0.0) + second(code, 0.0) for code in codes}
    getters = [d.get for d in dicts]
    return {code: sum(get(code, 0.0) for get in getters) for code in codes}


def _score(index: SearchIndex, groups: list[_Group]) -> list[dict[str, float]]:
    """For each of the query's groups: code -> how well the code matches it."""
    per_group = []
    for group in groups:
        values = _best(index, group.raw)
        if group.expansion:
            # A synonym's meaning counts as a whole: a code holding more of its words scores higher.
            per_word = [_best(index, matches) for matches in group.expansion]
            # The meaning is a phrase: codes holding all its words, if there are any, else any of them.
            holders = set.intersection(*(set(best) for best in per_word)) or set().union(*per_word)
            means = _summed(per_word, holders)
            for code, total in means.items():
                mean = total / len(per_word)
                if mean > values.get(code, 0.0):
                    values[code] = mean
        for code, bonus in group.codes.items():
            values[code] = values.get(code, 0.0) + bonus
        per_group.append(values)
    return per_group


def _rank(per_group: list[dict[str, float]], code_hits: dict[str, float], in_list: set[str], limit: int) -> list[str]:
    """The best codes: named codes first, then by how many parts of the query they match,
    then (when searching from a list) that list's codes, then by score, then by code."""
    order = sorted(code_hits, key=lambda code: (-code_hits[code], code))[:limit]
    taken = set(order)
    if per_group:
        everywhere = set.intersection(*(set(values) for values in per_group))
        if len(everywhere - taken) >= limit - len(order):
            tiers = [everywhere]  # the codes matching only part of the query cannot make the list
        else:
            coverage = Counter(chain.from_iterable(per_group))
            by_coverage: dict[int, list[str]] = defaultdict(list)
            for code, matched in coverage.items():
                by_coverage[matched].append(code)
            tiers = [by_coverage[matched] for matched in sorted(by_coverage, reverse=True)]
        for tier in tiers:
            if len(order) >= limit:
                break
            scores = per_group[0] if len(per_group) == 1 else _summed(per_group, tier)
            pool = [code for code in tier if code not in taken]
            pools = [[c for c in pool if c in in_list], [c for c in pool if c not in in_list]] if in_list else [pool]
            for pool in pools:
                need = limit - len(order)
                if need <= 0 or not pool:
                    continue
                threshold = heapq.nlargest(need, map(scores.__getitem__, pool))[-1]
                best = sorted((c for c in pool if scores[c] >= threshold), key=lambda c: (-scores[c], c))[:need]
                order += best
                taken.update(best)
    return order


def _word_spans(text: str) -> list[tuple[int, int, str, str]]:
    return [
        (m.start(), m.end(), swedish.term(m.group(0)), swedish.fold(m.group(0))) for m in swedish.WORD_RE.finditer(text)
    ]


def _highlight(text: str, words: list[tuple[int, int, str, str]], terms: set[str], window: bool) -> SafeString:
    """The text (or a window of it around the first match) with matched words in <mark>."""
    marked = [(start, end) for start, end, stem, folded in words if stem in terms or folded in terms] if terms else []
    start, end = 0, len(text)
    if window and len(text) > 200:
        anchor = marked[0][0] if marked else 0
        start = text.rfind(" ", 0, anchor - 60) + 1 if anchor > 60 else 0
        end = text.find(" ", start + 200)
        end = len(text) if end == -1 else end
    out, cursor = ["… " if start > 0 else ""], start
    for word_start, word_end in marked:
        if word_start < start:
            continue
        if word_end > end:
            break
        out.append(html.escape(text[cursor:word_start]))
        out.append(f"<mark>{html.escape(text[word_start:word_end])}</mark>")
        cursor = word_end
    out.append(html.escape(text[cursor:end]))
    out.append(" …" if end < len(text) else "")
    return SafeString("".join(out).replace("\n", " "))


def _snippet(indexed: IndexedCode, terms: set[str]) -> SafeString:
    words = indexed.words()
    for text, text_words, text_terms in zip(indexed.texts, words, indexed.text_terms(), strict=True):
        if not text_terms.isdisjoint(terms):
            return _highlight(text, text_words, terms, window=True)
    return _highlight(indexed.texts[0], [], set(), window=True) if indexed.texts else SafeString("")


def search(query: str, within_list: str = "", limit: int = MAX_RESULTS) -> SearchResult:
    cleaned = clean_query(query)
    if len(cleaned) < 2 or not swedish.words(cleaned):
        hint = "Skriv minst två tecken: en kod (t.ex. AU118), en förkortning (t.ex. KBT) eller ett ord (t.ex. suicid)."
        return SearchResult(query=cleaned, hint=hint)
    index = current_index()
    code_hits = dict(_code_hits(index, cleaned))
    groups = _groups(index, cleaned)
    per_group = _score(index, groups)
    matched_terms = {term for group in groups for term in group.raw} | {
        term for group in groups for matches in group.expansion for term in matches
    }
    in_list = index.list_codes.get(within_list, set())
    # Retired codes stay findable, but after every code in use.
    current = (
        [{c: v for c, v in values.items() if c not in index.retired} for values in per_group]
        if index.retired
        else per_group
    )
    ranked = _rank(current, {c: v for c, v in code_hits.items() if c not in index.retired}, in_list, limit)
    if len(ranked) < limit and index.retired:
        retired = [{c: v for c, v in values.items() if c in index.retired} for values in per_group]
        ranked += _rank(
            retired, {c: v for c, v in code_hits.items() if c in index.retired}, in_list, limit - len(ranked)
        )
    hits = []
    for code in ranked:
        indexed = index.codes[code]
        terms = matched_terms
        hits.append(
            Hit(
                code=code,
                title=indexed.title,
                url=index.code_url(code),
                lists=[title for _slug, title in indexed.lists],
                snippet=_snippet(indexed, terms),
                title_html=_highlight(indexed.title, indexed.title_words(), terms, window=False),
                retired_on=indexed.retired_on,
            )
        )
    hint = "" if hits else f"Inga träffar på ”{cleaned}”. Pröva en kod, en förkortning eller ett annat ord."
    return SearchResult(query=cleaned, hits=hits, hint=hint)
