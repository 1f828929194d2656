"""`sql` checks on a real PostgreSQL server (Debian's package) and on SQLite.

The PostgreSQL cluster is created by the test in a temporary directory and listens on a
free localhost port. initdb refuses to run as root, so as root the cluster belongs to a
system user `opskbtest` created for it. Without the server binaries the tests are
skipped with the reason (CI installs them: `make system-deps`).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO
from opskb.checker import check_tree
from opskb.diagnostics import sql
from opskb.diagnostics.probe import ProbeError
from opskb.diagnostics.sources import Source


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
"""


# --- the read-only guard, before any connection ---------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT sent, accepted FROM price_feed_last_run",
        "  -- a comment first\n  select 1;",
        "WITH last AS (SELECT max(run_id) AS id FROM runs) SELECT * FROM runs, last WHERE run_id = last.id",
        "SELECT 'DELETE FROM x; DROP TABLE y' AS text_that_looks_bad",
    ],
)
def test_read_only_selects_pass_the_guard(query: str) -> None:
    sql.validate(query)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("DELETE FROM price_feed_last_run", "only SELECT"),
        ("UPDATE price_feed_last_run SET accepted = sent", "only SELECT"),
        ("SELECT 1; DROP TABLE price_feed_last_run", "one statement, found 2"),
        ("WITH gone AS (DELETE FROM t RETURNING *) SELECT * FROM gone", "DELETE inside the query"),
        ("SELECT * INTO copy_of_t FROM t", "INTO is not allowed"),
        ("SELECT * FROM t FOR UPDATE", "UPDATE inside the query"),
        ("SELECT pg_terminate_backend(123)", "pg_terminate_backend acts on the server"),
        ("SELECT set_config('default_transaction_read_only', 'off', false)", "set_config"),
        ("PRAGMA query_only = OFF", "only SELECT"),
        ("", "found 0"),
    ],
)
def test_everything_else_is_refused(query: str, message: str) -> None:
    with pytest.raises(sql.RefusedQuery, match=message):
        sql.validate(query)


def test_refused_query_never_reaches_the_database() -> None:
    # The source points at nothing: a refusal, not a connection error, proves no connect.
    source = Source("db", "postgresql+psycopg://reader:x@127.0.0.1:1/none")
    with pytest.raises(sql.RefusedQuery):
        sql.probe({"query": "DELETE FROM t"}, source, 1)


# --- SQLite ---------------------------------------------------------------------------


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Path:
    path = tmp_path / "pricing.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE price_feed_last_run (sent INTEGER, accepted INTEGER)")
        db.execute("INSERT INTO price_feed_last_run VALUES (12000, 9000)")
    return path


def test_sqlite_check_fails_with_both_values(cli, tree: Path, sqlite_db: Path) -> None:
    result = cli("run", "prices-not-applied", "--root", tree, "--source", f"pricing-db=sqlite:///{sqlite_db}")
    assert result.code == 1
    assert "FAIL   accepted-vs-sent" in result.out
    assert "observed: sent=12000, accepted=9000" in result.out
    assert "accepted >= sent: 9000 >= 12000 is false" in result.out
    assert 'next: step resend "Resend rejected prices" [a person must do this' in result.out


def test_sqlite_passes_when_all_accepted(cli, tree: Path, sqlite_db: Path) -> None:
    with sqlite3.connect(sqlite_db) as db:
        db.execute("UPDATE price_feed_last_run SET accepted = 12000")
    result = cli("run", "prices-not-applied", "--root", tree, "--source", f"pricing-db=sqlite:///{sqlite_db}")
    assert result.code == 0, result.out


def test_sqlite_query_only_is_the_second_guard(sqlite_db: Path) -> None:
    # Even if a write got past the tokenizer, the connection refuses it.
    connection = sqlite3.connect(sqlite_db)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        sql._run(connection, "sqlite", "INSERT INTO price_feed_last_run VALUES (1, 1)", 5)
    connection.close()
    with sqlite3.connect(sqlite_db) as db:
        assert db.execute("SELECT count(*) FROM price_feed_last_run").fetchone() == (1,)


def test_sqlite_timeout_interrupts_a_long_query(sqlite_db: Path) -> None:
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    with pytest.raises(ProbeError, match="timeout"):
        sql.probe({"query": endless}, Source("db", f"sqlite:///{sqlite_db}"), 0.5)


def test_sqlite_missing_file_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(ProbeError, match="no SQLite database file"):
        sql.probe({"query": "SELECT 1"}, Source("db", f"sqlite:///{tmp_path / 'nope.db'}"), 1)
    assert not (tmp_path / "nope.db").exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [("mysql://u:p@h/db", "not supported for read-only checks"), ("not a url", "not a database URL")],
)
def test_unsupported_sources(url: str, message: str) -> None:
    with pytest.raises(ProbeError, match=message):
        sql.probe({"query": "SELECT 1"}, Source("db", url), 1)


# --- PostgreSQL -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_cluster_owner(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", PG_USER, "--", *command]


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on a free port; yields a SQLAlchemy URL."""
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
    port = _free_port()
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
    import psycopg

    with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True) as db:
        db.execute(SEED)
        db.execute(f"CREATE ROLE reader LOGIN PASSWORD '{PASSWORD}'")
        db.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
        db.execute("GRANT USAGE ON SEQUENCE ticket_numbers TO reader")
    try:
        yield f"postgresql+psycopg://reader:{PASSWORD}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_cluster_owner([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.xdist_group("postgres")
def test_postgres_check_fails_with_both_values(cli, tree: Path, postgres: str) -> None:
    result = cli("run", "prices-not-applied", "--root", tree, "--source", f"pricing-db={postgres}")
    assert result.code == 1, result.err
    assert "observed: sent=12000, accepted=9000" in result.out
    assert "accepted >= sent: 9000 >= 12000 is false" in result.out
    assert PASSWORD not in result.out + result.err


@pytest.mark.xdist_group("postgres")
def test_postgres_json_output(cli, tree: Path, postgres: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPSKB_SOURCE_PRICING_DB", postgres)
    result = cli("run", "prices-not-applied", "--root", tree, "--format", "json")
    check = json.loads(result.out)["results"][0]
    assert check["outcome"] == "fail"
    assert check["observed"] == {"sent": 12000, "accepted": 9000}
    assert check["next_step"]["id"] == "resend" and check["next_step"]["changes_system"] is True


@pytest.mark.xdist_group("postgres")
def test_postgres_write_is_refused_before_the_database(postgres: str) -> None:
    with pytest.raises(sql.RefusedQuery):
        sql.probe({"query": "DELETE FROM price_feed_last_run"}, Source("db", postgres), 5)
    import psycopg

    url = postgres.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(url) as db:
        assert db.execute("SELECT count(*) FROM price_feed_last_run").fetchone() == (1,)


@pytest.mark.xdist_group("postgres")
def test_postgres_read_only_transaction_catches_what_the_tokenizer_cannot(postgres: str) -> None:
    # nextval() writes (it advances a sequence) but reads like a SELECT.
    with pytest.raises(ProbeError, match="read-only transaction") as caught:
        sql.probe({"query": "SELECT nextval('ticket_numbers') AS n"}, Source("db", postgres), 5)
    assert PASSWORD not in str(caught.value)


@pytest.mark.xdist_group("postgres")
def test_postgres_statement_timeout(postgres: str) -> None:
    with pytest.raises(ProbeError, match="timeout"):
        sql.probe({"query": "SELECT pg_sleep(5)"}, Source("db", postgres), 1)


@pytest.mark.xdist_group("postgres")
def test_postgres_bad_password_does_not_leak(cli, tree: Path, postgres: str) -> None:
    wrong = postgres.replace("reader:", "nobody:")
    result = cli("run", "prices-not-applied", "--root", tree, "--source", f"pricing-db={wrong}")
    assert result.code == 1
    assert "ERROR  accepted-vs-sent" in result.out
    assert PASSWORD not in result.out + result.err


def test_unreachable_postgres_is_an_error_and_the_run_goes_on(cli, tree: Path) -> None:
    result = cli(
        "run",
        "prices-not-applied",
        "--root",
        tree,
        "--format",
        "json",
        "--source",
        f"pricing-db=postgresql+psycopg://reader:{PASSWORD}@127.0.0.1:{_free_port()}/db",
    )
    check = json.loads(result.out)["results"][0]
    assert result.code == 1
    assert check["outcome"] == "error" and "database error" in check["message"]
    assert PASSWORD not in result.out


@pytest.mark.xdist_group("postgres")
def test_repository_prices_runbook_against_seeded_postgres(cli, postgres: str) -> None:
    kb, _ = check_tree(REPO)
    runbook = kb.runbooks.get("prices-not-applied")
    checks = {c["id"]: c for c in (runbook.data.get("checks", []) if runbook else [])}
    if "accepted-vs-sent" not in checks or "price_export_runs" not in checks["accepted-vs-sent"]["query"]:
        pytest.skip("the repository's prices-not-applied runbook has no accepted-vs-sent check on price_export_runs")
    result = cli(
        "run", "prices-not-applied", "--root", REPO, "--check", "accepted-vs-sent", "--source", f"pricing-db={postgres}"
    )
    assert result.code == 1, result.out + result.err
    assert "sent=12000" in result.out and "accepted=9000" in result.out
