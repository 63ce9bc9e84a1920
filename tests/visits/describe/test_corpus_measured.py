"""The described visit measured on its corpus (tests/data/describe-corpus.json, issue 24), each note
played as a dialogue through POST /api/besok/beskriv/: a clinician answers every open question from
the note's right path (open_question.url + the answer, as the API's contract says).

Floors at the values measured when this was written (docs/described-visit.md#measured); a wrong code is never
allowed: a finished result must give exactly what the note's path gives."""

import pytest

from catalog.visits import store as wizard_store
from tests.support import describe_corpus as corpus

pytestmark = pytest.mark.django_db

# (finished and right with no question, right after answering, most questions per visit)
FLOORS = {
    "tuning": (0.79, 1.0, 0.25),
    "held-out": (0.71, 1.0, 0.38),
}


@pytest.fixture(scope="module")
def dialogues(django_db_setup, django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        tree = wizard_store.current_tree()
        ask = corpus.api_asker(Client())
        return {half: [corpus.converse(tree, note, ask) for note in corpus.notes(half)] for half in corpus.HALVES}


@pytest.mark.parametrize("half", corpus.HALVES)
def test_no_note_finishes_with_a_wrong_code(dialogues, half):
    wrong = [(d.note["id"], d.codes, d.note["path"]) for d in dialogues[half] if d.wrong]
    assert wrong == []


@pytest.mark.parametrize("half", corpus.HALVES)
def test_no_answer_is_inferred_off_the_notes_path(dialogues, half):
    assert [(d.note["id"], d.off_path) for d in dialogues[half] if d.off_path] == []


@pytest.mark.parametrize("half", corpus.HALVES)
def test_the_measured_shares_hold(dialogues, half):
    tally = corpus.tally(dialogues[half])
    print(f"{half}: {tally}")
    first, after, questions = FLOORS[half]
    assert tally.share(tally.right_first) >= first
    assert tally.share(tally.right) >= after
    assert tally.questions_per_visit <= questions
