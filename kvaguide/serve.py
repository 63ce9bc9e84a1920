"""The production server command, in one place for `make serve` and `make bench-load`.

    python -m kvaguide.serve [--server granian|gunicorn] [--port 8000] [--workers 2] [--wsgi kvaguide.wsgi]

granian is the default: `make bench-load` measures both side by side in one run, and on this
project's 2-core machine granian served the same pages markedly faster (docs/performance.md,
docs/adr/0002-granian-as-the-production-server.md). ``SERVER=gunicorn`` (environment or make variable) switches back.

Access log: off in the server by default. ``ACCESS_LOG=1`` turns on the app's own access log
(kvaguide.accesslog), one JSON object per request through the project's log formatter, so
hostile paths cannot break the JSON. The server's own access-log formats are not JSON-safe
(gunicorn writes the path unescaped), so they are never used.

Graceful restarts: send SIGHUP to the server's main process; both servers then start new
workers and let the old ones finish their requests. SIGTERM stops gracefully.
"""

import argparse
import os
import sys

SERVERS = ("granian", "gunicorn")
DEFAULT_SERVER = "granian"


def command(server: str, port: int, workers: int, wsgi: str = "kvaguide.wsgi") -> list[str]:
    bin_dir = os.path.dirname(sys.executable)
    if server == "gunicorn":
        return [
            os.path.join(bin_dir, "gunicorn"),
            wsgi,
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--graceful-timeout",
            "30",
        ]
    if server == "granian":
        return [
            os.path.join(bin_dir, "granian"),
            "--interface",
            "wsgi",
            f"{wsgi}:application",
            "--workers",
            str(workers),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
            # Each Python thread keeps its own search index and wizard tree, and more threads than
            # cores only queue on the interpreter lock: two per worker overlap database waits.
            "--blocking-threads",
            os.environ.get("GRANIAN_BLOCKING_THREADS", "2"),
            "--respawn-failed-workers",
            "--workers-kill-timeout",
            "30",
        ]
    raise SystemExit(f"SERVER must be one of {', '.join(SERVERS)}, not {server!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default=os.environ.get("SERVER") or DEFAULT_SERVER, choices=SERVERS)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", "2")))
    parser.add_argument("--wsgi", default="kvaguide.wsgi")
    args = parser.parse_args()
    argv = command(args.server, args.port, args.workers, args.wsgi)
    os.execv(argv[0], argv)


if __name__ == "__main__":
    main()
