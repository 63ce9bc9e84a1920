"""Swedish words for search: tokens, the Snowball Swedish stemmer, and folding of å/ä/ö.

The stemmer is the Snowball algorithm that PostgreSQL's ``swedish`` text-search configuration
uses, so both databases stem alike. Folding comes after stemming so that "lakemedel" typed
without dots meets "läkemedel".
"""

import re
import unicodedata
from functools import lru_cache

VOWELS = set("aeiouyäåö")
STEP1_SUFFIXES = sorted(
    (
        "a arna erna heterna orna ad e ade ande arne are aste en anden aren heten ern ar er heter "
        "or as arnas ernas ornas es ades andes ens arens hetens erns at andet het ast"
    ).split(),
    key=len,
    reverse=True,
)
S_ENDING = set("bcdfghjklmnoprtvy")
STEP2_SUFFIXES = ("dd", "gd", "nn", "dt", "gt", "kt", "tt")
STOPWORDS = set(
    """
    och i att det som en på är av för med till den har de inte om ett han men var jag sig från vi så
    kan man när år säger hon under också efter eller nu sin där vid mot ska skall än bara vara
    hade alla andra detta dessa denna vad ut upp hur då sedan ju inom samt enligt t ex el dvs bl a
    ej annan annat andra sådan sådana vilket vilken vilka
    """.split()
)
WORD_RE = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿ]+")
FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "æ": "a", "ø": "o"})


def _r1(word: str) -> int:
    for index in range(1, len(word)):
        if word[index] not in VOWELS and word[index - 1] in VOWELS:
            return max(index + 1, 3)
    return len(word)


def stem(word: str) -> str:
    """The Snowball Swedish stem of a lower-case word."""
    if len(word) < 3 or not word.isalpha():
        return word
    r1 = _r1(word)
    for suffix in STEP1_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= r1:
            word = word[: -len(suffix)]
            break
    else:
        if word.endswith("s") and len(word) - 1 >= r1 and len(word) >= 2 and word[-2] in S_ENDING:
            word = word[:-1]
    if any(word.endswith(suffix) and len(word) - len(suffix) >= r1 for suffix in STEP2_SUFFIXES):
        word = word[:-1]
    if word.endswith("fullt") and len(word) - 5 >= r1:
        word = word[:-1]
    elif word.endswith("löst") and len(word) - 4 >= r1:
        word = word[:-1]
    else:
        for suffix in ("lig", "els", "ig"):
            if word.endswith(suffix) and len(word) - len(suffix) >= r1:
                word = word[: -len(suffix)]
                break
    return word


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower case, å/ä/ö to a/a/o, other accents dropped (é → e)."""
    text = text.lower().translate(FOLD)
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The words of a text, as written (compounds with a hyphen give their parts)."""
    return WORD_RE.findall(text or "")


@lru_cache(maxsize=200_000)
def term(word: str) -> str:
    """The search term for one word: stemmed, then folded."""
    return fold(stem(word.lower()))


def terms(text: str, keep_stopwords: bool = False) -> list[str]:
    return [term(w) for w in words(text) if keep_stopwords or w.lower() not in STOPWORDS]
