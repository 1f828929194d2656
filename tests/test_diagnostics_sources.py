"""Named sources: command line, environment, local config file; credentials never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from opskb.diagnostics.sources import Source, SourceError, Sources, env_name, parse_override


def test_env_name() -> None:
    assert env_name("pricing-db") == "OPSKB_SOURCE_PRICING_DB"


def test_precedence_command_line_then_environment_then_file(tmp_path: Path) -> None:
    config = tmp_path / "opskb.local.yaml"
    config.write_text(
        "sources:\n  db: sqlite:///file.db\n  other: sqlite:///other.db\n"
        "  prom:\n    url: http://prom:9090\n    headers: {Authorization: Bearer tok-123}\n"
    )
    sources = Sources(
        {"db": "sqlite:///cli.db"},
        config,
        {"OPSKB_SOURCE_DB": "sqlite:///env.db", "OPSKB_SOURCE_OTHER": "sqlite:///env-other.db"},
    )
    assert sources.get("db").url == "sqlite:///cli.db"
    assert sources.get("other").url == "sqlite:///env-other.db"
    prom = sources.get("prom")
    assert prom.url == "http://prom:9090" and prom.headers == {"Authorization": "Bearer tok-123"}


def test_missing_source_says_how_to_configure_it() -> None:
    with pytest.raises(SourceError, match="OPSKB_SOURCE_PRICING_DB"):
        Sources({}, None, {}).get("pricing-db")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources: [a, b]\n", "expected a mapping"),
        ("sources:\n  db: {password: hunter2}\n", "expected a URL"),
        ("sources: {db: 'postgresql://u:hunter2@h/db'\n", "not valid YAML at line"),
    ],
)
def test_bad_config_files(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "opskb.local.yaml"
    config.write_text(text)
    with pytest.raises(SourceError, match=message) as caught:
        Sources({}, config, {}).get("db")
    assert "hunter2" not in str(caught.value)


def test_credentials_are_scrubbed_and_never_displayed() -> None:
    source = Source("db", "postgresql+psycopg://reader:p%40ss-w0rd@db.internal:5432/pricing?sslkey=sekrit-key")
    assert source.display == "postgresql+psycopg://***@db.internal:5432/pricing"
    assert "p%40ss-w0rd" not in repr(source) and "p@ss-w0rd" not in repr(source)
    message = "failed for reader:p%40ss-w0rd with p@ss-w0rd and sekrit-key"
    assert source.scrub(message) == "failed for *** with *** and ***"
    header = Source("api", "https://api.internal", {"Authorization": "Bearer abc.def"})
    assert header.scrub("sent Bearer abc.def; token abc.def") == "sent ***; token ***"


def test_override_parsing() -> None:
    assert parse_override("db=sqlite:///x.db?mode=ro") == ("db", "sqlite:///x.db?mode=ro")
    with pytest.raises(ValueError, match="NAME=URL"):
        parse_override("just-a-name")
