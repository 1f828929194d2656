"""Why the loader combines yaml_rs and libyaml events: measured over the YAML test suite,
hostile inputs and one of this repository's own runbooks. Prints the machine's speed
reference (measure.machine_reference), then Markdown tables for the README."""

from __future__ import annotations

import argparse
import sys
import time

import yaml
import yaml_rs
from measure import print_reference
from realsize import REPO

from opskb.model.yamldoc import load_document

SUITE = REPO.parent / "shared" / "yaml-test-suite"


def _accepts_pyyaml(loader: type, text: str) -> bool:
    try:
        list(yaml.load_all(text, Loader=loader))
        return True
    except Exception:  # PyYAML raises YAMLError, and RecursionError/ValueError on some inputs
        return False


def _accepts_yaml_rs(text: str) -> bool:
    try:
        yaml_rs.loads(text, parse_datetime=False)
        return True
    except Exception:
        return False


def suite_table() -> None:
    invalid = set((SUITE / "ERRORS.txt").read_text().split())
    cases = sorted(SUITE.glob("*.yaml"))
    # yaml_rs alone is left out of the whole-suite run: it kills the process on deep block nesting
    # (measured: '- ' * 100_000), which is why the loader bounds depth before calling it.
    rows = {"PyYAML CSafeLoader": [], "PyYAML SafeLoader (pure)": [], "yaml_rs": [], "opskb loader": []}
    disagree = 0
    for case in cases:
        text = case.read_text(encoding="utf-8", errors="replace")
        c_ok, py_ok = _accepts_pyyaml(yaml.CSafeLoader, text), _accepts_pyyaml(yaml.SafeLoader, text)
        disagree += c_ok != py_ok
        document, findings = load_document(case, case.name)
        loaded = document.data is not None or not any(f.code.startswith("KB0") for f in findings)
        for name, accepted in zip(rows, (c_ok, py_ok, _accepts_yaml_rs(text), loaded), strict=True):
            rows[name].append((case.stem, accepted))
    print(f"YAML test suite: {len(cases)} inputs, {len(invalid)} invalid. C and pure PyYAML disagree on {disagree}.\n")
    print("| parser | invalid inputs accepted | valid inputs refused |")
    print("|---|---:|---:|")
    for name, results in rows.items():
        accepted_bad = sum(ok for stem, ok in results if stem in invalid)
        refused_good = sum(not ok for stem, ok in results if stem not in invalid)
        print(f"| {name} | {accepted_bad} | {refused_good} |")
    print()


def speed_table() -> None:
    path = REPO / "runbooks" / "prices-not-applied.yaml"
    text = path.read_text(encoding="utf-8")
    rounds = 3000
    timings = {
        "yaml_rs.loads": lambda: yaml_rs.loads(text, parse_datetime=False),
        "PyYAML CSafeLoader load": lambda: yaml.load(text, Loader=yaml.CSafeLoader),
        "PyYAML CSafeLoader events (positions)": lambda: list(yaml.parse(text, Loader=yaml.CSafeLoader)),
        "opskb load_document (read + checks + parse)": lambda: load_document(path, "runbook.yaml"),
    }
    print(f"Per file, a {len(text):,}-byte runbook ({rounds} rounds):\n")
    print("| step | microseconds |")
    print("|---|---:|")
    for name, call in timings.items():
        started = time.perf_counter()
        for _ in range(rounds):
            call()
        print(f"| {name} | {(time.perf_counter() - started) / rounds * 1e6:.0f} |")
    print()


def main() -> int:
    argparse.ArgumentParser(description=__doc__).parse_args()
    print_reference()
    if SUITE.is_dir():
        suite_table()
    speed_table()
    return 0


if __name__ == "__main__":
    sys.exit(main())
