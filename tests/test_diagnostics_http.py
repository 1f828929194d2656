"""`http` checks against a real HTTP server on localhost, through `opskb run`."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from opskb.diagnostics.http import select
from opskb.diagnostics.probe import ProbeError

PASSWORD = "s3cr3t-Pa55"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        routes = {
            "/health": (200, {"status": "ok", "queue": {"depth": 42}, "nodes": [{"up": True}]}),
            "/down": (503, {"status": "down"}),
            "/text": (200, "plain text"),
        }
        if self.path == "/slow":
            time.sleep(3)
            return self._send(200, {"status": "late"})
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "http://example.invalid/elsewhere")
            self.end_headers()
            return None
        if self.path.startswith("/echo"):  # like httpbin's /anything: the request, headers included
            headers = dict(self.headers.items())
            return self._send(200, {"headers": headers, "auth": headers.get("Authorization", ""), "path": self.path})
        if self.path.startswith("/api/v1/query"):  # a Prometheus that quotes the request in its error
            auth = self.headers.get("Authorization", "")
            return self._send(400, {"status": "error", "error": f"rejected {auth} for {self.path}"})
        if self.path == "/auth":
            token = base64.b64encode(f"reader:{PASSWORD}".encode()).decode()
            ok = self.headers.get("Authorization") == f"Basic {token}"
            return self._send(200 if ok else 401, {"status": "ok" if ok else "denied"})
        status, body = routes.get(self.path, (404, {"error": "not found"}))
        return self._send(status, body)

    def do_HEAD(self) -> None:
        self.send_response(200 if self.path == "/health" else 404)
        self.end_headers()

    def _send(self, status: int, body: object) -> None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


RUNBOOK = """\
id: service-health
title: Service health
kind: incident
severity: medium
systems: [pricing]
symptoms: [service slow, сервис не отвечает]
impact: Orders wait.
route: pricing
first_response: [Open the dashboard.]
steps:
  - id: health
    title: Check health
    do: Open the health page.
    check: health-ok
  - id: queue
    title: Look at the queue
    do: Open the queue dashboard.
    check: queue-short
  - id: restart
    title: Restart the consumer
    do: Restart the consumer from the admin panel.
    changes_system: true
    line: L2
checks:
  - id: health-ok
    title: Health endpoint says ok
    type: http
    source: app
    path: /health
    json_path: $.status
    condition: {left: json, op: "==", right: ok}
  - id: queue-short
    title: Queue is short
    type: http
    source: app
    path: /health
    json_path: $.queue.depth
    condition: {left: json, op: "<", right: 10}
    on_fail: restart
  - id: down
    title: Down endpoint answers 200
    type: http
    source: app
    path: /down
    on_fail: restart
  - id: slow
    title: Slow endpoint answers in time
    type: http
    source: app
    path: /slow
    timeout_seconds: 1
  - id: dead
    title: A source that is not listening
    type: http
    source: dead
    path: /health
    timeout_seconds: 2
  - id: auth
    title: Authenticated endpoint
    type: http
    source: secured
    path: /auth
    json_path: $.status
    condition: {left: json, op: "==", right: ok}
  - id: head
    title: HEAD works
    type: http
    method: HEAD
    source: app
    path: /health
  - id: redirect
    title: A redirect is observed, not followed
    type: http
    source: secured
    path: /redirect
  - id: echo
    title: An endpoint that echoes the request
    type: http
    source: secured
    path: /echo
    json_path: $.headers
    condition: {left: status, op: "==", right: 200}
  - id: echo-auth
    title: An endpoint that echoes the Authorization header alone
    type: http
    source: secured
    path: /echo
    json_path: $.auth
    condition: {left: json, op: "==", right: "nobody"}
  - id: prometheus-echo
    title: A Prometheus whose error quotes the request
    type: prometheus
    source: secured
    query: up
    condition: {left: value, op: "==", right: 1}
  - id: not-json
    title: Body that is not JSON
    type: http
    source: app
    path: /text
    json_path: $.status
    condition: {left: json, op: "==", right: ok}
review:
  owner: pricing-owner
  last_reviewed: "2026-11-01"
  interval_days: 90
"""


@pytest.fixture
def http_tree(tree: Path, server: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tree / "runbooks" / "service-health.yaml").write_text(RUNBOOK, encoding="utf-8")
    monkeypatch.setenv("OPSKB_SOURCE_APP", server)
    monkeypatch.setenv("OPSKB_SOURCE_DEAD", f"http://127.0.0.1:{_closed_port()}")
    host = server.removeprefix("http://")
    (tree / "opskb.local.yaml").write_text(f"sources:\n  secured: http://reader:{PASSWORD}@{host}\n")
    return tree


def test_every_outcome_with_observed_values_and_next_steps(cli, http_tree: Path) -> None:
    result = cli("run", "service-health", "--root", http_tree, "--format", "json")
    assert result.code == 1
    out = {r["id"]: r for r in json.loads(result.out)["results"]}
    assert out["health-ok"]["outcome"] == "pass"
    assert out["health-ok"]["observed"] == {"status": 200, "json": "ok"}
    assert out["health-ok"]["next_step"]["id"] == "queue"  # the step after the one it verifies
    assert out["queue-short"]["outcome"] == "fail"
    assert out["queue-short"]["message"] == "json < 10: 42 < 10 is false"
    assert out["queue-short"]["next_step"] == {
        "id": "restart",
        "title": "Restart the consumer",
        "do": "Restart the consumer from the admin panel.",
        "changes_system": True,
        "line": "L2",
    }
    assert out["down"]["outcome"] == "fail" and out["down"]["message"] == "HTTP status 503, expected 200"
    assert out["slow"]["outcome"] == "error" and "timed out after 1 s" in out["slow"]["message"]
    assert out["slow"]["seconds"] < 3
    assert out["dead"]["outcome"] == "error" and "unreachable" in out["dead"]["message"]
    assert out["auth"]["outcome"] == "pass"  # user:password in the URL became Basic auth
    assert out["head"]["outcome"] == "pass"
    assert out["redirect"]["outcome"] == "fail" and out["redirect"]["observed"]["status"] == 302
    assert out["not-json"]["outcome"] == "error" and "not JSON" in out["not-json"]["message"]
    assert PASSWORD not in result.out + result.err


def test_text_output_marks_steps_for_a_person(cli, http_tree: Path) -> None:
    result = cli("run", "service-health", "--root", http_tree, "--check", "queue-short")
    assert result.code == 1
    assert "FAIL   queue-short" in result.out
    assert "observed: status=200, json=42" in result.out
    assert 'next: step restart "Restart the consumer" [a person must do this' in result.out
    assert "0 passed, 1 failed, 0 error(s)" in result.out


def test_single_passing_check_exits_0(cli, http_tree: Path) -> None:
    result = cli("run", "service-health", "--root", http_tree, "--check", "health-ok")
    assert result.code == 0, result.out
    assert "PASS   health-ok" in result.out


def test_credentials_from_the_command_line_are_not_printed(cli, http_tree: Path, server: str) -> None:
    host = server.removeprefix("http://")
    result = cli(
        "run",
        "service-health",
        "--root",
        http_tree,
        "--check",
        "redirect",
        "--source",
        f"secured=http://reader:{PASSWORD}@{host}",
    )
    assert PASSWORD not in result.out + result.err
    assert "status=302" in result.out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--check", "nope"], 2, "has no check 'nope'"),
        (["--source", "broken"], 2, "--source expects NAME=URL"),
        (["--config", "/nonexistent/opskb.local.yaml"], 2, "no such file"),
    ],
)
def test_usage_errors(cli, http_tree: Path, args: list[str], code: int, message: str) -> None:
    result = cli("run", "service-health", "--root", http_tree, *args)
    assert result.code == code
    assert message in result.err


@pytest.mark.parametrize("check", ["echo", "echo-auth"])
@pytest.mark.parametrize("output", ["text", "json"])
def test_an_echoed_credential_is_masked_in_observed_values(
    cli, http_tree: Path, server: str, check: str, output: str
) -> None:
    """The password is sent (as Basic auth, to the source's origin only) but never shown,
    in no form an echo can give it back: the Basic token, nested JSON, the message."""
    token = base64.b64encode(f"reader:{PASSWORD}".encode()).decode()
    result = cli("run", "service-health", "--root", http_tree, "--check", check, "--format", output)
    shown = result.out + result.err
    assert "***" in shown  # the echo was observed, and masked
    for secret in (PASSWORD, token, token.rstrip("=")):
        assert secret not in shown


def test_a_credential_quoted_in_a_prometheus_error_is_masked(cli, http_tree: Path) -> None:
    token = base64.b64encode(f"reader:{PASSWORD}".encode()).decode()
    result = cli("run", "service-health", "--root", http_tree, "--check", "prometheus-echo")
    assert "ERROR  prometheus-echo" in result.out and "rejected *** for /api/v1/query" in result.out
    assert PASSWORD not in result.out + result.err and token not in result.out + result.err


def test_a_header_token_echoed_in_nested_json_is_masked(cli, http_tree: Path, server: str) -> None:
    (http_tree / "opskb.local.yaml").write_text(
        f"sources:\n  secured:\n    url: {server}\n    headers: {{Authorization: Bearer tok-{PASSWORD}}}\n"
    )
    result = cli("run", "service-health", "--root", http_tree, "--check", "echo", "--format", "json")
    (observed,) = [r["observed"] for r in json.loads(result.out)["results"]]
    assert observed["json"]["Authorization"] == "***"
    assert PASSWORD not in result.out + result.err


def test_json_path_subset() -> None:
    document = {"a": {"b": [{"c": 1}, {"d-e": 2}]}, "x y": 3}
    assert select(document, "$.a.b[0].c") == 1
    assert select(document, "$.a.b[1]['d-e']") == 2
    assert select(document, '$["x y"]') == 3
    assert select(document, "$") == document
    with pytest.raises(ProbeError, match="no key 'z'"):
        select(document, "$.a.z")
    with pytest.raises(ProbeError, match=r"no item \[5\]"):
        select(document, "$.a.b[5]")
