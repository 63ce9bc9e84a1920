"""The content files say what the sources say, and the database says what the files say."""

import os
import re
import tomllib
from pathlib import Path

import pytest

from catalog.content import CODES_FILE, CONCEPTS_FILE, CONTENT_DIR, PRACTICE_FILE, SYNONYMS_FILE, WIZARD_FILE
from catalog.models import ContactType, DocumentPart, Entry, Footnote, Section

# The project carries its sources (catalog/content/sources/README.md says where they came from).
SEEDS_DIR = Path(os.environ.get("SEEDS_DIR", CONTENT_DIR / "sources"))


def squeeze(text: str) -> str:
    """Whitespace (and so PDF line breaks, including those after a hyphen) does not count."""
    return re.sub(r"\s+", "", text)


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
