"""The described visit: a clinician's own words → the wizard's answers, and where to stop.

A plain function over the wizard tree and the text, no request and no database, like
``catalog.wizard``: ``describe(tree, text, inom)`` walks the tree from its start and, at each
step, answers only when the text clearly settles it. Otherwise it stops at that step and names
the likely answers. Asking is always better than guessing: a wrong code is worse than an extra
question.

What the text says about an answer comes from cues (``catalog/content/beskriv.toml``, keyed by
step slug and option slug, written from the sources' own words) plus each option's label. A cue
found in the text counts as

* positive — said plainly;
* negated — inside the reach of a negation ("ingen", "inte", "utan", "förnekar" …, up to a few
  words on and never past a comma or "men");
* uncertain — in a sentence with a negation that does not clearly reach it (a negation after it,
  as in "läkemedelsgenomgång har aldrig gjorts", or one too far before it), or after a word that
  reports rather than states ("remitterad för", "planeras", "tidigare" …).

An uncertain cue never adds a code: an answer that carries a code and has only uncertain
support stops the walk there. Every decision carries its reasons.

Words are compared as search compares them (``catalog.swedish``: Snowball stems, å/ä/ö folded),
and each word of the text also stands for what the search's analysis finds in it (``Lexicon``):
its compound parts, the cue word a long typo nearly is, and the meaning of the concepts the cue
file names ("ringde" → "telefon"). These stand at the word's own position, so negation and doubt
reach them exactly as they reach the word.
"""

import dataclasses
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from catalog.content import CONTENT_DIR
from catalog.text import swedish
from catalog.visits import wizard
from catalog.visits.wizard import Step, Tree

CONTENT = CONTENT_DIR
# Not directly in content/: load_content reads every *.toml there as a source document.
CUES_FILE = CONTENT / "beskriv" / "cues.toml"
# The search's concept layer, read from its content file (the engine never reads the database).
CONCEPTS_FILE = CONTENT / "begrepp.toml"
# Words compound parts may be: the sources' and the wizard's own words (plus the cues' and concepts').
VOCABULARY_FILES = (*sorted((CONTENT / "sources").glob("*.txt")), CONTENT / "besok.toml")
TYPO_MIN = 8  # letters: only a long word is corrected, by one edit; short words differ by one letter too often
TYPO_SAME_START = 3  # … and its first letters must agree ("ofullständig" is no typo of "fullständig")
CODE_RE = re.compile(r"^[A-Z]{2}\d{3}$")
MAX_CHARS = 5000

POS, NEG, UNC, HYP = "pos", "neg", "unc", "hyp"
# Verbs after which a negation denies what stands before it: "planen utvärderas inte", "har aldrig gjorts".
AUXILIARIES = frozenset("har hade är var blev blir kan kunde ska skulle behövs behövdes görs gjordes gjorts".split())
PASSIVE_ENDINGS = ("as", "es", "ds", "ts")
NEGATION_REACH = 5  # words a negation reaches forward
HEDGE_REACH = 4
AFTER_HEDGE_REACH = 2  # "upprätta Min vårdplan nästa vecka": the plan, not the whole clause
DEFAULT_GAP = 1  # words allowed between two words of a cue
WIDE_GAP = 6  # … where a cue says "…"

# A full stop ends a sentence only before a capital, a new line or the end: "Pat. själv inte med",
# "5 kap. 7 §", "Tel.samtal" and "t.ex. KBT" stay one sentence as clinicians mean them.
SENTENCE_END_RE = re.compile(r"[!?;\n]+|\.(?=\s*$|\s*\n|\s+[^\sa-zåäö0-9(])")
CHUNK_RE = re.compile(r"[^,:()\[\]–—]+")  # a negation or a hedge never reaches past these
# Negations that deny a noun after them; only the others ("ej", "inte") reach back over a comma
# ("Suicidriskbedömning, ej gjord", but not "Stödsamtal, inget specifikt fokus").
DETERMINERS = frozenset({"ingen", "inget", "inga"})


@dataclass(frozen=True)
class Token:
    sentence: int
    chunk: int
    index: int  # position in the sentence
    start: int  # character offsets in the text
    end: int
    folded: str
    term: str
    lower: str
    # What the analysis adds (see Lexicon.alternatives): the terms and folded words of a compound's
    # parts, of a corrected typo and of the concept an everyday word stands for.
    alt_terms: frozenset[str] = frozenset()
    alt_folded: tuple[str, ...] = ()
    # … of these, what stands for the whole word (a typo's correction, a concept), not a part of it.
    whole_terms: frozenset[str] = frozenset()
    whole_folded: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    option: str
    cue: str
    polarity: str
    start: int
    end: int
    words: str  # the text's own words
    only: bool = False  # "endast telefon", "telefon istället": said as the only one
    sentence: int = -1


CONTEXT, YOU, TEXT = "context", "you", "text"  # who answered a step (Inferred.by)


@dataclass
class Inferred:
    """One answered step: what was chosen, by whom, from which words, and why."""

    step: Step
    chosen: list[str]  # option slugs
    segment: str
    because: list[str]  # the text's words that led here (empty when given or when nothing was said)
    reason: str
    by: str = TEXT  # CONTEXT (the chosen inom), YOU (an answer the clinician gave) or TEXT (inferred)

    @property
    def given(self) -> bool:
        """Answered by the clinician (the context chosen, or an answer given), not read from the text."""
        return self.by != TEXT


@dataclass(frozen=True)
class Choice:
    """One answer of the open question, as the dialogue offers it."""

    option: wizard.Option
    likely: bool
    because: tuple[str, ...] = ()  # the text's words that make it likely
    said: bool = False  # the text clearly says it (a multiple choice's box comes ticked)


@dataclass
class Description:
    inferred: list[Inferred]
    path: list[str]
    walk: wizard.Walk
    stopped_at: Step | None
    likely: list[str] = field(default_factory=list)  # option slugs worth a look at the stopping step
    reasons: list[str] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)  # every answer of the open step, likely ones first

    @property
    def finished(self) -> bool:
        return self.stopped_at is None and self.walk.finished


# --- cues -------------------------------------------------------------------------------------


# Compared and hashed by identity: a cue file's patterns are made once and looked up per text often.
@dataclass(frozen=True, eq=False)
class Pattern:
    parts: tuple[tuple[str, str, int], ...]  # (kind, value, gap before) ; kind: term|prefix|suffix|infix
    text: str
    words: frozenset[str]  # folded literal words of the cue (negations inside a cue do not negate it)
    # Matches whole words only, not a compound's parts: an option's label ("Tolk" is no part of "tolkbehov").
    whole: bool = False


@dataclass
class OptionCues:
    any: list[Pattern] = field(default_factory=list)
    weak: list[Pattern] = field(default_factory=list)
    negated: list[Pattern] = field(default_factory=list)  # a negated mention of these supports the option
    all: list[list[Pattern]] = field(default_factory=list)  # every group needs positive support
    over: list[str] = field(default_factory=list)  # options this one settles when both are supported
    # Names (a method, a programme, an instrument): an answer a name supports settles answers that
    # only general words support ("IMR-grupp … tema återfallsprevention").
    specific: list[Pattern] = field(default_factory=list)
    # Someone who may have taken part: counts only in a sentence that says someone took part (the
    # step's frames), so someone mentioned is not someone present.
    present: list[Pattern] = field(default_factory=list)
    # Marks the answer likely when the step is asked, and never answers it: "orosanmälan" names a
    # report, not whether the report was the visit's main purpose.
    hint: list[Pattern] = field(default_factory=list)
    # Where these stand, the answer's cues say something else ("läggs in på avd": the ward is where
    # the patient goes after the visit, not where the visit was).
    not_in: list[Pattern] = field(default_factory=list)
    # A later step (slug): when the text supports an answer there, that weakly supports this answer
    # ("Video … uppföljning av delmålen": qualified care, since it names what care was given).
    follows: str | None = None


@dataclass
class StepCues:
    options: dict[str, OptionCues] = field(default_factory=dict)
    default: str | None = None  # single: the answer when the text says nothing about this step
    silent_none: bool = False  # multiple, optional: "inga" when the text mentions none of the options
    labels: bool = True  # the options' labels are cues (off where a bare word says nothing: "Skola")
    frames: list[Pattern] = field(default_factory=list)  # words saying someone took part (see OptionCues.present)
    # Words after which someone named is what was talked about ("berättar om konflikt med mamma",
    # "relationen till sambon"): no hint that they took part.
    topics: frozenset[str] = frozenset()
    # Sentences about a call: whom the call was with is the call itself (XS011), no hint that they
    # took part in a meeting ("Tel. med pats pappa").
    calls: list[Pattern] = field(default_factory=list)
    # Single choice: of several answers named, the one named first in the first sentence settles the
    # others (the writer names their own profession first: "Fysioterapeut. Teammöte med pat och AT").
    first: bool = False


@dataclass
class Cues:
    steps: dict[str, StepCues]
    context: dict[str, str]  # inom → the start step's option
    negations: frozenset[str]
    after_negations: frozenset[str]  # words that negate what stands before them ("uteblev", "ställdes in")
    hedges: frozenset[str]  # words (or two) after which a mention is planned, past or reported
    hedge_prefixes: tuple[str, ...]
    limiters: frozenset[str]
    lexical: list[Pattern]  # phrases with a negation word that are values, not negations ("ingen risk")
    concepts: frozenset[str] = frozenset()  # names of the search's concepts the engine uses (begrepp.toml)
    not_concepts: frozenset[str] = frozenset()  # everyday words of those concepts too vague to use
    after_limiters: frozenset[str] = frozenset()  # "telefon istället": the one before is the only one
    after_hedges: frozenset[str] = frozenset()  # "… Min vårdplan nästa vecka": the words before are planned
    # Clinicians' abbreviations → the words they stand for ("pat" → patienten); a key with a capital
    # is matched as written ("AT", "FK"), others in any case.
    abbreviations: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _pattern(cue: str) -> Pattern:
    parts: list[tuple[str, str, int]] = []
    gap = DEFAULT_GAP
    literal: set[str] = set()
    for piece in cue.split():
        if piece in ("…", "..."):
            gap = WIDE_GAP
            continue
        head, tail = piece.startswith("*"), piece.endswith("*")
        # "=word": this word as written, in any case, not its stem ("=pat" is no "pats").
        written = piece.startswith("=")
        pieces = swedish.words(piece)
        for i, word in enumerate(pieces):
            literal.add(swedish.fold(word))
            first, last = i == 0, i == len(pieces) - 1
            if head and first and tail and last:
                kind, value = "infix", swedish.fold(word)
            elif tail and last:
                kind, value = "prefix", swedish.fold(word)
            elif head and first:
                kind, value = "suffix", swedish.fold(word)
            elif written or (word != word.lower() and len(word) <= 6):
                # An abbreviation ("FaR", "MI", "SIP") is matched as written, unfolded: "FaR" ≠ "får".
                kind, value = "exact", word.lower()
            else:
                kind, value = "term", swedish.term(word)
            parts.append((kind, value, gap if parts else 0))
            gap = DEFAULT_GAP
    return Pattern(parts=tuple(parts), text=cue, words=frozenset(literal))


@lru_cache(maxsize=4096)
def _label_patterns(label: str) -> list[Pattern]:
    """An option's own label is a cue ("Psykodynamisk terapi (PDT)" → the words, and "PDT")."""
    label = re.sub(r"^(Ja|Nej),\s*", "", label.strip())
    found = re.findall(r"\(([^)]+)\)", label)
    bare = re.sub(r"\([^)]*\)", " ", label).strip()
    out = []
    if len(swedish.words(bare)) >= 1 and bare.lower() not in ("ja", "nej"):
        out.append(_pattern(bare))
    for inner in found:  # abbreviations only: "(PDT)", "(LPT/LRV)" – not "(cancer)"
        if re.fullmatch(r"[A-ZÅÄÖ0-9/-]{2,}", inner):
            out += [_pattern(part) for part in inner.split("/") if len(part) >= 2]
    # A label is a bare word, not written for compounds: "Tolk" must not find "tolkbehov". A cue
    # says it where a compound's first part counts ("video": "videobesök"), or "*tolk" for the last.
    return [dataclasses.replace(p, whole=True) for p in out if p.parts]


def _phrase(words: str) -> str:
    return " ".join(swedish.fold(w) for w in words.split())


def parse_cues(data: dict) -> Cues:
    steps: dict[str, StepCues] = {}
    for step_slug, step_data in data.get("steps", {}).items():
        step = StepCues(
            default=step_data.get("default"),
            silent_none=bool(step_data.get("silent_none")),
            labels=step_data.get("labels", True),
            frames=[_pattern(c) for c in step_data.get("frames", [])],
            first=bool(step_data.get("first")),
            topics=frozenset(swedish.fold(w) for w in step_data.get("topics", [])),
            calls=[_pattern(c) for c in step_data.get("calls", [])],
        )
        for option_slug, option_data in step_data.items():
            if not isinstance(option_data, dict):
                continue
            step.options[option_slug] = OptionCues(
                any=[_pattern(c) for c in option_data.get("cues", [])],
                weak=[_pattern(c) for c in option_data.get("weak", [])],
                negated=[_pattern(c) for c in option_data.get("negated", [])],
                all=[[_pattern(c) for c in group] for group in option_data.get("all", [])],
                over=list(option_data.get("over", [])),
                specific=[_pattern(c) for c in option_data.get("specific", [])],
                # Someone is a whole word: "anhörig" in "anhörigutbildning" is no one in the room.
                present=[dataclasses.replace(_pattern(c), whole=True) for c in option_data.get("present", [])],
                follows=option_data.get("follows"),
                hint=[_pattern(c) for c in option_data.get("hint", [])],
                not_in=[_pattern(c) for c in option_data.get("not_in", [])],
            )
        steps[step_slug] = step
    language = data.get("language", {})
    return Cues(
        steps=steps,
        context=dict(data.get("context", {})),
        negations=frozenset(swedish.fold(w) for w in language.get("negations", [])),
        after_negations=frozenset(_phrase(w) for w in language.get("after_negations", [])),
        hedges=frozenset(_phrase(w) for w in language.get("hedges", []) if not w.endswith("*")),
        hedge_prefixes=tuple(swedish.fold(w[:-1]) for w in language.get("hedges", []) if w.endswith("*")),
        lexical=[_pattern(c) for c in language.get("not_negations", [])],
        limiters=frozenset(swedish.fold(w) for w in language.get("limiters", [])),
        concepts=frozenset(language.get("concepts", [])),
        not_concepts=frozenset(swedish.fold(w) for w in language.get("not_concepts", [])),
        after_limiters=frozenset(_phrase(w) for w in language.get("after_limiters", [])),
        after_hedges=frozenset(swedish.fold(w) for w in language.get("after_hedges", [])),
        abbreviations={key: tuple(swedish.words(value)) for key, value in data.get("abbreviations", {}).items()},
    )


@lru_cache(maxsize=1)
def _file_cues(mtime: float) -> Cues:
    with CUES_FILE.open("rb") as handle:
        return parse_cues(tomllib.load(handle))


def load_cues() -> Cues:
    return _file_cues(CUES_FILE.stat().st_mtime)


# --- the Swedish analysis search uses: compounds, typos, concepts -------------------------------


@dataclass
class Lexicon:
    """What the engine knows of Swedish beyond stems and folding, read from content files once per
    process (like the cues): the words compound parts may be, the cue words a long typo may be
    corrected to, and the concept layer (``begrepp.toml``: "ringde" → "telefon")."""

    known: frozenset[str]  # folded whole words a compound part may be (see build_lexicon)
    targets: list[str]  # folded cue words a typo may be corrected to
    concepts: dict[tuple[str, ...], list[list[str]]]  # swedish.concept_table
    abbreviations: dict[str, tuple[str, ...]] = field(default_factory=dict)  # Cues.abbreviations

    def expansion(self, word: str) -> tuple[str, ...]:
        """What a clinician's abbreviation stands for ("pat" → patienten, "AT" → arbetsterapeut)."""
        if word in self.abbreviations:
            return self.abbreviations[word]
        return self.abbreviations.get(word.lower(), ())

    def alternatives(self, word: str) -> tuple[frozenset[str], tuple[str, ...], frozenset[str], tuple[str, ...]]:
        """The terms and folded words one word of the text also stands for, then those of them that
        stand for the whole word (not a compound's part). Nothing of the text is kept between calls
        (it is patient information): _tokens remembers words for one text only."""
        folded = swedish.fold(word)
        # A clinician's abbreviation stands for its whole word, at the word's own position.
        found: list[str] = list(self.expansion(word))
        whole: list[str] = list(found)
        # An abbreviation ("KBT", "SIP") is no compound and no typo; digits are neither.
        plain = word.isalpha() and not (word.isupper() and len(word) <= 6) and not found
        parts = swedish.split_compound(folded, self.known) if plain else None
        if parts:
            found += parts
        elif plain and len(folded) >= TYPO_MIN and folded not in self.known and swedish.term(folded) not in self.known:
            corrected = self.correct(folded)
            if corrected:
                found += corrected[0]
                whole.append(corrected[1])
        # A concept stands for the whole word as written (or as corrected), never for a part the
        # split found: "vårdplane|ring" must not ring anyone.
        meanings = []
        for w in [folded] if parts else [folded, *found]:
            for phrase in self.concepts.get((swedish.term(w),), []):
                meanings += phrase
        folded_words = tuple(dict.fromkeys(swedish.fold(w) for w in [*found, *meanings]))
        whole_words = tuple(dict.fromkeys(swedish.fold(w) for w in [*whole, *meanings]))
        return (
            frozenset(swedish.term(w) for w in folded_words),
            folded_words,
            frozenset(swedish.term(w) for w in whole_words),
            whole_words,
        )

    def _typo_of(self, folded: str) -> str | None:
        if len(folded) < TYPO_MIN:
            return None
        best = process.extractOne(folded, self.targets, scorer=OSA.distance, score_cutoff=1)
        if not best or best[0][:TYPO_SAME_START] != folded[:TYPO_SAME_START]:
            return None
        # A letter left out, added or two swapped is a slip of the keys; one letter for another is
        # as often another word ("inloggning" is no "inläggning" once å/ä/ö are folded).
        if len(best[0]) == len(folded) and sorted(best[0]) != sorted(folded):
            return None
        return best[0]

    def correct(self, folded: str) -> tuple[list[str], str] | None:
        """A long word one edit from a cue word ("psykoedukaton"), or a compound whose last part is
        ("suicidriskbedomnig" → "suicid", "riskbedomning"): (its parts, the word corrected), or
        None when nothing is that close."""
        whole = self._typo_of(folded)
        if whole:
            return [whole], whole
        for end in range(4, len(folded) - TYPO_MIN + 1):
            head = folded[:end]
            if head not in self.known and swedish.term(head) not in self.known:
                continue
            for link in swedish.LINKS:
                if folded.startswith(link, end):
                    tail = self._typo_of(folded[end + len(link) :])
                    if tail:
                        return [head, tail], head + link + tail
        return None


def build_lexicon(cues: Cues, concepts: list[tuple[str, str, str]], texts: list[str]) -> Lexicon:
    """``concepts``: (name, words, means) as in begrepp.toml; ``texts``: the vocabulary's texts.

    Search's concepts are made for finding (recall): "återbesök" there means "uppföljning", "möte"
    means "konferens". An answer needs precision, so the engine uses only the concepts the cue
    file names, minus the everyday words it names as too vague ("digitalt" may be a chat), and only
    one word standing for one word (no codes)."""
    chosen = [
        (",".join(w for w in words.split(",") if swedish.fold(w.strip()) not in cues.not_concepts), means)
        for name, words, means in concepts
        if name in cues.concepts
    ]
    table = {
        key: [m for m in means if len(m) == 1 and not CODE_RE.match(m[0])]
        for key, means in swedish.concept_table(chosen).items()
        if len(key) == 1
    }
    table = {key: means for key, means in table.items() if means}
    patterns = [
        p
        for step in cues.steps.values()
        for option in step.options.values()
        for p in [*option.any, *option.weak, *option.negated, *(q for group in option.all for q in group)]
    ]
    cue_words = {w for p in patterns for w in p.words}
    # Whole words only (no stems: "utskriv" is no part of "utskrivning"): the cues' own words of
    # four letters or more ("tolk"), the sources' of five or more; a shorter part is too often a
    # suffix ("vårdplane|ring", "utskriv|ning").
    words = {swedish.fold(w) for text in texts for w in swedish.words(text)}
    known = {w for w in words if len(w) >= 5} | {w for w in cue_words if len(w) >= 4}
    known = {w for w in known if w.isalpha() and w not in swedish.STOPWORDS}
    targets = sorted(w for w in cue_words if len(w) >= TYPO_MIN and w.isalpha())
    return Lexicon(known=frozenset(known), targets=targets, concepts=table, abbreviations=cues.abbreviations)


@lru_cache(maxsize=1)
def _file_lexicon(mtimes: tuple[float, ...]) -> Lexicon:
    with CONCEPTS_FILE.open("rb") as handle:
        concepts = [
            (c["name"], c.get("words", ""), c.get("means", "")) for c in tomllib.load(handle).get("concepts", [])
        ]
    texts = [path.read_text(encoding="utf-8") for path in VOCABULARY_FILES]
    return build_lexicon(load_cues(), concepts, texts)


def load_lexicon() -> Lexicon:
    files = (CUES_FILE, CONCEPTS_FILE, *VOCABULARY_FILES)
    return _file_lexicon(tuple(path.stat().st_mtime for path in files))


@lru_cache(maxsize=1)
def _vocabulary(mtimes: tuple[float, ...]) -> tuple[str, ...]:
    return tuple(path.read_text(encoding="utf-8") for path in VOCABULARY_FILES)


def lexicon_with(concepts: list[tuple[str, str, str]]) -> Lexicon:
    """The lexicon with these concepts (name, words, means): the ones the database holds now."""
    texts = _vocabulary(tuple(path.stat().st_mtime for path in VOCABULARY_FILES))
    return build_lexicon(load_cues(), concepts, list(texts))


# --- text -------------------------------------------------------------------------------------


@dataclass
class Text:
    raw: str
    tokens: list[Token]
    sentences: list[list[Token]]
    polarity: list[dict[int, str]]  # per token: trigger position → effect (NEG or UNC)
    limiters: frozenset[str] = frozenset()
    after_limiters: frozenset[str] = frozenset()
    # Indexes of the distinct words, and what was already found (a cue recurs across steps).
    offsets: list[int] = field(default_factory=list)
    by_term: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    by_lower: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    by_folded: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    first_words: dict = field(default_factory=dict)
    found: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        offset = 0
        for s_index, sentence in enumerate(self.sentences):
            self.offsets.append(offset)
            offset += len(sentence)
            for position, token in enumerate(sentence):
                self.by_term.setdefault(token.term, []).append((s_index, position))
                self.by_lower.setdefault(token.lower, []).append((s_index, position))
                self.by_folded.setdefault(token.folded, []).append((s_index, position))
                # The analysis's alternatives stand at the word's own position, so negation and
                # doubt reach them exactly as they reach the word.
                for alt in token.alt_terms - {token.term}:
                    self.by_term.setdefault(alt, []).append((s_index, position))
                for alt in token.whole_folded:
                    if alt != token.folded:
                        self.by_folded.setdefault(alt, []).append((s_index, position))


@dataclass(frozen=True)
class _Span:
    start: int
    text: str

    def group(self) -> str:
        return self.text


def sentences_of(text: str) -> list[_Span]:
    spans, begin = [], 0
    for end in SENTENCE_END_RE.finditer(text):
        spans.append(_Span(begin, text[begin : end.start()]))
        begin = end.end()
    spans.append(_Span(begin, text[begin:]))
    return [span for span in spans if span.text.strip()]


def _tokens(text: str, lexicon: "Lexicon | None" = None) -> list[list[Token]]:
    sentences: list[list[Token]] = []
    seen: dict[str, tuple] = {}  # this text's words, analysed once
    for s_index, sentence in enumerate(sentences_of(text)):
        tokens: list[Token] = []
        for c_index, chunk in enumerate(CHUNK_RE.finditer(sentence.group())):
            cursor = 0
            body = chunk.group()
            for word in swedish.words(body):
                at = body.find(word, cursor)
                cursor = at + len(word)
                start = sentence.start + chunk.start() + at
                if word not in seen:
                    analysis = lexicon.alternatives(word) if lexicon else ()
                    seen[word] = (swedish.fold(word), swedish.term(word), word.lower(), *analysis)
                tokens.append(Token(s_index, c_index, len(tokens), start, start + len(word), *seen[word]))
        sentences.append(tokens)
    return [s for s in sentences if s]


def _folded_matches(kind: str, value: str, folded: str) -> bool:
    if kind == "prefix":
        return folded.startswith(value)
    if kind == "suffix":
        return folded.endswith(value)
    return value in folded


def _word_matches(kind: str, value: str, token: Token, whole: bool = False) -> bool:
    if kind == "term":
        return token.term == value or value in (token.whole_terms if whole else token.alt_terms)
    if kind == "exact":
        return token.lower == value
    # A wildcard is about the whole word ("*tolk": words ending in "tolk", so not "tolk|behov"),
    # as written or corrected ("suicidriskbedomnig" → "suicidriskbedomning").
    return _folded_matches(kind, value, token.folded) or any(
        _folded_matches(kind, value, f) for f in token.whole_folded
    )


def _find(pattern: Pattern, sentence: list[Token], starts=None) -> list[tuple[int, int, list[int]]]:
    """Every place the pattern stands in the sentence: (first, last, positions of the cue's own words).

    ``starts``: where its first word stands, when the caller already knows (the text's word index).
    """
    found = []
    kind, value, _ = pattern.parts[0]
    if starts is None:
        starts = [i for i, token in enumerate(sentence) if _word_matches(kind, value, token, pattern.whole)]
    for start in starts:
        positions = [start]
        for kind_n, value_n, gap in pattern.parts[1:]:
            here = positions[-1]
            nxt = next(
                (
                    j
                    for j in range(here + 1, min(len(sentence), here + 2 + gap))
                    if _word_matches(kind_n, value_n, sentence[j], pattern.whole)
                ),
                None,
            )
            if nxt is None:
                break
            positions.append(nxt)
        else:
            found.append((positions[0], positions[-1], positions))
    return found


def _negate(sentence: list[Token], i: int, effects: list[dict[int, str]], contrast: set[int]) -> None:
    """The words a negation at position i reaches, forward and back."""
    token = sentence[i]
    reach = 0
    for j in range(i + 1, len(sentence)):
        other = sentence[j]
        if other.chunk != token.chunk or other.folded in ("men",):
            break
        # "inte X utan Y": after a negation, "utan" means "but" and ends its reach.
        if other.folded == "utan" and reach:
            contrast.add(j)
            break
        # "utan patienten med kurator från skolan": who was there follows "med".
        if token.folded == "utan" and other.folded == "med" and reach:
            break
        # "vill inte ha fler hembesök och lämnar programmet": after a phrase, "och" starts a new
        # clause ("inga tester och skattningar" still denies both).
        if other.folded == "och" and reach >= 3:
            break
        effects[j].setdefault(i, NEG if reach < NEGATION_REACH else UNC)
        reach += 1
    # A negation may also stand after what it denies ("har aldrig gjorts"): after a passive or an
    # auxiliary verb it surely does; otherwise it may, so doubt.
    before = sentence[i - 1].folded if i else ""
    denies_before = before in AUXILIARIES or (len(before) > 4 and before.endswith(PASSIVE_ENDINGS))
    # It reaches back over its own clause, and over the one before only when it stands in a short
    # tail of its own ("Suicidriskbedömning, ej gjord").
    tail = sum(1 for t in sentence if t.chunk == token.chunk) <= 3 and token.folded not in DETERMINERS
    if token.folded in DETERMINERS or token.folded == "utan":
        return  # "ingen plan", "utan pat": they deny what follows, never what stands before
    for j in range(i - 1, -1, -1):
        if sentence[j].folded == "men":
            break  # "… men någon genomgång har aldrig gjorts": the contrast starts anew
        if sentence[j].chunk == token.chunk:
            if denies_before:
                effects[j][i] = NEG
            else:
                effects[j].setdefault(i, UNC)
        elif sentence[j].chunk == token.chunk - 1 and tail:
            effects[j].setdefault(i, UNC)
        else:
            break


def _deny_before(sentence: list[Token], i: int, effects: list[dict[int, str]]) -> None:
    """ "uteblev", "ställdes in": what stands before in the clause did not happen."""
    for j in range(i):
        if sentence[j].chunk == sentence[i].chunk:
            effects[j][i] = NEG
        else:
            effects[j].setdefault(i, UNC)


def _hedge(sentence: list[Token], i: int, effects: list[dict[int, str]]) -> None:
    """A planned, reported or past mention ("planerar", "remiss", "tidigare"): a few words on, never past "men"."""
    for j in range(i + 1, min(len(sentence), i + 1 + HEDGE_REACH)):
        if sentence[j].chunk != sentence[i].chunk or sentence[j].folded == "men":
            break
        effects[j].setdefault(i, HYP)


def _said(sentence: list[Token], i: int, words: frozenset[str]) -> bool:
    """Whether the word at i, or it and the next ("ställdes in", "planerat att"), is one of these."""
    folded = sentence[i].folded
    following = sentence[i + 1].folded if i + 1 < len(sentence) else ""
    return folded in words or f"{folded} {following}" in words


def _is_hedge(sentence: list[Token], i: int, cues: Cues) -> bool:
    token = sentence[i]
    return _said(sentence, i, cues.hedges) or bool(cues.hedge_prefixes and token.folded.startswith(cues.hedge_prefixes))


def _hedge_before(sentence: list[Token], i: int, effects: list[dict[int, str]]) -> None:
    """ "… nästa vecka": the few words before, in the clause, are planned."""
    for j in range(i - 1, max(-1, i - 1 - AFTER_HEDGE_REACH), -1):
        if sentence[j].chunk != sentence[i].chunk:
            break
        effects[j].setdefault(i, HYP)


def _polarity(sentence: list[Token], cues: Cues) -> list[dict[int, str]]:
    """Per word of a sentence: trigger position → NEG, UNC or HYP."""
    effects: list[dict[int, str]] = [{} for _ in sentence]
    lexical = set()
    contrast: set[int] = set()  # "utan" meaning "but" after a negation ("inte X utan Y"): Y is said, not denied
    for pattern in cues.lexical:
        for first, last, _ in _find(pattern, sentence):
            lexical.update(range(first, last + 1))
    for i, token in enumerate(sentence):
        if i in lexical:
            continue
        if token.folded in cues.negations and i not in contrast:
            _negate(sentence, i, effects, contrast)
        if _said(sentence, i, cues.after_negations):
            _deny_before(sentence, i, effects)
        if _is_hedge(sentence, i, cues):
            _hedge(sentence, i, effects)
        if token.folded in cues.after_hedges:
            _hedge_before(sentence, i, effects)
    return effects


def analyse(text: str, cues: Cues, lexicon: "Lexicon | None" = None) -> Text:
    sentences = _tokens(text, lexicon)
    polarity = [_polarity(sentence, cues) for sentence in sentences]
    flat_tokens = [t for s in sentences for t in s]
    return Text(
        raw=text,
        tokens=flat_tokens,
        sentences=sentences,
        polarity=[e for s in polarity for e in s],
        limiters=cues.limiters,
        after_limiters=cues.after_limiters,
    )


def _first_words(kind: str, value: str, text: Text) -> dict[int, list[int]]:
    """Sentence → positions where a cue's first word stands, from the text's index of distinct words."""
    key = (kind, value)
    if key not in text.first_words:
        where: dict[int, list[int]] = {}
        if kind in ("term", "exact"):
            hits = text.by_term.get(value, []) if kind == "term" else text.by_lower.get(value, [])
        else:
            hits = [
                hit
                for folded, positions in text.by_folded.items()
                if (
                    folded.startswith(value)
                    if kind == "prefix"
                    else folded.endswith(value)
                    if kind == "suffix"
                    else value in folded
                )
                for hit in positions
            ]
        for s_index, position in sorted(hits):
            where.setdefault(s_index, []).append(position)
        text.first_words[key] = where
    return text.first_words[key]


def _matches(pattern: Pattern, option: str, text: Text) -> list[Match]:
    key = (pattern, option)
    if key in text.found:
        return text.found[key]
    if pattern not in text.found:
        out = []
        kind, value, _ = pattern.parts[0]
        for s_index, starts in _first_words(kind, value, text).items():
            sentence = text.sentences[s_index]
            if pattern.whole:
                starts = [i for i in starts if _word_matches(kind, value, sentence[i], whole=True)]
            offset = text.offsets[s_index]
            for first, last, positions in _find(pattern, sentence, starts):
                own = set(positions)
                # A cue's own negation words ("utan förälder", "ingen behandlare") do not negate the cue.
                effects = set()
                for p in positions:
                    for trigger, effect in text.polarity[offset + p].items():
                        if trigger not in own:
                            effects.add(effect)
                # Denied in a past, planned or reported act ("ingen tidigare enkel genomgång") says
                # nothing of this visit: uncertain, not denied.
                polarity = HYP if {NEG, HYP} <= effects else next((p for p in (NEG, HYP, UNC) if p in effects), POS)
                start, end = sentence[first].start, sentence[last].end
                only = first > 0 and sentence[first - 1].folded in text.limiters
                if only:
                    start = sentence[first - 1].start
                only = only or (last + 1 < len(sentence) and _said(sentence, last + 1, text.after_limiters))
                out.append(Match("", pattern.text, polarity, start, end, text.raw[start:end], only, s_index))
        text.found[pattern] = out
    text.found[key] = [
        Match(option, m.cue, m.polarity, m.start, m.end, m.words, m.only, m.sentence) for m in text.found[pattern]
    ]
    return text.found[key]


# --- deciding a step --------------------------------------------------------------------------

STATES = SUPPORTED, DENIED, CONFLICT, PARTIAL, DOUBT, HEDGED, WEAK, HINT, NONE = (
    "supported",
    "denied",
    "conflict",
    "partial",
    "doubt",
    "hedged",
    "weak",
    "hint",
    "none",
)


@dataclass
class Evidence:
    state: str
    positive: list[Match]
    other: list[Match]
    specific: bool = False  # supported by a name (OptionCues.specific)


def _carries_code(option: wizard.Option) -> bool:
    return bool(option.codes or option.no_code or option.contact or option.unit_code)


def _split(matches: list[Match], risky: bool) -> tuple[list[Match], list[Match], list[Match]]:
    # Uncertain support never adds a code; for an answer without codes it only routes the walk.
    # A reported or planned mention ("remitterad för …") is no support at all, and a doubt where a code hangs on it.
    pos = [m for m in matches if m.polarity == POS or (m.polarity == UNC and not risky)]
    neg = [m for m in matches if m.polarity == NEG]
    unc = [m for m in matches if m.polarity in (UNC, HYP) and risky]
    return pos, neg, unc


def _option_matches(
    option: wizard.Option, cues: OptionCues | None, text: Text, labels: bool, frames: set[int]
) -> list[Match]:
    patterns = [*(_label_patterns(option.label) if labels else []), *(cues.any + cues.specific if cues else [])]
    matches = [m for p in patterns for m in _matches(p, option.slug, text)]
    for p in cues.negated if cues else []:
        # "inte inskriven i slutenvård" speaks for öppenvård.
        for m in _matches(p, option.slug, text):
            flipped = POS if m.polarity == NEG else NEG if m.polarity == POS else m.polarity
            matches.append(dataclasses.replace(m, polarity=flipped))
    for p in cues.present if cues else []:
        # Someone named where the sentence says someone took part ("Nätverksmöte med pat och mamma").
        matches += [m for m in _matches(p, option.slug, text) if m.sentence in frames]
    return _unmasked(matches, cues, text)


def _unmasked(matches: list[Match], cues: OptionCues | None, text: Text) -> list[Match]:
    """The matches that stand outside the option's ``not_in`` phrases."""
    if not cues or not cues.not_in:
        return matches
    masks = [(m.start, m.end) for p in cues.not_in for m in _matches(p, "", text)]
    return [m for m in matches if not any(start <= m.start and m.end <= end for start, end in masks)]


def _groups_state(option: wizard.Option, cues: OptionCues, text: Text, risky: bool, found: tuple) -> tuple:
    """State for an answer whose cues come in groups that must all be said (``all``)."""
    pos, neg, unc = found
    groups = []
    for group in cues.all:
        g_pos, g_neg, g_unc = _split([m for p in group for m in _matches(p, option.slug, text)], risky)
        pos, neg, unc = pos + g_pos, neg + g_neg, unc + g_unc
        state_of = "conflict" if g_pos and g_neg else "neg" if g_neg else "pos" if g_pos else "open"
        groups.append("unc" if state_of == "open" and g_unc else state_of)
    if "neg" in groups:
        state = DENIED  # a requirement the text rules out
    elif "conflict" in groups or (pos and neg):
        state = CONFLICT
    elif neg:
        state = DENIED
    elif all(g == "pos" for g in groups):
        state = SUPPORTED
    elif groups[0] in ("pos", "unc"):
        # The first group names the topic: said in part (suicidal thoughts asked about, no
        # structured assessment) is a question to ask; a later group alone says nothing.
        state = PARTIAL
    else:
        state = NONE
    return state, pos, neg, unc


TOPIC_REACH = 3  # words before a name where a topic word makes it what was talked about


def _about(match: Match, text: Text, topics: frozenset[str], calls: set[int] = frozenset()) -> bool:
    if match.sentence in calls:
        return True
    sentence = text.sentences[match.sentence]
    at = next((i for i, t in enumerate(sentence) if t.start == match.start), None)
    if at is None or not topics:
        return False
    before = [t for t in sentence[max(0, at - TOPIC_REACH) : at] if t.chunk == sentence[at].chunk]
    return any(t.folded in topics for t in before)


def _evidence(
    option: wizard.Option,
    cues: OptionCues | None,
    text: Text,
    labels: bool = True,
    frames: set[int] | None = None,
    topics: frozenset[str] = frozenset(),
    calls: set[int] = frozenset(),
) -> Evidence:
    risky = _carries_code(option)
    pos, neg, unc = _split(_option_matches(option, cues, text, labels, frames or set()), risky)
    if cues and cues.all:
        state, pos, neg, unc = _groups_state(option, cues, text, risky, (pos, neg, unc))
    elif neg:
        # An answer that only routes the walk ("Läkemedel") may be both said and denied ("står på
        # sju läkemedel" … "någon läkemedelsgenomgång har aldrig gjorts"); the steps after it decide
        # the codes. Where a code hangs on the answer, that is a question to ask.
        state = (CONFLICT if risky else SUPPORTED) if pos else DENIED
    elif pos:
        state = SUPPORTED
    elif unc:
        # Only planned, past or reported ("planerar stödsamtal", "tidigare DBT"): hedged; a negation
        # that may or may not reach it: doubt.
        state = DOUBT if any(m.polarity == UNC for m in unc) else HEDGED
    else:
        state = NONE
    if state == NONE and cues and cues.weak:
        weak = [m for p in cues.weak for m in _matches(p, option.slug, text) if m.polarity == POS]
        if weak:
            return Evidence(WEAK, weak, [])
    if state == NONE and cues and (cues.hint or cues.present):
        # Said, but not enough to answer: someone named where no sentence says they took part.
        found = [m for p in [*cues.hint, *cues.present] for m in _matches(p, option.slug, text) if m.polarity == POS]
        hints = [m for m in _unmasked(found, cues, text) if not _about(m, text, topics, calls)]
        if hints:
            return Evidence(HINT, hints, [])
    named = {p.text for p in cues.specific} if cues else set()
    return Evidence(state, pos, neg + unc, specific=any(m.cue in named for m in pos))


def _words(matches: list[Match]) -> list[str]:
    seen: list[str] = []
    for m in sorted(matches, key=lambda m: m.start):
        if m.words not in seen:
            seen.append(m.words)
    return seen


@dataclass
class Decision:
    """What the text says about one step: the answer (None when it must be asked), the words it
    rests on, why, and, when asked, the answers worth a look first."""

    chosen: list[str] | None
    words: list[str]
    reason: str
    likely: list[str] = field(default_factory=list)
    evidence: dict[str, Evidence] = field(default_factory=dict)


def _named(step: Step, slugs: list[str]) -> str:
    label_of = {o.slug: o.label for o in step.options}
    return ", ".join(f"”{label_of[s]}”" for s in slugs)


def _settle(supported: list[str], cues: StepCues | None, evidence: dict[str, Evidence]) -> list[str]:
    """Of several supported answers of a single-choice step, the one the text settles on, if any."""
    # A name outranks general words ("IMR-grupp" over a theme of "återfallsprevention").
    named = [s for s in supported if evidence[s].specific]
    if len(supported) > 1 and len(named) == 1:
        return named
    if len(supported) > 1 and cues:
        # One answer may settle another (a neuropsychiatric work-up is also an assessment).
        for slug in list(supported):
            over = cues.options.get(slug, OptionCues()).over
            if over and set(supported) - {slug} <= set(over):
                return [slug]
    # "endast telefon": an answer said to be the only one settles the others.
    only = [s for s in supported if any(m.only for m in evidence[s].positive)]
    if len(supported) > 1 and len(only) == 1:
        return only
    if len(supported) > 1 and cues and cues.first:
        earliest = {s: min(m.start for m in evidence[s].positive) for s in supported}
        first = min(supported, key=earliest.get)
        if min(m.sentence for m in evidence[first].positive) == 0:
            return [first]
    return supported


def _decide_single(step: Step, cues: StepCues | None, evidence: dict[str, Evidence]) -> Decision:
    by_state = {state: [s for s, e in evidence.items() if e.state == state] for state in STATES}
    supported = _settle(by_state[SUPPORTED], cues, evidence)
    # What was only planned or done before does not stand in the way of what the text says was
    # done, nor does an answer that a supported one settles anyway.
    unclear = (CONFLICT, PARTIAL, DOUBT) if supported else (CONFLICT, PARTIAL, DOUBT, HEDGED)
    settled = {o for s in supported for o in (cues.options[s].over if cues and s in cues.options else [])}
    blocking = [s for s, e in evidence.items() if e.state in unclear and s not in settled]
    weak, denied = by_state[WEAK], by_state[DENIED]
    if blocking:
        return Decision(None, [], f"Texten är oklar om {_named(step, blocking)}.", supported + blocking)
    if len(supported) == 1:
        words = _words(evidence[supported[0]].positive)
        return Decision(supported, words, f"Texten nämner {_named(step, supported)}.")
    if len(supported) > 1:
        return Decision(None, [], f"Texten passar flera svar: {_named(step, supported)}.", supported)
    if len(weak) == 1:
        words = _words(evidence[weak[0]].positive)
        return Decision(weak, words, f"Inget annat svar nämns; texten tyder på {_named(step, weak)}.")
    if weak:
        return Decision(None, [], f"Texten kan passa {_named(step, weak)}.", weak)
    remaining = [o.slug for o in step.options if o.slug not in denied]
    if len(remaining) == 1 and denied:
        words = _words([m for s in denied for m in evidence[s].other])
        return Decision(remaining, words, f"Texten utesluter {_named(step, denied)}.")
    # A default is for a text that says nothing: something mentioned but unclear is a question.
    hinted = any(e.state == HINT for e in evidence.values())
    if cues and cues.default and step.option(cues.default) and not denied and not hinted:
        return Decision(
            [cues.default], [], f"Texten nämner inget om detta; det vanliga är {_named(step, [cues.default])}."
        )
    return Decision(None, [], "Texten säger inget som avgör frågan.")


def _decide_multiple(step: Step, cues: StepCues | None, evidence: dict[str, Evidence]) -> Decision:
    """Every clearly supported answer, unless some answer is unclear."""
    supported = [s for s, e in evidence.items() if e.state == SUPPORTED]
    blocking = [s for s, e in evidence.items() if e.state in (CONFLICT, PARTIAL, DOUBT, HEDGED)]
    weak = [s for s, e in evidence.items() if e.state == WEAK]
    denied = [s for s, e in evidence.items() if e.state == DENIED]
    if blocking:
        return Decision(None, [], f"Texten är oklar om {_named(step, blocking)}.", supported + blocking)
    if supported:
        words = _words([m for s in supported for m in evidence[s].positive])
        return Decision(supported, words, f"Texten nämner {_named(step, supported)}.")
    if weak:
        return Decision(None, [], f"Texten kan passa {_named(step, weak)}.", weak)
    if step.optional and cues and cues.silent_none and not any(e.state == HINT for e in evidence.values()):
        reason = "Texten nämner inget av detta." if not denied else f"Texten utesluter {_named(step, denied)}."
        return Decision([], [], reason)
    return Decision(None, [], "Texten säger inget som avgör frågan.")


Lookahead = Callable[[str], list[Match]]


def _frames(cues: StepCues | None, text: Text) -> set[int]:
    """Sentences that say someone took part (StepCues.frames)."""
    return {m.sentence for p in (cues.frames if cues else []) for m in _matches(p, "", text) if m.polarity == POS}


def step_evidence(step: Step, cues: StepCues | None, text: Text) -> dict[str, Evidence]:
    labels = cues.labels if cues else True
    frames = _frames(cues, text)
    topics = cues.topics if cues else frozenset()
    calls = {m.sentence for p in (cues.calls if cues else []) for m in _matches(p, "", text)}
    return {
        o.slug: _evidence(o, cues.options.get(o.slug) if cues else None, text, labels, frames, topics, calls)
        for o in step.options
    }


def decide(step: Step, cues: StepCues | None, text: Text, lookahead: Lookahead | None = None) -> Decision:
    """What the analysed text says about this step (its options already those the path allows).

    ``lookahead(slug)``: the words that support some answer of a later step (OptionCues.follows)."""
    evidence = step_evidence(step, cues, text)
    for slug, found in evidence.items():
        follows = cues.options[slug].follows if cues and slug in cues.options else None
        if follows and lookahead and found.state == NONE:
            words = lookahead(follows)
            if words:
                evidence[slug] = Evidence(WEAK, words, [])
    decision = (_decide_single if step.kind == "single" else _decide_multiple)(step, cues, evidence)
    decision.evidence = evidence
    hints = [s for s, e in evidence.items() if e.state == HINT and s not in decision.likely]
    if hints and decision.chosen is None and not decision.likely:
        decision.reason = f"Texten nämner {_named(step, hints)} men avgör inte frågan."
    decision.likely = [*decision.likely, *hints]
    return decision


def choices(step: Step, decision: Decision) -> list[Choice]:
    """Every answer of the step, the likely ones first, each with the words that make it likely."""
    likely = [s for s in dict.fromkeys([*(decision.chosen or []), *decision.likely]) if step.option(s)]
    rest = [o.slug for o in step.options if o.slug not in likely]
    out = []
    for slug in [*likely, *rest]:
        evidence = decision.evidence.get(slug)
        words = tuple(_words([*evidence.positive, *evidence.other])) if evidence and slug in likely else ()
        said = bool(evidence) and evidence.state == SUPPORTED
        out.append(Choice(step.option(slug), slug in likely, words, said))
    return out


# --- the walk ---------------------------------------------------------------------------------


def _offered(walk: wizard.Walk, step: Step | None = None) -> Step:
    """The step with only the answers that can apply after the walk's answers."""
    step = step or walk.current
    return dataclasses.replace(step, options=wizard.available(step, walk.answers))


def _lookahead(tree: Tree, cues: Cues, text: Text, walk: wizard.Walk) -> Lookahead:
    def words(slug: str) -> list[Match]:
        if slug not in tree.steps:
            return []
        step = _offered(walk, tree.steps[slug])
        evidence = step_evidence(step, cues.steps.get(slug), text)
        return [m for e in evidence.values() if e.state in (SUPPORTED, WEAK) for m in e.positive]

    return words


def _by_context(tree: Tree, step: Step, inom: str | None, cues: Cues) -> bool:
    return step.slug == tree.start and bool(inom) and bool(step.option(cues.context.get(inom, "")))


def _given(tree: Tree, walk: wizard.Walk, text: Text, inom: str | None, cues: Cues) -> list[Inferred]:
    """The answers of a path the clinician sent: each marked as read from the text when the text
    settles it the same way (an answer inferred in an earlier round), else as the clinician's."""
    out = []
    for index, answer in enumerate(walk.answers):
        if answer.implied:
            continue
        chosen = [o.slug for o in answer.chosen]
        step = dataclasses.replace(answer.step, options=wizard.available(answer.step, walk.answers[:index]))
        if _by_context(tree, step, inom, cues) and chosen == [cues.context[inom]]:
            out.append(Inferred(answer.step, chosen, answer.segment, [], "Du valde verksamheten.", CONTEXT))
            continue
        partial = wizard.Walk(walk.answers[:index], answer.step, None)
        decision = decide(step, cues.steps.get(step.slug), text, _lookahead(tree, cues, text, partial))
        if decision.chosen is not None and sorted(decision.chosen) == sorted(chosen) and not answer.way_out:
            out.append(Inferred(answer.step, chosen, answer.segment, decision.words, decision.reason, TEXT))
        else:
            out.append(Inferred(answer.step, chosen, answer.segment, [], "Du svarade.", YOU))
    return out


def describe(
    tree: Tree,
    text: str,
    inom: str | None = None,
    cues: Cues | None = None,
    lexicon: Lexicon | None = None,
    path: list[str] | None = None,
    ask: bool = False,
) -> Description:
    """Walk the tree as far as the text clearly answers it.

    ``path``: answers already given (a wizard address's segments; WalkError when they do not fit
    the tree): the walk starts after them and keeps reading the text. ``ask``: the first step after
    them is asked, not read from the text ("Ändra"), with what the text says marked as likely.
    """
    cues = cues or load_cues()
    lexicon = lexicon or load_lexicon()
    # The text is patient information: its words pass through the analysis without being kept.
    with swedish.private():
        analysed = analyse(text or "", cues, lexicon)
    walk = wizard.walk(tree, list(path or []))
    path = list(walk.answers[-1].path) if walk.answers else []
    inferred = _given(tree, walk, analysed, inom, cues)
    reasons: list[str] = []
    for _seen in range(100):
        # The wizard decides what is asked next (answers it implies are taken without asking) and
        # which answers can apply on this path; the text only chooses among those.
        walk = wizard.walk(tree, path)
        if walk.current is None:
            break
        step = _offered(walk)
        by = CONTEXT if _by_context(tree, step, inom, cues) and not ask else TEXT
        if by == CONTEXT:
            decision = Decision([cues.context[inom]], [], "Du valde verksamheten.")
        else:
            decision = decide(step, cues.steps.get(step.slug), analysed, _lookahead(tree, cues, analysed, walk))
        if decision.chosen is None or ask:
            reasons.append(f"{step.question} {decision.reason}")
            listed = choices(step, decision)
            likely = [c.option.slug for c in listed if c.likely]
            return Description(inferred, path, walk, walk.current, likely, reasons, listed)
        segment = wizard.segment_for(step, [step.option(slug) for slug in decision.chosen])
        path = [*path, segment]
        inferred.append(Inferred(walk.current, decision.chosen, segment, decision.words, decision.reason, by))
        reasons.append(f"{step.question} {decision.reason}")
    walk = wizard.walk(tree, path)
    return Description(inferred, path, walk, stopped_at=walk.current, reasons=reasons)
