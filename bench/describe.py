"""Described-visit benchmark: `make bench-describe` (or `.venv/bin/python bench/describe.py`).

Runs the engine (catalog.visits.describe.engine) in process over the full wizard tree (read from
catalog/content/besok.toml, as load_content would load it). Every note of the corpus
(tests/data/describe-corpus.json) is played as a dialogue: a clinician answers each open question
from the note's right path and the engine reads the text again from there; every round (one call
of the engine) is timed. The public scenarios and the journal notes in tests/data/ are timed as
first rounds too, and all of it again with each text repeated up to 5,000 characters (the most the
page and the API accept). Prints p50/p95/max per round, cold (first call: cue file and lexicon
read) and warm, in wall time and in the process's CPU time (the machines are shared: with other
jobs running the wall time is several times the CPU time; the load average is printed too), and
the corpus's results for its tuning and held-out halves.
Target: p95 ≤ 50 ms per round on the full tree.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvaguide.settings")

import django  # noqa: E402

django.setup()

from catalog.loading.read import read_content  # noqa: E402
from catalog.visits import store as wizard_store  # noqa: E402
from catalog.visits.describe import engine as describe  # noqa: E402
from tests.support import describe_corpus as corpus  # noqa: E402

CONTEXT = {"psykologer-skrs": "psykolog", "vardval-rehab-distans": "rehab"}
ROUNDS = 5


def first_rounds() -> list[tuple[str, str]]:
    data = ROOT / "tests" / "data"
    scenarios = json.loads((data / "wizard-scenarios.json").read_text(encoding="utf-8"))["scenarios"]
    notes = json.loads((data / "describe-notes.json").read_text(encoding="utf-8"))["notes"]
    out = [(s["description"], CONTEXT.get(s["context"], s["context"])) for s in scenarios]
    return out + [(n["text"], n["inom"]) for n in notes]


def longest(text: str) -> str:
    return ((text + " ") * (describe.MAX_CHARS // (len(text) + 1) + 1))[: describe.MAX_CHARS]


def timed(call, timings: list[tuple[float, float]]):
    start, cpu = time.perf_counter(), time.process_time()
    result = call()
    timings.append(((time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000))
    return result


def timed_asker(tree, timings: list[tuple[float, float]], stretch: bool = False) -> corpus.Ask:
    def ask(text: str, inom: str, path: list[str] | None) -> dict:
        body = longest(text) if stretch else text
        result = timed(lambda: describe.describe(tree, body, inom, path=path), timings)
        return {
            "finished": result.finished,
            "path": list(result.path),
            "open_step": result.stopped_at.slug if result.stopped_at else None,
        }

    return ask


def report(label: str, timings: list[tuple[float, float]]) -> None:
    cells = []
    for name, values in (("wall", sorted(t[0] for t in timings)), ("cpu", sorted(t[1] for t in timings))):
        p95 = values[max(0, int(len(values) * 0.95) - 1)]
        cells.append(f"{name} p50 {statistics.median(values):5.1f} p95 {p95:5.1f} max {values[-1]:6.1f}")
    print(f"{label:>36}: {' | '.join(cells)} ms  ({len(timings)} rounds)")


def main() -> None:
    content = read_content()
    tree = wizard_store.tree_from_content(content.wizard, wizard_store.contacts_from_content(content.documents))
    options = sum(len(step.options) for step in tree.steps.values())
    notes = corpus.load()
    start = time.perf_counter()
    describe.describe(tree, notes[0]["text"], notes[0]["inom"])
    cold = (time.perf_counter() - start) * 1000
    print(f"tree: {len(tree.steps)} steps, {options} options; {len(notes)} corpus notes; first call {cold:.1f} ms")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; target p95 ≤ 50 ms per round")
    results: dict[str, corpus.Tally] = {}
    for stretch, label in ((False, "dialogue rounds, as written"), (True, "dialogue rounds, at 5,000 characters")):
        timings: list[tuple[float, float]] = []
        for _round in range(ROUNDS):
            ask = timed_asker(tree, timings, stretch)
            dialogues = {half: [corpus.converse(tree, n, ask) for n in corpus.notes(half)] for half in corpus.HALVES}
            if not stretch:
                results = {half: corpus.tally(found) for half, found in dialogues.items()}
        report(label, timings)
    for stretch, label in ((False, "scenarios and notes, as written"), (True, "scenarios and notes, at 5,000")):
        timings = []
        for _round in range(ROUNDS):
            for text, inom in first_rounds():
                body = longest(text) if stretch else text
                timed(lambda body=body, inom=inom: describe.describe(tree, body, inom), timings)
        report(label, timings)
    print()
    print(corpus.table(results))


if __name__ == "__main__":
    main()
