"""Load test: `make bench-load` (or `bash bench/load.sh`).

Serves the real content from PostgreSQL with gunicorn (DEBUG off, 2 workers, static files by
WhiteNoise) on 127.0.0.1 and drives it with wrk for a bounded time: a hello-world view, the
home page, a list page, a code page, the search API and a wizard step, each at 16 and 64
connections. Prints req/s, p50/p99 latency, errors, and each page's throughput as a ratio to
hello-world. Targets: no errors; code and list pages ≥ 50 % of hello-world; search and wizard
steps ≥ 25 %.
"""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from urllib.parse import quote  # noqa: E402

from bench.search import OUT, PY, QUERY_MIX, production_server, query_mix_script, wait_for, wrk  # noqa: E402

PAGES = {
    "hello-world": "/hello/",
    "home": "/",
    "list": "/lista/psykiatri/",
    "code": "/kod/AU118/",
    "search API": None,  # a rotating mix of queries
    "wizard step": "/besok/psykiatri/mottagningsbesok/",
}
TARGETS = {"list": 0.5, "code": 0.5, "search API": 0.25, "wizard step": 0.25, "home": 0.25}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", default="16,64")
    parser.add_argument(
        "--database", default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/kvaguide_load")
    )
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
    if not shutil.which("wrk"):
        print("wrk is not installed and could not be installed (apt-get install wrk)", file=sys.stderr)
        return 1
    if (
        args.database.startswith("postgres")
        and subprocess.run([PY, str(ROOT / ".ci" / "postgres.py"), args.database]).returncode
    ):
        print(f"No PostgreSQL at {args.database}", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": args.database,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
        "STATIC_MANIFEST": "1",
    }
    for command in (["migrate", "--no-input", "-v0"], ["collectstatic", "--no-input", "-v0"], ["load_content"]):
        subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    results = {}
    with production_server(env, args.port) as base:
        script = query_mix_script()
        for path in [p for p in PAGES.values() if p] + [f"/api/codes/?q={quote(q)}" for q in QUERY_MIX]:
            for _ in range(3):
                wait_for(base + path)
        for connections in [int(c) for c in args.connections.split(",")]:
            for name, path in PAGES.items():
                if path is None:
                    results[(name, connections)] = wrk(f"{base}/api/codes/", args.seconds, connections, script)
                else:
                    results[(name, connections)] = wrk(base + path, args.seconds, connections)
    print("| page | connections | req/s | p50 | p99 | errors | ratio to hello-world | target |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    failed = False
    for (name, connections), result in results.items():
        hello = results[("hello-world", connections)]["rps"]
        ratio = result["rps"] / hello
        target = TARGETS.get(name)
        ok = result["errors"] == 0 and (target is None or ratio >= target)
        failed |= not ok
        print(
            f"| {name} | {connections} | {result['rps']:.0f} | {result['p50']} | {result['p99']} | {result['errors']} | "
            f"{ratio:.2f} | {'' if target is None else ('≥ ' + format(target, '.2f') + (' ✓' if ok else ' ✗'))} |"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
