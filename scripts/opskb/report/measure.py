"""A ticket measured on its SLA policy's clock: deadlines and verdicts.

Deadlines are counted by ``opskb.escalation.clocks``, the code of ``opskb escalate`` (working hours,
weekends, the calendar's public holidays, time zones; 24x7 counts every minute). Each of
reaction and resolution is:

* ``met``: done by its deadline;
* ``breached``: done after it, or not done and the deadline passed by the end of the period;
* ``pending``: not done, and due after the end of the period;
* ``unknown`` (reaction only): the export has no first-response column, or no time in it
  for a ticket that is resolved or whose reaction deadline has passed: it is not guessed.

The ticket as a whole is breached when either is, else pending when either is, else met.
How late a breach is counts wall-clock time from the deadline to the moment it was done
(or the end of the period).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import NamedTuple

from ..escalation import clocks
from ..model.kb import KnowledgeBase
from .tickets import Ticket

MET, BREACHED, PENDING, UNKNOWN = "met", "breached", "pending", "unknown"


@dataclass(frozen=True)
class Policy:
    id: str
    react_within: timedelta  # in the clock's time (a day on working hours is a working day)
    resolve_within: timedelta
    clock: clocks.Clock

    @cached_property
    def durations(self) -> tuple[timedelta, timedelta]:
        return self.react_within, self.resolve_within


def policies(kb: KnowledgeBase) -> dict[str, Policy]:
    """Every SLA policy with the clock it runs on."""
    found = {}
    for entity in kb.sla_policies.values():
        clock = clocks.clock_of(kb, entity.data)
        react, resolve = (clocks.clock_duration(entity.data[k], clock) for k in ("react_within", "resolve_within"))
        found[entity.id] = Policy(entity.id, react, resolve, clock)
    return found


class Measured(NamedTuple):  # react, resolve, verdict side by side: aggregate counts Measured[2:5]
    react_due: datetime
    resolve_due: datetime
    react: str
    resolve: str
    verdict: str
    react_late: timedelta | None
    resolve_late: timedelta | None


def measure(ticket: Ticket, policy: Policy, as_of: datetime, responses: bool = True) -> Measured:
    """Deadlines and verdicts of one ticket, as of ``as_of`` (the end of the period);
    ``responses``: whether the export has a first-response column at all."""
    # created is aware (read in the report's zone) and the policy's clock and durations
    # were checked when it was made: the deadlines are counted without checking again.
    # The verdicts are written out, not a function per verdict: this runs a million times.
    react_due, resolve_due = clocks.counted_deadlines(ticket.created, policy.durations, policy.clock)
    done = ticket.first_response
    react_late = resolve_late = None
    if done is not None:
        if done <= react_due:
            react = MET
        else:
            react, react_late = BREACHED, done - react_due
    elif responses and ticket.resolved is None and react_due > as_of:
        react = PENDING
    else:  # no column, resolved without a time for it, or its deadline passed: not guessed
        react = UNKNOWN
    done = ticket.resolved
    if done is not None:
        if done <= resolve_due:
            resolve = MET
        else:
            resolve, resolve_late = BREACHED, done - resolve_due
    elif resolve_due > as_of:
        resolve = PENDING
    else:
        resolve, resolve_late = BREACHED, as_of - resolve_due
    if react == BREACHED or resolve == BREACHED:
        verdict = BREACHED
    elif react == PENDING or resolve == PENDING:
        verdict = PENDING
    else:
        verdict = MET
    return Measured(react_due, resolve_due, react, resolve, verdict, react_late, resolve_late)
