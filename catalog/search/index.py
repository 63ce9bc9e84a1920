"""The search index: every code's words, weighted by where they stand, and how one typed word matches them.

One engine over an index built from the database, so SQLite and PostgreSQL give the same answers. The
index lives in each process and is rebuilt when the content changes (catalog.caching.freshness).
A word matches a term by its stem, as the start of a longer word, as a part inside a compound, one or
two letters off, or through a synonym or concept coordinators keep (``SearchIndex.expanded``).
"""

import bisect
import datetime
import functools
import itertools
import re
import threading
from collections import defaultdict, deque
from dataclasses import dataclass
from itertools import chain

from django.urls import reverse
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from catalog.caching import freshness
from catalog.models import Concept, Entry, Section, SourceDocument, Synonym
from catalog.search import reading
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
WEIGHT_MENTION = 1.0  # a sentence that points elsewhere or excludes codes; a document's paragraph naming the code
# How well a query word matches an index term.
QUALITY_EXACT = 1.0
QUALITY_SYNONYM = 0.95
QUALITY_CONCEPT = 0.9
QUALITY_PREFIX = 0.8
QUALITY_PART = 0.7
QUALITY_TYPO = (0.0, 0.55, 0.4)  # by edit distance
LONG_WORD = 10  # letters: a word this long one letter off is that word, not another
QUALITY_DERIVED = 0.9  # the same word made a noun or a verb ("träna" → träning): a whole word
QUALITY_OTHER_WORD = 0.4  # a word the content writes, found at the start or inside of another word
QUALITY_WHOLE = (
    0.88  # at least this good is a whole word: its stem, a synonym's or concept's word, not a prefix or part
)
MAX_ABBREVIATION = 6  # letters: a longer unknown word is read as a word, not as initials
SPLIT_BELOW = 8  # a query word matching fewer codes than this is also tried as a compound
# Sentences of a code's texts, and those that send the reader to another code or exclude codes.
SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])")
POINTING_RE = re.compile(r"\b(används|användas|anges|kodas|se|kompletteras)\b", re.IGNORECASE)
ALSO_RE = re.compile(r"\b(även|också|tillsammans med|kompletteras)\b", re.IGNORECASE)
EXCLUDING_RE = re.compile(r"\s*utesluter\b", re.IGNORECASE)


@dataclass(frozen=True)
class IndexedDocument:
    """A rule document, guide or decision a search can point to."""

    title: str
    identifier: str
    url: str
    kind: str
    terms: frozenset[str]  # its words' terms and folded forms
    title_terms: frozenset[str]
    codes: tuple[str, ...]  # the codes it creates (a decision)


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
        self.words: set[str] = set()  # every folded word the content writes
        self._seen: dict[str, str] = {}  # while building: a word as written -> its term ("" for a stop word)
        self.own: set[str] = set()  # the terms of the codes' own titles and texts
        self.suggestable: list[str] = []  # the vocabulary "Menade du …" chooses from
        # Folded words of synonyms' and concepts' keys: a typo in one is corrected to it.
        self.key_words: list[str] = []
        self.long_concepts: list[tuple[tuple[str, ...], list[list[str]], bool]] = []
        self.concept_words: set[str] = set()  # every word of the concepts' everyday words
        self.context_cache: dict[str, set[str]] = {}
        self.documents: list[IndexedDocument] = []
        # Results of recent searches: the same query (typed again, or live then on /sok/) costs nothing.
        # Kept with the index, so that any content change starts afresh. Callers must not change them.
        self.results: dict[tuple, SearchResult] = {}
        self._wizard_answers: list[tuple[set[str], WizardLink]] | None = None
        self._initialisms: dict[str, str] | None = None
        # The vocabulary as one string, to find compound parts with one C-level scan.
        self._joined = ""
        self._offsets: list[int] = []

    def code_url(self, code: str) -> str:
        if not hasattr(self, "_url_template"):
            self._url_template = reverse("catalog:code", args=["XX000"]).replace("XX000", "{}")
        return self._url_template.format(code)

    def add(self, code: str, text: str | None, weight: float, own: bool = True) -> None:
        """The words of ``text`` for ``code``; ``own``: the code's own texts (not a document's), whose
        words "Menade du …" may suggest."""
        seen = self._seen  # a word as written -> its term (most words recur: analyse each once)
        for word in swedish.words(text or ""):
            term = seen.get(word)
            if term is None:
                lower = word.lower()
                term = seen[word] = "" if lower in swedish.STOPWORDS else swedish.term(word)
                if term:
                    self.words.add(swedish.fold(word))
                    if term not in self.surfaces:
                        self.surfaces[term] = lower
                        self.known.add(swedish.fold(word))
            if not term:
                continue
            if own:
                self.own.add(term)
            postings = self.postings[term]
            if postings.get(code, 0.0) < weight:
                postings[code] = weight

    def add_term(self, code: str, term: str, weight: float) -> None:
        """A term no text spells (a mark of catalog.search.reading), for this code."""
        postings = self.postings[term]
        if postings.get(code, 0.0) < weight:
            postings[code] = weight

    def finish(self) -> None:
        # The marks of catalog.search.reading are found only by reading, never as a typed word is.
        self.vocabulary = sorted(t for t in self.postings if t not in (reading.ABSENT, reading.PRESENT))
        self.sorted_codes = sorted(self.codes)
        for term, postings in self.postings.items():
            by_weight: dict[float, list[str]] = defaultdict(list)
            for code, weight in postings.items():
                by_weight[weight].append(code)
            self.buckets[term] = sorted(((w, tuple(c)) for w, c in by_weight.items()), reverse=True)
        self.postings = defaultdict(dict)  # only needed while building
        self._seen = {}
        for code, indexed in self.codes.items():
            for slug, _title in indexed.lists:
                self.list_codes[slug].add(code)
        offsets, position = [], 0
        for term in self.vocabulary:
            offsets.append(position)
            position += len(term) + 1
        self._offsets = offsets
        self._joined = "\n".join(self.vocabulary)
        self.suggestable = [term for term in self.vocabulary if term in self.own]
        # Parts of compounds must be real words: at least 3 letters, and not a bare number.
        self.known = {w for w in self.known | set(self.vocabulary) if len(w) >= swedish.MIN_PART and w.isalpha()}
        keys = set(chain.from_iterable(key.split() for key in self.synonyms))
        keys |= {swedish.fold(w) for w in self.concept_words}
        self.key_words = sorted(k for k in keys if len(k) >= 4)
        self.key_set = set(self.key_words)
        # A compound part may be a synonym's or concept's word, in any of its forms ("förskole|personal").
        self.parts_and_keys = self.known | self.key_set | {swedish.term(k) for k in self.key_set}
        self.synonym_keys = [
            (tuple(swedish.term(w) for w in key.split()), expansion) for key, expansion in self.synonyms.items()
        ]
        # (key, meanings, whether the key keeps stop words: "var med" is matched with them)
        self.long_concepts = sorted(
            (
                (key, meanings, any(t in swedish.STOPWORDS for t in key))
                for key, meanings in self.concepts.items()
                if len(key) > 1
            ),
            key=lambda entry: -len(entry[0]),
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
        # A word the content itself writes ("inför", "motiverande") is that word: what begins with
        # it or holds it inside is another word ("information"), unless it is a compound of it
        # ("krisplan", "telefonsamtal").
        written = whole in self.words
        if stemmed in self.buckets:
            # The stemmer sometimes cuts deep ("farlighet" → "far"); such a stem is a weak match.
            deep = len(stemmed) < len(whole) - 3 and not written
            note(stemmed, QUALITY_PART if deep else QUALITY_EXACT)
        if not written:
            # An inflected form of a word the content writes ("konferensen" → konferens).
            for ending in swedish.INFLECTIONS:
                base = whole[: -len(ending)]
                if whole.endswith(ending) and len(base) >= 4 and base in self.words:
                    note(swedish.term(base), QUALITY_EXACT)
                    break
        # The same word as a noun or a verb ("träna" → träning, "bedömning" → bedöma).
        for candidate in self._derived(stemmed):
            note(candidate, QUALITY_DERIVED)
        # A stem of three letters is too short to begin other words with ("läkare" → "läk" is not
        # "läkemedel"); the word as typed is not ("läk", half-typed, may well be).
        for prefix, quality, shortest in ((whole, QUALITY_PREFIX + 0.05, 3), (stemmed, QUALITY_PREFIX, 4)):
            if len(prefix) >= shortest:
                for candidate in self._starting_with(prefix):
                    other = written and not self._joins(candidate[len(prefix) :])
                    note(candidate, QUALITY_OTHER_WORD if other else quality)
        # A part inside a longer word: 5 letters at least ("ring" is in "formulering" by chance).
        for part in {t for t in (whole, stemmed) if len(t) >= 5}:
            for candidate in self._containing(part):
                other = written and not self._joins(candidate[: candidate.find(part)], ending=True)
                note(candidate, QUALITY_OTHER_WORD if other else QUALITY_PART)
        if len(stemmed) >= 4 and not any(q >= QUALITY_PREFIX for q in found.values()):
            # Nothing but parts of other words: a typo, then. A long word one letter off is that word
            # ("läkemedelgenomgång", "hälsosamtla": the stemmer may cut a typo oddly, so the word as
            # typed is compared too).
            for typed in dict.fromkeys((stemmed, whole)):
                for candidate, distance in self.near(typed):
                    long = distance == 1 and len(typed) >= LONG_WORD
                    note(candidate, QUALITY_WHOLE if long else QUALITY_TYPO[distance])
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

    def _derived(self, stemmed: str) -> list[str]:
        """Terms that are this stem with a noun-making suffix, or this stem without one."""
        if len(stemmed) < 4 or not stemmed.isalpha():
            return []
        found = [stemmed + suffix for suffix in swedish.DERIVATIONS if stemmed + suffix in self.buckets]
        for suffix in swedish.DERIVATIONS:
            base = stemmed[: -len(suffix)]
            if stemmed.endswith(suffix) and len(base) >= 4 and base in self.buckets:
                found.append(base)
        return found

    def _joins(self, rest: str, ending: bool = False) -> bool:
        """Whether ``rest`` is a word of the content that a compound joins (with its linking s or e)
        after the typed word, or before it when ``ending``: "plan" in "kris|plan", "telefon" in
        "telefon|samtal", "utrednings" in "utrednings|samtal"."""
        if not rest:
            return True
        tries = [rest]
        if ending and rest[-1] in "se":
            tries.append(rest[:-1])
        if not ending and rest[0] in "se":
            tries.append(rest[1:])
        return any(len(t) >= swedish.MIN_PART and (t in self.words or t in self.buckets) for t in tries)

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

    def _expanded(
        self, word: str, with_concepts: bool = True
    ) -> tuple[dict[str, float], list[list[dict[str, float]]], int]:
        """What one query word stands for: the terms it matches (with the everyday word's concept
        merged in, as alternatives), the phrases it means (a concept's phrases, then a compound's
        parts) and how many of those phrases come first from a concept."""
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
                    # Only the part's own words: what a concept makes of it in several words would
                    # outweigh the texts that hold the part itself ("sömnprblem" is about sömn).
                    part_raw, part_phrases, from_concept = self.expanded(part, with_concepts)
                    return {t: q * QUALITY_PART for t, q in part_raw.items()}, part_phrases[from_concept:], 0
        from_concept = len(phrases)
        # Only a word the content lacks, or holds in few codes, is worth splitting ("behandling" is not).
        rare = sum(len(codes) for term in raw for _w, codes in self.buckets.get(term, ())) < SPLIT_BELOW
        parts = swedish.split_compound(word, self.known) if rare else None
        if parts:
            strong = any(quality >= QUALITY_PREFIX for quality in raw.values())
            factor = QUALITY_PART if strong else 1.0
            phrases.append(
                [{t: q * factor for t, q in self.expanded(part, with_concepts)[0].items()} for part in parts]
            )
        return raw, phrases, from_concept

    def expanded(self, word: str, with_concepts: bool = True):  # replaced by a cached _expanded in finish()
        return self._expanded(word, with_concepts)

    def spelled_out(self, abbreviation: str) -> str | None:
        """What an abbreviation no synonym knows may stand for: the words of a code's title whose
        initials, or whose compound parts' initials, spell it ("srb" → suicidriskbedömning, "vop" →
        vård och omsorgsplan). The first code in code order wins; None when no title spells it."""
        folded = abbreviation.lower()
        if not (2 <= len(folded) <= MAX_ABBREVIATION and folded.isalpha()):
            return None
        if self._initialisms is None:
            found: dict[str, str] = {}
            for code in self.sorted_codes:
                for key, phrase in _initialisms(self.codes[code].title, self.known):
                    found.setdefault(key, phrase)
            self._initialisms = found
        return self._initialisms.get(folded)

    def suggest(self, word: str) -> str | None:
        """The content's word nearest to a word it does not hold, for "Menade du …"."""
        folded = swedish.fold(word)
        if len(folded) < 3:
            return None
        best = process.extractOne(folded, self.suggestable, scorer=fuzz.ratio, score_cutoff=60)
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


def _terms(texts: list[str]) -> frozenset[str]:
    return frozenset(t for text in texts for w in swedish.words(text) for t in (swedish.term(w), swedish.fold(w)))


def _initialisms(title: str, known: set[str]):
    """(initials, the words they stand for) for every run of up to four words of a title; a word gives
    its first letter or its compound parts' first letters, "och" its "o" or nothing."""
    words = [
        w for w in swedish.words(title) if w.isalpha() and (w.lower() == "och" or w.lower() not in swedish.STOPWORDS)
    ]
    letters = []
    for word in words:
        # Initials keep å, ä and ö: "åb" is not "angående barn".
        lower = word.lower()
        choices = {lower[0]}
        parts = swedish.split_compound(lower, known) or []
        if parts:
            # A part may itself be a compound: "suicidrisk|bedömning" is also "suicid|risk|bedömning".
            finer = [piece for part in parts for piece in (swedish.split_compound(part, known) or [part])]
            choices |= {lower[0] + "".join(p[0] for p in split[1:]) for split in (parts, finer)}
        letters.append(choices | {""} if lower == "och" else choices)
    for start in range(len(words)):
        for end in range(start + 1, min(start + 4, len(words)) + 1):
            for combination in itertools.product(*letters[start:end]):
                key = "".join(combination)
                if 2 <= len(key) <= MAX_ABBREVIATION and combination[0] and combination[-1]:
                    yield key, " ".join(words[start:end]).lower()


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
    sections, created = _add_entries(index)
    _add_section_instructions(index, sections)
    _add_documents(index, created)
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


def _add_entries(index: SearchIndex) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Every listed code's words; returns the codes of each section, and the codes each decision created."""
    entries = (
        Entry.objects.select_related("code", "code_list", "section")
        .filter(code__outside_lists=False)
        .order_by("code_list__order", "section__order", "order")
    )
    sections: dict[int, list[str]] = defaultdict(list)
    created: dict[int, list[str]] = defaultdict(list)
    pointers: list[tuple[list[str], str]] = []
    entries = list(entries)
    titles = {entry.code.code: entry.code.title for entry in entries}
    for entry in entries:
        code = entry.code.code
        indexed = index.codes.get(code)
        if indexed is None:
            indexed = index.codes[code] = IndexedCode(code=code, title=entry.code.title, lists=[], texts=[])
            if entry.code.is_retired:
                indexed.retired_on = entry.code.valid_to
            if entry.code.decision_id:
                created[entry.code.decision_id].append(code)
            index.add(code, code, WEIGHT_CODE)
            index.add(code, entry.code.title, WEIGHT_TITLE)
        if (entry.code_list.slug, entry.code_list.title) not in indexed.lists:
            indexed.lists.append((entry.code_list.slug, entry.code_list.title))
        for title in (entry.title, entry.overview_title):
            index.add(code, title, WEIGHT_TITLE)
            if reading.says_with_patient(title):
                index.add_term(code, reading.PRESENT, WEIGHT_BODY)
        for text in (entry.beskrivning, entry.anvisning):
            if text:
                _add_text(index, code, text, pointers, titles)
                indexed.texts.append(text)
        index.add(code, entry.section.title, WEIGHT_SECTION_TITLE)
        sections[entry.section_id].append(code)
    for named, sentence in pointers:
        for code in named:
            if code in index.codes:
                index.add(code, sentence, WEIGHT_INSTRUCTION_NAMED)
                index.codes[code].texts.append(sentence)
    return sections, created


def _add_text(index: SearchIndex, code: str, text: str, pointers: list, titles: dict[str, str]) -> None:
    """A code's Beskrivning or Anvisning, sentence by sentence. A sentence that sends the reader to
    another code ("Vid uppföljning av åtgärder/delmål … används XV007", "För uppföljning, se AW010")
    speaks for that code, not for this one; one that excludes codes ("Utesluter XU042 Upprättande av
    …") holds their titles, not this code's words, as does another code's title quoted after it
    ("(t.ex. ZV509 Medverkan av företrädare för socialtjänst)"). What a text says of who is not there
    ("utan att patienten är med") is marked for the reading of queries (catalog.search.reading)."""
    for sentence in SENTENCE_RE.split(text):
        mentioned = textlinks.codes_in(sentence)
        others = [c for c in mentioned if c != code]
        for other in others:
            quoted = re.search(re.escape(other) + r"\s+" + re.escape(titles.get(other) or "\0"), sentence, re.I)
            if quoted:
                index.add(code, quoted.group(0), WEIGHT_MENTION)
                sentence = sentence.replace(quoted.group(0), other)
        weight = WEIGHT_BODY
        if others and code not in mentioned:
            if EXCLUDING_RE.match(sentence):
                weight = WEIGHT_MENTION
            elif POINTING_RE.search(sentence) and len(others) <= 2:
                pointers.append((others, sentence))
                if not ALSO_RE.search(sentence):
                    weight = WEIGHT_MENTION
        index.add(code, sentence, weight)
    if reading.says_absent(text):
        index.add_term(code, reading.ABSENT, WEIGHT_BODY)


def _add_section_instructions(index: SearchIndex, sections: dict[int, list[str]]) -> None:
    for section in Section.objects.filter(id__in=sections).exclude(instructions=""):
        named = [code for code in textlinks.codes_in(section.instructions) if code in index.codes]
        for code in named:
            index.add(code, section.instructions, WEIGHT_INSTRUCTION_NAMED)
            index.codes[code].texts.append(section.instructions)
        for code in sections[section.id]:
            if code not in named:
                index.add(code, section.instructions, WEIGHT_INSTRUCTION_SECTION)


def _add_documents(index: SearchIndex, created_by: dict[int, list[str]]) -> None:
    """The rules, guides and decisions: a contact type's row counts for the codes it requires
    ("Videodistansmöte, enskilt (M) +ZV051 · Fysioterapeut"), a decision's name and number for the
    codes it creates, and any paragraph for the codes it names. Each document is also kept, with
    its words, so that a search can point to it (catalog.search.engine.documents)."""
    kinds = [SourceDocument.Kind.BESLUT, SourceDocument.Kind.REGLER, SourceDocument.Kind.GUIDE]
    documents = SourceDocument.objects.filter(kind__in=kinds).order_by("kind", "title")
    for document in documents.prefetch_related("parts", "contact_types", "decision_codes"):
        created = list(
            dict.fromkeys([*created_by.get(document.id, []), *(d.code for d in document.decision_codes.all())])
        )
        created = [code for code in created if code in index.codes]
        parts = [f"{part.heading}\n{part.body}" for part in document.parts.all()]
        rows = [
            (c.printed, " ".join([c.name, c.staff_category, c.description]), c.required_codes, c.one_of_codes)
            for c in document.contact_types.all()
        ]
        for paragraph in (p for part in parts for p in part.split("\n\n")):
            for code in textlinks.codes_in(paragraph):
                if code in index.codes:
                    index.add(code, paragraph, WEIGHT_MENTION, own=False)
        for code in created:
            index.add(code, f"{document.title} {document.identifier}", WEIGHT_BODY, own=False)
            for part in parts:
                index.add(code, part, WEIGHT_MENTION, own=False)
        for printed, row, required, one_of in rows:
            for code in (c for c in required if c in index.codes):
                index.add(code, printed, WEIGHT_BODY, own=False)
                index.add(code, row, WEIGHT_MENTION, own=False)
                index.codes[code].texts.append(f"{printed} {row}")
            for code in (c for c in one_of if c in index.codes):
                index.add(code, f"{printed} {row}", WEIGHT_MENTION, own=False)
        words = [document.title, document.identifier, *parts, *(f"{p} {row}" for p, row, _r, _o in rows)]
        index.documents.append(
            IndexedDocument(
                title=document.title,
                identifier=document.identifier,
                url=document.get_absolute_url(),
                kind=document.kind,
                terms=_terms(words),
                title_terms=_terms([document.title]),
                codes=tuple(created),
            )
        )


_cache = threading.local()


def current_index() -> SearchIndex:
    """The index for the content as it is now (as of at most CONTENT_CHECK_SECONDS ago)."""
    generation = freshness.generation()
    index = getattr(_cache, "index", None)
    if index is None or index.generation != generation:
        index = _cache.index = build_index(generation)
    return index
