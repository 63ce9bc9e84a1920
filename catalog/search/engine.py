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
- a compound the content does not hold, split into words it does ("videosamtal" → video + samtal);
- a word one letter off (two for long words, a swap of two letters counting once), when nothing
  closer matches; also inside compounds and in synonyms and concepts;
- a synonym: a clinician's word or abbreviation that coordinators map to words or codes;
- a concept: everyday Swedish or jargon ("ringde", "sprit", "elchock") that coordinators map to
  the content's own words (telefon, alkohol, elektrokonvulsiv); any of those words may match.

Ranking: codes matching every part of the query first, then those whose matched words stand
close together, then by where the words stand (a title beats a body); the user's context
("Jag arbetar inom", ``inom``) and the list searched from come first within each of those tiers.
"""

import bisect
import datetime
import functools
import heapq
import html
import math
import re
import threading
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from itertools import chain, repeat

from django.urls import reverse
from django.utils.safestring import SafeString
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from catalog.caching import freshness
from catalog.models import Concept, ContactType, Entry, Section, Synonym
from catalog.text import swedish, textlinks
from catalog.visits import store as wizard_store
from catalog.visits import wizard

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
QUALITY_CONCEPT = 0.9
QUALITY_PREFIX = 0.8
QUALITY_PART = 0.7
QUALITY_TYPO = (0.0, 0.55, 0.4)  # by edit distance

PROXIMITY_CANDIDATES = 20  # codes per tier whose texts are read for how close the words stand
BONUS_ADJACENT = 3.0
BONUS_SAME_TEXT = 1.0
RESULT_CACHE_SIZE = 2048
SPLIT_BELOW = 8  # a query word matching fewer codes than this is also tried as a compound
GENERIC_SHARE = 0.4  # a query word matching more than this share of all codes is generic
MAX_QUERY_WORDS = 12  # words past this are ignored: cost stays bounded for pasted text

# "Jag arbetar inom": the context a clinician picks, and the lists it puts first.
CONTEXTS = {
    "psykiatri": ("Psykiatri", ("psykiatri",)),
    "psykolog": ("Psykolog", ("psykologer-skrs",)),
    "rehab": ("Rehab", ("vardval-rehab-distans",)),
    "sob": ("Stöd och behandling", ("stod-och-behandling",)),
    "bhv": ("Barnhälsovård (BHV)", ("bhv-hembesok",)),
}

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

    @functools.cached_property
    def snippet_text(self) -> str:
        return html.unescape(re.sub(r"</?mark>", "", str(self.snippet)))


@dataclass
class WizardLink:
    label: str  # the answer in the visit wizard
    question: str  # the question it answers
    url: str


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    hint: str = ""
    suggestion: str = ""  # "Menade du …": the query with unknown words replaced by the nearest known ones
    nearest: list[Hit] = field(default_factory=list)  # on a miss: the codes the suggestion finds
    wizard_links: list[WizardLink] = field(default_factory=list)
    inom: str = ""


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
class _Phrase:
    """Words that count together: a synonym's meaning, a compound's parts, a concept's phrase."""

    words: list[dict[str, float]]  # per word: index terms -> quality
    strict: bool = True  # only codes holding every word (a synonym's meaning falls back to any word)


@dataclass
class _Group:
    """One thing the query asks for: a word, or a synonym or concept and what it stands for."""

    raw: dict[str, float]  # index terms the typed word(s) match -> quality
    typed: int  # which typed word it comes from: a compound read as its parts gives several groups one
    said: frozenset[str]  # the terms of the words as typed, which the content may not hold
    phrases: list[_Phrase] = field(default_factory=list)
    codes: dict[str, float] = field(default_factory=dict)  # codes a synonym or concept names -> score

    def terms(self) -> set[str]:
        return set(self.raw) | {term for phrase in self.phrases for word in phrase.words for term in word}


def _name_codes(index: SearchIndex, group: _Group, words: list[str]) -> list[str]:
    """Put the codes among ``words`` into the group; return the other words."""
    rest = []
    for word in words:
        code = textlinks.normalize_code(word)
        if code and code in index.codes:
            group.codes[code] = WEIGHT_TITLE * QUALITY_SYNONYM
        else:
            rest.append(word)
    return rest


def _groups(index: SearchIndex, query: str, expand: bool = True) -> list[_Group]:
    query_words = swedish.words(query)[:MAX_QUERY_WORDS]
    if expand:
        query_words = [index.correct_key(w) for w in query_words]
        split = [(n, part) for n, word in enumerate(query_words) for part in index.apart(word)][:MAX_QUERY_WORDS]
        typed, query_words = [n for n, _ in split], [part for _, part in split]
    else:
        typed = list(range(len(query_words)))
    folded = [swedish.fold(w) for w in query_words]
    termed = [swedish.term(w) for w in query_words]
    covered: set[int] = set()
    groups: list[_Group] = []
    if expand:
        # Concepts of several words first, longest first ("barn som far illa" before "far", a synonym);
        # one-word concepts are looked up per word below, so that they work inside compounds too.
        for key, meanings in index.long_concepts:
            content_positions = [i for i in range(len(query_words)) if i not in covered]
            content = [termed[i] for i in content_positions if query_words[i].lower() not in swedish.STOPWORDS]
            positions = [i for i in content_positions if query_words[i].lower() not in swedish.STOPWORDS]
            for start in range(len(content) - len(key) + 1):
                if tuple(content[start : start + len(key)]) != key:
                    continue
                span = positions[start : start + len(key)]
                covered.update(span)
                # The words as typed count as a phrase (all of them), the concept's meanings as alternatives.
                group = _Group(raw={}, typed=typed[span[0]], said=frozenset(termed[i] for i in span))
                group.phrases.append(_Phrase([dict(index.matches(query_words[i])) for i in span]))
                for phrase in meanings:
                    rest = _content(_name_codes(index, group, phrase))
                    if rest:
                        group.phrases.append(_Phrase([_at_least_part(index.matches(w), QUALITY_CONCEPT) for w in rest]))
                groups.append(group)
                break
        for key, expansion in index.synonyms.items():
            key_words = key.split()
            for start in range(len(folded) - len(key_words) + 1):
                if folded[start : start + len(key_words)] != key_words or covered.intersection(
                    range(start, start + len(key_words))
                ):
                    continue
                covered.update(range(start, start + len(key_words)))
                raw: dict[str, float] = {}
                for word in query_words[start : start + len(key_words)]:
                    raw.update(index.matches(word))
                group = _Group(raw=raw, typed=typed[start], said=frozenset(termed[start : start + len(key_words)]))
                meaning = [w for w in _name_codes(index, group, expansion) if w.lower() not in swedish.STOPWORDS]
                if meaning:
                    group.phrases.append(
                        _Phrase([_at_least_part(index.matches(w), QUALITY_SYNONYM) for w in meaning], strict=False)
                    )
                groups.append(group)
    content_words = [i for i, w in enumerate(query_words) if w.lower() not in swedish.STOPWORDS]
    for i in content_words or range(len(query_words)):
        if i in covered:
            continue
        raw, phrases = index.expanded(query_words[i], expand)
        group = _Group(
            raw=raw, phrases=[_Phrase(words) for words in phrases], typed=typed[i], said=frozenset([termed[i]])
        )
        if expand and (termed[i],) in index.concepts:
            for phrase in index.concepts[(termed[i],)]:
                _name_codes(index, group, phrase)
                # A concept's word that is itself a synonym brings the synonym's codes ("chattade" →
                # chatt → ZV051).
                _name_codes(index, group, index.synonyms.get(" ".join(swedish.fold(w) for w in phrase), []))
        groups.append(group)
    return _joined_compounds(index, query_words, groups)


def _joined_compounds(index: SearchIndex, query_words: list[str], groups: list[_Group]) -> list[_Group]:
    """Two words the content writes as one ("kropps kännedom", "läkemedels genomgång") also find it."""
    if len(query_words) < 2 or len(groups) != len(query_words):
        return groups
    for i in range(len(query_words) - 1):
        joined = query_words[i] + query_words[i + 1]
        stemmed = swedish.term(joined)
        if stemmed in index.buckets and len(stemmed) >= 6:
            groups[i].raw = {**groups[i].raw, stemmed: QUALITY_EXACT}
            groups[i + 1].raw = {**groups[i + 1].raw, stemmed: QUALITY_EXACT}
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
    if len(dicts) == 3:
        first, second, third = dicts[0].get, dicts[1].get, dicts[2].get
        return {code: first(code, 0.0) + second(code, 0.0) + third(code, 0.0) for code in codes}
    getters = [d.get for d in dicts]
    return {code: sum(get(code, 0.0) for get in getters) for code in codes}


def _score(index: SearchIndex, groups: list[_Group]) -> list[dict[str, float]]:
    """For each of the query's groups: code -> how well the code matches it."""
    per_group = []
    for group in groups:
        values = _best(index, group.raw)
        for phrase in group.phrases:
            per_word = [_best(index, matches) for matches in phrase.words]
            if not per_word:
                continue
            # A phrase counts as a whole: codes holding all its words (for a synonym's meaning,
            # if there are none, any of them), scored by the mean of its words.
            holders = set.intersection(*(set(best) for best in per_word))
            if not holders and not phrase.strict:
                holders = set().union(*per_word)
            means = _summed(per_word, holders)
            for code, total in means.items():
                mean = total / len(per_word)
                if mean > values.get(code, 0.0):
                    values[code] = mean
        for code, bonus in group.codes.items():
            values[code] = values.get(code, 0.0) + bonus
        if len(groups) > 1 and values:
            # A word few codes hold says more than one many codes hold ("tolk" vs "samtal"): weigh
            # each part of the query by its rarity (1 for a word every code holds, up to 2).
            rarity = 1.0 + math.log(len(index.codes) / len(values)) / math.log(max(len(index.codes), 2))
            values = {code: value * rarity for code, value in values.items()}
        per_group.append(values)
    return per_group


def _proximity(index: SearchIndex, code: str, group_terms: list[set[str]]) -> float:
    """A bonus for a code whose texts hold the query's words close together (adjacent, or in one text)."""
    best = 0.0
    indexed = index.codes[code]
    for number in range(-1, len(indexed.texts)):
        if not all(indexed.may_hold(number, terms) for terms in group_terms):
            continue
        where = indexed.positions(number)
        positions = []
        for terms in group_terms:
            shared = terms & where.keys() if len(terms) > len(where) else [t for t in terms if t in where]
            positions.append([p for t in shared for p in where[t]])
        if not all(positions):
            continue
        best = BONUS_SAME_TEXT
        # The smallest window holding one word of each group, over sorted positions.
        marks = sorted((p, g) for g, found in enumerate(positions) for p in found)
        counts: Counter = Counter()
        left = 0
        for position, group in marks:
            counts[group] += 1
            while len(counts) == len(group_terms):
                if position - marks[left][0] < len(group_terms) + 1:
                    return BONUS_ADJACENT
                counts[marks[left][1]] -= 1
                if not counts[marks[left][1]]:
                    del counts[marks[left][1]]
                left += 1
    return best


def _rank(
    index: SearchIndex,
    per_group: list[dict[str, float]],
    group_terms: list[set[str]],
    code_hits: dict[str, float],
    preferred: set[str],
    limit: int,
) -> list[str]:
    """The best codes: named codes first, then by how many parts of the query they match,
    then the preferred codes (the list searched from, the user's context), then by score with a
    bonus for words standing close together, then by code."""
    order = sorted(code_hits, key=lambda code: (-code_hits[code], code))[:limit]
    taken = set(order)
    if per_group:
        # A word most codes hold ("patient") says little about which code is meant: it does not
        # count towards matching "every part of the query" (it still adds to the score).
        telling = [values for values in per_group if len(values) <= GENERIC_SHARE * len(index.codes)] or per_group
        everywhere = set.intersection(*(set(values) for values in telling))
        if len(everywhere - taken) >= limit - len(order):
            tiers = [everywhere]  # the codes matching only part of the query cannot make the list
        else:
            coverage = Counter(chain.from_iterable(telling))
            for code in chain.from_iterable(per_group):
                coverage.setdefault(code, 0)
            by_coverage: dict[int, list[str]] = defaultdict(list)
            for code, matched in coverage.items():
                by_coverage[matched].append(code)
            tiers = [by_coverage[matched] for matched in sorted(by_coverage, reverse=True)]
        for tier in tiers:
            if len(order) >= limit:
                break
            scores = per_group[0] if len(per_group) == 1 else _summed(per_group, tier)
            pool = [code for code in tier if code not in taken]
            pools = (
                [[c for c in pool if c in preferred], [c for c in pool if c not in preferred]] if preferred else [pool]
            )
            for pool in pools:
                need = limit - len(order)
                if need <= 0 or not pool:
                    continue
                if len(group_terms) > 1:
                    # Read the texts of the best few only: how close the words stand decides among them.
                    candidates = heapq.nlargest(PROXIMITY_CANDIDATES, pool, key=scores.__getitem__)
                    close = {c: scores[c] + _proximity(index, c, group_terms) for c in candidates}
                    best = sorted(close, key=lambda c: (-close[c], c))[:need]
                else:
                    values = list(map(scores.__getitem__, pool))
                    threshold = heapq.nlargest(need, values)[-1]
                    # Thousands of codes may tie at the threshold: take the first by code among them
                    # without sorting them all.
                    above = sorted(
                        (c for c, v in zip(pool, values, strict=True) if v > threshold), key=lambda c: (-scores[c], c)
                    )
                    tied = heapq.nsmallest(
                        need - len(above), (c for c, v in zip(pool, values, strict=True) if v == threshold)
                    )
                    best = (above + tied)[:need]
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
    for number, text in enumerate(indexed.texts):
        if indexed.may_hold(number, terms) and not indexed.text_terms(number).isdisjoint(terms):
            return _highlight(text, indexed.text_words(number), terms, window=True)
    return _highlight(indexed.texts[0], [], set(), window=True) if indexed.texts else SafeString("")


def _hit(index: SearchIndex, code: str, terms: set[str]) -> Hit:
    indexed = index.codes[code]
    return Hit(
        code=code,
        title=indexed.title,
        url=index.code_url(code),
        lists=[title for _slug, title in indexed.lists],
        snippet=_snippet(indexed, terms),
        title_html=_highlight(indexed.title, indexed.title_words(), terms, window=False),
        retired_on=indexed.retired_on,
    )


def context_codes(index: SearchIndex, inom: str) -> set[str]:
    """The codes a context ("Jag arbetar inom") puts first: its lists, and for rehab the codes its rules name."""
    if inom not in CONTEXTS:
        return set()
    if inom not in index.context_cache:
        codes = set().union(*(index.list_codes.get(slug, set()) for slug in CONTEXTS[inom][1]))
        if inom == "rehab":
            for required, one_of in ContactType.objects.filter(document__slug="vardval-rehab-distans").values_list(
                "required_codes", "one_of_codes"
            ):
                codes.update(c for c in [*required, *one_of] if c in index.codes)
        index.context_cache[inom] = codes
    return index.context_cache[inom]


def _ranked(index, groups, group_terms, code_hits, preferred, limit) -> list[str]:
    per_group = _score(index, groups)
    # Retired codes stay findable, but after every code in use.
    current = (
        [{c: v for c, v in values.items() if c not in index.retired} for values in per_group]
        if index.retired
        else per_group
    )
    ranked = _rank(
        index, current, group_terms, {c: v for c, v in code_hits.items() if c not in index.retired}, preferred, limit
    )
    if len(ranked) < limit and index.retired:
        retired = [{c: v for c, v in values.items() if c in index.retired} for values in per_group]
        ranked += _rank(
            index,
            retired,
            group_terms,
            {c: v for c, v in code_hits.items() if c in index.retired},
            preferred,
            limit - len(ranked),
        )
    return ranked


def search(
    query: str, within_list: str = "", limit: int = MAX_RESULTS, inom: str = "", expand: bool = True
) -> SearchResult:
    """Ranked hits for a query. ``inom`` is the user's context (a key of CONTEXTS), whose codes come
    first; ``expand=False`` leaves out synonyms and concepts (to measure what the engine finds alone).

    The same query on the same content returns the same (cached) result object: do not change it."""
    cleaned = clean_query(query)
    inom = inom if inom in CONTEXTS else ""
    if len(cleaned) < 2 or not swedish.words(cleaned):
        hint = "Skriv minst två tecken: en kod (t.ex. AU118), en förkortning (t.ex. KBT) eller ett ord (t.ex. suicid)."
        return SearchResult(query=cleaned, hint=hint, inom=inom)
    index = current_index()
    key = (cleaned, within_list, inom, limit, expand)
    cached = index.results.get(key)
    if cached is None:
        if len(index.results) >= RESULT_CACHE_SIZE:
            index.results.clear()
        cached = index.results[key] = _search(index, cleaned, within_list, limit, inom, expand)
    return cached


def _search(index: SearchIndex, cleaned: str, within_list: str, limit: int, inom: str, expand: bool) -> SearchResult:
    code_hits = dict(_code_hits(index, cleaned))
    groups = _groups(index, cleaned, expand)
    preferred = index.list_codes.get(within_list, set()) | context_codes(index, inom)
    group_terms = [group.terms() for group in groups]
    ranked = _ranked(index, groups, group_terms, code_hits, preferred, limit)
    terms = set().union(*group_terms)
    result = SearchResult(query=cleaned, hits=[_hit(index, code, terms) for code in ranked], inom=inom)
    by_word: dict[int, list[set[str]]] = defaultdict(list)
    for n, group in enumerate(groups):
        by_word[group.typed].append(group_terms[n] | group.said)
    result.wizard_links = wizard_links(index, list(by_word.values()))
    if not result.hits:
        result.hint = f"Inga träffar på ”{cleaned}”."
        result.suggestion = _suggestion(index, cleaned)
        if result.suggestion:
            near_groups = _groups(index, result.suggestion, expand)
            near_group_terms = [group.terms() for group in near_groups]
            near_terms = set().union(*near_group_terms)
            near = _ranked(index, near_groups, near_group_terms, {}, preferred, 5)
            result.nearest = [_hit(index, code, near_terms) for code in near]
    return result


def _suggestion(index: SearchIndex, query: str) -> str:
    """The query with each word the content does not know replaced by its nearest word ("Menade du …")."""
    out, changed = [], False
    for word in swedish.words(query)[:MAX_QUERY_WORDS]:
        if word.lower() in swedish.STOPWORDS or index.matches(word):
            out.append(word)
            continue
        nearest = index.suggest(word)
        if nearest and nearest != word.lower():
            out.append(nearest)
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else ""


def wizard_links(index: SearchIndex, words: list[list[set[str]]]) -> list[WizardLink]:
    """Answers in the visit wizard whose words the query matches (hembesök, video, telefon): a link
    to the step where that answer is chosen. ``words`` holds, per typed word, the terms of each of
    its parts (one part, but for a compound the content writes apart)."""
    if not words:
        return []

    try:
        answers = index.wizard_answers(wizard_store.current_tree)
    except Exception:  # noqa: BLE001 - a broken tree must not break search; the wizard reports it itself
        return []
    # How many codes hold each part: read once per search, not once per answer.
    counted = [[(terms, index.holding(terms)) for terms in parts] for parts in words]
    ranked = []
    for position, (label_terms, _link) in enumerate(answers):
        # Every typed word must match a word of the answer's label: "hembesök" matches "Hembesök",
        # "video" matches "Video". A compound needs one of its parts; labels matching more parts
        # come first, then those matching the part fewer codes hold ("videobesök": Video before
        # Hembesök), then the wizard's own order.
        matched = [[held for terms, held in parts if not label_terms.isdisjoint(terms)] for parts in counted]
        if all(matched):
            found = [held for parts in matched for held in parts]
            ranked.append((-len(found), sum(found), position))
    ranked.sort()
    links, labels = [], set()
    for *_order, position in ranked:
        link = answers[position][1]
        if link.label not in labels:
            links.append(link)
            labels.add(link.label)
    return links[:3]
