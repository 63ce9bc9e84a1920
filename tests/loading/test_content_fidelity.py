"""The content files say what the sources say, and the database says what the files say."""

import copy
import os
import tomllib
from pathlib import Path

import pytest

from catalog.content import CODES_FILE, CONCEPTS_FILE, CONTENT_DIR, PRACTICE_FILE, SYNONYMS_FILE, WIZARD_FILE
from catalog.models import ContactType, DocumentPart, Entry, Footnote, Section
from tests.support.seeds import Gap, Seed, list_pieces, locate, overview_rows, squeeze

# The project carries its sources (catalog/content/sources/README.md says where they came from).
SEEDS_DIR = Path(os.environ.get("SEEDS_DIR", CONTENT_DIR / "sources"))


def content_files():
    not_sources = (CODES_FILE, SYNONYMS_FILE, CONCEPTS_FILE, WIZARD_FILE, PRACTICE_FILE)
    return sorted(p for p in CONTENT_DIR.glob("*.toml") if p.name not in not_sources)


def load_toml(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def source_texts(data: dict):
    """(where, text) for every text a file claims comes from its seed."""
    source = data["source"]
    for part in source.get("parts", []):
        yield f"part {part['slug']}", part["body"]
    code_list = data.get("list")
    if code_list:
        if code_list.get("intro"):
            yield "list intro", code_list["intro"]
        for section in code_list["sections"]:
            if section.get("instructions"):
                yield f"section {section['slug']} instructions", section["instructions"]
            for entry in section["entries"]:
                for key in ("title", "beskrivning", "anvisning", "overview_title"):
                    if entry.get(key):
                        yield f"{section['slug']} {entry['code']} {key}", entry[key]
    for row in data.get("contact_types", []):
        for key in ("printed", "description", "patient_fee"):
            if row.get(key):
                yield f"contact type {row['slug']} {key}", row[key]
    for footnote in data.get("footnotes", []):
        yield f"footnote {footnote['mark']}", footnote["text"]


@pytest.mark.parametrize("path", content_files(), ids=lambda p: p.name)
def test_every_text_in_a_content_file_stands_word_for_word_in_its_seed(path):
    data = load_toml(path)
    seed_path = SEEDS_DIR / data["source"]["seed_file"]
    assert seed_path.exists(), f"{path.name} names the seed {seed_path}, which the project does not carry"
    seed = squeeze(seed_path.read_text(encoding="utf-8"))
    drifted = [where for where, text in source_texts(data) if squeeze(text) not in seed]
    assert drifted == [], f"{path.name}: these texts are not in {seed_path.name}: {drifted}"


def test_the_fidelity_check_catches_a_changed_word():
    seed = squeeze("För att koden ska användas ska en klinisk\nintervju med omsorgsfull värdering")
    assert squeeze("För att koden ska användas ska en klinisk intervju") in seed
    assert squeeze("För att koden ska användas ska en klinisk undersökning") not in seed


# --- each text in its own code's place -------------------------------------------------------
# Where the seed holds text between a list's pieces that the list deliberately leaves out, and why
# (an oddity of the source is also told in the content file's `note`). Keyed by list slug; a gap
# names the piece it stands before.
EXPECTED_GAPS = {
    "psykiatri": [
        Gap(
            "section undersokning-och-bedomning title", "Kod Text Beskrivning Anvisning", "the table's column headings"
        ),
        Gap("section medicinteknisk-behandling instructions_title", "+", "the seed prints a plus before the heading"),
    ],
    "psykologer-skrs": [
        Gap("section utredande-atgardskoder title", "Åtgärdskoder SKRS Psykologer", "the document's title"),
        Gap("PA000 code", "KVÅ kod Definition Socialstyrelsen SKRS förklaring", "the table's column headings"),
    ],
    "stod-och-behandling": [
        Gap("ZV051 code", ":", "the colon ending the heading"),
        Gap("ZV051 beskrivning", ".", "the title's closing full stop (”Telemedicin.”), left out"),
        Gap("XV019 code", ":", "the colon ending the heading"),
        # No formal code titles: the title is read out of the guide's sentence "XV019 anges vid …".
        Gap("XV019 title", "anges vid", "the guide's sentence around the title"),
        Gap("XV019 beskrivning", ".", "the sentence's full stop"),
        Gap("XV020 title", "anges vid", "the guide's sentence around the title"),
        Gap("XV020 beskrivning", ".", "the sentence's full stop"),
    ],
    # The decision names its codes inside its prose; the prose is the decision's own parts.
    "bhv-hembesok": [
        Gap("UX284 code", "2021-03-01 beslutades, som ett komplement till ovan, om ytterligare en kod:", "prose"),
        Gap("section nya-koder-genom-beslutet instructions_title", "Utifrån dessa KVÅ koder … regionen ##", "prose"),
        Gap("UX293 code", "## Förslag Tillskapa 2 nya regionala KVÅ-koder Kod Kodtext", "prose and headings"),
    ],
}
# Section titles the seed does not print: the decision's codes are grouped by the content file.
NOT_PRINTED = frozenset({"section befintliga-koder title", "section nya-koder-genom-beslutet title"})
# The one Anvisning the seed prints on its Beskrivning's line ("… program) Inkluderar ABFT.").
SAME_PARAGRAPH = frozenset({"DU028 anvisning"})


def list_files():
    return [p for p in content_files() if "list" in load_toml(p)]


def located_list(data: dict, code_list: dict, same_paragraph: frozenset[str] = SAME_PARAGRAPH):
    """The list walked through its seed: a list document (a baslista) must tile the seed from the
    end of its intro (before it: the overview) to the end; a list read out of a guide's or a
    decision's prose, from its first piece to its last."""
    seed = Seed((SEEDS_DIR / data["source"]["seed_file"]).read_text(encoding="utf-8"))
    pieces = list_pieces(code_list, NOT_PRINTED, same_paragraph)
    whole = data["source"]["kind"] == "baslista"
    start = seed.find(pieces[0].text) if not whole else 0
    if code_list.get("intro"):
        intro = seed.find(code_list["intro"])
        assert intro >= 0, "the list's intro is not in its seed"
        start = intro + len(squeeze(code_list["intro"]))
    return locate(seed, pieces, EXPECTED_GAPS.get(code_list["slug"], []), start, to_end=whole)


@pytest.mark.parametrize("path", list_files(), ids=lambda p: p.name)
def test_every_list_text_stands_in_its_own_codes_place_in_the_seed(path):
    data = load_toml(path)
    code_list = data["list"]
    found = located_list(data, code_list)
    assert found.problems == [], f"{path.name}, {len(found.problems)} problems:\n" + "\n".join(found.problems[:20])
    # An allowance nothing needs any more is a hole a later change could slip through.
    assert set(EXPECTED_GAPS.get(code_list["slug"], [])) == found.gaps_used


def test_each_anvisning_allowed_on_its_beskrivnings_line_needs_it():
    data = load_toml(CONTENT_DIR / "psykiatri.toml")
    problems = located_list(data, data["list"], same_paragraph=frozenset()).problems
    assert [p.split(":")[0] for p in problems] == sorted(SAME_PARAGRAPH)


def test_the_overview_prints_each_code_with_its_overview_title_and_marker():
    data = load_toml(CONTENT_DIR / "psykiatri.toml")
    code_list = data["list"]
    seed = Seed((SEEDS_DIR / data["source"]["seed_file"]).read_text(encoding="utf-8"))
    assert overview_rows(seed, code_list, seed.find(code_list["intro"])) == []


def _entry(code_list: dict, code: str) -> dict:
    return next(e for s in code_list["sections"] for e in s["entries"] if e["code"] == code)


def _move_anvisning(code_list):  # AU118's Anvisning put under the next code
    _entry(code_list, "AU119")["anvisning"] = _entry(code_list, "AU118").pop("anvisning")


def _drop_last_sentence(code_list):
    entry = _entry(code_list, "AU006")
    entry["anvisning"] = entry["anvisning"].rsplit(". ", 1)[0] + "."


def _drop_last_word_of_beskrivning(code_list):
    entry = _entry(code_list, "XS012")
    entry["beskrivning"] = entry["beskrivning"].rsplit(" ", 1)[0]


def _cut_title(code_list):
    _entry(code_list, "AU118")["title"] = "Strukturerad"


def _move_sentence_to_anvisning(code_list):  # the Beskrivning's last sentence opens the Anvisning
    entry = _entry(code_list, "AU006")
    head, last = entry["beskrivning"].rsplit(". ", 1)
    entry["beskrivning"], entry["anvisning"] = head + ".", last + " " + entry["anvisning"]


def _swap_texts(code_list):
    entry = _entry(code_list, "AU006")
    entry["beskrivning"], entry["anvisning"] = entry["anvisning"], entry["beskrivning"]


def _swap_section_titles(code_list):
    first, second = code_list["sections"][0], code_list["sections"][1]
    first["title"], second["title"] = second["title"], first["title"]


def _rename_section(code_list):
    code_list["sections"][2]["title"] = "Förebyggande"


def _drop_entry(code_list):
    code_list["sections"][0]["entries"].pop(3)


@pytest.mark.parametrize(
    "change",
    [
        _move_anvisning,
        _drop_last_sentence,
        _drop_last_word_of_beskrivning,
        _cut_title,
        _move_sentence_to_anvisning,
        _swap_texts,
        _swap_section_titles,
        _rename_section,
        _drop_entry,
    ],
)
def test_the_place_check_catches_a_text_moved_cut_or_reordered(change):
    data = load_toml(CONTENT_DIR / "psykiatri.toml")
    code_list = copy.deepcopy(data["list"])
    change(code_list)
    # Every changed text still stands somewhere in the seed: only the place check can see it.
    assert located_list(data, code_list).problems


@pytest.mark.parametrize("change", ["cut", "moved"])
def test_the_overview_check_catches_a_cut_or_moved_overview_title(change):
    data = load_toml(CONTENT_DIR / "psykiatri.toml")
    code_list = copy.deepcopy(data["list"])
    if change == "cut":
        _entry(code_list, "AV131")["overview_title"] = "Bedömning av funktionsförmåga med"
    else:
        _entry(code_list, "AU119")["overview_title"] = _entry(code_list, "AU118")["overview_title"]
    seed = Seed((SEEDS_DIR / data["source"]["seed_file"]).read_text(encoding="utf-8"))
    assert overview_rows(seed, code_list, seed.find(code_list["intro"]))


@pytest.mark.django_db
@pytest.mark.parametrize("path", content_files(), ids=lambda p: p.name)
def test_database_holds_exactly_the_files_texts(path):
    data = load_toml(path)
    slug = data["source"]["slug"]
    for order, part in enumerate(data["source"].get("parts", [])):
        stored = DocumentPart.objects.get(document__slug=slug, slug=part["slug"])
        assert (stored.heading, stored.body, stored.order) == (part["heading"], part["body"], order)
    for row in data.get("contact_types", []):
        stored = ContactType.objects.get(document__slug=slug, slug=row["slug"])
        assert (stored.printed, stored.description, stored.patient_fee, stored.contact_points) == (
            row["printed"],
            row.get("description", ""),
            row.get("patient_fee", ""),
            row.get("contact_points", ""),
        )
    for footnote in data.get("footnotes", []):
        assert Footnote.objects.get(document__slug=slug, mark=footnote["mark"]).text == footnote["text"]
    code_list = data.get("list")
    if not code_list:
        return
    for section in code_list["sections"]:
        stored_section = Section.objects.get(code_list__slug=code_list["slug"], slug=section["slug"])
        assert stored_section.title == section["title"]
        assert stored_section.instructions == section.get("instructions", "")
        stored_entries = list(Entry.objects.filter(section=stored_section).select_related("code").order_by("order"))
        assert [e.code.code for e in stored_entries] == [e["code"] for e in section["entries"]]
        for stored, entry in zip(stored_entries, section["entries"], strict=True):
            assert (stored.title, stored.marker, stored.beskrivning, stored.anvisning) == (
                entry["title"],
                entry.get("marker", ""),
                entry.get("beskrivning"),
                entry.get("anvisning"),
            ), f"{code_list['slug']} {entry['code']}"
