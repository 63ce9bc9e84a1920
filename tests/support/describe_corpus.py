"""The described visit's corpus (issue 24): journal notes with their right path through the wizard,
split by a fixed rule into a tuning half and a held-out half, and a clinician who answers the open
questions from that path.

``converse`` plays one note as a dialogue: it sends the text, and while the answer stops at a
question it answers from the note's path (``open_question.url`` + the answer's segment, as the API's
contract says) and sends the text again. What a round returns is asked through a callable, so the
same dialogue runs against the engine (bench, report) and against ``POST /api/besok/beskriv/``
(tests).

A result is *right* when the finished walk gives what the note's path gives: the same codes, the
same contact-type row, the same "no code" and the same extra points. *Wrong* is a finished walk that
gives anything else. *Off the path* is a stop at a question the note's path never asks: an answer
inferred earlier was not the note's (a clinician would have to use "Ändra").
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from catalog.visits import wizard
from catalog.visits.wizard import Tree
from tests.support.paths import DATA

CORPUS = DATA / "describe-corpus.json"
HALVES = ("tuning", "held-out")
MAX_ROUNDS = 30


def half_of(note_id: str) -> str:
    """The fixed split: held-out when the first byte of sha256(id) is odd."""
    return "held-out" if hashlib.sha256(note_id.encode()).digest()[0] & 1 else "tuning"


def load() -> list[dict]:
    return json.loads(CORPUS.read_text(encoding="utf-8"))["notes"]


def notes(half: str | None = None) -> list[dict]:
    return [note for note in load() if half is None or note["half"] == half]


def segments(path: str) -> list[str]:
    """A wizard address (absolute, or its path, or bare segments) → its answer segments."""
    parts = [p for p in urlsplit(path).path.split("/") if p]
    return parts[1:] if parts[:1] == ["besok"] else parts


def outcome(tree: Tree, path: list[str]) -> tuple:
    walk = wizard.walk(tree, path)
    suggestion = walk.suggestion
    if suggestion is None:
        return ("unfinished",)
    return (
        tuple(sorted(c.code for c in suggestion.codes)),
        suggestion.contact.ref if suggestion.contact else None,
        suggestion.no_code,
        suggestion.extra_points,
    )


def answers(tree: Tree, note: dict) -> dict[str, str]:
    """Step → the segment the note's path gives it, plus the note's ``also`` (steps off the path)."""
    walk = wizard.walk(tree, note["path"].split("/"))
    given = {answer.step.slug: answer.segment for answer in walk.answers if not answer.implied}
    return {**note.get("also", {}), **given}


# One round: (text, inom, path segments or None) → {"finished": bool, "path": [segments],
# "open_step": slug or None}.
Ask = Callable[[str, str, list[str] | None], dict]


@dataclass
class Dialogue:
    note: dict
    first_finished: bool = False
    right_first: bool = False  # finished and right before any question
    finished: bool = False
    right: bool = False  # finished and right once the open questions are answered
    wrong: bool = False  # finished with anything else
    off_path: str = ""  # the step the walk stopped at that the note's path never asks
    questions: int = 0
    path: list[str] = field(default_factory=list)
    codes: tuple = ()


def converse(tree: Tree, note: dict, ask: Ask) -> Dialogue:
    gold = outcome(tree, note["path"].split("/"))
    given = answers(tree, note)
    dialogue = Dialogue(note)
    reply = ask(note["text"], note["inom"], None)
    dialogue.first_finished = reply["finished"]
    for _round in range(MAX_ROUNDS):
        if reply["finished"]:
            break
        step = reply["open_step"]
        if step not in given:
            dialogue.off_path = step
            dialogue.path = reply["path"]
            return dialogue
        dialogue.questions += 1
        reply = ask(note["text"], note["inom"], [*reply["path"], given[step]])
    dialogue.path = reply["path"]
    if reply["finished"]:
        got = outcome(tree, reply["path"])
        dialogue.codes = got[0]
        dialogue.finished = True
        dialogue.right = got == gold
        dialogue.wrong = not dialogue.right
        dialogue.right_first = dialogue.right and dialogue.first_finished
    return dialogue


def engine_asker(tree: Tree, describe, **kwargs) -> Ask:
    """Rounds through the engine itself: ``describe`` is catalog.visits.describe.engine.describe."""

    def ask(text: str, inom: str, path: list[str] | None) -> dict:
        result = describe(tree, text, inom, path=path, **kwargs)
        return {
            "finished": result.finished,
            "path": list(result.path),
            "open_step": result.stopped_at.slug if result.stopped_at else None,
        }

    return ask


def api_asker(client) -> Ask:
    """Rounds through POST /api/besok/beskriv/, each answer sent as the API's contract says."""

    def ask(text: str, inom: str, path: list[str] | None) -> dict:
        payload = {"text": text, "inom": inom}
        if path is not None:
            payload["path"] = "/besok/" + "".join(f"{s}/" for s in path)
        response = client.post("/api/besok/beskriv/", json.dumps(payload), content_type="application/json")
        assert response.status_code == 200, (response.status_code, response.content[:300])
        data = response.json()
        question = data["open_question"]
        return {
            "finished": data["finished"],
            "path": segments(data["path"]),
            "open_step": question["step"] if question else None,
        }

    return ask


@dataclass
class Tally:
    notes: int
    right_first: int
    right: int
    wrong: int
    off_path: int
    stopped: int  # never finished within MAX_ROUNDS (should not happen)
    questions: int

    @property
    def questions_per_visit(self) -> float:
        return self.questions / self.notes if self.notes else 0.0

    def share(self, count: int) -> float:
        return count / self.notes if self.notes else 0.0


def tally(dialogues: list[Dialogue]) -> Tally:
    return Tally(
        notes=len(dialogues),
        right_first=sum(d.right_first for d in dialogues),
        right=sum(d.right for d in dialogues),
        wrong=sum(d.wrong for d in dialogues),
        off_path=sum(bool(d.off_path) for d in dialogues),
        stopped=sum(not d.finished and not d.off_path for d in dialogues),
        questions=sum(d.questions for d in dialogues),
    )


def table(results: dict[str, Tally]) -> str:
    rows = [
        ("notes", lambda t: f"{t.notes}"),
        ("finished and right, no question", lambda t: f"{t.right_first} ({t.share(t.right_first):.0%})"),
        ("right after answering the open questions", lambda t: f"{t.right} ({t.share(t.right):.0%})"),
        ("questions per visit", lambda t: f"{t.questions_per_visit:.2f}"),
        ("finished with a wrong code", lambda t: f"{t.wrong}"),
        ("stopped off the note's path", lambda t: f"{t.off_path}"),
    ]
    names = list(results)
    lines = ["| | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
    for label, cell in rows:
        lines.append(f"| {label} | " + " | ".join(cell(results[n]) for n in names) + " |")
    return "\n".join(lines)
