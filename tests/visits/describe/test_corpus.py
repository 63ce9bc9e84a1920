"""The described visit's corpus (tests/data/describe-corpus.json) is sound before anything is
measured on it: enough notes in every context and both halves, the split by its fixed rule, each
note's path a finished walk that gives its required codes and none of its forbidden ones, and every
quote word for word in its source."""

import re
from collections import Counter

import pytest

from catalog.visits import store as wizard_store
from catalog.visits import wizard
from tests.support import describe_corpus as corpus
from tests.support.paths import ROOT

SOURCES = ROOT / "catalog" / "content" / "sources"
CONTEXTS = {"psykiatri", "psykolog", "rehab", "sob", "bhv"}

pytestmark = pytest.mark.django_db


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_at_least_150_notes_in_every_context_and_both_halves():
    notes = corpus.load()
    assert len(notes) >= 150
    assert len({n["id"] for n in notes}) == len(notes)
    per = Counter((n["inom"], n["half"]) for n in notes)
    for context in CONTEXTS:
        for half in corpus.HALVES:
            assert per[(context, half)] >= 5, (context, half, per)


def test_each_note_is_in_the_half_its_id_hashes_to():
    for note in corpus.load():
        assert note["half"] == corpus.half_of(note["id"]), note["id"]


def test_the_notes_are_written_the_way_clinicians_write():
    tags = Counter(tag for note in corpus.load() for tag in note["tags"])
    for trait in ("shorthand", "typo", "negation", "plan", "history", "people"):
        assert tags[trait] >= 3, (trait, tags)


def test_every_quote_stands_word_for_word_in_its_source():
    sources = {path.name: squeeze(path.read_text(encoding="utf-8")) for path in SOURCES.glob("*.txt")}
    for note in corpus.load():
        assert note["justification"], note["id"]
        for item in note["justification"]:
            assert squeeze(item["quote"]) in sources[item["file"]], (note["id"], item["quote"])


def test_each_path_finishes_with_the_required_codes_and_none_forbidden():
    tree = wizard_store.current_tree()
    for note in corpus.load():
        walk = wizard.walk(tree, note["path"].split("/"))
        assert walk.finished and walk.answers[-1].path == note["path"].split("/"), note["id"]
        assert walk.answers[0].segment == note["inom"], note["id"]
        codes = {c.code for c in walk.suggestion.codes}
        assert set(note["required"]) <= codes and not set(note["forbidden"]) & codes, (note["id"], codes)
        for step in note.get("also", {}):
            assert step in tree.steps, (note["id"], step)
