"""The knowledge base itself covers the support line it is meant to hand over.

Facts are asserted from the loaded knowledge base, never from a list of file names: a new
runbook that covers a topic counts, a renamed file does not break the test.
"""

from __future__ import annotations

import re

import pytest

from conftest import REPO, run_opskb
from opskb.gate.checker import check_tree
from opskb.gate.registry import run_cross_checks
from opskb.model.durations import parse_duration
from opskb.rules.kb406_first_response_out_of_order import check as first_response_order
from opskb.site.deadlines import route_part
from opskb.site.labels import Labels


@pytest.fixture(scope="module")
def kb():
    kb, problems = check_tree(REPO)
    assert [p.as_text() for p in problems] == []
    return kb


def _text_of(runbook) -> str:
    data = runbook.data
    parts = [data["title"], *data["symptoms"], *data.get("tags", []), *data.get("alerts", []), data["impact"]]
    parts += [f"{item['action']} {item['why']}" for item in data.get("do_not", [])]
    parts += [f"{step['title']} {step['do']}" for step in data["steps"]]
    return " ".join(parts).lower()


# Every typical incident DOMAIN.md names, as the words a runbook about it must contain.
DOMAIN_INCIDENTS = {
    "prices sent but not accepted": ["price", "accepted", "12,000", "9,000"],
    "B2C price lower than B2B": ["b2c", "b2b"],
    "prices or stock differ between systems": ["stock", "differ"],
    "stock pages not received": ["stock pages"],
    "oversell at reservation": ["oversell", "reserv"],
    "no orders for 30 minutes": ["no orders", "30 minutes"],
    "order status discrepancy": ["status", "our system"],
    "slow server responses": ["slow", "response"],
    "high database load": ["database", "load"],
    "nightly import/export": ["nightly", "airflow", "talend"],
    "message bus backlog": ["kafka", "rabbitmq", "esb", "backlog"],
    "pickup points outdated": ["pickup point", "hours"],
    "PIM attributes or photos": ["pim", "photo", "attribute"],
    "mandatory marking": ["marking"],
    "loyalty points not credited, bag after payment": ["loyalty", "points", "bag"],
    "loyalty error codes for the call centre": ["loyalty", "blocked", "qr code", "expired"],
    "abandoned carts caused by one item": ["abandoned", "cart", "one item"],
    "marketplace maintenance or outage": ["maintenance", "outage"],
}


@pytest.mark.parametrize("incident", DOMAIN_INCIDENTS)
def test_every_domain_incident_has_a_runbook(kb, incident: str) -> None:
    words = DOMAIN_INCIDENTS[incident]
    matching = [r.id for r in kb.runbooks.values() if all(w in _text_of(r) for w in words)]
    assert matching, f"no runbook covers {incident!r} (needs all of {words})"


def test_repo_passes_strict_check_through_the_cli() -> None:
    result = run_opskb("check", REPO, "--strict")
    assert result.code == 0, result.out


def test_every_ticket_type_appears_and_there_are_enough_runbooks(kb) -> None:
    assert len(kb.runbooks) >= 20
    assert {r.data["kind"] for r in kb.runbooks.values()} == {"incident", "service_request", "problem", "change"}


def test_every_runbook_reaches_an_l2_owner_with_contacts(kb) -> None:
    for runbook in kb.runbooks.values():
        owner = kb.owner_of(runbook.id)
        assert owner is not None, runbook.id
        assert owner.data["line"] == "L2" and owner.data["contacts"], runbook.id


def test_the_database_lesson_is_in_do_not(kb) -> None:
    lessons = [
        r.id
        for r in kb.runbooks.values()
        if "database" in r.data["title"].lower()
        and any(
            "delet" in d["action"].lower() + d["why"].lower() and "file" in d["action"].lower() + d["why"].lower()
            for d in r.data.get("do_not", [])
        )
    ]
    assert lessons


def test_every_critical_runbook_says_what_not_to_do(kb) -> None:
    for runbook in kb.runbooks.values():
        if runbook.data["severity"] == "critical":
            assert runbook.data.get("do_not"), runbook.id


def test_marketplace_incidents_update_the_business_hourly(kb) -> None:
    for runbook in kb.runbooks.values():
        data = runbook.data
        if data["kind"] == "incident" and "marketplace" in data.get("tags", []):
            assert data["communication"]["cadence"] == "1h", runbook.id


def test_sla_policies_carry_the_figures_of_the_sources(kb) -> None:
    policies = [p.data for p in kb.sla_policies.values()]
    shapes = {(p["react_within"], p["resolve_within"], p["clock"] == "24x7") for p in policies}
    assert ("15m", "30m", True) in shapes  # react 15 min, resolve or escalate 30 min, any hour
    resolve = {(parse_duration(p["resolve_within"]), p["clock"] == "24x7") for p in policies}
    assert (parse_duration("4h"), True) in resolve  # critical incidents: 4 calendar hours
    assert (parse_duration("4h"), False) in resolve  # high priority: 4 working hours


def test_status_mappings_are_complete_and_preserve_transitions(kb) -> None:
    markets = kb.marketplaces.values()
    assert len(markets) >= 6
    names = {m.data["name"].lower() for m in markets}
    assert {"ozon", "wildberries", "yandex market", "megamarket"} <= {n.split(" (")[0] for n in names}
    pharmacies = [m for m in markets if m.data["kind"] == "online_pharmacy"]
    assert len(pharmacies) >= 2 and all(m.data.get("illustrative") for m in pharmacies)
    for market in markets:
        codes = [s["code"] for s in market.data["statuses"]]
        assert len(codes) == len(set(codes)), market.id
        for status in market.data["statuses"]:
            assert status["maps_to"] in kb.internal_statuses, (market.id, status["code"])
            if status["match"] == "closest":
                assert status.get("note"), (market.id, status["code"])
    assert list(run_cross_checks(kb, codes={"KB303", "KB307", "KB302"})) == []


def test_two_field_keys_state_their_precedence(kb) -> None:
    two_field = [m for m in kb.marketplaces.values() if len(m.data["key"]["fields"]) == 2]
    assert {m.id for m in two_field} >= {"ozon", "wildberries", "yandex-market"}
    for market in two_field:
        precedence = market.data["key"]["precedence"]
        assert precedence["rule"].strip() and precedence["unlisted_pair"]
    assert "sold" in kb.marketplaces["wildberries"].data["key"]["precedence"]["decides_alone"]


# ---------------------------------------------------------------- content that does not contradict itself
# A runbook's first response and its steps agree on what comes first and on which
# dashboard to read, the holiday wording says holidays are days off, and the worked
# deadlines offer only the contacts a team has.
def test_no_runbook_does_at_once_what_its_steps_do_later(kb) -> None:
    assert [f.at.id for f in first_response_order(kb)] == []


def test_no_orders_runbook_asks_the_marketplace_right_after_our_side_is_confirmed(kb) -> None:
    data = kb.runbooks["no-orders-from-marketplace"].data
    steps = [step["id"] for step in data["steps"]]
    assert steps[:2] == ["confirm-our-side", "ask-marketplace"]
    chat = [n for n, item in enumerate(data["first_response"]) if "marketplace chat" in item]
    assert chat == [len(data["first_response"]) - 1]  # the last thing done at once: the chat


_DASHBOARD = re.compile(r'(?:Grafana|Redash)[^"]{0,30}"([^"]+)"')


@pytest.mark.parametrize("runbook_id", ["no-orders-from-marketplace", "prices-not-applied", "stock-pages-not-received"])
def test_first_response_reads_the_figures_where_the_first_step_does(kb, runbook_id: str) -> None:
    data = kb.runbooks[runbook_id].data
    named = {name for item in data["first_response"] for name in _DASHBOARD.findall(item)}
    first_step = _DASHBOARD.findall(data["steps"][0]["do"])
    assert named and named <= set(first_step), (named, first_step)


@pytest.mark.parametrize(("language", "says"), [("en", "are days off"), ("ru", "выходные дни")])
def test_holiday_wording_says_holidays_are_days_off(language: str, says: str) -> None:
    labels = Labels(language)
    for key in ("clock.holidays", "handbook.holidays_off"):
        text = labels.get(key, country="RU")
        assert says in text, text
        assert not re.search(r"\bno public holidays|без государственных|кроме праздников", text), text


@pytest.mark.parametrize("language", ["en", "ru"])
def test_worked_deadlines_offer_only_the_contacts_a_team_has(kb, language: str) -> None:
    labels = Labels(language)
    phone_words = (labels.get("worked.outside_hours", hours="X").split(": ", 1)[1],)
    seen_without_phone = 0
    for runbook in kb.runbooks.values():
        part = route_part(kb, runbook, 2026, labels)
        if part is None:
            continue
        hops = [h for h in part["table"]["headers"][2:-1]]
        for row in part["table"]["rows"]:
            for header, cell in zip(hops, row[2:-1], strict=True):
                team = next(t for t in kb.teams.values() if t.data["name"] in header)
                if not cell["note"]:
                    continue
                has_phone = "phone" in team.data["contacts"]
                assert any(w in cell["note"] for w in phone_words) == has_phone, (runbook.id, cell["note"])
                if not has_phone:
                    seen_without_phone += 1
                    for field, label in (("chat", "contact.chat"), ("email", "contact.mail")):
                        assert (labels.get(label) in cell["note"]) == (field in team.data["contacts"])
    assert seen_without_phone  # the sample has teams without a phone whose hop falls at night
