"""The opskb site: an MkDocs plugin that generates pages from the knowledge base."""
