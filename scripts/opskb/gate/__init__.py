"""The gate: the rule registry (``registry``), running every rule over a loaded knowledge
base (``checker``), folding the problems that follow from one mistake (``cascade``), and
the rule reference's text (``rulesdoc``). The rules themselves are ``opskb.rules``, found
by name at run time: they import the gate, the gate never imports a rule."""
