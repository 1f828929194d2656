"""Writing content: a new knowledge base (``starter``, templates in ``templates/init``), a
new runbook (``scaffold``), and runbooks imported from Markdown (``mdrunbook``, with
``import_sections.json``; ``runbook_yaml`` writes them out)."""
