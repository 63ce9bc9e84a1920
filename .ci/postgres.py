"""Make sure a PostgreSQL server answers at the given URL and its database exists.

Starts the local cluster if it is installed but down. Exits 0 when the database is ready,
1 when no server can be reached.
"""

import shutil
import subprocess
import sys
import time
from urllib.parse import urlsplit

import psycopg


def connect(url: str, dbname: str):
    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname=dbname,
        connect_timeout=3,
        autocommit=True,
    )


def reachable(url: str) -> bool:
    try:
        connect(url, "postgres").close()
        return True
    except psycopg.OperationalError:
        return False


def start_local_cluster() -> None:
    if not shutil.which("pg_ctlcluster"):
        return
    versions = subprocess.run(["ls", "/etc/postgresql"], capture_output=True, text=True).stdout.split()
    for version in versions:
        # A second start exits 2 ("already running"): that is fine.
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], capture_output=True)


def main(url: str) -> int:
    if not reachable(url):
        start_local_cluster()
        for _ in range(20):
            if reachable(url):
                break
            time.sleep(0.5)
        else:
            return 1
    name = urlsplit(url).path.lstrip("/") or "postgres"
    with connect(url, "postgres") as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
