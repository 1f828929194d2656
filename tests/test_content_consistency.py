"""Content that does not contradict itself: a runbook's first response and its steps agree
on what comes first and on which dashboard to read, the holiday wording says holidays are
days off, and the worked deadlines offer only the contacts a team has."""

from __future__ import annotations

import re

import pytest

from conftest import REPO
from opskb.checker import check_tree
from opskb.rules.kb405_first_response_out_of_order import check as first_response_order
from opskb.site.deadlines import route_part
from opskb.site.labels import Labels


@pytest.fixture(scope="module")
def kb():
    kb, problems = check_tree(REPO)
    assert [p.as_text() for p in problems] == []
    return kb


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
