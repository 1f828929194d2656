"""`prometheus` checks against the real Prometheus binary (Debian's package).

The test starts Prometheus on a free localhost port with a config that scrapes a tiny
exporter served by this test (http.server), waits for the first scrape, and runs checks
through `opskb run`. Without /usr/bin/prometheus the tests are skipped with the reason
(CI installs it: `make system-deps`).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

PROMETHEUS = Path(os.environ.get("OPSKB_PROMETHEUS", "/usr/bin/prometheus"))

METRICS = """\
# TYPE opskb_test_queue_depth gauge
opskb_test_queue_depth{queue="orders"} 42
opskb_test_queue_depth{queue="returns"} 3
# TYPE opskb_test_rejected_total counter
opskb_test_rejected_total 7
"""


class _Exporter(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = METRICS.encode()
        self.send_response(200 if self.path == "/metrics" else 404)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _query(base: str, promql: str) -> dict:
    url = f"{base}/api/v1/query?{urllib.parse.urlencode({'query': promql})}"
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Prometheus scraping a local exporter; yields its base URL."""
    if not PROMETHEUS.exists():
        pytest.skip(f"{PROMETHEUS} not found: Prometheus is not installed (install: make system-deps)")
    exporter = ThreadingHTTPServer(("127.0.0.1", 0), _Exporter)
    threading.Thread(target=exporter.serve_forever, daemon=True).start()
    base_dir = tmp_path_factory.mktemp("prometheus")
    config = base_dir / "prometheus.yml"
    config.write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        "scrape_configs:\n"
        f"  - job_name: exporter\n    static_configs: [{{targets: ['127.0.0.1:{exporter.server_address[1]}']}}]\n"
    )
    port = _free_port()
    log = (base_dir / "prometheus.log").open("wb")
    process = subprocess.Popen(
        [
            str(PROMETHEUS),
            f"--config.file={config}",
            f"--storage.tsdb.path={base_dir / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.skip(
                    f"Prometheus exited with {process.returncode}: {(base_dir / 'prometheus.log').read_text()[-500:]}"
                )
            try:
                if _query(base, "opskb_test_rejected_total")["data"]["result"]:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.skip("Prometheus did not scrape the exporter within 60 s")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        exporter.shutdown()
        exporter.server_close()
        shutil.rmtree(base_dir, ignore_errors=True)


RUNBOOK = """\
id: bus-backlog
title: Message bus backlog
kind: incident
severity: medium
systems: [pricing]
symptoms: [queue grows, очередь растёт]
impact: Orders wait.
route: pricing
first_response: [Open the queue dashboard.]
steps:
  - id: look
    title: Look at the queues
    do: Open Grafana.
    check: queue-short
  - id: drain
    title: Drain the queue
    do: Scale the consumers.
    changes_system: true
checks:
  - id: few-rejections
    title: Few rejected items
    type: prometheus
    source: prometheus
    query: sum(opskb_test_rejected_total)
    condition: {left: value, op: "<", right: 100}
  - id: queue-short
    title: Longest queue is short
    type: prometheus
    source: prometheus
    query: max(opskb_test_queue_depth)
    condition: {left: value, op: "<", right: 10}
    on_fail: drain
  - id: every-queue-short
    title: Every queue is short
    type: prometheus
    source: prometheus
    query: opskb_test_queue_depth
    condition: {left: value, op: "<", right: 10}
  - id: scalar
    title: A scalar answer
    type: prometheus
    source: prometheus
    query: scalar(sum(opskb_test_rejected_total))
    condition: {left: value, op: "==", right: 7}
  - id: missing-metric
    title: A metric nobody exports
    type: prometheus
    source: prometheus
    query: sum(opskb_test_nothing_total)
    condition: {left: value, op: "<", right: 1}
  - id: bad-promql
    title: A query with a syntax error
    type: prometheus
    source: prometheus
    query: sum(opskb_test_queue_depth
    condition: {left: value, op: "<", right: 1}
review:
  owner: pricing-owner
  last_reviewed: "2026-11-01"
  interval_days: 90
"""


@pytest.mark.xdist_group("prometheus")
def test_prometheus_checks(cli, tree: Path, prometheus: str) -> None:
    (tree / "runbooks" / "bus-backlog.yaml").write_text(RUNBOOK, encoding="utf-8")
    result = cli("run", "bus-backlog", "--root", tree, "--source", f"prometheus={prometheus}", "--format", "json")
    assert result.code == 1
    out = {r["id"]: r for r in json.loads(result.out)["results"]}
    assert out["few-rejections"]["outcome"] == "pass"
    assert out["few-rejections"]["observed"] == {"value": 7}
    assert out["queue-short"]["outcome"] == "fail"
    assert out["queue-short"]["message"] == "value < 10: 42 < 10 is false"
    assert out["queue-short"]["next_step"]["id"] == "drain"
    every = out["every-queue-short"]
    assert every["outcome"] == "fail"
    port = _port_of(every)
    assert every["observed"] == {
        f"{{instance=127.0.0.1:{port},job=exporter,queue=orders}}": 42,
        f"{{instance=127.0.0.1:{port},job=exporter,queue=returns}}": 3,
    }
    assert "queue=orders" in every["message"] and "queue=returns" not in every["message"]
    assert out["scalar"]["outcome"] == "pass"
    assert out["missing-metric"]["outcome"] == "error"
    assert "no series" in out["missing-metric"]["message"]
    assert out["bad-promql"]["outcome"] == "error"
    assert "query failed (HTTP 400)" in out["bad-promql"]["message"]


def _port_of(result: dict) -> str:
    label = next(iter(result["observed"]))
    return label.split("instance=127.0.0.1:")[1].split(",")[0]


@pytest.mark.xdist_group("prometheus")
def test_prometheus_text_output(cli, tree: Path, prometheus: str, monkeypatch: pytest.MonkeyPatch) -> None:
    (tree / "runbooks" / "bus-backlog.yaml").write_text(RUNBOOK, encoding="utf-8")
    monkeypatch.setenv("OPSKB_SOURCE_PROMETHEUS", prometheus)
    result = cli("run", "bus-backlog", "--root", tree, "--check", "queue-short")
    assert "FAIL   queue-short  (prometheus on prometheus" in result.out
    assert "observed: value=42" in result.out
    assert 'next: step drain "Drain the queue" [a person must do this' in result.out


def test_unreachable_prometheus_is_an_error(cli, tree: Path) -> None:
    (tree / "runbooks" / "bus-backlog.yaml").write_text(RUNBOOK, encoding="utf-8")
    result = cli(
        "run",
        "bus-backlog",
        "--root",
        tree,
        "--format",
        "json",
        "--source",
        f"prometheus=http://127.0.0.1:{_free_port()}",
    )
    results = json.loads(result.out)["results"]
    assert len(results) == 6  # every check still ran
    assert {r["outcome"] for r in results} == {"error"}
    assert "unreachable" in results[0]["message"]
