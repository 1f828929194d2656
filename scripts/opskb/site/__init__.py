"""The site's pages, engine-free: the page model computed once from the knowledge base
(``pages``, ``deadlines``, ``handbook``), Jinja2 templates with autoescape that a team
overrides (``render``, ``templates/``), labels in each language (``labels``, ``i18n``,
``phrases``), and the macros handwritten pages call (``macros``, checked by ``docrefs``).
MkDocs is reached only through ``opskb.build``."""
