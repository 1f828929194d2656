from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._tree import ROUTES

RULE = Rule(
    code="KB310",
    name="hop-line-mismatch",
    level=ERROR,
    summary="A route hop's support line differs from the line of the team it names.",
    message="hop says {hop_line} but team '{team}' is {team_line}",
    hint="set line: {team_line} on the hop, or name an {hop_line} team",
    why=(
        "The hop's line says who is being called (L2: the client's owner, L3: developers or vendors); naming "
        "a team of another line sends the escalation to developers when an owner was meant, or the reverse."
    ),
    fix="Set the hop's line: to the line of its team, or name a team of the hop's line.",
    bad=Example(replace={ROUTES: [("      - line: L3\n", "      - line: L2\n")]}, expect=f"{ROUTES}:12:15"),
    good=Example(),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for route in kb.routes.values():
        for index, hop in enumerate(route.data["hops"]):
            team = kb.teams.get(hop["team"])
            if team is not None and team.data["line"] != hop["line"]:
                yield Finding(
                    route,
                    ("hops", index, "line"),
                    {
                        "hop_line": hop["line"],
                        "team": team.id,
                        "team_line": team.data["line"],
                    },
                )
