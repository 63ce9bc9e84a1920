"""Described-visit benchmark: `make bench-describe` (or `.venv/bin/python bench/describe.py`).

Runs the engine (catalog.describe) in process over the full wizard tree (read from
catalog/content/besok.toml, as load_content would load it) for every public scenario and every
journal note in tests/data/, plus the same texts repeated up to 5,000 characters (the most the
page and API accept). Prints p50/p95/max per description, cold (first call: cue file parsed) and
warm. Target: ≤ 50 ms per description on the full tree.
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

CONTEXT = {"psykologer-skrs": "psykolog", "vardval-rehab-distans": "rehab"}


def texts() -> list[tuple[str, str]]:
    data = ROOT / "tests" / "data"
    scenarios = json.loads((data / "wizard-scenarios.json").read_text(encoding="utf-8"))["scenarios"]
    notes = json.loads((data / "describe-notes.json").read_text(encoding="utf-8"))["notes"]
    out = [(s["description"], CONTEXT.get(s["context"], s["context"])) for s in scenarios]
    out += [(n["text"], n["inom"]) for n in notes]
    return out


def main() -> None:
    content = read_content()
    tree = wizard_store.tree_from_content(content.wizard, wizard_store.contacts_from_content(content.documents))
    options = sum(len(step.options) for step in tree.steps.values())
    cases = texts()
    longest = [
        (((text + " ") * (describe.MAX_CHARS // (len(text) + 1) + 1))[: describe.MAX_CHARS], inom)
        for text, inom in cases
    ]
    start = time.perf_counter()
    describe.describe(tree, cases[0][0], cases[0][1])
    cold = (time.perf_counter() - start) * 1000
    print(f"tree: {len(tree.steps)} steps, {options} options; {len(cases)} descriptions; first call {cold:.1f} ms")
    for label, batch in (("as written", cases), ("at 5,000 characters", longest)):
        timings = []
        for _round in range(5):
            for text, inom in batch:
                start = time.perf_counter()
                describe.describe(tree, text, inom)
                timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{label:>20}: p50 {statistics.median(timings):6.2f} ms  p95 {p95:6.2f} ms  max {timings[-1]:6.2f} ms"
            f"  ({len(timings)} runs; target ≤ 50 ms)"
        )


if __name__ == "__main__":
    main()
