"""What mutmut knows about each mutant, as JSON: `python mutation/mutmut_data.py dump|generate MODULE…`,
run in a directory mutmut works in (a scratch copy of the project, with `mutants/` beside it).

- dump: for each mutant of the modules, its exit code, mutmut's name for that code, and its diff
  (`mutmut show` prints the same diff, one mutant per process; this reads all of them in one).
- generate: only writes the mutants of the modules (no test runs), then dumps them, for a check of
  mutation/equivalents.toml that takes seconds instead of a full run.

It reads mutmut 3.8.1's own files through its own functions, so `mutmut results` and this agree;
these functions are mutmut's internals, which is why the version is pinned in requirements.txt.
"""

import json
import os
import sys
from pathlib import Path

from mutmut.__main__ import create_file_mutants
from mutmut.mutation.data import SourceFileMutationData
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code


def dump(modules: list[str]) -> dict[str, dict]:
    found = {}
    for module in modules:
        data = SourceFileMutationData(path=module)
        data.load()
        for name, exit_code in data.exit_code_by_key.items():
            found[name] = {
                "module": module,
                "exit_code": exit_code,
                "status": status_by_exit_code[exit_code],
                "diff": get_diff_for_mutant(name, path=module),
            }
    return found


def generate(modules: list[str]) -> None:
    for module in modules:
        result = create_file_mutants(Path(module))
        if result.error:
            raise result.error


def main() -> int:
    command, modules = sys.argv[1], sys.argv[2:]
    if command == "generate":
        # create_file_mutants prints the file's name; keep stdout for the JSON.
        stdout, sys.stdout = sys.stdout, sys.stderr
        try:
            generate(modules)
        finally:
            sys.stdout = stdout
    elif command != "dump":
        sys.exit(f"unknown command {command!r}: dump or generate")
    json.dump(dump(modules), sys.stdout)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("MUTANT_UNDER_TEST", "mutant_generation")
    sys.exit(main())
