"""Escalation and its clocks: SLA deadlines on calendar or working hours with holidays and
time zones (``clocks``), and who to call when (``escalation_plan``). ``opskb escalate``,
the site's deadline tables and the SLA report all count on these clocks."""
