"""The mutation harness's own logic (mutation/verdicts.py, mutation/run.py), without a mutation run:
timeouts are not kills, an equivalent is pinned to its mutant by its diff's hash, and the list of
equivalents names only mutants of the engines the harness mutates."""

import json
import re
import subprocess
import sys

import pytest

from mutation import run, verdicts
from tests.support.paths import ROOT

WALK_DIFF = """\
--- catalog/visits/wizard.py
+++ catalog/visits/wizard.py
@@ -3,7 +3,7 @@
     current: Step | None = tree.steps[tree.start]
     path: list[str] = []
-    way_out: Answer | None = None
+    way_out: Answer | None = ""

     def settle_implied() -> None:
         nonlocal current"""


def _moved(diff: str, path: str) -> str:
    lines = diff.splitlines()
    return "\n".join([f"--- {path}", f"+++ {path}", *lines[2:]])


def test_hash_keeps_to_the_mutation_when_its_function_moves_to_another_file_or_into_a_class():
    moved = _moved(WALK_DIFF, "catalog/visits/walking.py")
    headers, body = moved.splitlines()[:3], moved.splitlines()[3:]
    indented = "\n".join([*headers, *(line[:1] + "    " + line[1:] for line in body)])

    assert verdicts.diff_hash(moved) == verdicts.diff_hash(WALK_DIFF)
    assert verdicts.diff_hash(indented) == verdicts.diff_hash(WALK_DIFF)
    assert re.fullmatch(r"[0-9a-f]{12}", verdicts.diff_hash(WALK_DIFF))


def test_hash_changes_with_the_mutation_but_not_with_the_lines_around_it():
    other_mutation = WALK_DIFF.replace('= ""', "= None  # mutated")
    edited_line = WALK_DIFF.replace("way_out: Answer | None", "way_out: Answer")
    context_edited = WALK_DIFF.replace("path: list[str] = []", "path: list[str] = ['start']")

    assert verdicts.diff_hash(other_mutation) != verdicts.diff_hash(WALK_DIFF)
    assert verdicts.diff_hash(edited_line) != verdicts.diff_hash(WALK_DIFF)
    assert verdicts.diff_hash(context_edited) == verdicts.diff_hash(WALK_DIFF)


def test_hash_tells_apart_the_same_change_to_two_equal_lines_of_one_function():
    # `if not words: return []` twice in a function: mutmut's two mutants differ only in the line.
    first = "--- a.py\n+++ a.py\n@@ -1,4 +1,4 @@\n def f(words):\n-    gap = 1\n+    gap = None\n     x = 1"
    second = "--- a.py\n+++ a.py\n@@ -5,4 +5,4 @@\n     x = 2\n-    gap = 1\n+    gap = None\n     y = 1"

    assert verdicts.diff_hash(first) != verdicts.diff_hash(second)


def test_hash_counts_a_removed_line_that_itself_begins_with_two_dashes():
    plain = "--- a.py\n+++ a.py\n@@ -2,1 +2,1 @@\n-x = -1\n+x = 1"
    dashed = "--- a.py\n+++ a.py\n@@ -2,1 +2,1 @@\n--x\n+x = 1"

    assert verdicts.diff_hash(plain) != verdicts.diff_hash(dashed)


def _entry(mutant: str, diff: str = WALK_DIFF) -> verdicts.Equivalent:
    return verdicts.Equivalent(mutant, verdicts.diff_hash(diff), "a reason")


def test_an_entry_is_stale_when_its_mutant_is_gone_or_its_name_now_means_another_mutation():
    modules = ["catalog/visits/wizard.py"]
    entries = [
        _entry("catalog.visits.wizard.x_walk__mutmut_4"),
        _entry("catalog.visits.wizard.x_walk__mutmut_5"),
        _entry("catalog.visits.wizard.x_walk__mutmut_6"),
        _entry("catalog.search.engine.x__rank__mutmut_3"),  # another engine's: not checked here
    ]
    diffs = {
        "catalog.visits.wizard.x_walk__mutmut_4": WALK_DIFF,
        "catalog.visits.wizard.x_walk__mutmut_5": WALK_DIFF.replace('= ""', "= None"),
    }

    stale = verdicts.stale_equivalents(entries, diffs, modules)

    assert [line.partition(":")[0] for line in stale] == [
        "catalog.visits.wizard.x_walk__mutmut_5",
        "catalog.visits.wizard.x_walk__mutmut_6",
    ]
    assert "no such mutant" in stale[1]
    assert verdicts.diff_hash(diffs["catalog.visits.wizard.x_walk__mutmut_5"]) in stale[0]


def test_malformed_or_repeated_entries_are_refused(tmp_path):
    listed = tmp_path / "equivalents.toml"
    listed.write_text('[[mutant]]\nmutant = "catalog.visits.wizard.x_walk__mutmut_4"\nreason = "no hash"\n')
    with pytest.raises(ValueError, match="missing \\['hash'\\]"):
        verdicts.load_equivalents(listed)

    entry = '[[mutant]]\nmutant = "catalog.visits.wizard.x_walk__mutmut_4"\nhash = "0123456789ab"\nreason = "r"\n'
    listed.write_text(entry * 2)
    with pytest.raises(ValueError, match="listed 2 times"):
        verdicts.load_equivalents(listed)


def test_every_listed_equivalent_names_an_engine_module_and_a_hash():
    entries = verdicts.load_equivalents(run.EQUIVALENTS)
    mutated = {module for modules, _tests in run.ENGINES.values() for module in modules}

    assert len(entries) > 100
    assert {verdicts.module_of(entry.mutant) for entry in entries} <= mutated
    assert all(re.fullmatch(r"[0-9a-f]{12}", entry.hash) for entry in entries)


def test_every_engine_names_modules_and_test_files_that_exist():
    for modules, tests in run.ENGINES.values():
        assert all((ROOT / name).is_file() for name in [*modules, *tests]), (modules, tests)


def test_rerun_exit_codes():
    assert verdicts.rerun_verdict(None) == verdicts.RERUN_TIMEOUT
    assert verdicts.rerun_verdict(1) == verdicts.RERUN_KILLED
    assert verdicts.rerun_verdict(3) == verdicts.RERUN_KILLED
    assert verdicts.rerun_verdict(0) == verdicts.RERUN_SURVIVED
    # collection error, usage error, no tests collected, killed by a signal: no proof either way
    assert {verdicts.rerun_verdict(code) for code in (2, 4, 5, -9)} == {verdicts.RERUN_ERROR}


STATUSES = {
    "m.x_f__mutmut_1": "killed",
    "m.x_f__mutmut_2": "timeout",  # rerun: fails a test
    "m.x_f__mutmut_3": "timeout",  # rerun: passes
    "m.x_f__mutmut_4": "timeout",  # rerun: still too slow
    "m.x_f__mutmut_5": "segfault",  # killed -9 after the CPU limit: not run again
    "m.x_f__mutmut_6": "survived",
    "m.x_f__mutmut_7": "survived",  # listed as equivalent
    "m.x_f__mutmut_8": "no tests",
    "m.x_f__mutmut_9": "killed",  # listed as equivalent, but killed
    "m.x_f__mutmut_10": "not checked",
}
RERUNS = {
    "m.x_f__mutmut_2": verdicts.RERUN_KILLED,
    "m.x_f__mutmut_3": verdicts.RERUN_SURVIVED,
    "m.x_f__mutmut_4": verdicts.RERUN_TIMEOUT,
}
EQUIVALENT = {"m.x_f__mutmut_7", "m.x_f__mutmut_9"}


def test_a_timeout_counts_as_killed_only_when_its_quiet_rerun_fails_a_test():
    tally = verdicts.tally(STATUSES, RERUNS, EQUIVALENT)

    assert tally.killed == 3  # 1, 2 (on its rerun) and 9
    assert tally.killed_on_rerun == 1
    assert tally.stopped_in_run == 4
    assert tally.timeouts == ["m.x_f__mutmut_4", "m.x_f__mutmut_5"]
    assert tally.survived == ["m.x_f__mutmut_3", "m.x_f__mutmut_6"]
    assert tally.no_tests == ["m.x_f__mutmut_8"]
    assert tally.not_run == ["m.x_f__mutmut_10"]
    assert tally.equivalent == 1


def test_score_is_killed_over_every_mutant_not_shown_equivalent():
    tally = verdicts.tally(STATUSES, RERUNS, EQUIVALENT)

    # 10 mutants, 1 equivalent: timeouts, survivors and the one not run all count against it
    assert tally.score == round(100 * 3 / 9, 1)
    assert verdicts.tally({}, {}, set()).score is None


def test_a_listed_equivalent_that_a_test_kills_is_named():
    problems = verdicts.killed_equivalents(
        {**STATUSES, "m.x_f__mutmut_7": "timeout"}, {**RERUNS, "m.x_f__mutmut_7": "killed"}, EQUIVALENT
    )

    assert [line.partition(":")[0] for line in problems] == ["m.x_f__mutmut_7", "m.x_f__mutmut_9"]


def test_mutmut_makes_the_diffs_the_hash_is_read_from(tmp_path):
    """mutmut's own mutant generation and diff (mutation/mutmut_data.py), on a two-line function in
    two places: the same mutants with the same hashes, named after their files. No test runs."""
    body = "def pick(words):\n    first = words[0] if words else ''\n    return first.lower()\n"
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "one.py").write_text(body)
    (tmp_path / "pkg" / "two.py").write_text("import os\n\n\nclass Other:\n    pass\n\n\n" + body)
    (tmp_path / "pyproject.toml").write_text('[tool.mutmut]\nsource_paths = ["pkg"]\n')

    done = subprocess.run(
        [sys.executable, str(ROOT / run.MUTMUT_DATA), "generate", "pkg/one.py", "pkg/two.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(done.stdout)

    one = {name.rpartition(".")[2]: m for name, m in found.items() if name.startswith("pkg.one.")}
    two = {name.rpartition(".")[2]: m for name, m in found.items() if name.startswith("pkg.two.")}
    assert one and one.keys() == two.keys()
    assert {m["status"] for m in found.values()} == {"not checked"}
    assert all(verdicts.diff_hash(one[k]["diff"]) == verdicts.diff_hash(two[k]["diff"]) for k in one)
    assert len({verdicts.diff_hash(m["diff"]) for m in one.values()}) == len(one)
    assert any("-    first = words[0] if words else ''" in m["diff"] for m in one.values())
