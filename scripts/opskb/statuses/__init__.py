"""Marketplace order statuses and the exports they arrive in: reading a ticket system's or
a marketplace's export whatever its encoding, delimiter and column names (``exports``,
with ``export_columns.json``), comparing orders with the mapping (``reconcile``), and
writing CSV that a spreadsheet opens without running a formula (``spreadsheet``)."""
