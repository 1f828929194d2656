"""`opskb escalate`: the chain with contacts and exact deadlines under the SLA clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO
from opskb.gate.checker import check_tree


def _working_hours_route(tree: Path) -> Path:
    """The minimal tree with its route on the 09:00-18:00 Moscow calendar (RU holidays)."""
    routes = tree / "escalation" / "routes.yaml"
    routes.write_text(routes.read_text().replace("sla: critical-24x7", "sla: high-business"))
    return tree


def _plan(cli, root: Path, at: str, *extra: str) -> dict:
    result = cli("escalate", "prices-not-applied", "--root", root, "--at", at, "--format", "json", *extra)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_friday_afternoon_runs_into_monday(cli, tree: Path) -> None:
    plan = _plan(cli, _working_hours_route(tree), "2026-11-20 16:00")
    assert plan["registered"] == "2026-11-20T16:00:00+03:00"
    assert plan["react_by"]["at"] == "2026-11-20T17:00:00+03:00"
    # "4 working hours from Friday 16:00 ends Monday 11:00"
    assert plan["resolve_or_escalate_by"]["at"] == "2026-11-23T11:00:00+03:00"
    hops = {hop["line"]: hop for hop in plan["hops"]}
    assert hops["L1"]["due"] is None and hops["L1"]["first"]
    assert hops["L2"]["due"]["at"] == "2026-11-20T16:15:00+03:00"
    assert hops["L3"]["due"]["at"] == "2026-11-20T16:30:00+03:00"
    assert hops["L2"]["contacts"] == {"chat": "#pricing", "email": "pricing@example.org"}


def test_public_holidays_move_the_deadline(cli, tree: Path) -> None:
    root = _working_hours_route(tree)
    # 23 February 2026 (Monday) is Defender of the Fatherland Day.
    assert _plan(cli, root, "2026-02-20T16:00")["resolve_or_escalate_by"]["at"] == "2026-02-24T11:00:00+03:00"
    # New Year: 31 Dec 2025 and 1-9 Jan 2026 are days off, then a weekend.
    assert _plan(cli, root, "2025-12-30T17:00")["resolve_or_escalate_by"]["at"] == "2026-01-12T12:00:00+03:00"
    # 9 May 2026 is a Saturday: Monday 11 May is the day off instead.
    assert _plan(cli, root, "2026-05-08T17:30")["react_by"]["at"] == "2026-05-12T09:30:00+03:00"


def test_time_given_in_another_zone_is_converted(cli, tree: Path) -> None:
    root = _working_hours_route(tree)
    # 13:00 UTC = 16:00 Moscow on Friday.
    plan = _plan(cli, root, "2026-11-20T13:00Z")
    assert plan["registered"] == "2026-11-20T16:00:00+03:00"
    assert plan["resolve_or_escalate_by"]["at"] == "2026-11-23T11:00:00+03:00"
    # Displayed in another zone on request, the same instant.
    plan = _plan(cli, root, "2026-11-20T13:00Z", "--tz", "Asia/Vladivostok")
    assert plan["resolve_or_escalate_by"]["at"] == "2026-11-23T18:00:00+10:00"


def test_naive_time_read_in_given_zone(cli, tree: Path) -> None:
    # Monday 01:00 in Vladivostok is Sunday 18:00 in Moscow: the clock starts Monday 09:00.
    plan = _plan(cli, _working_hours_route(tree), "2026-11-23 01:00", "--tz", "Asia/Vladivostok")
    assert plan["react_by"]["at"] == "2026-11-23T17:00:00+10:00"  # 10:00 Moscow


def test_24x7_clock_ignores_weekends(cli, tree: Path) -> None:
    plan = _plan(cli, tree, "2026-11-21T03:00+03:00")  # Saturday night
    assert plan["sla"]["clock"] == "24x7"
    assert plan["react_by"]["at"] == "2026-11-21T03:15:00+03:00"
    assert plan["resolve_or_escalate_by"]["at"] == "2026-11-21T03:30:00+03:00"


def test_text_output_names_people_and_times(cli, tree: Path) -> None:
    result = cli("escalate", "prices-not-applied", "--root", _working_hours_route(tree), "--at", "2026-11-20 16:00")
    assert result.code == 0
    assert "resolve/escalate by   Mon 2026-11-23 11:00 +03:00" in result.out
    assert "Pricing owner (pricing-owner)" in result.out
    assert "#pricing" in result.out and "pricing@example.org" in result.out
    assert "escalate earlier when: The feed is still short" in result.out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["no-such-runbook"], 2, "no runbook 'no-such-runbook'"),
        (["prices-not-aplied"], 2, "did you mean prices-not-applied"),
        (["prices-not-applied", "--at", "friday"], 2, "not an ISO 8601 time"),
        (["prices-not-applied", "--tz", "Mars/Olympus"], 2, "unknown time zone"),
    ],
)
def test_bad_input_is_one_clear_line(cli, tree: Path, args: list[str], code: int, message: str) -> None:
    result = cli("escalate", *args, "--root", tree)
    assert result.code == code
    assert message in result.err
    assert "Traceback" not in result.err


def test_broken_unrelated_runbook_only_warns(cli, tree: Path) -> None:
    (tree / "runbooks" / "other.yaml").write_text("id: other\ntitle: [unclosed\n")
    result = cli("escalate", "prices-not-applied", "--root", tree, "--at", "2026-11-20 16:00")
    assert result.code == 0
    assert "warning" in result.err and "content error" in result.err


def test_broken_escalation_file_refuses(cli, tree: Path) -> None:
    routes = tree / "escalation" / "routes.yaml"
    routes.write_text(routes.read_text().replace("after: 15m", "after: soon"))
    result = cli("escalate", "prices-not-applied", "--root", tree)
    assert result.code == 1
    assert "escalation/routes.yaml" in result.err and "refusing" in result.err


def test_every_runbook_of_the_repository_escalates() -> None:
    kb, _ = check_tree(REPO)
    if not kb.runbooks:
        pytest.skip("the repository has no runbooks yet")
    from opskb.cli import main

    for ident in sorted(kb.runbooks):
        assert (
            main(["escalate", ident, "--root", str(REPO), "--at", "2026-11-20T16:00+03:00", "--format", "json"]) == 0
        ), ident


def test_repository_working_hours_policy_friday_to_monday(cli) -> None:
    kb, _ = check_tree(REPO)
    for ident in sorted(kb.runbooks):
        route = kb.route_of(ident)
        sla = kb.sla_of(route.id) if route else None
        if sla and sla.data["clock"] != "24x7" and sla.data["resolve_within"] == "4h":
            calendar = kb.calendars[sla.data["clock"]].data
            if (calendar["start"], calendar["end"], calendar["timezone"]) == ("09:00", "18:00", "Europe/Moscow"):
                break
    else:
        pytest.skip("no runbook on a 4 working hours, 09:00-18:00 Moscow policy in the repository")
    result = cli("escalate", ident, "--root", REPO, "--at", "2026-11-20 16:00", "--format", "json")
    assert json.loads(result.out)["resolve_or_escalate_by"]["at"] == "2026-11-23T11:00:00+03:00"


def test_a_hop_due_at_night_offers_only_the_contacts_the_team_has(cli) -> None:
    """The project office has no phone: its hop due outside its hours says to write to
    it, never to phone it (the sample's change runbooks on a calendar clock)."""
    kb, _ = check_tree(REPO)
    result = cli("escalate", "price-list-planned-change", "--root", REPO, "--at", "2026-02-20 16:00")
    assert result.code == 0
    notes = [line for line in result.out.splitlines() if "note: due outside" in line]
    assert notes and all("no phone: write to them" in n and "use the phone" not in n for n in notes)
    assert "phone" not in kb.teams["project-office"].data["contacts"]
