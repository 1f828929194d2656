"""A throwaway PostgreSQL cluster for the `sql` check tests (Debian's server package), and
the example runbook's sql check those tests rewrite.

The cluster is created in a temporary directory and listens on a free localhost port.
initdb refuses to run as root, so as root the cluster belongs to a system user
`opskbtest` created for it. Without the server binaries the tests are skipped with the
reason (CI installs them: `make system-deps`). Each test module that imports the
fixtures gets its own cluster, so what one module adds (views, extensions) stays there.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from opskb.diagnostics import sql_postgres


def _pg_bin() -> Path:
    """Debian's server binaries, newest major version first (OPSKB_PG_BIN overrides)."""
    if os.environ.get("OPSKB_PG_BIN"):
        return Path(os.environ["OPSKB_PG_BIN"])
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0
    )
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()
PG_USER = "opskbtest"
PASSWORD = "pg-Secret-42"

SEED = """
CREATE TABLE price_feed_last_run (sent integer, accepted integer);
INSERT INTO price_feed_last_run VALUES (12000, 9000);
CREATE TABLE price_export_runs (run_id integer, marketplace text, items_sent integer,
                                items_accepted integer, finished_at timestamptz);
INSERT INTO price_export_runs VALUES (41, 'ozon', 11800, 11800, now() - interval '1 day 2 hours');
INSERT INTO price_export_runs VALUES (42, 'ozon', 12000, 9000, now() - interval '10 minutes');
CREATE SEQUENCE ticket_numbers;
CREATE TABLE t (a integer);
INSERT INTO t VALUES (1), (2), (3);
"""
WRITER_PASSWORD = "pg-Writer-77"
SERVER_SECRET = "server-file-secret-5d1f"
VICTIM_QUERY = "SELECT pg_sleep(60) AS victim"
# Allowed by the guard, and endless: only a timeout ends it (streamed, so no memory grows).


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_cluster_owner(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", PG_USER, "--", *command]


ADMIN = "opskb-tests-admin"


@dataclass(frozen=True)
class Cluster:
    """A running test cluster: URLs of a read-only role, a role that can write, a superuser."""

    port: int
    secret_file: Path  # readable by the server, never to be printed

    def url(self, role: str) -> str:
        password = {"reader": PASSWORD, "writer": WRITER_PASSWORD}.get(role)
        login = f"{role}:{password}" if password else role
        return f"postgresql+psycopg://{login}@127.0.0.1:{self.port}/postgres"

    def admin(self) -> Any:
        """A superuser session of the tests themselves, named ``ADMIN`` so that a test that
        looks for sessions opskb left behind can tell the tests' own (one may still be
        ending on the server when the next one asks) from those."""
        import psycopg

        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            dbname="postgres",
            autocommit=True,
            application_name=ADMIN,
        )

    def rows_of_t(self) -> list[tuple[int]]:
        with self.admin() as db:
            return db.execute("SELECT a FROM t ORDER BY a").fetchall()

    def checks(self) -> list[tuple[int, str]]:
        """opskb's connections to the cluster (pid, state): none once a check has ended."""
        with self.admin() as db:
            return db.execute(
                "SELECT pid, state FROM pg_stat_activity WHERE application_name = %s", (sql_postgres.APPLICATION_NAME,)
            ).fetchall()

    def locks(self) -> list[tuple[Any, ...]]:
        """Locks held or awaited by any session but the one asking (advisory, relation ...)."""
        with self.admin() as db:
            return db.execute(
                "SELECT locktype, mode, pid FROM pg_locks WHERE pid <> pg_backend_pid() AND locktype <> 'virtualxid'"
            ).fetchall()

    def running(self, query: str) -> list[tuple[int, str]]:
        with self.admin() as db:
            return db.execute("SELECT pid, state FROM pg_stat_activity WHERE query = %s", (query,)).fetchall()


def running_cluster() -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster on a free port (a test module's fixture yields from it)."""
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL server binaries not found in {PG_BIN} (install: make system-deps)")
    if os.geteuid() == 0 and subprocess.run(["id", PG_USER], capture_output=True).returncode != 0:
        made = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
            capture_output=True,
            text=True,
        )
        if made.returncode != 0:
            pytest.skip(f"cannot create user {PG_USER} for initdb: {made.stderr.strip()}")
    base = Path(tempfile.mkdtemp(prefix="opskb-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, PG_USER)
    port = free_port()
    data = base / "data"
    try:
        subprocess.run(
            _as_cluster_owner(
                [str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run(
            _as_cluster_owner(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(base / "log"),
                    "-w",
                    "-o",
                    f"-p {port} -k {base} -c listen_addresses=127.0.0.1",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip(f"could not start PostgreSQL: {getattr(err, 'stderr', err)!r}")
    secret_file = base / "secret.txt"
    secret_file.write_text(SERVER_SECRET)
    if os.geteuid() == 0:
        shutil.chown(secret_file, PG_USER)
    running = Cluster(port, secret_file)
    with running.admin() as db:
        db.execute(SEED)
        db.execute(f"CREATE ROLE reader LOGIN PASSWORD '{PASSWORD}'")
        db.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
        db.execute("GRANT USAGE ON SEQUENCE ticket_numbers TO reader")
        # A source whose own default would let a backslash end a string: opskb turns it on.
        db.execute("ALTER ROLE reader SET standard_conforming_strings = off")
        # The role the issue measured with: it may write, so only opskb stands in the way.
        db.execute(f"CREATE ROLE writer LOGIN PASSWORD '{WRITER_PASSWORD}'")
        db.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO writer")
        db.execute("GRANT ALL ON SEQUENCE ticket_numbers TO writer")
    try:
        yield running
    finally:
        subprocess.run(
            _as_cluster_owner([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(base, ignore_errors=True)


def victim_of(cluster: Cluster) -> Iterator[int]:
    """Another session of the writing role, busy with a query: its pid (nothing may end it)."""
    import psycopg

    box: dict[str, Any] = {}
    connection = psycopg.connect(cluster.url("writer").replace("+psycopg", ""), autocommit=True)
    box["pid"] = connection.info.backend_pid

    def work() -> None:
        try:
            connection.execute(VICTIM_QUERY)
        except psycopg.Error as err:
            box["error"] = err

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    wait_for(lambda: cluster.running(VICTIM_QUERY) == [(box["pid"], "active")], "the victim's query to start")
    yield box["pid"]
    assert cluster.running(VICTIM_QUERY) == [(box["pid"], "active")], "another backend was cancelled or killed"
    assert "error" not in box, box.get("error")
    with cluster.admin() as db:
        db.execute("SELECT pg_terminate_backend(%s)", (box["pid"],))
    thread.join(10)
    connection.close()


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.05)


RUNBOOK = "runbooks/prices-not-applied.yaml"


def set_query(tree: Path, query: str, timeout: str | None = None) -> str:
    """Put ``query`` (and a timeout) into the example runbook's sql check; where the query is."""
    path = tree / RUNBOOK
    old = "    query: SELECT sent, accepted FROM price_feed_last_run\n"
    new = f"    query: {json.dumps(query)}\n" + (f"    timeout_seconds: {timeout}\n" if timeout else "")
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return f"{RUNBOOK}:30:12"


def add_checks(tree: Path, queries: list[str]) -> list[tuple[int, int]]:
    """One sql check per query in the example runbook; where each query is (line, column)."""
    checks = "".join(
        f"  - id: v{n}\n    title: Variant {n}\n    type: sql\n    source: pricing-db\n"
        f"    query: {json.dumps(q)}\n    condition: {{left: a, op: '==', right: 1}}\n"
        for n, q in enumerate(queries)
    )
    path = tree / RUNBOOK
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("do_not:\n", checks + "do_not:\n", 1), encoding="utf-8")
    first_line = text[: text.index("do_not:\n")].count("\n") + 1
    return [(first_line + 6 * n + 4, 12) for n in range(len(queries))]
