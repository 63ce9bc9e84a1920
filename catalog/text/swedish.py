"""Swedish analysis, the one module for it: tokens, Snowball stems, folding of å/ä/ö, compound
splitting against a vocabulary, and the concept layer (everyday words → the content's terms).

The stemmer is the Snowball library (PyStemmer), the same algorithm as PostgreSQL's ``swedish``
text-search configuration, so both databases stem alike. Folding comes after stemming so that "lakemedel" typed
without dots meets "läkemedel".
"""

import contextlib
import re
import threading
import unicodedata
from functools import lru_cache

import Stemmer

STOPWORDS = set(
    """
    och i att det som en på är av för med till den har de inte om ett han men var jag sig från vi så
    kan man när år säger hon under också efter eller nu sin där vid mot ska skall än bara vara
    hade alla andra detta dessa denna vad ut upp hur då sedan ju inom samt enligt t ex el dvs bl a
    ej annan annat andra sådan sådana vilket vilken vilka
    """.split()
)
FOLDED_STOPWORDS = {w.translate(str.maketrans({"å": "a", "ä": "a", "ö": "o"})) for w in STOPWORDS}
# Words a query may hold that say nothing about which code is meant ("samtal via video", "pratade över
# telefon"): search reads them as stop words in a query, while texts keep them ("administrerad via
# internet" is still found by "via internet").
FILLER = set(
    """
    via över per hos genom mellan åt kring angående gällande ang igen väldigt ganska lite mycket typ kanske
    nog redan just extra tillsammans gång gången gånger vecka veckan veckor dag dagen dagar månad månader
    """.split()
)
WORD_RE = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿ]+")
COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "æ": "a", "ø": "o"})


_local = threading.local()


def stem(word: str) -> str:
    """The Snowball Swedish stem of a lower-case word (PyStemmer, the Snowball project's C library).

    PyStemmer measured ~500 times faster than the pure-Python snowballstemmer on the same words;
    a Stemmer object is not thread-safe, so each thread keeps its own.
    """
    if len(word) < 3 or not word.isalpha():
        return word
    if getattr(_local, "private", False):
        stemmer = getattr(_local, "private_stemmer", None)
        if stemmer is None:
            stemmer = _local.private_stemmer = Stemmer.Stemmer("swedish", 0)  # keeps no words
        return stemmer.stemWord(word)
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("swedish")
    return stemmer.stemWord(word)


@contextlib.contextmanager
def private():
    """Analyse text that must not be kept (a described visit is patient information): inside this
    block no word is remembered by this module's caches or the stemmer's."""
    before = getattr(_local, "private", False)
    _local.private = True
    try:
        yield
    finally:
        _local.private = before


def fold(text: str) -> str:
    """Lower case, å/ä/ö to a/a/o, other accents dropped (é → e)."""
    if getattr(_local, "private", False):
        return _fold(text)
    return _fold_cached(text)


def _fold(text: str) -> str:
    text = text.lower().translate(FOLD)
    if text.isascii():
        return text
    # Decompose, then drop the combining marks (one C-level pass: texts are folded whole for search).
    return COMBINING_RE.sub("", unicodedata.normalize("NFKD", text))


_fold_cached = lru_cache(maxsize=200_000)(_fold)


def words(text: str) -> list[str]:
    """The words of a text, as written (compounds with a hyphen give their parts)."""
    return WORD_RE.findall(text or "")


def term(word: str) -> str:
    """The search term for one word: stemmed, then folded."""
    if getattr(_local, "private", False):
        return _term(word)
    return _term_cached(word)


def _term(word: str) -> str:
    return fold(stem(word.lower()))


_term_cached = lru_cache(maxsize=200_000)(_term)


def terms(text: str, keep_stopwords: bool = False) -> list[str]:
    return [term(w) for w in words(text) if keep_stopwords or w.lower() not in STOPWORDS]


# Endings of definite and plural forms and the genitive, longest first: "konferensen" is the content's
# "konferens", though the stemmer cuts the two differently ("konferens", "konfer").
INFLECTIONS = (
    "ernas",
    "arnas",
    "ornas",
    "erna",
    "arna",
    "orna",
    "ens",
    "ets",
    "en",
    "et",
    "na",
    "er",
    "ar",
    "or",
    "n",
    "t",
    "s",
)
# Suffixes that make a noun of a verb's stem: "träna" and "träning", "bedöma" and "bedömning" are one
# word to a clinician, though the stemmer keeps them apart.
DERIVATIONS = ("ning", "ing", "else", "ande", "ende")
LINKS = ("s", "e", "")  # what Swedish puts between the parts of a compound ("anhörig|samtal", "läkemedel|s|genomgång")
MIN_PART = 3
MAX_SPLIT_LENGTH = 40


def split_compound(word: str, known) -> list[str] | None:
    """The parts of a compound, each a word in ``known`` (a set of folded words or stems), or None.

    ``videosamtal`` → ``["video", "samtal"]``; the fewest parts win, a linking s or e between
    parts is dropped (``narstaendeutbildning`` → ``["narstaende", "utbildning"]``). The word is
    folded first; only words of up to 40 letters are tried, so the cost stays bounded.
    """
    folded = fold(word)
    if len(folded) < 2 * MIN_PART or len(folded) > MAX_SPLIT_LENGTH or not folded.isalpha():
        return None
    memo: dict[int, list[str] | None] = {}

    def best_from(start: int) -> list[str] | None:
        if start in memo:
            return memo[start]
        found: list[str] | None = None
        rest = folded[start:]
        if start > 0 and (rest in known or term(rest) in known):
            found = [rest]
        for end in range(len(folded) - MIN_PART, start + MIN_PART - 1, -1):
            part = folded[start:end]
            # A stop word is no part ("för|skole|personal" is "förskole|personal").
            if (part not in known and term(part) not in known) or part in FOLDED_STOPWORDS:
                continue
            for link in LINKS:
                if link and not folded.startswith(link, end):
                    continue
                tail = best_from(end + len(link)) if end + len(link) <= len(folded) - MIN_PART else None
                if tail is not None and (found is None or len(tail) + 1 < len(found)):
                    found = [part, *tail]
        memo[start] = found
        return found

    parts = best_from(0)
    return parts if parts and len(parts) >= 2 else None


def phrases(text: str) -> list[list[str]]:
    """A comma-separated list of words or phrases (a concept's ``words`` or ``means``) as lists of words."""
    return [found for found in (words(part) for part in (text or "").split(",")) if found]


def phrase_key(phrase: list[str]) -> tuple[str, ...]:
    """How a phrase is looked up: each word's term, stop words left out, unless that leaves one word
    of several: "gav upp" is not "gav", "var med" is not nothing."""
    content = [w for w in phrase if w.lower() not in STOPWORDS]
    return tuple(term(w) for w in (content if len(content) > 1 else phrase))


def concept_table(concepts) -> dict[tuple[str, ...], list[list[str]]]:
    """Everyday words → what they mean, from ``(words, means)`` pairs (the Concept rows).

    The key is a phrase's terms (stemmed and folded), so ``ringde`` and ``Ringde`` and ``ringdes``
    look up alike; the value is the list of phrases in ``means`` (any of them may find a code).
    """
    table: dict[tuple[str, ...], list[list[str]]] = {}
    for everyday, means in concepts:
        meaning = phrases(means)
        for phrase in phrases(everyday):
            key = phrase_key(phrase)
            if key:
                table.setdefault(key, [])
                table[key] += [m for m in meaning if m not in table[key]]
    return table
