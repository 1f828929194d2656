"""Work spread over forked processes (opskb.model.forked) gives what one process gives.

`opskb check` loads a large knowledge base and runs its rules on every core. Whatever
becomes of a child (it dies, its job raises), the answer is the one-process answer; the
check of a large tree through the command line, where the work is spread, reports exactly
what the same check reports in one process; and Ctrl-C stops it as it stops one process.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, TODAY, run_opskb
from ctrl_c import interrupt_when_forked
from opskb.gate.cascade import root_causes_first
from opskb.gate.checker import check_tree
from opskb.model import forked
from test_loader_robustness import HOSTILE

sys.path.insert(0, str(REPO / "benchmarks"))
import realsize


def _run(script: str) -> subprocess.CompletedProcess[str]:
    """``script`` in a fresh interpreter: a test process may have threads, and
    ``forked_map`` does not fork from a process that has."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True, timeout=120, check=False
    )


def test_the_results_come_back_in_order_from_every_process() -> None:
    result = _run(
        """
        import os
        from opskb.model.forked import forked_map
        parent = os.getpid()
        done = forked_map(lambda n: (n * n, os.getpid() == parent), list(range(5000)), 2)
        assert [square for square, _ in done] == [n * n for n in range(5000)]
        here = sum(1 for _, in_parent in done if in_parent)
        assert 0 < here < 5000, here  # both processes took part
        print("ok")
        """
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_what_a_dead_child_had_is_done_here() -> None:
    result = _run(
        """
        import os
        from opskb.model.forked import forked_map
        parent = os.getpid()

        def work(n):
            if os.getpid() != parent and n > 2000:
                os._exit(3)  # the child dies with items claimed and nothing sent
            return n + 1

        assert forked_map(work, list(range(5000)), 2) == [n + 1 for n in range(5000)]
        print("ok")
        """
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_a_job_that_raises_in_a_child_raises_here_once_and_nothing_else_is_printed() -> None:
    result = _run(
        """
        import os
        from opskb.model.forked import forked_map

        def work(n):
            if n == 4321:
                raise ValueError("bad item 4321")
            return n

        try:
            forked_map(work, list(range(5000)), 2)
        except ValueError as err:
            print("raised:", err)
        """
    )
    assert result.stdout.strip() == "raised: bad item 4321"
    assert result.stderr == "", result.stderr  # no child's traceback


def test_one_process_when_the_work_is_small_or_threads_are_running() -> None:
    assert forked.processes_for(forked.FORK_FROM - 1) == 1
    result = _run(
        """
        import os, threading
        from opskb.model.forked import forked_map
        parent = os.getpid()
        stop = threading.Event()
        threading.Thread(target=stop.wait).start()
        try:
            done = forked_map(lambda n: os.getpid() == parent, list(range(5000)), 2)
        finally:
            stop.set()
        assert all(done)  # a server's threads: no fork
        print("ok")
        """
    )
    assert result.stdout.strip() == "ok", result.stderr


# Mistakes of every stage, in files all along the list, so that each process finds some:
# (file number, old text, new text)
MISTAKES = [
    (3, "severity: ", "severity: [unclosed\n"),  # YAML syntax
    (250, "severity: ", "severity: urgent-"),  # the schema's enum
    (401, "\nroute: ", "\nroute: nowhere-"),  # a dangling reference
    (777, "\nimpact: ", "\nimpact: " + "x" * 150 + " "),  # a per-file rule (KB332)
    (1001, "\nroute: ", "\nroute: missing-"),
    (1090, "id: ", "id: renamed-"),  # an id that is not its file's name
]


@pytest.fixture(scope="module")
def large_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = realsize.make_tree(tmp_path_factory.mktemp("forked") / "kb", 1100, today=datetime.date.fromisoformat(TODAY))
    paths = sorted((root / "runbooks").glob("*.yaml"))
    for number, old, new in MISTAKES:
        text = paths[number].read_text(encoding="utf-8")
        assert old in text, (paths[number], old)
        paths[number].write_text(text.replace(old, new, 1), encoding="utf-8")
    # and the loader's hostile files (an alias bomb, nesting 100,000 deep, bytes that are
    # not UTF-8...), which a child meets as the one process does
    for rel, (data, _) in HOSTILE.items():
        (root / rel).write_bytes(data)
    return root


def test_a_large_check_on_every_core_reports_what_one_process_reports(
    large_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command line's check of 1,100 runbooks (spread over forked processes) reports,
    in the same order (the command's: causes first), the problems the check finds in one
    process."""
    assert forked.processes_for(len(list(large_tree.rglob("*.yaml")))) > 1 or forked.cores() == 1
    result = run_opskb("check", "--format", "json", str(large_tree), timeout=300)
    assert result.code == 1 and "Traceback" not in result.err, result.err
    spread = json.loads(result.out)
    monkeypatch.setattr(forked, "FORK_FROM", 10**9)
    _, problems = check_tree(large_tree)
    alone = [(p.path, p.line, p.column, p.code, p.message) for p in root_causes_first(problems)]
    assert [(p["path"], p["line"], p["column"], p["code"], p["message"]) for p in spread] == alone
    codes = {p["code"] for p in spread}
    assert {"KB001", "KB332"} | {code for _, code in HOSTILE.values()} <= codes, codes


@pytest.mark.parametrize("after", [0.0, 0.2], ids=["as-a-child-is-forked", "while-it-works"])
def test_ctrl_c_while_children_work_stops_every_process_without_a_traceback(large_tree: Path, after: float) -> None:
    """Ctrl-C reaches the whole process group: the command answers it (exit 130), the
    children stop quietly, and none is left behind."""
    result = interrupt_when_forked([str(Path(sys.executable).with_name("opskb")), "check", str(large_tree)], after)
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr and "Process" not in result.stderr, result.stderr
    assert result.children_left() == []


def _cgroup(root: Path, membership: str, files: dict[str, str]) -> Path:
    (root / "proc/self").mkdir(parents=True)
    (root / "proc/self/cgroup").write_text(membership)
    for rel, text in files.items():
        (root / "sys/fs/cgroup" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "sys/fs/cgroup" / rel).write_text(text)
    return root


@pytest.mark.parametrize(
    ("membership", "files", "quota"),
    [
        # cgroup v2, a container's own namespace (`docker run --cpus 1.5`)
        ("0::/\n", {"cpu.max": "150000 100000\n"}, 1.5),
        ("0::/\n", {"cpu.max": "max 100000\n"}, None),
        # v2 seen from the host's namespace: the process's own group
        ("0::/ci/job\n", {"cpu.max": "max 100000\n", "ci/job/cpu.max": "100000 100000\n"}, 1.0),
        # cgroup v1, with cpu and cpuacct mounted together
        (
            "4:cpu,cpuacct:/job\n",
            {"cpu,cpuacct/job/cpu.cfs_quota_us": "50000", "cpu,cpuacct/job/cpu.cfs_period_us": "100000"},
            0.5,
        ),
        ("4:cpu,cpuacct:/\n", {"cpu/cpu.cfs_quota_us": "-1", "cpu/cpu.cfs_period_us": "100000"}, None),
        ("4:memory:/x\n", {}, None),
    ],
)
def test_a_containers_cpu_quota_is_read_from_its_cgroup(
    tmp_path: Path, membership: str, files: dict[str, str], quota: float | None
) -> None:
    """A container limited to fewer CPUs than the machine has (its quota) still sees every
    core in its affinity: two processes on one CPU's quota only take turns."""
    assert forked.cpu_quota(_cgroup(tmp_path, membership, files)) == quota


def test_no_cgroup_no_quota(tmp_path: Path) -> None:
    assert forked.cpu_quota(tmp_path) is None


def test_the_cores_are_at_most_the_quota_allows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "cpu_quota", lambda: 0.5)
    assert forked.cores() == 1
    monkeypatch.setattr(forked, "cpu_quota", lambda: None)
    assert forked.cores() == len(os.sched_getaffinity(0))


def test_the_rules_that_read_every_file_are_known_to_the_scheduler() -> None:
    """The rules that keep what they found in each file (the longest jobs) are claimed
    first; the others are not taken for them."""
    from opskb.gate import registry

    rules = registry.all_rules()
    readers = {code for code, rule in rules.items() if rule.check is not None and registry._reads_every_file(rule)}
    assert {"KB332", "KB336", "KB406"} <= readers
    assert "KB204" not in readers and len(readers) < len(rules) / 4


def test_a_session_that_checks_again_keeps_what_each_rule_found_per_file(large_tree: Path) -> None:
    """Under `mkdocs serve` (a check with a load cache) the rules run in the serving
    process, so that what they keep per file serves the next rebuild; a single check
    spreads them over the cores, and its own process keeps only what it ran (``alone``,
    shown when this fails: on two cores one of these rules, at least, ran in the child)."""
    result = _run(
        f"""
        from pathlib import Path
        from opskb.gate.checker import check_tree
        from opskb.model.kb import LoadCache
        from opskb.rules import kb332_word_too_long, kb336_unsafe_link, kb406_first_response_out_of_order

        rules = (kb332_word_too_long, kb336_unsafe_link, kb406_first_response_out_of_order)
        memos = [rule._FOUND._found for rule in rules]
        check_tree(Path({str(large_tree)!r}))
        print(min(map(len, memos)))
        check_tree(Path({str(large_tree)!r}), cache=LoadCache())
        print(min(map(len, memos)))
        """
    )
    alone, serving = map(int, result.stdout.split())
    assert serving >= 1000, (alone, serving, result.stderr)


def test_a_daemon_process_does_every_job_itself(tmp_path: Path) -> None:
    """`mkdocs serve` builds a second language in a daemon process, which multiprocessing
    does not let have children: the work is done there, in one process, not refused."""
    script = tmp_path / "daemon.py"  # a file: a spawned process imports its __main__ again
    script.write_text(
        textwrap.dedent(
            """
            import multiprocessing
            from opskb.model.forked import forked_map

            def job(queue):
                queue.put(forked_map(lambda n: n * 3, list(range(5000)), 2) == [n * 3 for n in range(5000)])

            if __name__ == "__main__":
                for method in ("fork", "spawn"):
                    context = multiprocessing.get_context(method)
                    queue = context.Queue()
                    process = context.Process(target=job, args=(queue,), daemon=True)
                    process.start()
                    print(method, queue.get(timeout=20))
                    process.join()
            """
        )
    )
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False)
    assert result.stdout.split() == ["fork", "True", "spawn", "True"], result.stderr


def test_what_a_hung_child_had_is_done_here() -> None:
    """A child that stops sending (hung on something a fork broke) is stopped once this
    process has nothing left to do and waited ``STALL`` seconds; its items are done here."""
    result = _run(
        """
        import os, time
        from opskb.model import forked
        forked.STALL = 1.0
        parent = os.getpid()

        def work(n):
            if os.getpid() != parent and n > 2000:
                time.sleep(3600)
            return -n

        started = time.monotonic()
        assert forked.forked_map(work, list(range(5000)), 2) == [-n for n in range(5000)]
        print("ok", time.monotonic() - started < 30)
        """
    )
    assert result.stdout.split() == ["ok", "True"], result.stderr
