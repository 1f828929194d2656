"""Subcommands of `opskb`: one module each, with NAME, HELP, add_arguments(parser), run(args)."""
