"""The harness's judgement, apart from running anything: what a mutant's diff hashes to, which listed
equivalents no longer name the mutant they were written for (or are killed), and how mutmut's statuses and the quiet
reruns of timed-out mutants add up to a score. tests/site/test_mutation_harness.py tests it without
mutmut; mutation/run.py feeds it what mutmut found.
"""

import hashlib
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# mutmut's statuses (mutmut/stats.py) sorted into what they prove.
KILLED = {"killed"}
SURVIVED = {"survived"}
NO_TESTS = {"no tests"}
# Stopped, not failed: a timeout (SIGXCPU), a kill -9 after it (mutmut calls that "segfault"), or
# an exit code mutmut does not know ("suspicious"). On a loaded machine a mutant that changes
# nothing can be stopped like this, so none of these is a kill until a quiet rerun fails a test.
STOPPED = {"timeout", "segfault", "suspicious"}
NOT_RUN = {"not checked", "check was interrupted by user", "skipped", "caught by type check"}

# What a quiet rerun of a stopped mutant shows (see rerun_verdict).
RERUN_KILLED, RERUN_SURVIVED, RERUN_TIMEOUT, RERUN_ERROR = "killed", "survived", "timeout", "error"


def diff_hash(diff: str) -> str:
    """12 hex digits of SHA-256 over the mutation's own lines and where they are in their function.

    The rule: `mutmut show` diffs the function alone (the original against the mutant, both under
    the function's own name). Of that diff, drop the two file headers (they name the file), the hunk
    headers and the context lines; keep each removed or added line as its line number counted from
    the function's `def` (the original's numbering), its marker ('-' or '+') and the line with
    surrounding whitespace stripped; join them with newlines. So moving the function to another
    file or another place in it, or re-indenting it (into a class), keeps the hash; another mutant
    under the same name, the same change to another line, or an edit to the mutated line or to a
    line above it in the same function, changes it. The line number is there because one function
    often holds the same line twice (`if not words: return []`), and mutmut's mutants of the two
    differ in nothing else.
    """
    kept, number = [], 0
    lines = diff.splitlines()
    # unified_diff puts the two file headers first; a removed line may itself begin with '--'.
    if len(lines) >= 2 and lines[0].startswith("---") and lines[1].startswith("+++"):
        lines = lines[2:]
    for line in lines:
        if line.startswith("@@"):
            # "@@ -12,7 +12,7 @@": the hunk's first line is line 12 of the original function.
            number = int(line.split()[1].lstrip("-").split(",")[0])
        elif line.startswith("-"):
            kept.append(f"{number}-{line[1:].strip()}")
            number += 1
        elif line.startswith("+"):
            kept.append(f"{number}+{line[1:].strip()}")
        else:
            number += 1
    return hashlib.sha256("\n".join(kept).encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Equivalent:
    mutant: str
    hash: str
    reason: str


def load_equivalents(path: Path) -> list[Equivalent]:
    """The entries of mutation/equivalents.toml; a malformed entry is an error, not a skipped line."""
    if not path.exists():
        return []
    with path.open("rb") as handle:
        entries = tomllib.load(handle).get("mutant", [])
    found, problems = [], []
    for number, entry in enumerate(entries, start=1):
        missing = [key for key in ("mutant", "hash", "reason") if not str(entry.get(key, "")).strip()]
        unknown = sorted(set(entry) - {"mutant", "hash", "reason"})
        if missing or unknown:
            problems.append(f"entry {number} ({entry.get('mutant', '?')}): missing {missing}, unknown {unknown}")
            continue
        found.append(Equivalent(entry["mutant"], entry["hash"], entry["reason"]))
    names = Counter(entry.mutant for entry in found)
    problems += [f"{name} is listed {count} times" for name, count in names.items() if count > 1]
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    return found


def module_of(mutant: str) -> str:
    """catalog.visits.wizard.x_walk__mutmut_4 → catalog/visits/wizard.py (the mutated function's file)."""
    dotted = mutant.partition("__mutmut_")[0].rpartition(".")[0]
    return dotted.replace(".", "/") + ".py"


def stale_equivalents(entries: list[Equivalent], diffs: dict[str, str], modules: list[str]) -> list[str]:
    """One line per entry of these modules that no longer holds: its mutant is gone, or its diff hashes
    differently from when the entry was written (the name now means another mutation)."""
    stale = []
    for entry in entries:
        if module_of(entry.mutant) not in modules:
            continue
        if entry.mutant not in diffs:
            stale.append(f"{entry.mutant}: no such mutant any more")
        elif (now := diff_hash(diffs[entry.mutant])) != entry.hash:
            stale.append(f"{entry.mutant}: listed with hash {entry.hash}, its diff now hashes to {now}")
    return stale


def rerun_verdict(returncode: int | None) -> str:
    """A quiet rerun's pytest exit: None is a timeout; 1 (a test failed) and 3 (pytest's internal
    error, which mutmut also counts as a kill: a mutant that breaks a fixture) are kills; 0 means
    every test passed; anything else (collection error, usage error, no tests, a signal) is an error
    to look at, never a kill."""
    if returncode is None:
        return RERUN_TIMEOUT
    if returncode in (1, 3):
        return RERUN_KILLED
    if returncode == 0:
        return RERUN_SURVIVED
    return RERUN_ERROR


@dataclass
class Tally:
    mutants: int = 0
    equivalent: int = 0
    killed: int = 0
    # killed by the quiet rerun after mutmut stopped them (already in killed)
    killed_on_rerun: int = 0
    timeouts: list[str] = field(default_factory=list)
    survived: list[str] = field(default_factory=list)
    # no test calls the mutated function: survivors too, listed apart
    no_tests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)
    # stopped by mutmut in the main run, whatever the rerun showed
    stopped_in_run: int = 0

    @property
    def counted(self) -> int:
        """Mutants a score is over: every mutant not shown equivalent, so a timeout, an error or a
        mutant not run counts against the score, as a survivor does."""
        return self.mutants - self.equivalent

    @property
    def score(self) -> float | None:
        return round(100 * self.killed / self.counted, 1) if self.counted else None


def tally(statuses: dict[str, str], reruns: dict[str, str], equivalent: set[str]) -> Tally:
    """Add up one engine: mutmut's status per mutant, the rerun verdict per stopped mutant, and the
    names of the listed equivalents whose hash still matches. An equivalent that a test kills is
    counted as killed (the test proves it is not equivalent); a stopped mutant counts only by its
    rerun, and one not rerun is still a timeout."""
    result = Tally(mutants=len(statuses))
    for name, status in sorted(statuses.items()):
        if status in STOPPED:
            result.stopped_in_run += 1
            status = reruns.get(name, RERUN_TIMEOUT)
            if status == RERUN_KILLED:
                result.killed_on_rerun += 1
        if status in KILLED:
            result.killed += 1
        elif name in equivalent:
            result.equivalent += 1
        elif status in SURVIVED:
            result.survived.append(name)
        elif status in NO_TESTS:
            result.no_tests.append(name)
        elif status == RERUN_TIMEOUT:
            result.timeouts.append(name)
        elif status in NOT_RUN:
            result.not_run.append(name)
        else:
            result.errors.append(name)
    return result


def killed_equivalents(statuses: dict[str, str], reruns: dict[str, str], equivalent: set[str]) -> list[str]:
    """One line per listed equivalent that a test kills: the test proves the entry wrong."""
    return [
        f"{name}: listed as equivalent, but a test kills it"
        for name in sorted(equivalent)
        if statuses.get(name) in KILLED or reruns.get(name) == RERUN_KILLED
    ]
