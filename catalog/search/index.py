"""The search index: every code's words, weighted by where they stand, and how one typed word matches them.

One engine over an index built from the database, so SQLite and PostgreSQL give the same answers. The
index lives in each process and is rebuilt when the content changes (catalog.caching.freshness).
A word matches a term by its stem, as the start of a longer word, as a part inside a compound, one or
two letters off, or through a synonym or concept coordinators keep (``SearchIndex.expanded``).
"""

import bisect
import datetime
import functools
import threading
from collections import defaultdict, deque
from dataclasses import dataclass
from itertools import chain

from django.urls import reverse
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from catalog.caching import freshness
from catalog.models import Concept, Entry, Section, Synonym
from catalog.search.results import SearchResult, WizardLink
from catalog.text import swedish, textlinks
from catalog.visits import wizard

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
QUALITY_CONCEPT = 0.9
QUALITY_PREFIX = 0.8
QUALITY_PART = 0.7
QUALITY_TYPO = (0.0, 0.55, 0.4)  # by edit distance
SPLIT_BELOW = 8  # a query word matching fewer codes than this is also tried as a compound


@dataclass
class IndexedCode:
    code: str
    title: str
    lists: list[tuple[str, str]]  # (slug, title)
    texts: list[str]  # beskrivning, anvisning, instructions naming the code: for snippets
    retired_on: datetime.date | None = None
    _words: list[list[tuple[int, int, str, str]] | None] | None = None
    _title_words: list[tuple[int, int, str, str]] | None = None
    _text_terms: list[frozenset[str] | None] | None = None
    _positions: list[dict[str, list[int]] | None] | None = None

    # Texts are read word by word only when a snippet or the proximity bonus needs them, and
    # only those texts that can hold a matched word at all (a plain substring test on the folded text).

    def _lazy(self) -> None:
        if self._words is None:
            self._words = [None] * len(self.texts)
            self._text_terms = [None] * len(self.texts)
            self._positions = [None] * (len(self.texts) + 1)

    def text_words(self, number: int) -> list[tuple[int, int, str, str]]:
        """One text's words as (start, end, stem, folded word)."""
        self._lazy()
        words = self._words[number]
        if words is None:
            words = self._words[number] = _word_spans(self.texts[number])
            self._text_terms[number] = frozenset(w[2] for w in words) | frozenset(w[3] for w in words)
        return words

    def text_terms(self, number: int) -> frozenset[str]:
        self.text_words(number)
        return self._text_terms[number]

    def may_hold(self, number: int, terms) -> bool:
        """Whether text ``number`` (-1: the title) can hold any of these terms (each a folded prefix of a word)."""
        folded = swedish.fold(self.title if number < 0 else self.texts[number])
        return any(term in folded for term in terms)

    def title_words(self) -> list[tuple[int, int, str, str]]:
        if self._title_words is None:
            self._title_words = _word_spans(self.title)
        return self._title_words

    def positions(self, number: int) -> dict[str, list[int]]:
        """For text ``number`` (-1: the title): term or folded word -> where it stands (word numbers)."""
        self._lazy()
        where = self._positions[number + 1]
        if where is None:
            where = defaultdict(list)
            words = self.title_words() if number < 0 else self.text_words(number)
            for index, (_start, _end, stem, folded) in enumerate(words):
                where[stem].append(index)
                if folded != stem:
                    where[folded].append(index)
            self._positions[number + 1] = where
        return where


class SearchIndex:
    def __init__(self, generation: str):
        self.generation = generation
        self.codes: dict[str, IndexedCode] = {}
        self.postings: dict[str, dict[str, float]] = defaultdict(dict)
        self.synonyms: dict[str, list[str]] = {}
        # Concepts: a phrase's terms -> the phrases it means (see swedish.concept_table).
        self.concepts: dict[tuple[str, ...], list[list[str]]] = {}
        self.vocabulary: list[str] = []
        self.sorted_codes: list[str] = []
        self.buckets: dict[str, list[tuple[float, tuple[str, ...]]]] = {}  # term -> [(weight, codes)]
        self.list_codes: dict[str, set[str]] = defaultdict(set)
        self.retired: set[str] = set()
        # term -> a word the content writes for it (lower case), for "Menade du".
        self.surfaces: dict[str, str] = {}
        # Folded words and terms of the content: what compounds are split against.
        self.known: set[str] = set()
        # Folded words of synonyms' and concepts' keys: a typo in one is corrected to it.
        self.key_words: list[str] = []
        self.long_concepts: list[tuple[tuple[str, ...], list[list[str]]]] = []
        self.concept_words: set[str] = set()  # every word of the concepts' everyday words
        self.context_cache: dict[str, set[str]] = {}
        # Results of recent searches: the same query (typed again, or live then on /sok/) costs nothing.
        # Kept with the index, so that any content change starts afresh. Callers must not change them.
        self.results: dict[tuple, SearchResult] = {}
        self._wizard_answers: list[tuple[set[str], WizardLink]] | None = None
        # The vocabulary as one string, to find compound parts with one C-level scan.
        self._joined = ""
        self._offsets: list[int] = []

    def code_url(self, code: str) -> str:
        if not hasattr(self, "_url_template"):
            self._url_template = reverse("catalog:code", args=["XX000"]).replace("XX000", "{}")
        return self._url_template.format(code)

    def add(self, code: str, text: str | None, weight: float) -> None:
        for word in swedish.words(text or ""):
            lower = word.lower()
            if lower in swedish.STOPWORDS:
                continue
            term = swedish.term(word)
            postings = self.postings[term]
            if postings.get(code, 0.0) < weight:
                postings[code] = weight
            if term not in self.surfaces:
                self.surfaces[term] = lower
                self.known.add(swedish.fold(word))

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
        # Parts of compounds must be real words: at least 3 letters, and not a bare number.
        self.known = {w for w in self.known | set(self.vocabulary) if len(w) >= swedish.MIN_PART and w.isalpha()}
        keys = set(chain.from_iterable(key.split() for key in self.synonyms))
        keys |= {swedish.fold(w) for w in self.concept_words}
        self.key_words = sorted(k for k in keys if len(k) >= 4)
        self.key_set = set(self.key_words)
        self.parts_and_keys = self.known | self.key_set
        self.long_concepts = sorted(
            ((key, meanings) for key, meanings in self.concepts.items() if len(key) > 1), key=lambda kv: -len(kv[0])
        )
        self.matches = functools.lru_cache(maxsize=4096)(self._matches)
        self.expanded = functools.lru_cache(maxsize=4096)(self._expanded)

    def matches(self, word: str) -> dict[str, float]:  # replaced by a cached _matches in finish()
        return self._matches(word)

    def _matches(self, word: str) -> dict[str, float]:
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
        # A stem of three letters is too short to begin other words with ("läkare" → "läk" is not
        # "läkemedel"); the word as typed is not ("läk", half-typed, may well be).
        for prefix, quality, shortest in ((whole, QUALITY_PREFIX + 0.05, 3), (stemmed, QUALITY_PREFIX, 4)):
            if len(prefix) >= shortest:
                for candidate in self._starting_with(prefix):
                    note(candidate, quality)
        # A part inside a longer word: 5 letters at least ("ring" is in "formulering" by chance).
        for part in {t for t in (whole, stemmed) if len(t) >= 5}:
            for candidate in self._containing(part):
                note(candidate, QUALITY_PART)
        if not found and len(stemmed) >= 4:
            for candidate, distance in self.near(stemmed):
                note(candidate, QUALITY_TYPO[distance])
            if not found:
                # A typo in a word still being typed, or in the first part of a compound ("suicd"):
                # compare with the start of longer words (one C-level scan per length).
                limit = _typo_limit(stemmed)
                longer = [c for c in self._starting_with(stemmed[:1]) if len(c) > len(stemmed)]
                for length in (len(stemmed), len(stemmed) + 1):
                    starts = [c[:length] for c in longer]
                    for _start, _distance, position in process.extract(
                        stemmed, starts, scorer=OSA.distance, score_cutoff=limit, limit=20
                    ):
                        note(longer[position], QUALITY_TYPO[2])
        return found

    def near(self, term: str) -> list[tuple[str, int]]:
        """Vocabulary terms within a typo of ``term`` (OSA distance: a swap of two letters counts once)."""
        limit = _typo_limit(term)
        return [
            (candidate, int(distance))
            for candidate, distance, _ in process.extract(
                term, self.vocabulary, scorer=OSA.distance, score_cutoff=limit, limit=20
            )
        ]

    def exact(self, word: str) -> bool:
        """Whether the content (or a synonym or concept) holds this word as it is."""
        stemmed = swedish.term(word)
        return stemmed in self.buckets or swedish.fold(word) in self.buckets or (stemmed,) in self.concepts

    def correct_key(self, word: str) -> str:
        """A synonym's or concept's word this word is a typo of ("psykoedukaton" → "psykoedukation"), else the word."""
        folded = swedish.fold(word)
        if len(folded) < 5 or self.exact(word) or folded in self.key_set:
            return word
        best = process.extractOne(folded, self.key_words, scorer=OSA.distance, score_cutoff=_typo_limit(folded))
        return best[0] if best else word

    def holding(self, terms: set[str]) -> int:
        """How many codes hold any of these terms."""
        holders = set()
        for term in terms:
            for _weight, codes in self.buckets.get(term, ()):
                holders.update(codes)
        return len(holders)

    def apart(self, word: str) -> list[str]:
        """A compound neither the content nor a synonym or concept holds, as the words it joins, as
        if typed apart ("videobesök" → video, besök): each part then counts as a word of the query,
        where the part the content knows best would otherwise stand for the whole. Any other word
        as it is."""
        # A synonym's or concept's word is left whole: its entry matches the word as typed
        # (key_set holds every word of their keys, single-word synonyms included).
        if swedish.fold(word) in self.key_set or (swedish.term(word),) in self.concepts or self.matches(word):
            return [word]
        return swedish.split_compound(word, self.parts_and_keys) or [word]

    def _expanded(self, word: str, with_concepts: bool = True) -> tuple[dict[str, float], list[list[dict[str, float]]]]:
        """What one query word stands for: the terms it matches (with the everyday word's concept
        merged in, as alternatives) and the phrases it means (a compound's parts, a concept's phrases)."""
        raw = dict(self.matches(word))
        phrases: list[list[dict[str, float]]] = []
        key = (swedish.term(word),)
        if with_concepts:
            corrected = self.correct_key(word)
            key = (swedish.term(corrected),)
        if with_concepts and key in self.concepts:
            # The word is an everyday word we know: near-misses of it in the content are noise ("mamma" ≠ "samma").
            raw = {t: q for t, q in raw.items() if q >= QUALITY_PREFIX}
            for phrase in self.concepts[key]:
                if len(phrase) == 1:
                    for term, quality in self.matches(phrase[0]).items():
                        if quality >= QUALITY_PART and quality * QUALITY_CONCEPT > raw.get(term, 0.0):
                            raw[term] = quality * QUALITY_CONCEPT
                else:
                    phrases.append([_at_least_part(self.matches(w), QUALITY_CONCEPT) for w in _content(phrase)])
        # A compound also counts as its parts together ("telefonsamtal": telefon + samtal), weaker
        # than the compound itself where the content holds it.
        if not raw and not phrases:
            # A compound whose first part we do not know: its last part (the head, in Swedish) still
            # says what it is ("hundpromenad" is a promenad), longest first. Failing that, its first
            # part says what it is about ("tobaksavvänjning" is about tobak), longest first, of four
            # letters at least and with three after it.
            folded = swedish.fold(word)
            heads = (folded[start:] for start in range(1, len(folded) - 4))
            leads = (folded[:end] for end in range(len(folded) - swedish.MIN_PART, 3, -1))
            for part in chain(heads, leads):
                if swedish.term(part) in self.buckets or (with_concepts and (swedish.term(part),) in self.concepts):
                    part_raw, part_phrases = self.expanded(part, with_concepts)
                    return {t: q * QUALITY_PART for t, q in part_raw.items()}, part_phrases
        # Only a word the content lacks, or holds in few codes, is worth splitting ("behandling" is not).
        rare = sum(len(codes) for term in raw for _w, codes in self.buckets.get(term, ())) < SPLIT_BELOW
        parts = swedish.split_compound(word, self.known) if rare else None
        if parts:
            strong = any(quality >= QUALITY_PREFIX for quality in raw.values())
            factor = QUALITY_PART if strong else 1.0
            phrases.append(
                [{t: q * factor for t, q in self.expanded(part, with_concepts)[0].items()} for part in parts]
            )
        return raw, phrases

    def expanded(self, word: str, with_concepts: bool = True):  # replaced by a cached _expanded in finish()
        return self._expanded(word, with_concepts)

    def suggest(self, word: str) -> str | None:
        """The content's word nearest to a word it does not hold, for "Menade du …"."""
        folded = swedish.fold(word)
        if len(folded) < 3:
            return None
        best = process.extractOne(folded, self.vocabulary, scorer=fuzz.ratio, score_cutoff=60)
        return self.surfaces.get(best[0]) if best else None

    def wizard_answers(self, current_tree) -> list[tuple[set[str], "WizardLink"]]:
        """Each answer of the visit wizard as (its label's terms, a link to the step after choosing it)."""
        if self._wizard_answers is None:
            tree = current_tree()
            base = reverse("catalog:visit")
            answers = []
            seen = {tree.start}
            queue = deque([(tree.start, [])])
            while queue:
                slug, path = queue.popleft()
                step = tree.steps.get(slug)
                if step is None:
                    continue
                for option in step.options:
                    segments = [*path, option.slug]
                    try:
                        wizard.walk(tree, segments)
                    except wizard.WalkError:
                        continue
                    label_terms = {
                        swedish.term(w) for w in swedish.words(option.label) if w.lower() not in swedish.STOPWORDS
                    }
                    url = base + "".join(f"{segment}/" for segment in segments)
                    answers.append((label_terms, WizardLink(label=option.label, question=step.question, url=url)))
                    following = option.next if step.kind == "single" else step.next
                    if following and following not in seen:
                        seen.add(following)
                        through = option.slug if step.kind == "single" or not step.optional else wizard.NONE_SEGMENT
                        queue.append((following, [*path, through]))
            self._wizard_answers = answers
        return self._wizard_answers

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


def _typo_limit(term: str) -> int:
    return 2 if len(term) >= 8 else 1


def _content(phrase: list[str]) -> list[str]:
    return [w for w in phrase if w.lower() not in swedish.STOPWORDS] or phrase


def _at_least_part(matches: dict[str, float], factor: float) -> dict[str, float]:
    return {t: q * factor for t, q in matches.items() if q >= QUALITY_PART}


def _word_spans(text: str) -> list[tuple[int, int, str, str]]:
    return [
        (m.start(), m.end(), swedish.term(m.group(0)), swedish.fold(m.group(0))) for m in swedish.WORD_RE.finditer(text)
    ]


def build_index(generation: str) -> SearchIndex:

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
    concepts = list(Concept.objects.values_list("words", "means"))
    index.concepts = swedish.concept_table(concepts)
    index.concept_words = {w.lower() for everyday, _means in concepts for w in swedish.words(everyday)}
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
