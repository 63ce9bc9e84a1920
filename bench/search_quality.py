"""Search quality on clinicians' queries: `.venv/bin/python bench/search_quality.py` (issue 26).

Loads the real content into the database DATABASE_URL names (default: a scratch SQLite file under
bench/out/), then prints hit@1 and hit@3 for
- tests/data/search-queries.tsv (the project's own table: every row must be in the top three), and
- tests/data/search-heldout.tsv, per half (tuning / held-out) and per kind,
with the share of hits owed to a synonym or concept entry alone (a hit with them, none without:
``search(..., expand=False)``). A query without hits counts the nearest codes shown under "Menade du …"
in their place: they are what the page shows first.

`--failures tuning` lists the tuning half's misses at rank 1 with what came first. The held-out half's
misses are listed only with `--failures held-out`, which is meant for the report after tuning is over.
"""

import argparse
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvaguide.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'out' / 'quality.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from catalog.search import engine  # noqa: E402
from tests.support.queries import heldout_rows  # noqa: E402

DATA = ROOT / "tests" / "data"


def old_rows() -> list[tuple[str, set[str], str, str, str]]:
    rows = []
    for line in (DATA / "search-queries.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, expected, kind, why = line.split("\t")
            rows.append((query, set(expected.split()), kind, "table", why))
    return rows


def codes(query: str, expand: bool = True) -> list[str]:
    """The first three codes the page shows: the hits, or on a miss the nearest codes under "Menade du …"."""
    result = engine.search(query, expand=expand)
    return [hit.code for hit in (result.hits or result.nearest)[:3]]


def measure(rows) -> dict:
    n = len(rows)
    at1 = at3 = owed = 0
    for query, expected, *_ in rows:
        top = codes(query)
        if top[:1] and top[0] in expected:
            at1 += 1
        if expected & set(top):
            at3 += 1
            if not expected & set(codes(query, expand=False)):
                owed += 1
    return {"n": n, "at1": at1, "at3": at3, "owed": owed}


def line(name: str, m: dict) -> str:
    n = m["n"] or 1
    return (
        f"| {name} | {m['n']} | {m['at1']} ({100 * m['at1'] / n:.1f} %) | {m['at3']} ({100 * m['at3'] / n:.1f} %) "
        f"| {m['owed']} ({100 * m['owed'] / max(m['at3'], 1):.1f} % of hits) |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--failures", choices=["tuning", "held-out", "table"], help="list rank-1 misses of one set")
    parser.add_argument("--kinds", action="store_true", help="per kind too")
    parser.add_argument("--tuning", action="store_true", help="while tuning: leave the held-out half out entirely")
    args = parser.parse_args()
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)
    heldout = heldout_rows(DATA / "search-heldout.tsv")
    sets = {
        "search-queries.tsv": old_rows(),
        "heldout: tuning": [r for r in heldout if r[3] == "tuning"],
        "heldout: held-out": [r for r in heldout if r[3] == "held-out"],
    }
    if args.tuning:
        del sets["heldout: held-out"]
        heldout = [row for row in heldout if row[3] == "tuning"]
    print("| set | queries | hit@1 | hit@3 | owed to a synonym or concept alone |")
    print("| --- | --- | --- | --- | --- |")
    for name, rows in sets.items():
        print(line(name, measure(rows)))
    if args.kinds:
        for half in ("tuning", "held-out"):
            by_kind = defaultdict(list)
            for row in heldout:
                if row[3] == half:
                    by_kind[row[2]].append(row)
            for kind, rows in sorted(by_kind.items()):
                print(line(f"{half}: {kind}", measure(rows)))
    if args.failures:
        chosen = {
            "tuning": sets["heldout: tuning"],
            "held-out": sets.get("heldout: held-out", []),
            "table": sets["search-queries.tsv"],
        }
        print()
        for query, expected, kind, _half, _why in chosen[args.failures]:
            result = engine.search(query)
            top = [hit.code for hit in (result.hits or result.nearest)[:5]]
            if not top or top[0] not in expected:
                mark = "   " if expected & set(top[:3]) else "!!!"
                print(f"{mark} {kind:12} {query!r}: {top} expected {sorted(expected)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
