"""Issue 28 against a real PostgreSQL: what only the server knows a query calls, and bounds
on what it sends back.

PostgreSQL reads ``x.name`` as the call ``name(x)`` when ``x`` has no column ``name``; a
view calls what its definition does; an operator is a function. The cluster has a role
that may write, dblink and postgres_fdw installed, and another session of that role busy
with a query (the victim). Each attack is refused twice: by `opskb check` at the query's
line where the text shows it (KB320), and, with that guard bypassed, by the server's own
plan before anything runs. After each: the victim still runs, no row or sequence changed,
no lock is held, no large object exists, no opskb connection is left.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from opskb.diagnostics import sql, sql_guard, sql_plan, sql_postgres
from opskb.diagnostics.probe import ProbeError
from opskb.diagnostics.sources import Source
from pg_cluster import (
    ADMIN,
    VICTIM_QUERY,
    WRITER_PASSWORD,
    Cluster,
    add_checks,
    running_cluster,
    set_query,
    victim_of,
    wait_for,
)

pytestmark = pytest.mark.xdist_group("postgres")

ORDERS = 100
SETUP = """
CREATE TABLE orders (id integer PRIMARY KEY, note text);
INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(1, 100) g;
GRANT ALL ON orders TO writer;
GRANT SELECT ON orders TO reader;
-- a view that takes a lock and one that moves a sequence: only the plan shows them
CREATE VIEW locking_view AS SELECT a, pg_try_advisory_lock(a) AS locked FROM t;
CREATE VIEW counting_view AS SELECT nextval('ticket_numbers') AS n;
GRANT SELECT ON locking_view, counting_view TO writer, reader;
-- on the writing role's search path: an operator with an allow-listed name backed by a
-- volatile function, and a function with an allow-listed name
CREATE SCHEMA sneaky;
GRANT USAGE ON SCHEMA sneaky TO writer;
CREATE FUNCTION sneaky.bump(text, integer) RETURNS boolean LANGUAGE plpgsql VOLATILE
  AS $$ BEGIN RETURN nextval('ticket_numbers') > 0; END $$;
CREATE OPERATOR sneaky.< (LEFTARG = text, RIGHTARG = integer, FUNCTION = sneaky.bump);
CREATE FUNCTION sneaky.abs(text) RETURNS integer LANGUAGE sql VOLATILE AS $$ SELECT 1 $$;
ALTER ROLE writer SET search_path = "$user", public, sneaky;
"""
EXTENSIONS = """
CREATE EXTENSION dblink;
CREATE EXTENSION postgres_fdw;
CREATE SERVER loopback FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '{port}', dbname 'postgres');
CREATE USER MAPPING FOR writer SERVER loopback OPTIONS (user 'writer', password '{password}');
CREATE FOREIGN TABLE remote_orders (id integer, note text) SERVER loopback OPTIONS (table_name 'orders');
GRANT SELECT ON remote_orders TO writer;
GRANT USAGE ON FOREIGN SERVER loopback TO writer;
"""


# --- reading a plan (no server needed) -------------------------------------------------------------
@pytest.mark.parametrize(
    ("printed", "sql"),
    [
        ("row_number() OVER (?)", "row_number() OVER ()"),
        ("($0 = ANY ((SubPlan 1)))", "($0 = ANY (NULL))"),
        ("NOT (hashed SubPlan 2)", "NOT NULL"),
        ("(alternatives: SubPlan 1 or hashed SubPlan 2)", "NULL"),
        ("((InitPlan 1).col1 + 1)", "(NULL + 1)"),
        ("PARTIAL count(*)", " count(*)"),
        ("t.partial", "t.partial"),  # a column named partial stays
        ("('(SubPlan 1) OVER (?)'::text || 'é')", "('(SubPlan 1) OVER (?)'::text || 'é')"),  # text stays text
    ],
)
def test_only_what_explain_alone_prints_is_cut_from_an_expression(printed: str, sql: str) -> None:
    assert sql_plan._sql_only(printed) == sql


def _plan(**node: Any) -> str:
    return json.dumps([{"Plan": {"Node Type": "Result", "Startup Cost": 0.0, **node}}])


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        (_plan(**{"Node Type": "Foreign Scan"}), "Foreign Scan step"),
        (_plan(**{"Node Type": "LockRows"}), "LockRows step"),
        (_plan(Output=["pg_terminate_backend(p.p, '0'::bigint)"]), "would call pg_terminate_backend()"),
        (_plan(Output=["public.count(t.*)"]), "would call public.count()"),
        (_plan(Filter="(t.a OPERATOR(public.=) 1)"), "operator OPERATOR(public.=)"),
        (_plan(**{"Sort Key": ["t.a USING ~<~"], "Output": ["t.a"]}), ""),
        (_plan(**{"Sort Key": ["t.a USING <<<"]}), "operator <<<"),
        (_plan(**{"Function Call": "ROWS FROM(unnest('{1}'::integer[]), lo_create(0))"}), "would call lo_create()"),
        (_plan(**{"Grouping Sets": [{"Group Keys": [["pg_sleep(1)"]]}]}), "would call pg_sleep()"),
        (_plan(**{"Function Name": "dblink", "Schema": "public"}), "would call public.dblink()"),
        (_plan(**{"Something New": "x"}), "does not know ('Something New')"),
        (_plan(Output=["(SubPlan 1"]), "cannot read"),
        ("not json", "could not be read"),
    ],
)
def test_a_plan_is_read_node_by_node_and_fails_closed(plan: str, message: str) -> None:
    if not message:
        sql_plan.check(plan)
        return
    with pytest.raises(sql_plan.RefusedPlan, match=re.escape(message)):
        sql_plan.check(plan)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    for running in running_cluster():
        with running.admin() as db:
            db.execute(SETUP)
        yield running


@pytest.fixture(scope="module")
def extensions(cluster: Cluster) -> None:
    """dblink and postgres_fdw, from Debian's postgresql-15 package (skipped only without it)."""
    import psycopg

    try:
        with cluster.admin() as db:
            db.execute(EXTENSIONS.format(port=cluster.port, password=WRITER_PASSWORD))
    except psycopg.Error as err:
        pytest.skip(f"dblink/postgres_fdw not available in this PostgreSQL: {err}")


@pytest.fixture
def victim(cluster: Cluster) -> Iterator[int]:
    yield from victim_of(cluster)


def _writer(cluster: Cluster) -> str:
    return sql._target(Source("db", cluster.url("writer")))[1]


def _dblink(cluster: Cluster) -> str:
    return f"host=127.0.0.1 port={cluster.port} dbname=postgres user=writer password={WRITER_PASSWORD}"


def run_json(cli: Any, tree: Path, url: str) -> Any:
    """`opskb run` of the example runbook with its source at ``url``, in JSON."""
    return cli("run", "prices-not-applied", "--root", tree, "--format", "json", "--source", f"pricing-db={url}")


def _nothing_changed(cluster: Cluster) -> None:
    wait_for(lambda: cluster.checks() == [], "opskb's connections to end", 10)
    with cluster.admin() as db:
        assert db.execute("SELECT count(*) FROM orders").fetchone() == (ORDERS,)
        assert db.execute("SELECT last_value, is_called FROM ticket_numbers").fetchone() == (1, False)
        assert db.execute("SELECT count(*) FROM pg_largeobject_metadata").fetchone() == (0,)
        # no connection that dblink or postgres_fdw opened, nor one they left behind (the
        # tests' own sessions aside: the last one may still be ending)
        others = db.execute(
            "SELECT application_name, query FROM pg_stat_activity"
            " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND query <> %s"
            " AND application_name <> %s",
            (VICTIM_QUERY, ADMIN),
        ).fetchall()
        assert others == [], others
    assert cluster.locks() == []


def _before_anything_ran(error: BaseException) -> bool:
    """Refused by the plan check, or by the server's parse (SQLSTATE class 42: no such
    function for that argument, no ordering for that type): either way nothing executed."""
    return isinstance(error, sql_plan.RefusedPlan) or str(getattr(error, "sqlstate", "") or "").startswith("42")


# --- the issue's reproducers and their class -----------------------------------------------
# (query, what `opskb check` says, what the server's plan shows); {victim} a backend's pid,
# {dblink} a connection string of the writing role.
ATTRIBUTE = [
    (
        "SELECT p.pg_terminate_backend AS accepted, 1 AS sent FROM unnest(ARRAY[{victim}]) p",
        "p.pg_terminate_backend names no column of the function p",
        "would call pg_terminate_backend()",
    ),
    (
        "SELECT c.dblink_connect AS accepted, s.dblink_exec AS sent FROM unnest(ARRAY['{dblink}']) c,"
        " unnest(ARRAY['DELETE FROM orders WHERE id > 50']) s",
        "c.dblink_connect names no column of the function c",
        "would call dblink_connect()",
    ),
    (
        "SELECT f.pg_advisory_lock AS accepted, 1 AS sent FROM generate_series(42, 42) f",
        "f.pg_advisory_lock names no column",
        "would call pg_advisory_lock()",
    ),
    ("SELECT f.lo_create AS accepted FROM unnest(ARRAY[0]) f", "f.lo_create names no column", "would call lo_create()"),
    # the same call in every place a query can hold it
    (
        "WITH v AS (SELECT 1 AS one) SELECT x.pg_cancel_backend AS a FROM v, LATERAL unnest(ARRAY[{victim}]) x",
        "x.pg_cancel_backend names no column of the function x",
        "would call pg_cancel_backend()",
    ),
    (
        "SELECT p.pid AS a FROM unnest(ARRAY[{victim}]) AS p(pid) ORDER BY p.pg_terminate_backend",
        "p.pg_terminate_backend names no column of the function p (columns: pid)",
        "would call pg_terminate_backend()",
    ),
    (
        "SELECT 1 AS a FROM ROWS FROM (generate_series({victim}, {victim})) g WHERE g.pg_cancel_backend",
        "g.pg_cancel_backend names no column",
        "would call pg_cancel_backend()",
    ),
    (
        "SELECT (SELECT max(a) FROM t WHERE s.pg_try_advisory_lock) AS a FROM unnest(ARRAY[7]) s",
        "s.pg_try_advisory_lock names no column",
        "would call pg_try_advisory_lock()",
    ),
    (
        "WITH c AS (SELECT w.pg_terminate_backend AS v FROM unnest(ARRAY[{victim}]) WITH ORDINALITY w(pid, n))"
        " SELECT v AS a FROM c",
        "w.pg_terminate_backend names no column of the function w (columns: n, pid)",
        "",  # a row of two columns fits no one-argument function: the server refuses it
    ),
    (
        "SELECT count(*) AS a FROM unnest(ARRAY[{victim}]) p GROUP BY p.pg_cancel_backend",
        "p.pg_cancel_backend names no column",
        "would call pg_cancel_backend()",
    ),
    ("SELECT s.pg_sleep AS a FROM unnest(ARRAY[30]) s", "s.pg_sleep names no column", "would call pg_sleep()"),
    (
        "SELECT s.nextval AS a FROM unnest(ARRAY['ticket_numbers']) s",
        "s.nextval names no column",
        "would call nextval()",
    ),
    ("SELECT ({victim}).pg_cancel_backend AS a", "field selection", "would call pg_cancel_backend()"),
    ("SELECT (p).pg_terminate_backend AS a FROM unnest(ARRAY[{victim}]) p", "field selection", "pg_terminate_backend"),
    (
        "SELECT pg_terminate_backend(p) AS a FROM unnest(ARRAY[{victim}]) p",
        "not on the read-only allow-list",
        "pg_term",
    ),
    ("SELECT txid_current() AS a", "txid_current is not on", "would call txid_current()"),
    ("SELECT set_config('default_transaction_read_only', 'off', false) AS a", "set_config is not", "set_config()"),
    (
        "SELECT v.lo_unlink AS a FROM (VALUES (1::oid)) v(lo_oid)",
        "v.lo_unlink names no column of the subquery v (columns: lo_oid)",
        "",
    ),
]


def _fill(query: str, victim: int, cluster: Cluster) -> str:
    return query.replace("{victim}", str(victim)).replace("{dblink}", _dblink(cluster))


def test_attribute_notation_is_refused_at_its_line_by_opskb_check(
    cli, tree: Path, cluster: Cluster, victim: int
) -> None:
    queries = [_fill(query, victim, cluster) for query, _, _ in ATTRIBUTE]
    where = add_checks(tree, queries)
    problems = cli("check", tree, "--strict", "--format", "json").json()
    found = {(p["line"], p["column"]): p["message"] for p in problems if p["code"] == "KB320"}
    assert set(found) == set(where), problems
    for (query, said, _), at in zip(ATTRIBUTE, where, strict=True):
        assert said in found[at], (query, found[at])


@pytest.mark.parametrize(("query", "said", "plan"), ATTRIBUTE, ids=[f"a{n}" for n in range(len(ATTRIBUTE))])
def test_past_the_guard_the_servers_plan_refuses_it_before_anything_runs(
    cluster: Cluster, extensions: None, victim: int, query: str, said: str, plan: str
) -> None:
    query = _fill(query, victim, cluster)
    with pytest.raises(sql_guard.RefusedQuery, match=re.escape(said)):
        sql_guard.validate(query, "postgresql")
    started = time.monotonic()
    with pytest.raises(Exception) as refused:  # the guard is bypassed: the server's plan stands alone
        sql_postgres.run(_writer(cluster), query, 5)
    assert time.monotonic() - started < 5
    assert _before_anything_ran(refused.value), refused.value
    assert plan in str(refused.value), refused.value
    _nothing_changed(cluster)


@pytest.mark.parametrize("query", [query for query, _, _ in ATTRIBUTE[:4]], ids=["terminate", "dblink", "lock", "lo"])
def test_the_issue_reproducers_are_refused_by_opskb_run_too(
    cli, tree: Path, cluster: Cluster, extensions: None, victim: int, query: str
) -> None:
    at = set_query(tree, _fill(query, victim, cluster))
    ran = cli("run", "prices-not-applied", "--root", tree, "--source", f"pricing-db={cluster.url('writer')}")
    assert ran.code == 1 and f"{at}: KB320" in ran.err and "refusing" in ran.err
    _nothing_changed(cluster)


# --- what the query text cannot show: views, foreign tables, names shadowed on the path -------
HIDDEN = [
    ("SELECT a, locked FROM locking_view", "would call pg_try_advisory_lock()"),
    ("SELECT n FROM counting_view", "would call nextval()"),
    ("SELECT count(*) AS n FROM remote_orders", "Foreign Scan step"),
    ("SELECT 'x'::text < 1 AS a", "operator sneaky.<"),
    ("SELECT abs('x') AS a", "function sneaky.abs"),
]


@pytest.mark.parametrize(("query", "message"), HIDDEN, ids=["view-lock", "view-nextval", "fdw", "operator", "abs"])
def test_what_only_the_plan_shows_is_refused_through_opskb_run(
    cli, tree: Path, cluster: Cluster, extensions: None, victim: int, query: str, message: str
) -> None:
    set_query(tree, query)
    assert cli("check", tree).code == 0  # the text is a plain SELECT of allowed names
    ran = run_json(cli, tree, cluster.url("writer"))
    (result,) = json.loads(ran.out)["results"]
    assert ran.code == 1 and result["outcome"] == "error" and message in result["message"], result
    _nothing_changed(cluster)


# --- what a diagnostic really asks still runs ----------------------------------------------------
READ_ONLY = [
    "SELECT count(*) AS active, (SELECT setting::int FROM pg_settings WHERE name = 'max_connections') * 0.8 AS l"
    " FROM pg_stat_activity",
    "SELECT count(*) AS waiting FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid WHERE NOT l.granted",
    "SELECT coalesce(max(extract(epoch FROM now() - xact_start)), 0) AS oldest FROM pg_stat_activity",
    "SELECT count(*) AS lagging FROM pg_stat_replication WHERE replay_lag > interval '1 minute'",
    "SELECT sum(n_dead_tup) AS dead FROM pg_stat_user_tables",
    "SELECT sum(xact_commit) AS commits FROM pg_stat_database WHERE datname = current_database()",
    "SELECT pg_size_pretty(pg_database_size(current_database())) AS size, pg_is_in_recovery() AS replica",
    "SELECT coalesce(sum(items_sent), 0) AS sent, coalesce(sum(items_accepted), 0) AS accepted FROM price_export_runs"
    " WHERE finished_at > now() - interval '24 hours' AND run_id = (SELECT max(run_id) FROM price_export_runs)",
    "SELECT marketplace, count(*) AS runs, row_number() OVER (ORDER BY marketplace) AS n FROM price_export_runs"
    " GROUP BY ROLLUP (marketplace) ORDER BY marketplace NULLS FIRST LIMIT 1",
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT sum(n) AS s FROM r",
    "SELECT a AS v FROM t WHERE a IN (SELECT a FROM t) AND NOT EXISTS (SELECT 1 FROM t x WHERE x.a > t.a + 5)"
    " AND a = ANY (ARRAY[1, 2]) ORDER BY a USING > LIMIT 1",
    "SELECT p.pid AS v, e.key AS k FROM unnest(ARRAY[1]) AS p(pid), jsonb_each('{\"a\": 1}') e",
    "SELECT string_agg(a::text, ',' ORDER BY a) AS l, percentile_cont(0.5) WITHIN GROUP (ORDER BY a) AS m,"
    " count(*) FILTER (WHERE a > 1) AS f FROM t",
    "SELECT a AS v FROM t INTERSECT SELECT a FROM t EXCEPT SELECT 3",
    "TABLE price_feed_last_run",
    "VALUES (1, 'x')",
]


@pytest.mark.parametrize("query", READ_ONLY)
def test_what_a_diagnostic_reads_passes_the_plan_check_and_runs(cluster: Cluster, query: str) -> None:
    row, columns = sql_postgres.run(sql._target(Source("db", cluster.url("reader")))[1], query, 5)
    assert row is not None and len(row) == len(columns)


# --- bounds on what comes back ------------------------------------------------------------------
BOMB = "SELECT lpad('x', 250000000, 'y') AS sent, 1 AS accepted"
# The same size, written so that no check-time rule can see it: the server builds it anyway.
HIDDEN_BOMB = "SELECT lpad('x', 250000 * 1000, 'y') AS sent, 1 AS accepted"


def test_the_size_bomb_is_a_finding_at_its_line(cli, tree: Path) -> None:
    at = set_query(tree, BOMB)
    checked = cli("check", tree)
    assert checked.code == 1 and f"{at}: KB320" in checked.out and "lpad to 250000000 characters" in checked.out


def test_a_size_bomb_no_rule_sees_ends_at_the_timeout_in_little_memory(tree: Path, cluster: Cluster) -> None:
    set_query(tree, HIDDEN_BOMB, timeout="2")
    measure = (
        "import resource, subprocess, sys, time; started = time.monotonic();"
        " done = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        " print(done.returncode, time.monotonic() - started,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); print(done.stdout)"
    )
    opskb = str(Path(sys.executable).with_name("opskb"))
    command = [sys.executable, "-c", measure, opskb, "run", "prices-not-applied", "--root", str(tree)]
    command += ["--format", "json", "--source", f"pricing-db={cluster.url('reader')}"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=60).stdout
    head, _, body = out.partition("\n")
    code, seconds, kilobytes = head.split()
    (result,) = json.loads(body)["results"]
    assert code == "1" and result["outcome"] == "error" and "2 s timeout" in result["message"], result
    # the check's timeout, half a second to close, and what a busy machine adds: never the
    # runner's own limit (timeout + 2 s), which would leave the connection to a thread
    assert result["seconds"] < 2 + 2, result
    assert float(seconds) < 2 + 10, seconds  # with Python's start
    assert int(kilobytes) < 150 * 1024, f"opskb used {int(kilobytes) // 1024} MB"
    # lpad cannot be interrupted: the server finishes it, finds its client gone, and ends the session
    wait_for(lambda: cluster.checks() == [], "the server to end the abandoned session", 240)
    _nothing_changed(cluster)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT lpad(a::text, 100000 + a, 'y') AS sent, a AS accepted FROM t", "column 'sent' is 100001 bytes"),
        (
            "SELECT " + ", ".join(f"lpad(a::text, 60000, 'y') AS c{n}" for n in range(5)) + " FROM t",
            "the row is 300000 bytes as text",
        ),
        ("SELECT " + ", ".join(f"{n} AS c{n}" for n in range(33)), "returns 33 columns; a check reads at most 32"),
        ("SELECT 1 AS sent, 2 AS sent", "two columns named 'sent'"),
        ("SELECT sent, accepted, sent FROM price_feed_last_run", "two columns named 'sent'"),
        ("SELECT FROM t", "returns no columns"),
        ("SELECT (lpad('', 900, '[') || lpad('', 900, ']'))::jsonb AS sent", "nests JSON or arrays more than 32"),
        ("SELECT (lpad('', 5000, '[') || lpad('', 5000, ']'))::jsonb AS sent", "nested too deeply to read"),
    ],
)
def test_each_bound_is_a_clear_error(cluster: Cluster, query: str, message: str) -> None:
    with pytest.raises(ProbeError, match=re.escape(message)):
        sql.probe({"query": query}, Source("db", cluster.url("reader")), 5)
    _nothing_changed(cluster)


def test_a_check_past_its_timeout_leaves_no_connection_and_no_lock(cluster: Cluster) -> None:
    # Reads orders (a lock on it while it runs) for longer than the timeout allows.
    slow = "SELECT count(*) AS sent, 0 AS accepted FROM orders, (SELECT generate_series(1, 10000000000) AS g) s"
    started = time.monotonic()
    with pytest.raises(ProbeError, match="1 s timeout"):
        sql.probe({"query": slow}, Source("db", cluster.url("writer")), 1)
    assert time.monotonic() - started < 1 + 2
    wait_for(lambda: cluster.checks() == [] and cluster.locks() == [], "the session and its locks to go", 2)
    _nothing_changed(cluster)


def test_only_the_first_row_is_ever_fetched(cluster: Cluster) -> None:
    started = time.monotonic()
    observed = sql.probe(
        {"query": "SELECT g AS sent, g AS accepted FROM (SELECT generate_series(1, 1000000000000) AS g) s"},
        Source("db", cluster.url("reader")),
        5,
    )
    assert observed.series == [("", {"sent": 1, "accepted": 1})]
    assert time.monotonic() - started < 3  # the server stopped at one row, not after 10^12


NUMBERS = [
    ("SELECT 1e400::numeric AS accepted, 1 AS sent", {"accepted": "1E+400", "sent": 1}, "pass"),
    ("SELECT 'NaN'::float8 AS accepted, 1 AS sent", {"accepted": "NaN", "sent": 1}, "fail"),
    ("SELECT 'NaN'::numeric AS accepted, 1 AS sent", {"accepted": "NaN", "sent": 1}, "fail"),
    ("SELECT 'Infinity'::numeric AS accepted, 1 AS sent", {"accepted": "Infinity", "sent": 1}, "pass"),
    ("SELECT '-Infinity'::float8 AS accepted, 1 AS sent", {"accepted": "-Infinity", "sent": 1}, "fail"),
    ("SELECT 1e-400::numeric AS accepted, 0 AS sent", {"accepted": "1E-400", "sent": 0}, "pass"),
    ("SELECT (10::numeric ^ 300) AS accepted, 1 AS sent", {"accepted": 10**300, "sent": 1}, "pass"),
    ("SELECT ARRAY['NaN'::float8] AS accepted, 1 AS sent", {"accepted": ["NaN"], "sent": 1}, "error"),
]


@pytest.mark.parametrize(("query", "observed", "outcome"), NUMBERS)
def test_numbers_of_any_size_and_nan_are_reported_as_valid_json(
    cli, tree: Path, cluster: Cluster, query: str, observed: dict[str, Any], outcome: str
) -> None:
    set_query(tree, query)
    ran = run_json(cli, tree, cluster.url("reader"))

    def no_constants(word: str) -> None:
        raise AssertionError(f"{word} is not JSON")

    (result,) = json.loads(ran.out, parse_constant=no_constants)["results"]
    assert result["outcome"] == outcome and result["observed"] == observed, result
    if isinstance(observed["accepted"], str) and outcome != "error":
        assert "accepted shown as text" in result["message"], result
    assert "Traceback" not in ran.err and "internal error" not in ran.err
    text = cli("run", "prices-not-applied", "--root", tree, "--source", f"pricing-db={cluster.url('reader')}")
    assert text.code in (0, 1) and "Traceback" not in text.err and "internal error" not in text.err


def test_duplicate_columns_are_a_finding_at_check_time(cli, tree: Path) -> None:
    at = set_query(tree, "SELECT sent, accepted AS sent FROM price_feed_last_run")
    checked = cli("check", tree)
    assert checked.code == 1 and f"{at}: KB321" in checked.out and "'sent'" in checked.out, checked.out


# --- the class as a property: any such function, any range, any place ------------------------------
CALLS = [
    ("pg_terminate_backend", "{victim}"),
    ("pg_cancel_backend", "{victim}"),
    ("pg_advisory_lock", "7"),
    ("pg_advisory_xact_lock", "7"),
    ("pg_try_advisory_lock", "7"),
    ("lo_create", "0"),
    ("lo_unlink", "12345"),
    ("pg_sleep", "30"),
    ("nextval", "'ticket_numbers'"),
    ("dblink_connect", "'{dblink}'"),
    ("dblink_exec", "'DELETE FROM orders'"),
    ("postgres_fdw_disconnect", "'loopback'"),
    ("pg_stat_reset_single_table_counters", "'orders'::regclass::oid"),
    ("pg_reload_conf", None),  # no argument: only a direct call reaches it
]
RANGES = [
    "unnest(ARRAY[{arg}]) x",
    "unnest(ARRAY[{arg}]) AS x",
    "t, LATERAL unnest(ARRAY[{arg}]) x",
    "ROWS FROM (unnest(ARRAY[{arg}])) x",
    "unnest(ARRAY[{arg}]) AS x(v)",
]
PLACES = [
    "SELECT x.{f} AS a FROM {range}",
    "SELECT 1 AS a FROM {range} WHERE x.{f} IS NOT NULL",
    "SELECT 1 AS a FROM {range} ORDER BY x.{f}",
    "SELECT (SELECT x.{f} FROM {range}) AS a",
    "WITH c AS (SELECT x.{f} AS v FROM {range}) SELECT v AS a FROM c",
    "SELECT count(*) AS a FROM {range} GROUP BY x.{f}",
    "SELECT 1 AS a WHERE EXISTS (SELECT 1 FROM {range} WHERE x.{f} IS NULL)",
    "SELECT {f}({arg}) AS a",
]
SAMPLES = 40


def _payloads(victim: int, cluster: Cluster) -> list[str]:
    rng = random.Random(20261207)
    chosen = []
    for _ in range(SAMPLES):
        function, arg = rng.choice(CALLS)
        place = rng.choice(PLACES if arg is not None else PLACES[-1:])
        query = place.format(f=function, range=rng.choice(RANGES), arg=arg or "")
        chosen.append(_fill(query.replace("{arg}", arg or ""), victim, cluster))
    return chosen


# FROM items whose columns the text says, as (FROM item, a column of it).
KNOWN = [
    ("unnest(ARRAY[1]) x", "x"),
    ("unnest(ARRAY[1]) AS x(v)", "v"),
    ("generate_series(1, 3) WITH ORDINALITY x", "ordinality"),
    ("jsonb_each('{}') x", "value"),
    ("jsonb_array_elements('[]') x", "value"),
    ("t, LATERAL unnest(ARRAY[t.a]) x", "x"),
    ("(SELECT 1 AS v) x", "v"),
    ("(VALUES (1, 2)) x", "column2"),
    ("(VALUES (1, 2)) x(v)", "column2"),
    ("(SELECT a AS v FROM t UNION SELECT 2) x", "v"),
]


def test_the_guard_refuses_x_name_exactly_when_name_is_no_column_of_x() -> None:
    rng = random.Random(28)
    for _ in range(300):
        item, column = rng.choice(KNOWN)
        place = rng.choice(PLACES[:-1])
        name = rng.choice([column, rng.choice(CALLS)[0], "row_to_json", "count"])
        query = place.format(f=name, range=item)
        reason = sql_guard.refusal(query, "postgresql")
        if name == column:
            assert reason is None, (query, reason)
        else:
            assert reason and f"x.{name} names no column" in reason, (query, reason)
    # a WITH query's columns are known too, under any name it is given
    assert sql_guard.refusal("WITH c AS (SELECT 1 AS v) SELECT x.v FROM c x", "postgresql") is None
    reason = sql_guard.refusal("WITH c AS (SELECT 1 AS v) SELECT x.pg_sleep FROM c x", "postgresql")
    assert reason and "x.pg_sleep names no column of the WITH query x" in reason


def test_any_such_call_anywhere_is_refused_by_check_and_by_the_plan(
    cluster: Cluster, extensions: None, victim: int
) -> None:
    for query in _payloads(victim, cluster):
        assert sql_guard.refusal(query, "postgresql"), query
        with pytest.raises(Exception) as refused:
            sql_postgres.run(_writer(cluster), query, 3)
        assert _before_anything_ran(refused.value), (query, refused.value)
    _nothing_changed(cluster)
