# Everything needs only python3 and make: the first target that needs the venv creates it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SITE   := .cache/site
HOST   ?= 127.0.0.1:8000
# Where the site is published: the runbook_url of the sample alert rules (tests/fixtures/monitoring/) leads here.
SITE_URL ?= https://opskb.example.org/
# mkdocs-material prints a banner about its successor on every build; it is not a warning
# about this site, and it would drown the build's own output.
export NO_MKDOCS_2_WARNING := 1

.PHONY: help install serve test check review build bench lint system-deps clean

help:
	@echo "make serve  - set up and serve the site on http://$(HOST)"
	@echo "make test   - set up and run every test, the checker and the strict build"
	@echo "make check  - opskb check --strict on this repo (the merge gate; review dates aside)"
	@echo "make review - runbooks whose review is overdue (KB401)"
	@echo "make build  - mkdocs build --strict into $(SITE)"
	@echo "make bench  - run the benchmarks (the site on real-sized content; figures go to the README by hand)"

# pyproject.toml states the ranges opskb works with; constraints.txt, this repository's
# exact pins, is what it is installed and tested with here and in CI.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --quiet -c constraints.txt -e '.[test]'
	touch $@

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/mkdocs serve --dirty --no-strict --dev-addr $(HOST)

# The merge gate leaves out KB401 (review overdue): reviews fall due with the calendar,
# not with a change, and a clean clone must not start failing on a date. `make review`
# lists them; run it on a schedule (docs/contributing.md).
check: $(STAMP)
	$(BIN)/opskb check --strict --ignore KB401 --alert-rules tests/fixtures/monitoring --site-url $(SITE_URL) .

review: $(STAMP)
	$(BIN)/opskb check --select KB401 .

build: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir $(SITE)

lint: $(STAMP)
	$(BIN)/ruff check scripts tests benchmarks
	$(BIN)/ruff format --check scripts tests benchmarks

# Real parts for the tests: Chromium for the browser tests, PostgreSQL and Prometheus
# for the diagnostics. Installed from Debian's packages when missing and we are root.
system-deps:
	@$(BIN)/python tests/system_deps.py

test: $(STAMP) system-deps lint check build
	$(BIN)/pytest -n 2 --dist loadgroup

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .cache
