"""Alert rules and runbooks linked both ways: which runbooks an alert leads to
(``alertlinks``) and writing each alert's ``runbook_url`` into rule files (``annotate``).
Reading rule files is the content model's (``opskb.model.alertrules``)."""
