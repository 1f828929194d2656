"""Alert rule files: `opskb check --alert-rules` and `opskb alerts annotate` against
`promtool check rules`, on generated rule files of 500 and 2,000 alerts.

Every alert is listed by a runbook, so annotate writes (and verifies) every link. Each
alert has a PromQL expression with two aggregations, a label, and a templated
annotation, so the PromQL parser and the template parser both run for every rule.
Prints the machine's speed reference (measure.machine_reference), then a Markdown table
for the README (best of 3, CPU time of the process).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

from measure import measure, print_reference

BIN = Path(sys.executable).parent
OPSKB = str(BIN / "opskb")
MINIMAL = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "minimal"
SIZES = (500, 2000)


def rule_file(path: Path, alerts: int) -> None:
    lines = ["groups:"]
    for number in range(alerts):
        if number % 50 == 0:
            lines += [f"  - name: group{number // 50}", "    rules:"]
        lines += [
            f"      - alert: Synthetic{number:05d}ErrorRate",
            f'        expr: sum by (job) (rate(http_requests_total{{code=~"5..",job="j{number}"}}[5m]))'
            " / sum by (job) (rate(http_requests_total[5m])) > 0.05",
            "        for: 10m",
            "        labels: {severity: critical}",
            "        annotations:",
            '          summary: "{{ $labels.job }} errors at {{ $value | humanizePercentage }}"',
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def best(argv: list[str]) -> tuple[float, float]:
    runs = [measure(argv) for _ in range(3)]
    assert all(r.returncode == 0 for r in runs), argv
    return min(r.cpu_seconds for r in runs), max(r.peak_mb for r in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="alerts per rule file")
    args = parser.parse_args()
    print_reference()
    promtool = shutil.which("promtool")
    print("| alerts | file | opskb check | annotate (every link, as a diff) | peak memory | promtool check rules |")
    print("|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        kb = Path(tmp) / "kb"
        shutil.copytree(MINIMAL, kb)
        for alerts in args.sizes:
            rules = Path(tmp) / f"rules{alerts}.yaml"
            rule_file(rules, alerts)
            runbook = kb / "runbooks" / "prices-not-applied.yaml"
            names = ", ".join(f"Synthetic{n:05d}ErrorRate" for n in range(alerts))
            text = runbook.read_text(encoding="utf-8")
            runbook.write_text(re.sub(r"^alerts: .*$", f"alerts: [{names}]", text, flags=re.M), encoding="utf-8")
            check, peak = best([OPSKB, "check", str(kb), "--alert-rules", str(rules), "--select", "KB5"])
            annotate, _ = best([OPSKB, "alerts", "annotate", str(rules), "--root", str(kb), "--site-url", "https://x/"])
            oracle = f"{best([promtool, 'check', 'rules', str(rules)])[0]:.2f} s" if promtool else "n/a"
            size = rules.stat().st_size / 1024
            print(f"| {alerts:,} | {size:.0f} KB | {check:.2f} s | {annotate:.2f} s | {peak:.0f} MB | {oracle} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
