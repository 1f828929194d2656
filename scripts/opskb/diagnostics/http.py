"""HTTP probe: GET or HEAD a path under a named source; observe ``status`` and ``json``.

Credentials: ``user:password@`` in a source URL, or ``headers:`` of a source, are the
operator's choice in the local config (never in the content) and are sent to that
origin only. Redirects are not followed (the status is observed as is), so another host
never receives them; and every observed value and message is scrubbed of them, in every
form a server could echo (the password, ``user:password``, the Basic token, header
values), nested JSON included (runner.py). Bodies are read up to a limit.
"""

from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from .probe import Observation, ProbeError
from .sources import Source, basic_tokens, host_and_port

MAX_BODY = 5 * 1024 * 1024
_JSON_STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]|\[\s*'([^']*)'\s*\]|\[\s*\"([^\"]*)\"\s*\]")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # surfaces as HTTPError with the 3xx status


_OPENER = urllib.request.build_opener(_NoRedirect())


def fetch(
    source: Source, path: str, timeout: float, method: str = "GET", accept: str = "application/json"
) -> tuple[int, bytes]:
    """(status, body) of ``method source.url + path``; ProbeError when unreachable."""
    url, headers = _split_credentials(source.url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ProbeError(f"source {source.name}: expected an http(s) URL, got scheme {parts.scheme!r}")
    full = url.rstrip("/") + path
    request = urllib.request.Request(
        full,
        method=method,
        headers={
            "Accept": accept,
            "User-Agent": "opskb-run",
            **headers,
            **source.headers,
        },
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status, response.read(MAX_BODY)
    except urllib.error.HTTPError as err:  # a status is an observation, not an error
        with err:
            return err.code, err.read(MAX_BODY) if err.fp else b""
    except urllib.error.URLError as err:
        reason = err.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise ProbeError(f"{source.display}: timed out after {timeout:g} s") from None
        raise ProbeError(f"{source.display}: unreachable: {reason}") from None
    except TimeoutError:
        raise ProbeError(f"{source.display}: timed out after {timeout:g} s") from None
    except (OSError, ValueError) as err:  # reset connections, malformed URLs
        raise ProbeError(f"{source.display}: {type(err).__name__}: {err}") from None


def probe(check: dict[str, Any], source: Source, timeout: float) -> Observation:
    method = check.get("method", "GET")
    status, body = fetch(source, check["path"], timeout, method)
    observed: dict[str, Any] = {"status": status}
    expected = check.get("expect_status", 200)
    failure = None if status == expected else f"HTTP status {status}, expected {expected}"
    if "json_path" in check and failure is None:
        try:
            document = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ProbeError(f"{source.display}{check['path']}: the response is not JSON") from None
        observed["json"] = select(document, check["json_path"])
    return Observation([("", observed)], failure)


def select(document: Any, path: str) -> Any:
    """A small JSONPath subset: ``$``, ``.key``, ``[0]``, ``['key']``."""
    rest = path[1:] if path.startswith("$") else path
    value = document
    position = 0
    while position < len(rest):
        match = _JSON_STEP.match(rest, position)
        if match is None:
            raise ProbeError(f"json_path {path}: cannot read {rest[position:]!r}")
        key, index, quoted1, quoted2 = match.groups()
        name = key if key is not None else (quoted1 if quoted1 is not None else quoted2)
        if index is not None:
            if not isinstance(value, list) or int(index) >= len(value):
                raise ProbeError(f"json_path {path}: no item [{index}]")
            value = value[int(index)]
        elif isinstance(value, dict) and name in value:
            value = value[name]
        else:
            raise ProbeError(f"json_path {path}: no key {name!r}")
        position = match.end()
    return value


def _split_credentials(url: str) -> tuple[str, dict[str, str]]:
    """user:password@ in a base URL becomes a Basic Authorization header."""
    parts = urlsplit(url)
    if not parts.username:
        return url, {}
    host = host_and_port(parts)
    bare = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return bare, {"Authorization": basic_tokens(unquote(parts.username), unquote(parts.password or ""))[0]}
