"""opskb: a knowledge base and runbook site for incident support teams, with executable checks."""

__version__ = "0.2.0"
