"""Reports from the ticket system's exports (``opskb report sla``).

tickets (the shared export reader, dates) -> keys (duplicates) -> assign (policy, runbook,
systems, team) -> measure (deadlines on the policy's clock) -> aggregate (counts, bounded)
-> model (plain data) -> render_text / render_json / render_csv / render_html.
"""
