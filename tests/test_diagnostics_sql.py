"""`sql` checks on a real PostgreSQL server (Debian's package) and on SQLite.

The cluster is a throwaway one (tests/pg_cluster.py); tests/test_diagnostics_sql_plan.py
has the attacks that only the server's plan shows, and the bounds on results.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO
from opskb.diagnostics import sql, sql_guard, sql_plan, sql_postgres
from opskb.diagnostics.probe import ProbeError
from opskb.diagnostics.sources import Source
from opskb.gate.checker import check_tree
from pg_cluster import (
    PASSWORD,
    RUNBOOK,
    SERVER_SECRET,
    WRITER_PASSWORD,
    Cluster,
    add_checks,
    free_port,
    running_cluster,
    set_query,
    victim_of,
    wait_for,
)

SLOW = "SELECT sum(g) AS sent, 0 AS accepted FROM (SELECT generate_series(1, 1000000000000) AS g) s"


# --- the read-only guard, before any connection ---------------------------------------

# Every query of the repository's runbooks and the example tree, and the shapes they take.
READ_ONLY = [
    "SELECT sent, accepted FROM price_feed_last_run",
    "  -- a comment first\n  select 1;",
    "WITH last AS (SELECT max(run_id) AS id FROM runs) SELECT * FROM runs, last WHERE run_id = last.id",
    "SELECT 'DELETE FROM x; DROP TABLE y' AS text_that_looks_bad",
    "SELECT $$pg_terminate_backend(1); DELETE FROM t$$ AS dollar_quoted_text",
    "SELECT coalesce(sum(items_sent), 0) AS sent FROM runs WHERE finished_at > now() - interval '24 hours'",
    "SELECT count(*) AS active, (SELECT setting::int FROM pg_settings WHERE name = 'max_connections') * 0.8 AS l"
    " FROM pg_stat_activity",
    "SELECT extract(epoch FROM now() - max(finished_at)) AS lag, trim(both ' ' FROM 'x') AS t FROM runs",
    "SELECT nullif(a, 0), greatest(a, b), least(a, b), a IS DISTINCT FROM b, a BETWEEN 1 AND 2 FROM t",
    "SELECT row_number() OVER (PARTITION BY m ORDER BY at DESC) AS n, lag(v) OVER w FROM t WINDOW w AS (ORDER BY at)",
    "SELECT pg_catalog.count(*), string_agg(name, ', ' ORDER BY name) FROM t WHERE name LIKE 'a%' AND d ->> 'k' = 'v'",
    "SELECT x FROM generate_series(1, 3) AS x UNION ALL SELECT 4 ORDER BY 1 LIMIT 2",
    "SELECT a FROM t WHERE a > ANY (SELECT a FROM t) ORDER BY a USING >",
    "SELECT t.row_to_json FROM t",  # attribute notation on a whole row: only row functions apply
    "VALUES (1, 2)",
    "TABLE price_feed_last_run",
    "SELECT datetime('now'), ifnull(a, 0) FROM t",  # SQLite spellings: `opskb check` cannot know the source
]


@pytest.mark.parametrize("query", READ_ONLY)
def test_read_only_selects_pass_the_guard(query: str) -> None:
    sql_guard.validate(query)


def test_every_repository_sql_query_passes_the_guard() -> None:
    kb, _ = check_tree(REPO)
    queries = [c["query"] for r in kb.runbooks.values() for c in r.data.get("checks", []) if c["type"] == "sql"]
    assert queries
    for query in queries:
        sql_guard.validate(query.strip().rstrip(";"), "postgresql")


# The issue's payloads ({victim}: a backend's pid; {secret_file}: a file on the server),
# then variants of each kind: (query, why it is refused).
ISSUE_PAYLOADS = [
    (r"SELECT '\' AS x; COMMIT; BEGIN READ WRITE; DELETE FROM t; COMMIT; SELECT 1 AS x -- '", "found 6"),
    ('SELECT "pg_terminate_backend"({victim}) AS sent, 1 AS accepted', "pg_terminate_backend is not on"),
    (
        "SELECT 1 AS sent, 1 AS accepted, query_to_xml('select pg_cancel_backend({victim})', true, true, '') AS x",
        "query_to_xml is not on",
    ),
    ("SELECT \"pg_read_file\"('{secret_file}') AS sent, 1 AS accepted", "pg_read_file is not on"),
]
VARIANTS = [
    # several statements, hidden from a tokenizer by comments and quoting
    ("SELECT 1 AS sent /* ' */; DELETE FROM t", "found 2"),
    ("SELECT 1 AS sent -- '\n; DELETE FROM t", "found 2"),
    ("SELECT $$'$$ AS sent; DELETE FROM t; SELECT $$'$$", "found 3"),
    ("SELECT $q$ $$ $q$ AS sent; DELETE FROM t", "found 2"),
    (r"SELECT E'\'' AS sent; DELETE FROM t; SELECT ''''", "found 3"),
    ("SELECT 1 AS sent /* nested /* */ ; DELETE FROM t; */ ; UPDATE t SET a = 0", "found 2"),
    # statements other than SELECT
    ("DELETE FROM t", "this is DELETE"),
    ("COPY t TO STDOUT", "this is COPY"),
    ("COPY (SELECT 1) TO PROGRAM 'id'", "this is COPY"),
    ("DO $$ BEGIN DELETE FROM t; END $$", "this is DO"),
    ("CALL wipe()", "this is CALL"),
    ("EXPLAIN ANALYZE DELETE FROM t", "this is EXPLAIN"),
    ("SET ROLE postgres", "this is SET"),
    ("BEGIN READ WRITE", "a transaction command"),
    ("PRAGMA query_only = OFF", "not valid PostgreSQL syntax"),
    # data-changing or locking SELECTs
    ("WITH gone AS (DELETE FROM t RETURNING *) SELECT count(*) AS sent FROM gone", "DELETE inside the query"),
    ("WITH x AS (UPDATE t SET a = 0 RETURNING a) SELECT 1 AS sent", "UPDATE inside the query"),
    ("WITH x AS (INSERT INTO t VALUES (9) RETURNING a) SELECT 1 AS sent", "INSERT inside the query"),
    ("SELECT * INTO stolen FROM t", "INTO creates a table"),
    ("SELECT * FROM t FOR UPDATE", "locks rows"),
    ("SELECT * FROM t FOR NO KEY UPDATE SKIP LOCKED", "locks rows"),
    ("SELECT * FROM (SELECT * FROM t FOR SHARE) s", "locks rows"),
    # functions, however they are spelled or wherever they hide
    ("SELECT pg_catalog.pg_terminate_backend(1)", "pg_catalog.pg_terminate_backend is not on"),
    ('SELECT "pg_catalog"."pg_cancel_backend"(1)', "pg_catalog.pg_cancel_backend is not on"),
    ("SELECT PG_TERMINATE_BACKEND(1)", "pg_terminate_backend is not on"),
    ("SELECT public.count(*) FROM t", "public.count is not on"),
    ("SELECT set_config('default_transaction_read_only', 'off', true)", "set_config is not on"),
    ("SELECT pg_sleep(3600)", "pg_sleep is not on"),
    ("SELECT nextval('ticket_numbers')", "nextval is not on"),
    ("SELECT lo_import('/etc/passwd')", "lo_import is not on"),
    ("SELECT dblink_exec('dbname=postgres', 'DELETE FROM t')", "dblink_exec is not on"),
    ("SELECT (SELECT max(x) FROM (SELECT pg_terminate_backend(1) AS x) s) AS sent", "pg_terminate_backend"),
    ("SELECT 1 AS sent WHERE EXISTS (SELECT 1 FROM t WHERE pg_cancel_backend(a))", "pg_cancel_backend"),
    ("WITH k AS (SELECT pg_terminate_backend(pid) FROM pg_stat_activity) SELECT 1 AS sent", "pg_terminate_backend"),
    ("SELECT * FROM pg_terminate_backend(1)", "pg_terminate_backend"),
    ("SELECT count(*) FILTER (WHERE pg_cancel_backend(1)) FROM t", "pg_cancel_backend"),
    ("SELECT CASE WHEN a > 0 THEN pg_terminate_backend(a)::text END FROM t ORDER BY 1", "pg_terminate_backend"),
    ("VALUES (pg_terminate_backend(1))", "pg_terminate_backend"),
    ("SELECT a FROM t ORDER BY pg_cancel_backend(a)", "pg_cancel_backend"),
    ("SELECT (12345).pg_cancel_backend", "field selection"),
    ("SELECT * FROM xmltable('/a' PASSING '<a/>' COLUMNS x int)", "XMLTABLE is not allowed"),
    ("SELECT 1 OPERATOR(public.+) 2", "operator public.+ is not on"),
    ("SELECT a FROM t ORDER BY a USING OPERATOR(public.<<<)", "operator public.<<< is not on"),
    ("SELECT 1 WHERE 1 OPERATOR(public.=) ANY (SELECT a FROM t)", "operator public.= is not on"),
    ('SELECT U&"\\0070g_terminate_backend"(1)', "pg_terminate_backend is not on"),
    ("SELECT $1", "parameters"),
    ("SELECT xmlelement(name a, pg_read_file('/etc/passwd'))", "an XML function is not allowed"),
    ("SELECT * FROM t TABLESAMPLE SYSTEM (50)", "TABLESAMPLE is not allowed"),
    ("", "found 0"),
    ("SELECT 1\x00; DELETE FROM t", "NUL character"),
    ("SELECT '\ud800'", "not valid UTF-8"),
]


@pytest.mark.parametrize(("query", "message"), ISSUE_PAYLOADS + VARIANTS)
def test_everything_else_is_refused(query: str, message: str) -> None:
    with pytest.raises(sql_guard.RefusedQuery, match=re.escape(message)):
        sql_guard.validate(query.replace("{victim}", "1").replace("{secret_file}", "/etc/hostname"), "postgresql")


def test_sqlite_spellings_are_refused_on_postgresql_and_postgresql_ones_on_sqlite() -> None:
    with pytest.raises(sql_guard.RefusedQuery, match="datetime is not on"):
        sql_guard.validate("SELECT datetime('now')", "postgresql")
    with pytest.raises(sql_guard.RefusedQuery, match="date_trunc is not on"):
        sql_guard.validate("SELECT date_trunc('day', now())", "sqlite")


def test_refused_query_never_reaches_the_database() -> None:
    # The source points at nothing: a refusal, not a connection error, proves no connect.
    source = Source("db", "postgresql+psycopg://reader:x@127.0.0.1:1/none")
    with pytest.raises(sql_guard.RefusedQuery):
        sql.probe({"query": "DELETE FROM t"}, source, 1)


@pytest.mark.parametrize(("timeout", "ms"), [(0.0001, 1000), (0.9994, 1000), (1, 1000), (2.5, 2500), (1.0001, 1001)])
def test_the_server_timeout_is_never_below_one_second(timeout: float, ms: int) -> None:
    assert sql_postgres.server_timeout_ms(timeout) == ms
    assert sql_postgres.server_timeout_ms(float("nan")) == 1000


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


def test_sqlite_itself_refuses_writes_other_statements_and_unlisted_functions(sqlite_db: Path) -> None:
    # Past the guard (called directly): SQLite's authorizer, its one-statement rule and
    # the read-only file refuse on their own.
    before = sqlite_db.read_bytes()
    for query, error in [
        ("INSERT INTO price_feed_last_run VALUES (1, 1)", "not authorized"),
        ("DELETE FROM price_feed_last_run", "not authorized"),
        ("PRAGMA query_only = OFF", "not authorized"),
        ("ATTACH DATABASE ':memory:' AS other", "not authorized"),
        ("SELECT randomblob(8)", "not authorized"),
        ("SELECT 1; DELETE FROM price_feed_last_run", "one statement at a time"),
    ]:
        with pytest.raises(sqlite3.Error, match=error):
            sql._run_sqlite(str(sqlite_db), query, 5)
    assert sqlite_db.read_bytes() == before


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT replace(printf('%60000d', 1), ' ', '  ') AS sent", "result too large for a check"),
        ("SELECT " + ", ".join(f"{n} AS c{n}" for n in range(33)), "result too large for a check"),
        ("SELECT sent, accepted AS sent FROM price_feed_last_run", "two columns named 'sent'"),
    ],
)
def test_sqlite_results_are_bounded_too(sqlite_db: Path, query: str, message: str) -> None:
    with pytest.raises(ProbeError, match=re.escape(message)):
        sql.probe({"query": query}, Source("db", f"sqlite:///{sqlite_db}"), 5)


def test_sqlite_numbers_json_cannot_carry_are_text(cli, tree: Path, sqlite_db: Path) -> None:
    set_query(tree, "SELECT 1e400 AS accepted, -1e400 AS sent")
    ran = cli(
        "run", "prices-not-applied", "--root", tree, "--format", "json", "--source", f"pricing-db=sqlite:///{sqlite_db}"
    )
    (result,) = json.loads(ran.out)["results"]
    assert result["observed"] == {"accepted": "Infinity", "sent": "-Infinity"} and result["outcome"] == "pass"
    assert "accepted, sent shown as text" in result["message"]


def test_where_the_grammars_differ_sqlite_still_refuses(cli, tree: Path, sqlite_db: Path) -> None:
    # PostgreSQL nests /* */ comments and SQLite does not: the guard reads
    # "SELECT sent, accepted"; SQLite would also call randomblob(). Its authorizer refuses.
    query = "SELECT sent, accepted /* /* */, randomblob(8) AS z FROM price_feed_last_run -- */"
    set_query(tree, query)
    assert cli("check", tree).code == 0
    result = cli("run", "prices-not-applied", "--root", tree, "--source", f"pricing-db=sqlite:///{sqlite_db}")
    assert result.code == 1
    assert "ERROR  accepted-vs-sent" in result.out and "not authorized" in result.out


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


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    yield from running_cluster()


@pytest.fixture(scope="module")
def postgres(cluster: Cluster) -> str:
    """The read-only role's URL (SQLAlchemy style, as people write it in their config)."""
    return cluster.url("reader")


@pytest.fixture
def victim(cluster: Cluster) -> Iterator[int]:
    yield from victim_of(cluster)


@pytest.mark.xdist_group("postgres")
@pytest.mark.parametrize(("query", "message"), ISSUE_PAYLOADS, ids=["multi", "quoted", "query_to_xml", "read_file"])
def test_the_issue_payloads_are_refused_by_check_and_by_run(
    cli, tree: Path, cluster: Cluster, victim: int, query: str, message: str
) -> None:
    query = query.replace("{victim}", str(victim)).replace("{secret_file}", str(cluster.secret_file))
    url = cluster.url("postgres" if "pg_read_file" in query else "writer")  # a superuser source, as the issue
    at = set_query(tree, query)

    checked = cli("check", tree)
    assert checked.code == 1
    assert f"{at}: KB320 sql check 'accepted-vs-sent' is refused: " in checked.out, checked.out
    assert message in checked.out

    ran = cli("run", "prices-not-applied", "--root", tree, "--source", f"pricing-db={url}")
    assert ran.code == 1 and f"{at}: KB320" in ran.err and "refusing" in ran.err
    with pytest.raises(sql_guard.RefusedQuery, match=re.escape(message)):  # the probe refuses on its own too
        sql.probe({"query": query}, Source("db", url), 5)

    assert cluster.rows_of_t() == [(1,), (2,), (3,)]
    assert SERVER_SECRET not in checked.out + ran.out + ran.err
    # the victim fixture asserts that its backend is still running its query


@pytest.mark.xdist_group("postgres")
def test_the_variants_are_each_refused_at_their_line_and_nothing_changes(
    cli, tree: Path, cluster: Cluster, victim: int
) -> None:
    # (YAML itself refuses a lone surrogate; the schema an empty query)
    queries = [q.replace("{victim}", str(victim)) for q, _ in VARIANTS if q and "\ud800" not in q]
    where = add_checks(tree, queries)
    problems = cli("check", tree, "--format", "json").json()
    refused = {(p["line"], p["column"]) for p in problems if p["code"] == "KB320"}
    assert refused == set(where)

    for query in queries:
        with pytest.raises(sql_guard.RefusedQuery):
            sql.probe({"query": query}, Source("db", cluster.url("writer")), 5)
    assert cluster.rows_of_t() == [(1,), (2,), (3,)]


@pytest.mark.xdist_group("postgres")
def test_a_timeout_below_one_second_is_refused_by_check_and_by_run(cli, tree: Path, cluster: Cluster) -> None:
    set_query(tree, SLOW, timeout="0.0001")
    checked = cli("check", tree, "--format", "json")
    (problem,) = checked.json()
    assert (problem["path"], problem["line"], problem["column"]) == (RUNBOOK, 31, 22)
    assert problem["code"].startswith("KB1") and problem["level"] == "error" and problem["hint"]
    ran = cli("run", "prices-not-applied", "--root", tree, "--source", f"pricing-db={cluster.url('writer')}")
    assert ran.code == 1 and "refusing" in ran.err
    wait_for(lambda: cluster.checks() == [], "opskb's connection to end", 5)


@pytest.mark.xdist_group("postgres")
def test_past_the_guard_the_server_runs_one_statement_read_only(
    cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The guard is bypassed (the runner's private entry): these layers stand on their own.
    _, conninfo = sql._target(Source("db", cluster.url("writer")))
    multi = ISSUE_PAYLOADS[0][0]
    layers = [
        (multi, "cannot insert multiple commands into a prepared statement"),
        ("SELECT 1; DELETE FROM t", "cannot insert multiple commands into a prepared statement"),
        ("DELETE FROM t", "returns no columns"),
        ("DELETE FROM t RETURNING a", "syntax error"),  # the bounded statement takes a query only
        ("WITH gone AS (DELETE FROM t RETURNING a) SELECT count(*) FROM gone", "must be at the top level"),
        ("SELECT nextval('ticket_numbers')", "would call nextval()"),
        ("SELECT set_config('transaction_read_only', 'off', false)", "would call set_config()"),
    ]
    for query, error in layers:
        with pytest.raises(Exception, match=re.escape(error)):
            sql_postgres.run(conninfo, query, 5)
    # Without the plan check too, the read-only transaction refuses what writes.
    monkeypatch.setattr(sql_plan, "check", lambda plan: sql_plan.Calls())
    for query, error in [
        ("SELECT nextval('ticket_numbers')", "read-only transaction"),
        ("SELECT set_config('transaction_read_only', 'off', false)", "read-write"),
    ]:
        with pytest.raises(Exception, match=re.escape(error)):
            sql_postgres.run(conninfo, query, 5)
    assert cluster.rows_of_t() == [(1,), (2,), (3,)]
    with cluster.admin() as db:
        assert db.execute("SELECT last_value, is_called FROM ticket_numbers").fetchone() == (1, False)
    wait_for(lambda: cluster.checks() == [], "opskb's connection to end", 5)


@pytest.mark.xdist_group("postgres")
@pytest.mark.parametrize(("timeout", "shown"), [(0.0001, "1s"), (2.5, "2500ms")])
def test_the_transaction_a_check_runs_in(cluster: Cluster, timeout: float, shown: str) -> None:
    _, conninfo = sql._target(Source("db", cluster.url("reader")))
    settings = ["statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout"]
    settings += ["standard_conforming_strings", "transaction_read_only", "application_name"]
    settings += ["default_transaction_read_only", "idle_session_timeout"]
    query = "SELECT " + ", ".join(f"current_setting('{name}') AS s{n}" for n, name in enumerate(settings))
    row, _ = sql_postgres.run(conninfo, query, timeout)
    assert row == (shown, shown, shown, "on", "on", "opskb-run", "on", shown)
    # the session itself started read-only and bounded, before any transaction
    names = "'statement_timeout', 'lock_timeout', 'default_transaction_read_only'"
    query = f"SELECT string_agg(reset_val, ' ' ORDER BY name) AS v FROM pg_settings WHERE name IN ({names})"
    ms = str(max(1000, int(timeout * 1000)))
    assert sql_postgres.run(conninfo, query, timeout)[0] == (f"on {ms} {ms}",)


@pytest.mark.xdist_group("postgres")
def test_a_slow_query_is_cancelled_by_the_server_even_with_a_tiny_timeout(cluster: Cluster) -> None:
    box: dict[str, BaseException] = {}

    def work() -> None:
        try:
            sql.probe({"query": SLOW}, Source("db", cluster.url("reader")), 0.0001)
        except BaseException as err:
            box["error"] = err

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(15)
    assert not thread.is_alive(), "the query was not cancelled: no statement timeout on the server"
    assert isinstance(box.get("error"), ProbeError) and "timeout" in str(box["error"])
    wait_for(lambda: cluster.checks() == [], "opskb's connection to end", 5)


@pytest.mark.xdist_group("postgres")
def test_the_server_stops_the_query_when_opskb_is_killed(tree: Path, cluster: Cluster) -> None:
    """The issue: "the query ran on the server long after opskb gave up". Kill opskb mid-query:
    the server itself cancels the query at the check's timeout."""
    set_query(tree, SLOW, timeout="3")
    command = [str(Path(sys.executable).with_name("opskb")), "run", "prices-not-applied", "--root", str(tree)]
    env = {**os.environ, "OPSKB_SOURCE_PRICING_DB": cluster.url("reader")}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: [s for _, s in cluster.checks()] == ["active"], "opskb's query to start", 20)
        started = time.monotonic()
    finally:
        process.kill()
        process.wait(10)
    wait_for(lambda: cluster.checks() == [], "the server to end the query", 3 + 5)
    assert time.monotonic() - started < 3 + 5


@pytest.mark.xdist_group("postgres")
def test_a_legitimate_query_runs_and_passes_with_a_role_that_could_write(
    cli, tree: Path, cluster: Cluster, victim: int
) -> None:
    set_query(tree, "SELECT sent, sent AS accepted FROM price_feed_last_run WHERE sent > 0 AND 'a%' LIKE 'a%'")
    assert cli("check", tree).code == 0
    result = cli("run", "prices-not-applied", "--root", tree, "--source", f"pricing-db={cluster.url('writer')}")
    assert result.code == 0, result.out + result.err
    assert "PASS   accepted-vs-sent" in result.out and "observed: sent=12000, accepted=12000" in result.out
    assert WRITER_PASSWORD not in result.out + result.err


@pytest.mark.xdist_group("postgres")
def test_postgres_statement_timeout(postgres: str) -> None:
    with pytest.raises(ProbeError, match="ran past its 1 s timeout"):
        sql.probe({"query": SLOW}, Source("db", postgres), 1)


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
    with pytest.raises(sql_guard.RefusedQuery):
        sql.probe({"query": "DELETE FROM price_feed_last_run"}, Source("db", postgres), 5)
    import psycopg

    url = postgres.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(url) as db:
        assert db.execute("SELECT count(*) FROM price_feed_last_run").fetchone() == (1,)


@pytest.mark.xdist_group("postgres")
def test_postgres_bad_password_does_not_leak(cli, tree: Path, postgres: str) -> None:
    wrong = postgres.replace("reader:", "nobody:")
    result = cli("run", "prices-not-applied", "--root", tree, "--source", f"pricing-db={wrong}")
    assert result.code == 1
    assert "ERROR  accepted-vs-sent" in result.out
    assert PASSWORD not in result.out + result.err


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://reader:{pw}@127.0.0.1:notaport/db",
        "postgresql+psycopg://reader:{pw}@127.0.0.1:{port}/db?sslmode=bogus",
        "postgresql+psycopg://reader:{pw}@/db?host=/nonexistent",
        "postgresql://reader:{pw}@127.0.0.1:{port}/db?bogus=1",
        "postgres://reader:{pw}@127.0.0.1:{port}/db",
    ],
)
def test_a_broken_database_url_is_an_error_without_its_password(cli, tree: Path, url: str) -> None:
    url = url.format(pw=PASSWORD, port=free_port())
    result = cli("run", "prices-not-applied", "--root", tree, "--source", f"pricing-db={url}")
    assert result.code == 1 and "ERROR  accepted-vs-sent" in result.out
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
        f"pricing-db=postgresql+psycopg://reader:{PASSWORD}@127.0.0.1:{free_port()}/db",
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
