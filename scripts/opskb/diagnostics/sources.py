"""Named sources: where a check connects, configured outside the content.

A runbook names a source (``pricing-db``); the URL (and any credentials) come from, in
order of precedence:

1. ``opskb run --source NAME=URL`` on the command line;
2. the environment variable ``OPSKB_SOURCE_<NAME>`` (upper case, dashes as underscores:
   ``OPSKB_SOURCE_PRICING_DB``);
3. the local config file ``opskb.local.yaml`` in the content root (git-ignored), or the
   file named by ``--config`` / ``OPSKB_CONFIG``::

       sources:
         pricing-db: postgresql+psycopg://readonly:secret@db.internal/pricing
         monitoring:
           url: http://prometheus.internal:9090
           headers: {Authorization: "Bearer ..."}

Credentials are never printed: every message that leaves a probe goes through
``Source.scrub``, and ``Source.display`` shows the URL without user info or query.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit, urlunsplit

import yaml

ENV_PREFIX = "OPSKB_SOURCE_"
LOCAL_CONFIG = "opskb.local.yaml"
CONFIG_ENV = "OPSKB_CONFIG"
_SECRET_QUERY_KEYS = re.compile(r"pass|secret|token|key|auth|sig", re.IGNORECASE)


def host_and_port(parts: SplitResult) -> str:
    """The network location of a split URL without its credentials: host, or host:port."""
    host = parts.hostname or ""
    return f"{host}:{parts.port}" if parts.port else host


def basic_tokens(username: str, password: str) -> list[str]:
    """The forms user:password takes in a Basic Authorization header (what an echo shows)."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return [f"Basic {token}", token, token.rstrip("=")]


class SourceError(Exception):
    """A source that is not configured or cannot be read; the message is safe to print."""


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    origin: str = ""  # where it was configured: shown to people instead of the URL

    @property
    def secrets(self) -> list[str]:
        """Every string that must never appear in output."""
        found: list[str] = []
        parts = urlsplit(self.url)
        if parts.password:
            found += [parts.password, unquote(parts.password)]
        if parts.username and parts.password:
            found.append(f"{parts.username}:{parts.password}")
            found += basic_tokens(unquote(parts.username), unquote(parts.password))
        for key, value in parse_qsl(parts.query, keep_blank_values=False):
            if _SECRET_QUERY_KEYS.search(key) and value:
                found.append(value)
        for value in self.headers.values():
            found.append(str(value))
            found += str(value).split()[1:]  # "Bearer TOKEN": the token alone too
        return sorted({s for s in found if len(s) >= 3}, key=len, reverse=True)

    @property
    def display(self) -> str:
        """The URL without credentials or query string: safe in logs and output."""
        parts = urlsplit(self.url)
        host = host_and_port(parts)
        if parts.username:
            host = f"***@{host}"
        return urlunsplit((parts.scheme, host, parts.path, "", ""))

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def __repr__(self) -> str:  # never leak through a debugger or a log line
        return f"Source(name={self.name!r}, url={self.display!r}, origin={self.origin!r})"


class Sources:
    """Resolves source names; reads the local config file at most once."""

    def __init__(
        self,
        overrides: Mapping[str, str] | None = None,
        config: Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.overrides = dict(overrides or {})
        self.environ = os.environ if environ is None else environ
        self.config = config
        self._file: dict[str, Any] | None = None

    def get(self, name: str) -> Source:
        if name in self.overrides:
            return Source(name, self.overrides[name], origin="--source")
        env = env_name(name)
        if self.environ.get(env):
            return Source(name, self.environ[env], origin=f"${env}")
        entry = self._from_file().get(name)
        if entry is None:
            where = f"{self.config}" if self.config else LOCAL_CONFIG
            raise SourceError(
                f"source {name!r} is not configured: set {env}, pass --source {name}=URL, "
                f"or add it under 'sources:' in {where}"
            )
        return _from_entry(name, entry, str(self.config))

    def _from_file(self) -> dict[str, Any]:
        if self._file is None:
            self._file = _read_config(self.config) if self.config else {}
        return self._file


def env_name(name: str) -> str:
    """``pricing-db`` -> ``OPSKB_SOURCE_PRICING_DB``."""
    return ENV_PREFIX + re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def parse_override(text: str) -> tuple[str, str]:
    """``NAME=URL`` from the command line; ValueError with a message otherwise."""
    name, sep, url = text.partition("=")
    if not sep or not name.strip() or not url.strip():
        raise ValueError(f"--source expects NAME=URL, got {text.split('=')[0]!r}...")
    return name.strip(), url.strip()


def default_config(root: Path, environ: Mapping[str, str] | None = None) -> Path | None:
    environ = os.environ if environ is None else environ
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV])
    path = root / LOCAL_CONFIG
    return path if path.is_file() else None


def _read_config(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise SourceError(f"{path}: cannot read the config file: {err.strerror}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        # The YAML error may quote the line, which may hold a password: say where only.
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise SourceError(f"{path}: not valid YAML{where}") from None
    sources = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(sources, dict):
        raise SourceError(f"{path}: expected a mapping 'sources:' of name -> URL")
    return sources


def _from_entry(name: str, entry: Any, origin: str) -> Source:
    if isinstance(entry, str) and entry:
        return Source(name, entry, origin=origin)
    if isinstance(entry, dict) and isinstance(entry.get("url"), str):
        headers = entry.get("headers") or {}
        if not isinstance(headers, dict):
            raise SourceError(f"{origin}: source {name}: headers must be a mapping")
        return Source(name, entry["url"], {str(k): str(v) for k, v in headers.items()}, origin)
    raise SourceError(f"{origin}: source {name}: expected a URL or {{url: ..., headers: ...}}")
