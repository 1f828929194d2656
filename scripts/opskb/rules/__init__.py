"""Rules of `opskb check`: one module per rule, named after its code."""
