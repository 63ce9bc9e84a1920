"""Mutation testing of the engines: `make mutation` (or `python mutation/run.py wizard search`).

Each engine is mutated on its own, in a scratch copy of the project, with the test files that
test it (ENGINES). What the numbers mean:

- killed: a test failed on the mutant.
- timeout: mutmut stopped the mutant for taking too long, and it still ran past a generous limit
  when it was run again alone (see rerun_quietly). mutmut stops mutants by the clock, so on a
  shared machine a mutant that changes nothing can be stopped too: a stopped mutant counts as
  killed only when its quiet rerun fails a test, and as survived when the rerun passes.
- equivalent: listed in mutation/equivalents.toml, with its diff's hash (mutation/verdicts.py's
  diff_hash) and why no test can tell it apart. An entry whose mutant is gone, whose diff hashes
  differently, or that a test kills fails the run.
- score: killed ÷ (mutants − equivalent); a timeout counts against it.

`--check` only generates the mutants (seconds, no tests) and checks the equivalents' hashes;
`--show NAME…` prints named mutants' diffs and hashes, to write an entry.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mutation import verdicts  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = Path(__file__).resolve().parent / "equivalents.toml"
MUTMUT_DATA = "mutation/mutmut_data.py"
REPORTS = "mutation-reruns.json"

# engine → (its modules, its own test files)
ENGINES = {
    "wizard": (["catalog/visits/wizard.py"], ["tests/visits/test_wizard_engine.py"]),
    # tests/search/test_queries.py (473 queries) is left out: it would double each mutant's run.
    "search": (
        ["catalog/search/index.py", "catalog/search/engine.py"],
        ["tests/search/test_engine.py", "tests/search/test_engine_pins.py"],
    ),
    "swedish": (
        ["catalog/text/swedish.py"],
        ["tests/text/test_swedish.py", "tests/search/test_engine.py", "tests/search/test_engine_pins.py"],
    ),
    "describe": (
        ["catalog/visits/describe/engine.py"],
        ["tests/visits/describe/test_engine.py", "tests/visits/describe/test_analysis.py"],
    ),
}

# A quiet rerun may take RERUN_FACTOR times as long as the unmutated tests took just before, in the
# same kind of process, and never less than RERUN_MIN_SECONDS.
RERUN_FACTOR = 5
RERUN_MIN_SECONDS = 60


def project_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True)
    return [name for name in listed.stdout.splitlines() if (ROOT / name).is_file()]


def scratch_copy(modules: list[str], tests: list[str]) -> Path:
    work = Path(tempfile.mkdtemp(prefix="kva-mutation-"))
    for name in project_files():
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    config = f"""

[tool.mutmut]
source_paths = ["catalog"]
only_mutate = {json.dumps(modules)}
also_copy = ["kvaguide", "templates", "static", "manage.py", "mutation"]
pytest_add_cli_args_test_selection = {json.dumps(tests)}
pytest_add_cli_args = ["-x", "-q", "-p", "no:cacheprovider"]
# A mutant that loops is stopped after 6 × (its tests' CPU time + 1 s), not mutmut's 30 ×; what it
# stops is run again alone (rerun_quietly), so a short limit costs no false kills.
timeout_multiplier = 3.0
"""
    project = (work / "pyproject.toml").read_text(encoding="utf-8")
    # mutmut runs pytest again and again in one process; there, a test id pytest escapes (a Swedish
    # letter in a parameter: "sj\\xe4lvmord") is "not found" (exit 4), and mutmut counts the mutant
    # as killed. Unescaped ids are found every time.
    project = project.replace(
        "[tool.pytest.ini_options]\n",
        "[tool.pytest.ini_options]\ndisable_test_id_escaping_and_forfeit_all_rights_to_community_support = true\n",
        1,
    )
    (work / "pyproject.toml").write_text(project + config, encoding="utf-8")
    use_scratch_fixtures(work)
    return work


def use_scratch_fixtures(work: Path) -> None:
    """A database set up once and copied for each mutant; caches emptied (mutation/scratch_fixtures.py)."""
    conftest = work / "tests" / "conftest.py"
    conftest.write_text(
        conftest.read_text(encoding="utf-8") + "\n\nfrom mutation.scratch_fixtures import *  # noqa\n",
        encoding="utf-8",
    )


def refresh(work: Path, modules: list[str]) -> None:
    """Bring a kept scratch copy's tests and mutation helpers up to date with the project."""
    for module in modules:
        if (work / module).read_bytes() != (ROOT / module).read_bytes():
            sys.exit(f"{module} has changed since {work} was made: its mutant names no longer match; run in full.")
    for name in project_files():
        if name.startswith(("tests/", "mutation/")):
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, work / name)
    # (mutmut copies tests/ and mutation/ into mutants/ again at the start of every run)
    use_scratch_fixtures(work)


def environment(work: Path) -> dict[str, str]:
    # mutation/scratch_fixtures.py copies an SQLite file; the engines' tests need no other database.
    return {
        **os.environ,
        "DATABASE_URL": "sqlite:///db.sqlite3",
        "KVA_MUTATION_DB_TEMPLATE": str(work / "db-template.sqlite3"),
    }


def mutmut_data(work: Path, command: str, modules: list[str]) -> dict[str, dict]:
    """mutation/mutmut_data.py's answer: {mutant: {module, exit_code, status, diff}}."""
    done = subprocess.run(
        [sys.executable, MUTMUT_DATA, command, *modules], cwd=work, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"{MUTMUT_DATA} {command} failed in {work}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def tests_by_function(work: Path) -> dict[str, list[str]]:
    """mutmut's own map of which tests call which function (gathered in its statistics run)."""
    stats = json.loads((work / "mutants" / "mutmut-stats.json").read_text(encoding="utf-8"))
    return {name: sorted(tests) for name, tests in stats["tests_by_mangled_function_name"].items()}


def _pytest(work: Path, mutant: str, tests: list[str], timeout: float) -> tuple[int | None, float]:
    """One pytest process in mutants/ with this mutant switched on ("" for none), as mutmut runs
    it but in a new process of its own; (exit code or None when stopped at the timeout, seconds)."""
    command = [sys.executable, "-m", "pytest", "--rootdir=.", "--tb=native", "-x", "-q"]
    command += ["-p", "no:randomly", "-p", "no:random-order", "-p", "no:cacheprovider", *tests]
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=work / "mutants",
        env={**environment(work), "MUTANT_UNDER_TEST": mutant},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        code = None
    return code, time.monotonic() - started


def rerun_quietly(
    work: Path, stopped: list[str], killed_control: str | None, engine_tests: list[str]
) -> tuple[dict[str, str], dict]:
    """Run each mutant mutmut stopped again, alone: one process at a time, after mutmut has finished,
    on the tests mutmut chose for it.

    Controls, so that a rerun that passes means the mutant passes, not that the rerun ran nothing:
    one mutant mutmut killed must fail here too; and before the mutants of each function, the
    unmutated code must pass those same tests, and the time it takes sets their limit (RERUN_FACTOR
    times as long, at least RERUN_MIN_SECONDS)."""
    if not stopped:
        return {}, {}
    by_function = tests_by_function(work)

    def tests_of(name: str) -> list[str]:
        return by_function.get(name.partition("__mutmut_")[0]) or engine_tests

    controls: dict = {"functions": {}, "seconds": {}}
    if killed_control:
        code, _ = _pytest(work, killed_control, tests_of(killed_control), timeout=3600)
        if verdicts.rerun_verdict(code) != verdicts.RERUN_KILLED:
            sys.exit(f"{killed_control}, killed by mutmut, gives {code} when run alone: the reruns cannot be trusted.")
        controls["killed_control"] = killed_control
    found = {}
    for function in sorted({name.partition("__mutmut_")[0] for name in stopped}):
        tests = tests_of(function + "__mutmut_")
        code, seconds = _pytest(work, "", tests, timeout=3600)
        if code != 0:
            sys.exit(f"The unmutated code fails {function}'s tests when run alone in {work} (exit {code}).")
        limit = max(RERUN_MIN_SECONDS, RERUN_FACTOR * seconds)
        controls["functions"][function] = {"tests": len(tests), "unmutated_seconds": round(seconds, 1), "limit": limit}
        for name in [n for n in stopped if n.partition("__mutmut_")[0] == function]:
            code, seconds = _pytest(work, name, tests, timeout=limit)
            found[name] = verdicts.rerun_verdict(code)
            controls["seconds"][name] = round(seconds, 1)
    return found, controls


def check_equivalents(modules: list[str], data: dict[str, dict]) -> list[str]:
    entries = verdicts.load_equivalents(EQUIVALENTS)
    return verdicts.stale_equivalents(entries, {name: m["diff"] for name, m in data.items()}, modules)


def valid_equivalents(modules: list[str], data: dict[str, dict]) -> set[str]:
    stale = {line.partition(":")[0] for line in check_equivalents(modules, data)}
    return {
        entry.mutant
        for entry in verdicts.load_equivalents(EQUIVALENTS)
        if verdicts.module_of(entry.mutant) in modules and entry.mutant not in stale
    }


def run(engine: str, keep: bool, again: Path | None = None) -> dict:
    modules, tests = ENGINES[engine]
    tests = [t for t in tests if (ROOT / t).exists()]
    if not all((ROOT / module).exists() for module in modules) or not tests:
        return {"engine": engine, "skipped": f"{', '.join(modules)} or its tests are not in the project"}
    started = time.monotonic()
    names: list[str] = []
    earlier: dict[str, str] = {}
    if again:
        # Only the mutants that survived there (or were not tried, or were not killed on a quiet
        # rerun), against the project's tests now.
        work = again
        refresh(work, modules)
        if (work / REPORTS).exists():
            earlier = json.loads((work / REPORTS).read_text(encoding="utf-8"))["reruns"]
        before = mutmut_data(work, "dump", modules)
        known = valid_equivalents(modules, before)
        for name, m in before.items():
            open_status = m["status"] not in verdicts.KILLED | verdicts.STOPPED
            open_rerun = m["status"] in verdicts.STOPPED and earlier.get(name) != verdicts.RERUN_KILLED
            if (open_status or open_rerun) and name not in known:
                names.append(name)
        keep = True
    else:
        work = scratch_copy(modules, tests)
    try:
        # mutmut's progress goes to mutmut.log in the scratch copy (`tail -f` it during a long run).
        with (work / "mutmut.log").open("a", encoding="utf-8") as log:
            done = subprocess.run(
                [sys.executable, "-m", "mutmut", "run", "--max-children", "2", *names],
                cwd=work,
                env=environment(work),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        if done.returncode:
            # e.g. the unmutated tests fail: the results on disk are an earlier run's, or none
            keep = True
            sys.exit(f"mutmut stopped with exit {done.returncode}: see {work / 'mutmut.log'}")
        mutmut_minutes = round((time.monotonic() - started) / 60, 1)
        data = mutmut_data(work, "dump", modules)
        statuses = {name: m["status"] for name, m in data.items()}
        stopped = sorted(name for name, status in statuses.items() if status in verdicts.STOPPED)
        reused = {name: earlier[name] for name in stopped if earlier.get(name) == verdicts.RERUN_KILLED}
        control = next((name for name, status in sorted(statuses.items()) if status in verdicts.KILLED), None)
        reruns, controls = rerun_quietly(work, [n for n in stopped if n not in reused], control, tests)
        reruns.update(reused)
        (work / REPORTS).write_text(json.dumps({"reruns": reruns, "controls": controls}, indent=1), encoding="utf-8")
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    stale = check_equivalents(modules, data)
    equivalent = valid_equivalents(modules, data)
    result = verdicts.tally(statuses, reruns, equivalent)
    return {
        "engine": engine,
        "modules": modules,
        "tests": tests,
        "tally": result,
        "stopped": stopped,
        "reruns": reruns,
        "controls": controls,
        "problems": stale + verdicts.killed_equivalents(statuses, reruns, equivalent),
        "diffs": {name: data[name]["diff"] for name in result.survived + result.no_tests + result.timeouts},
        "work": str(work) if keep else None,
        "mutmut_minutes": mutmut_minutes,
        "minutes": round((time.monotonic() - started) / 60, 1),
    }


def print_row(row: dict, survivors: bool) -> None:
    t: verdicts.Tally = row["tally"]
    score = f"{t.score}%" if t.score is not None else "-"
    print(
        f"{row['engine']:<10} {t.mutants:>8} {t.equivalent:>11} {t.killed:>7} {len(t.timeouts):>8}"
        f" {len(t.survived) + len(t.no_tests):>9} {score:>7} {row['minutes']:>8}"
    )
    if row["stopped"]:
        shown = {v: sum(1 for r in row["reruns"].values() if r == v) for v in set(row["reruns"].values())}
        print(
            f"    mutmut stopped {len(row['stopped'])} (timeout); run again alone"
            f" (limits {_limits(row['controls'])}): {json.dumps(shown, sort_keys=True)}"
        )
    for name in t.timeouts:
        print(f"    timeout: {name}")
    for name in t.errors:
        print(f"    error on rerun: {name}")
    for name in t.not_run:
        print(f"    not run: {name}")
    if survivors:
        for name in t.survived:
            print(f"    survived: {name}")
        for name in t.no_tests:
            print(f"    survived (no test calls it): {name}")
    for line in row["problems"]:
        print(f"    equivalents.toml: {line}")
    if row["work"]:
        print(f"    scratch copy: {row['work']}")


def _limits(controls: dict) -> str:
    limits = [f["limit"] for f in controls.get("functions", {}).values()]
    return f"{min(limits):.0f}–{max(limits):.0f} s" if limits else "none needed"


def generated(modules: list[str]) -> dict[str, dict]:
    """The mutants of these modules as mutmut would make them, without running a test."""
    work = Path(tempfile.mkdtemp(prefix="kva-mutants-"))
    try:
        for name in [*modules, MUTMUT_DATA]:
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, work / name)
        (work / "pyproject.toml").write_text('[tool.mutmut]\nsource_paths = ["catalog"]\n', encoding="utf-8")
        return mutmut_data(work, "generate", modules)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check(engines: list[str]) -> int:
    failed = 0
    for engine in engines:
        modules = ENGINES[engine][0]
        data = generated(modules)
        stale = check_equivalents(modules, data)
        listed = [e for e in verdicts.load_equivalents(EQUIVALENTS) if verdicts.module_of(e.mutant) in modules]
        print(f"{engine}: {len(data)} mutants, {len(listed)} listed as equivalent, {len(stale)} stale")
        for line in stale:
            name = line.partition(":")[0]
            print(f"    {line}")
            if name in data:
                print("        now: " + "\n        ".join(data[name]["diff"].splitlines()[2:]))
        failed += len(stale)
    return 1 if failed else 0


def show(names: list[str]) -> int:
    modules = sorted({verdicts.module_of(name) for name in names})
    data = generated(modules)
    for name in names:
        if name not in data:
            print(f"{name}: no such mutant")
            continue
        print(f"# {name}  hash = {verdicts.diff_hash(data[name]['diff'])}")
        print(data[name]["diff"])
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("engines", nargs="*", help=f"some of {', '.join(ENGINES)} (all when none is named)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy (to run `mutmut show` there)")
    parser.add_argument("--survivors", action="store_true", help="list the surviving mutants")
    parser.add_argument("--report", type=Path, help="write every number, name and survivor's diff to this JSON file")
    parser.add_argument(
        "--again",
        type=Path,
        metavar="SCRATCH",
        help="in a scratch copy kept by --keep (one engine), run only its survivors again with the project's tests now",
    )
    parser.add_argument("--check", action="store_true", help="only check equivalents.toml against fresh mutants")
    parser.add_argument("--show", nargs="+", metavar="MUTANT", help="print these mutants' diffs and hashes")
    args = parser.parse_args()
    unknown = set(args.engines) - set(ENGINES)
    if unknown:
        parser.error(f"unknown engine(s): {', '.join(sorted(unknown))}")
    if args.show:
        return show(args.show)
    if args.check:
        return check(args.engines or list(ENGINES))
    if args.again and len(args.engines) != 1:
        parser.error("--again needs the one engine its scratch copy was made for")
    print(
        f"{'engine':<10} {'mutants':>8} {'equivalent':>11} {'killed':>7} {'timeout':>8} {'survived':>9}"
        f" {'score':>7} {'minutes':>8}"
    )
    rows, failed = [], False
    for engine in args.engines or list(ENGINES):
        row = run(engine, args.keep, args.again)
        if "skipped" in row:
            print(f"{engine:<10} skipped: {row['skipped']}")
            continue
        print_row(row, args.survivors)
        rows.append(row)
        t = row["tally"]
        failed = failed or bool(row["problems"] or t.errors or t.not_run)
    if args.report:
        args.report.write_text(
            json.dumps([report(row) for row in rows], indent=1, ensure_ascii=False), encoding="utf-8"
        )
    return 1 if failed else 0


def report(row: dict) -> dict:
    t: verdicts.Tally = row["tally"]
    return {
        **{key: value for key, value in row.items() if key != "tally"},
        "mutants": t.mutants,
        "equivalent": t.equivalent,
        "killed": t.killed,
        "killed_on_rerun": t.killed_on_rerun,
        "timeouts": t.timeouts,
        "survived": t.survived,
        "no_tests": t.no_tests,
        "errors": t.errors,
        "not_run": t.not_run,
        "score": t.score,
    }


if __name__ == "__main__":
    sys.exit(main())
