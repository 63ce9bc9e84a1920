"""FHIR benchmark: `make bench-fhir` (or `.venv/bin/python bench/fhir.py`).

For SQLite and then PostgreSQL (BENCH_POSTGRES_URL), builds a scratch database with the real
content plus 10,000 generated codes (bench/generate.py: 20 lists of 500), then prints
- p50/p95/p99 of ``ValueSet/<id>/$expand?filter=`` through the whole Django stack (test client,
  every middleware, negotiation, serialisation), the page cache emptied before every request so
  each one is built (a typeahead's new text), over the search benchmark's query mix, for the
  psychiatry list and for a generated 500-code list, with count=20 and without count;
- a ValueSet read built once, then read again: the time and the database queries of the second
  read (served from catalog.pagecache, the pages' content cache);
- HTTP throughput of $expand?filter= under gunicorn (2 workers, DEBUG off) as a ratio to a
  hello-world view in the same run (wrk, 127.0.0.1, ports 8170-8179).
Target: $expand?filter= p95 ≤ 20 ms at 10,000 codes on both databases.
"""

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search import OUT, QUERY_MIX, each_database, percentile, production_server, wait_for, wrk  # noqa: E402

PORT = 8171


def _timed(client, url: str, clear) -> float:
    clear()
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return elapsed


def _stats(timings: list[float]) -> dict:
    return {
        "n": len(timings),
        "p50_ms": round(percentile(timings, 0.50), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
        "p99_ms": round(percentile(timings, 0.99), 2),
    }


def inner(codes: int, rounds: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    from bench.generate import generate
    from catalog.caching import pagecache
    from catalog.models import Code
    from catalog.search import engine as search

    generate(codes)
    client = Client()
    search.current_index()  # the index is built once per content change, not per request
    result = {"codes": Code.objects.filter(entries__isnull=False).distinct().count()}
    queries = [q for q in QUERY_MIX if len(q) > 1]
    # The same noisy machine, the same stack: a hello-world view's times as the yardstick.
    result["hello"] = _stats([_timed(client, "/hello/", pagecache.clear) for _ in range(rounds * len(queries))])
    for slug in ("psykiatri", "genererad-0"):
        # Warm up, as a running server is: the list's terms once per content change, and each
        # hit's words (the search engine works them out the first time a snippet needs them).
        for q in queries:
            _timed(client, f"/fhir/ValueSet/{slug}/$expand?filter={quote(q)}", pagecache.clear)
        for label, extra in (("count20", "&count=20"), ("all", "")):
            timings = [
                _timed(client, f"/fhir/ValueSet/{slug}/$expand?filter={quote(q)}{extra}", pagecache.clear)
                for _ in range(rounds)
                for q in queries
            ]
            result[f"expand_{slug}_{label}"] = _stats(timings)
    pagecache.clear()
    started = time.perf_counter()
    client.get("/fhir/ValueSet/psykiatri")
    first = (time.perf_counter() - started) * 1000
    repeated = []
    with CaptureQueriesContext(connection) as captured:
        for _ in range(50):
            started = time.perf_counter()
            client.get("/fhir/ValueSet/psykiatri")
            repeated.append((time.perf_counter() - started) * 1000)
    result["valueset_read"] = {
        "first_ms": round(first, 2),
        "cached_p95_ms": round(percentile(repeated, 0.95), 2),
        "cached_db_queries_in_50_reads": len(captured.captured_queries),
    }
    print(json.dumps(result))


def http(env: dict, seconds: int) -> dict:
    script = OUT / "fhir-expand-mix.lua"
    paths = ", ".join(f'"/fhir/ValueSet/psykiatri/$expand?filter={quote(q)}&count=20"' for q in QUERY_MIX if len(q) > 1)
    script.write_text(
        f"local paths = {{{paths}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n"
    )
    with production_server(env, PORT) as base:
        wait_for(f"{base}/fhir/ValueSet/psykiatri/$expand?filter=suicid")
        hello = wrk(f"{base}/hello/", seconds, 16)
        expand = wrk(f"{base}/fhir/metadata", seconds, 16, script)
        return {"hello": hello, "expand": expand, "ratio": round(expand["rps"] / hello["rps"], 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--codes", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=8, help="wrk duration per measurement")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args()
    if args.inner:
        inner(args.codes, args.rounds)
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, env, result in each_database(__file__, "fhir.sqlite3", "kvaguide_fhir_bench", args):
        if shutil.which("wrk") and not args.no_http:
            result["http"] = http(env, args.seconds)
        print(f"{name}: {json.dumps(result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
