"""What a query says beyond its words: who was there, who was not, and numbers written as words.

The sources draw lines by who takes part: a conference "med patient" (XS007) or "utan att patienten
... är närvarande" (XS008), a telephone call "utan att patienten är med" (XS011), a talk with a child
"utan närvaro av förälder" (DU057). So the index marks the texts that say someone is not there
(ABSENT) and the titles that say "med ... patient" (PRESENT), and a query is read for the same:
"nätverksmöte, patienten var inte med" asks for ABSENT, "patienten närvarade vid konferensen" for
PRESENT. The words that say it ("inte", "deltog", "närvarade") are used up by the reading, so that
"närvarade" does not find "är närvarande" in the very text that says the patient was not there.

Numbers written as words ("femte hembesöket", "hembesök nummer två") also stand for their digits,
as the titles write them ("Utökat hembesök nr 5").
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from catalog.text import swedish

# Terms no typed word can become (a word is letters and digits only), so only a reading finds them.
ABSENT = "§utan"
PRESENT = "§med"

TAKING_PART_WORD = "medverkan"  # how the sources say someone took part ("Medverkan av närstående")
NEGATIONS = {"inte", "ej", "icke", "aldrig"}
# Being there, as clinicians write it ("var med", "deltog", "närvarade"), folded.
TAKING_PART = {
    "med",
    "dar",
    "narvarande",
    "narvarade",
    "narvara",
    "narvarat",
    "narvarar",
    "deltog",
    "deltar",
    "delta",
    "deltagit",
    "medverkade",
    "medverkar",
    "medverka",
    "medverkat",
}
BEING = {"var", "ar", "vara", "varit"}
AWAY = {"franvaro", "franvarande", "franvarade"}
PATIENT_TERMS = {"patient", "pat"}
# Who is asking, not what was done: a profession says little about which code is meant ("kurator
# samtal via video" is a video call). Such a word only adds to the score.
SETTING = {
    swedish.term(w)
    for w in """
    läkare läkaren doktor doktorn sjuksköterska sjuksköterskan ssk undersköterska usk skötare skötaren kurator
    kuratorn psykolog psykologen arbetsterapeut arbetsterapeuten fysioterapeut fysioterapeuten sjukgymnast
    sjukgymnasten fysio logoped logopeden dietist dietisten behandlare behandlaren socionom socionomen
    """.split()
}
NUMBERS = {
    "forsta": "1",
    "tva": "2",
    "tre": "3",
    "tredje": "3",
    "fyra": "4",
    "fjarde": "4",
    "fem": "5",
    "femte": "5",
    "sex": "6",
    "sjatte": "6",
    "sju": "7",
    "sjunde": "7",
    "atta": "8",
    "attonde": "8",
    "nio": "9",
    "nionde": "9",
    "tio": "10",
    "tionde": "10",
}
SENTENCE_RE = re.compile(r"[.;:!?]\s")
WINDOW = 3  # how far a "not" reaches: "var inte med", "deltog inte", "inte var där"


@dataclass
class Reading:
    absent: bool = False  # someone the query names was not there
    present: bool = False  # the patient was there
    taking_part: bool = False  # someone else the query names took part ("mamma med på besöket")
    used: set[int] = field(default_factory=set)  # the query words that said so


def _is_patient(folded: str) -> bool:
    return swedish.term(folded) in PATIENT_TERMS


def read(words: list[str], is_person: Callable[[str], bool]) -> Reading:
    """Read a query's words (as typed) for who was there: ``is_person`` tells a person's word
    ("mamman", "föräldern", "patienten") from others."""
    folded = [swedish.fold(w) for w in words]
    reading = Reading()
    for i, word in enumerate(folded):
        if word in AWAY:
            reading.absent = True
            reading.used.add(i)
        elif word == "utan":
            _read_without(folded, i, is_person, reading)
        elif word in NEGATIONS and i + 1 < len(folded) and _is_patient(folded[i + 1]):
            # "men inte patienten"
            reading.absent = True
            reading.used.add(i)
        elif word in NEGATIONS:
            near = range(max(0, i - WINDOW), min(len(folded), i + WINDOW + 1))
            taking_part = [j for j in near if folded[j] in TAKING_PART]
            if taking_part and any(is_person(w) for w in words):
                reading.absent = True
                reading.used.update([i, *taking_part, *(j for j in near if folded[j] in BEING)])
    if not reading.absent:
        _read_patient_there(folded, reading)
        _read_others_there(words, folded, is_person, reading)
        # "ringde patienten", "rådgivning till patienten": the patient, and no one else, is named.
        others = [w for w, f in zip(words, folded, strict=True) if is_person(w) and not _is_patient(f)]
        if not others and any(_is_patient(f) and not f.endswith("s") for f in folded):
            reading.present = True
    return reading


def _read_without(folded: list[str], i: int, is_person, reading: Reading) -> None:
    """ "utan patienten", "utan närvaro av …", "utan att mamman var med"."""
    rest = folded[i + 1 : i + 1 + 2 * WINDOW]
    if rest[:1] == ["narvaro"] or (rest and rest[0] != "att" and is_person(rest[0])):
        reading.absent = True
        reading.used.update({i, i + 1} if rest[0] == "narvaro" else {i})
        return
    if rest[:1] == ["att"]:
        for j, word in enumerate(rest[1:], start=i + 2):
            if word in TAKING_PART and folded[j - 1] in BEING:
                reading.absent = True
                reading.used.update({i, i + 1, j - 1, j})
                return


def _read_patient_there(folded: list[str], reading: Reading) -> None:
    """ "med patienten", "patienten var med", "patienten deltog", "där patienten närvarade"."""
    for j, word in enumerate(folded):
        if not _is_patient(word):
            continue
        if j and folded[j - 1] == "med":
            reading.present = True
        after = folded[j + 1 : j + 3]
        for k, other in enumerate(after, start=j + 1):
            if other in TAKING_PART and other != "dar":
                reading.present = True
                reading.used.add(k)
                reading.used.update(m for m in range(j + 1, k) if folded[m] in BEING)


def _read_others_there(words: list[str], folded: list[str], is_person, reading: Reading) -> None:
    """ "mamma med på besöket", "pappan var med", "föräldrarna deltog": someone other than the patient
    took part, which the sources code as "Medverkan av …"."""
    for j, word in enumerate(words):
        if _is_patient(folded[j]) or not is_person(word):
            continue
        after = folded[j + 1 : j + 3]
        for k, other in enumerate(after, start=j + 1):
            if other not in TAKING_PART or other == "dar" or (k > j + 1 and folded[k - 1] not in BEING):
                continue
            # "med" alone is taking part only as in "med på besöket", "med i samtalet", or last:
            # "ungdom med missbruk" is no one taking part.
            if other == "med" and k == j + 1 and folded[k + 1 : k + 2] not in ([], ["pa"], ["i"], ["vid"], ["under"]):
                continue
            reading.taking_part = True
            reading.used.update(range(j + 1, k + 1))
            return


def number(word: str) -> str | None:
    """The digits a number word stands for ("femte" → "5"), else None."""
    return NUMBERS.get(swedish.fold(word))


def says_absent(text: str) -> bool:
    """Whether a text says someone is not there: "utan att patienten är med", "utan närvaro av
    förälder", "utan att patienten och/eller … är närvarande" (not "med eller utan patientens närvaro")."""
    if "utan" not in (text or "").lower():
        return False  # most texts: no need to read them word by word
    for sentence in SENTENCE_RE.split(swedish.fold(text)):
        folded = swedish.words(sentence)
        for i, word in enumerate(folded):
            if word != "utan" or folded[max(0, i - 2) : i] == ["med", "eller"]:
                continue
            rest = folded[i + 1 :]
            if rest[:1] == ["narvaro"] or any(
                w in ("med", "narvarande") and rest[j - 1] in BEING for j, w in enumerate(rest) if j
            ):
                return True
    return False


def says_with_patient(title: str) -> bool:
    """Whether a title says the patient takes part: "Konferens med patient", "… med patient per telefon"."""
    folded = [swedish.fold(w) for w in swedish.words(title or "")]
    return any(w == "med" and any(_is_patient(x) for x in folded[i + 1 : i + 3]) for i, w in enumerate(folded))
