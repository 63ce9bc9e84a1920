"""Mutation testing of the engines: `make mutation` (or `python mutation/run.py wizard search`).

Each engine is mutated on its own, in a scratch copy of the project, with the test files that
test it. The score leaves out the mutants listed in mutation/equivalents.toml: mutants shown to
change no behaviour, each with the reason, so the exclusion can be checked.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = Path(__file__).resolve().parent / "equivalents.toml"

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
# A mutant that loops is stopped after 6 × (its tests' CPU time + 1 s), not mutmut's 30 ×.
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
    use_scratch_fixtures(work)


def environment() -> dict[str, str]:
    # mutation/scratch_fixtures.py copies an SQLite file; the engines' tests need no other database.
    return {**os.environ, "DATABASE_URL": "sqlite:///db.sqlite3"}


def results(work: Path) -> dict[str, str]:
    out = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=work, capture_output=True, text=True
    ).stdout
    found = {}
    for line in out.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            found[name] = status
    return found


def equivalents() -> dict[str, str]:
    if not EQUIVALENTS.exists():
        return {}
    with EQUIVALENTS.open("rb") as handle:
        return {m["mutant"]: m["reason"] for m in tomllib.load(handle).get("mutant", [])}


def run(engine: str, keep: bool, again: Path | None = None) -> dict:
    modules, tests = ENGINES[engine]
    tests = [t for t in tests if (ROOT / t).exists()]
    if not all((ROOT / module).exists() for module in modules) or not tests:
        return {"engine": engine, "skipped": f"{', '.join(modules)} or its tests are not in the project"}
    started = time.monotonic()
    names = []
    if again:
        # Only the mutants that survived there (or were not tried yet), against the project's tests now.
        work = again
        refresh(work, modules)
        known_equivalent = equivalents()
        names = [
            name
            for name, status in results(work).items()
            if status in ("survived", "no tests", "not checked") and name not in known_equivalent
        ]
        keep = True
    else:
        work = scratch_copy(modules, tests)
    try:
        # mutmut's progress goes to mutmut.log in the scratch copy (`tail -f` it during a long run).
        with (work / "mutmut.log").open("a", encoding="utf-8") as log:
            subprocess.run(
                [sys.executable, "-m", "mutmut", "run", "--max-children", "2", *names],
                cwd=work,
                env=environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        found = results(work)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    known_equivalent = equivalents()
    counted = {name: status for name, status in found.items() if name not in known_equivalent}
    killed = sum(1 for status in counted.values() if status in ("killed", "timeout"))
    survivors = sorted(name for name, status in counted.items() if status == "survived")
    return {
        "engine": engine,
        "modules": modules,
        "tests": tests,
        "mutants": len(found),
        "equivalent": len(found) - len(counted),
        "killed": killed,
        "score": round(100 * killed / len(counted), 1) if counted else None,
        "survivors": survivors,
        "work": str(work) if keep else None,
        "minutes": round((time.monotonic() - started) / 60, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("engines", nargs="*", help=f"some of {', '.join(ENGINES)} (all when none is named)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy (to run `mutmut show` there)")
    parser.add_argument("--survivors", action="store_true", help="list the surviving mutants")
    parser.add_argument(
        "--again",
        type=Path,
        metavar="SCRATCH",
        help="in a scratch copy kept by --keep (one engine), run only its survivors again with the project's tests now",
    )
    args = parser.parse_args()
    unknown = set(args.engines) - set(ENGINES)
    if unknown:
        parser.error(f"unknown engine(s): {', '.join(sorted(unknown))}")
    if args.again and len(args.engines) != 1:
        parser.error("--again needs the one engine its scratch copy was made for")
    print(f"{'engine':<10} {'mutants':>8} {'equivalent':>11} {'killed':>7} {'score':>7} {'minutes':>8}")
    for engine in args.engines or list(ENGINES):
        row = run(engine, args.keep, args.again)
        if "skipped" in row:
            print(f"{engine:<10} skipped: {row['skipped']}")
            continue
        print(
            f"{engine:<10} {row['mutants']:>8} {row['equivalent']:>11} {row['killed']:>7} {row['score']:>6}% {row['minutes']:>8}"
        )
        if args.survivors:
            for name in row["survivors"]:
                print(f"    survived: {name}")
        if row["work"]:
            print(f"    scratch copy: {row['work']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
