"""Search benchmark: `make bench-search` (or `.venv/bin/python bench/search.py`).

For SQLite and then PostgreSQL, builds a scratch database with the real content plus 10,000
generated codes, then prints
- p50/p95/p99 in-process search time over a fixed mix of queries (index warm), and the time
  to build the index once;
- HTTP throughput of /api/codes/?q= under gunicorn (2 workers, DEBUG off) as a ratio to a
  hello-world view on the same server in the same run (wrk, 127.0.0.1 only, bounded time).
Targets: p95 ≤ 15 ms at 10,000 codes on both databases; throughput ≥ 50 % of hello-world.
The server's port is `--port` or `BENCH_PORT` (default 8765): pick a free one when several run at once.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = sys.executable

QUERY_MIX = [
    "AU118",
    "du11",
    "Du 011",
    "zv5",
    "suicid",
    "suicidrisk",
    "läkemedelsgenomgång",
    "genomgång",
    "lakemedel",
    "KBT",
    "MI",
    "ECT",
    "video",
    "tolk",
    "Cool Kids",
    "familjeterapi",
    "självmord",
    "suicd",
    "mindfullness",
    "krisplna",
    "behandling",
    "samordnad individuell plan",
    "hembesök",
    "nätverksmöte med socialtjänst",
    "bedömning av funktionsförmåga",
    "psykoedukation",
    "ångest",
    "x",
    "HCR-20",
    "uppföljning rehabiliteringsplan",
    "videosamtal",
    "elchock",
    "ringde patientens mamma",
    "trappa ner spriten",
    "sprutbyte",
    "psykoedukaton",
    "samtal anhörig",
    "barn som far illa",
    # Issue 26: sentences read for who was there, a decision's number, a rule's words.
    "nätverksmöte, patienten var inte med",
    "samtal med pappan och sonen om pappans bipolära sjukdom",
    "RS 2024-00668",
    "fysioterapeut BR kontakt",
]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def inner(codes: int, rounds: int) -> None:
    """Runs inside one database's process: prepare it and time the search engine."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    from bench.generate import generate
    from catalog.models import Code
    from catalog.search import engine as search

    started = time.perf_counter()
    generate(codes)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    search.current_index()
    build = time.perf_counter() - started
    # The first time each query is seen: nothing cached (the engine caches results per index).
    first = []
    for query in QUERY_MIX:
        started = time.perf_counter()
        search.search(query)
        first.append((time.perf_counter() - started) * 1000)
    timings, cpu_timings = [], []
    index = search.current_index()
    for _ in range(rounds):
        for query in QUERY_MIX:
            index.results.clear()  # time the engine, not its result cache (words' matches stay warm)
            started, cpu = time.perf_counter(), time.thread_time()
            search.search(query)
            timings.append((time.perf_counter() - started) * 1000)
            # CPU time too: on a shared machine, wall time includes waiting for a core.
            cpu_timings.append((time.thread_time() - cpu) * 1000)
    print(
        json.dumps(
            {
                "codes": Code.objects.filter(entries__isnull=False).distinct().count(),
                "generate_s": round(generated, 1),
                "index_build_s": round(build, 2),
                "searches": len(timings),
                "p50_ms": round(percentile(timings, 0.50), 2),
                "p95_ms": round(percentile(timings, 0.95), 2),
                "p99_ms": round(percentile(timings, 0.99), 2),
                "cpu_p50_ms": round(percentile(cpu_timings, 0.50), 2),
                "cpu_p95_ms": round(percentile(cpu_timings, 0.95), 2),
                "first_p50_ms": round(percentile(first, 0.50), 2),
                "first_p95_ms": round(percentile(first, 0.95), 2),
                "first_max_ms": round(max(first), 2),
            }
        )
    )


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = dict(re.findall(r"\s+(50|99)%\s+([\d.]+\w+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", output)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(int(n) for n in socket.groups()) if socket else 0)
    return {"rps": rps, "p50": latency.get("50"), "p99": latency.get("99"), "errors": errors}


def wait_for(url: str, seconds: float = 20.0) -> None:
    import urllib.request

    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server at {url} did not answer")


@contextlib.contextmanager
def production_server(env: dict, port: int):
    """gunicorn with 2 workers on 127.0.0.1:port, stopped on leaving the block."""
    server = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "bench.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/hello/")
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def query_mix_script() -> Path:
    """A wrk script that rotates through the query mix on /api/codes/?q=."""
    script = OUT / "search-mix.lua"
    paths = ", ".join(f'"/api/codes/?q={quote(q)}"' for q in QUERY_MIX if len(q) > 1)
    script.write_text(
        f"local paths = {{{paths}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n"
    )
    return script


def http(env: dict, seconds: int, port: int) -> dict:
    with production_server(env, port) as base:
        script = query_mix_script()
        for q in QUERY_MIX:  # warm both workers' indexes before measuring
            for _ in range(2):
                wait_for(f"{base}/api/codes/?q={quote(q)}")
        hello = wrk(f"{base}/hello/", seconds, 16)
        api = wrk(f"{base}/api/codes/", seconds, 16, script)
        return {"hello": hello, "search_api": api, "ratio": round(api["rps"] / hello["rps"], 3)}


def each_database(script: str, sqlite_file: str, postgres_name: str, args):
    """Run ``script --inner`` on SQLite and on PostgreSQL (skipped, saying so, when no server answers);
    yield (database name, the environment used, the inner run's JSON result). Shared by the benches."""
    databases = {
        "sqlite": f"sqlite:///{OUT / sqlite_file}",
        "postgres": os.environ.get("BENCH_POSTGRES_URL", f"postgres://postgres@127.0.0.1:5432/{postgres_name}"),
    }
    for name, url in databases.items():
        if args.only and name != args.only:
            continue
        if name == "postgres" and subprocess.run([PY, str(ROOT / ".ci" / "postgres.py"), url]).returncode != 0:
            print("postgres: SKIPPED (no server could be reached)")
            continue
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [PY, script, "--inner", "--codes", str(args.codes), "--rounds", str(args.rounds)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            raise SystemExit(1)
        yield name, env, json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--codes", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per measurement")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8765")), help="gunicorn's port")
    args = parser.parse_args()
    if args.inner:
        inner(args.codes, args.rounds)
        return 0
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
    OUT.mkdir(parents=True, exist_ok=True)
    results = {}
    for name, env, result in each_database(__file__, "search.sqlite3", "kvaguide_bench", args):
        if shutil.which("wrk"):
            result["http"] = http(env, args.seconds, args.port)
        results[name] = result
        print(f"{name}: {json.dumps(result)}")
    print()
    print(
        "| database | codes | index build | first time: p50 / p95 | p50 | p95 | p99 | CPU p50 / p95 "
        "| hello req/s | search API req/s | ratio | errors |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, r in results.items():
        h = r.get("http", {})
        print(
            f"| {name} | {r['codes']} | {r['index_build_s']} s | {r['first_p50_ms']} / {r['first_p95_ms']} ms "
            f"| {r['p50_ms']} ms | {r['p95_ms']} ms | {r['p99_ms']} ms | {r['cpu_p50_ms']} / {r['cpu_p95_ms']} ms | "
            f"{h.get('hello', {}).get('rps', '–')} | {h.get('search_api', {}).get('rps', '–')} | "
            f"{h.get('ratio', '–')} | {h.get('search_api', {}).get('errors', '–')} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
