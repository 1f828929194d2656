"""The MkDocs adapter: the only package that touches MkDocs or Material.

``plugin`` maps MkDocs' events to calls, one function each: ``configure`` (the checked
content, the theme), ``generated`` (the generated pages, assets and search index as
MkDocs files), ``content`` (what the adapter adds to a page's HTML), ``languages`` (the
second language's build), ``nav``, ``watch`` (serve's watcher), ``loop`` (the adapter's
part in MkDocs' writing loop), with ``state`` holding a session's and a build's state.
The machinery makes a build or a serve rebuild fast without changing a byte of what a
plain build writes, each piece in its own module, whose docstring states its invariant
and the test that holds it: ``prerendered``, ``stamp``, ``shelf``, ``parallel``,
``writers``, ``preview``."""
