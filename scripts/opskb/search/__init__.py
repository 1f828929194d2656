"""One search for the site and the terminal: the analyzer both sides share
(``textanalysis``), the index built from the site's pages, written in chunks for the
browser (``searchindex``), and the ranking and cache behind ``opskb find`` (``search``)."""
