"""The content model and its loader: everything ``opskb check`` reads, into one ``KnowledgeBase``.

YAML with positions (``yamldoc``), JSON Schema validation (``schemas``), the folder layout
(``layout``), what a broken file still yields (``recovery``), Prometheus rule files as
Prometheus reads them (``ruleyaml``, ``gotemplate``, ``alertrules``), where every page is
and where the site is published (``addresses``), and the value types the schemas name
(``durations``, ``status_keys``, ``links``, ``inline``). ``kb`` assembles them.

The bottom layer: it imports no other opskb package (tests/test_architecture.py).
"""
