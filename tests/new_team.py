"""What a new team does with opskb, end to end, in a temporary folder (`make new-team`).

    python tests/new_team.py [--work DIR] [--keep]

1. builds opskb's wheel from this repository, and a wheelhouse of it and its dependencies
   at this repository's pins (constraints.txt) from pip's configured sources and cache;
2. makes a fresh virtual environment (no system site packages, nothing of this repo's
   venv) and installs the wheel into it from the wheelhouse alone (--no-index: offline);
3. with that environment only, in a folder with no file of this repository:
   `opskb init` for a Berlin team with Berlin's holidays (DE-BE) and no status mappings,
   then `opskb check --strict` and `mkdocs build --strict`; the built site must hold none
   of the sample company's words (marketplace, its runbook and team ids, Moscow...), and
   search (`opskb find`, the site's ranking) finds the example runbook by its alert
   name and by a symptom;
4. the same with `--language ru --with-statuses`: a Russian site with status pages.

Each step is timed; the figures are printed at the end. Exit 0 when every step passed.
Between 2 and 4, the Berlin team imports the Markdown runbooks it already has
(tests/fixtures/markdown_runbooks: kube-prometheus, GitLab-like, SRE-like and Russian
shapes) with the severities of its alert rule file, annotates that rule file with the
runbook links, sees `opskb check --strict` fail on the TODOs the import left and on
nothing else, fills them in and passes the strict check and build again.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
CONSTRAINTS = REPO / "constraints.txt"
# Third-party files shipped as they are (Material's bundle, vendored Mermaid): their words
# are not the site's.
THIRD_PARTY = ("assets/javascripts/", "assets/stylesheets/", "assets/opskb/vendor/")
# Words of the sample company that no other team's site may show (with its runbook and
# team ids, read from the sample content itself).
MARKDOWN_RUNBOOKS = REPO / "tests" / "fixtures" / "markdown_runbooks"
# The Berlin team's alert rules: the severity of two imported runbooks comes from them.
ALERT_RULES = """groups:
  - name: platform
    rules:
      - alert: KubePodCrashLooping
        expr: max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1
        for: 15m
        labels:
          severity: warning
      - alert: PostgresReplicationLagHigh
        expr: pg_replication_lag_seconds > 300
        for: 5m
        labels:
          severity: critical
"""
SITE_URL = "https://kb.example.test/"
# (query, the imported runbook search ranks first): by alert name and by a symptom
IMPORTED_FOUND = (
    ("KubePodCrashLooping", "kube-pod-crash-looping"),
    ("No space left on device", "disk-almost-full-on-a-storage-node"),
)
SAMPLE_WORDS = ("marketplace", "ozon", "wildberries", "pharma", "moscow", "москва", "маркетплейс")


class StepFailed(Exception):
    """A step of the new team's path did not do what a team expects."""


@dataclass
class Run:
    """One walk through the steps: where it happens, and how long each step took."""

    work: Path
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.timings[step] = time.perf_counter() - started

    @property
    def bin(self) -> Path:
        return self.work / "venv" / "bin"

    def run(self, *args: str | Path, cwd: Path | None = None, ok: bool = True) -> subprocess.CompletedProcess[str]:
        """A command as the team runs it: its venv's tools first on PATH, nothing of ours."""
        env = {
            "PATH": f"{self.bin}:/usr/bin:/bin",
            "HOME": str(self.work),
            "LANG": "C.UTF-8",
            "NO_MKDOCS_2_WARNING": "1",
            **{k: v for k, v in os.environ.items() if k.startswith("PIP_") or k == "OPSKB_TODAY"},
        }
        done = subprocess.run(
            [str(a) for a in args], capture_output=True, text=True, cwd=cwd or self.work, env=env, timeout=900
        )
        if ok and done.returncode != 0:
            raise StepFailed(f"{' '.join(map(str, args))} exited {done.returncode}:\n{done.stdout}{done.stderr}")
        return done


def install(run: Run) -> None:
    """The wheel, a wheelhouse at this repository's pins, and a fresh venv installed from it."""
    dist, wheelhouse = run.work / "dist", run.work / "wheelhouse"
    python = sys.executable
    with run.timed("build the wheel"):
        run.run(python, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, REPO)
    (wheel,) = dist.glob("opskb-*.whl")
    with run.timed("wheelhouse (pip wheel -c constraints.txt)"):
        run.run(python, "-m", "pip", "wheel", "--quiet", "-c", CONSTRAINTS, "-w", wheelhouse, wheel)
    with run.timed("fresh venv, offline install"):
        run.run(python, "-m", "venv", run.work / "venv")
        run.run(
            run.bin / "python", "-m", "pip", "install", "--quiet", "--no-index", "--find-links", wheelhouse,
            "-c", CONSTRAINTS, wheel,
        )  # fmt: skip


def init(run: Run, name: str, *options: str) -> Path:
    """`opskb init NAME OPTIONS`, then the strict check and the strict build; the site folder."""
    root = run.work / name
    with run.timed(f"{name}: opskb init"):
        run.run(run.bin / "opskb", "init", root, *options)
    check(run, name)
    return root / "site"


def check(run: Run, name: str, *options: str) -> None:
    root = run.work / name
    with run.timed(f"{name}: opskb check --strict"):
        run.run(run.bin / "opskb", "check", "--strict", *options, ".", cwd=root)
    with run.timed(f"{name}: mkdocs build --strict"):
        run.run(run.bin / "mkdocs", "build", "--strict", "--site-dir", "site", cwd=root)


def import_markdown(run: Run, name: str) -> list[str]:
    """`opskb import md` of a folder of public-shaped Markdown runbooks into ``name``, with
    the severities of its rule file; the strict check failing on the import's TODOs and
    nothing else; the TODOs filled in; the rule file annotated with the runbook links; the
    strict check (alert rules included) and build passing. The runbooks it made."""
    root = run.work / name
    rules = root / "monitoring" / "rules.yaml"
    rules.parent.mkdir(exist_ok=True)
    rules.write_text(ALERT_RULES, encoding="utf-8")
    route, system = _route_and_system(root)
    before = set((root / "runbooks").glob("*.yaml"))
    with run.timed(f"{name}: opskb import md"):
        imported = run.run(
            run.bin / "opskb", "import", "md", MARKDOWN_RUNBOOKS, "--route", route, "--system", system,
            "--alert-rules", rules, cwd=root, ok=False,
        )  # fmt: skip
    made = sorted(set((root / "runbooks").glob("*.yaml")) - before)
    if imported.returncode not in (0, 1) or not made:  # 1: the folder holds pages that are no runbooks
        raise StepFailed(f"opskb import md exited {imported.returncode}:\n{imported.stdout}{imported.stderr}")
    gate = run.run(run.bin / "opskb", "check", "--strict", "--format", "json", ".", cwd=root, ok=False)
    problems = json.loads(gate.stdout or "[]")
    if gate.returncode != 1 or not problems or not all(is_todo_finding(p) for p in problems):
        raise StepFailed(f"the gate after the import should fail on its TODOs alone:\n{gate.stdout}{gate.stderr}")
    for path in made:
        fill_todos(path)
    # annotate refuses content with errors: the links are written once the TODOs are filled
    run.run(run.bin / "opskb", "alerts", "annotate", rules, "--write", "--site-url", SITE_URL, cwd=root)
    check(run, name, "--alert-rules", "monitoring", "--site-url", SITE_URL)
    return [path.stem for path in made]


def _route_and_system(root: Path) -> tuple[str, str]:
    """A route whose L2 team owns a system: what the team passes for what Markdown does not say."""
    teams = yaml.safe_load((root / "escalation" / "teams.yaml").read_text(encoding="utf-8"))["teams"]
    owns = {team["id"]: team.get("owns", []) for team in teams}
    for route in yaml.safe_load((root / "escalation" / "routes.yaml").read_text(encoding="utf-8"))["routes"]:
        for hop in route["hops"]:
            if hop["line"] == "L2" and owns.get(hop["team"]):
                return route["id"], owns[hop["team"]][0]
    raise StepFailed("no route has an L2 team that owns a system")


def is_todo_finding(problem: dict[str, Any]) -> bool:
    """A placeholder left by the import: KB405 in text, or a schema error about the value
    TODO where an id or a severity belongs."""
    return problem["code"] == "KB405" or (problem["code"] in ("KB101", "KB105") and '"TODO"' in problem["message"])


def fill_todos(path: Path) -> None:
    """What the team writes in place of each TODO of an imported runbook: its own text, a
    severity, and an http check where a step's check was left open."""
    checks: list[dict[str, Any]] = []
    data = _filled(yaml.safe_load(path.read_text(encoding="utf-8")), checks)
    if checks:  # the check a step names goes beside the steps
        ordered: dict[str, Any] = {}
        for key, value in data.items():
            ordered[key] = value
            if key == "steps":
                ordered["checks"] = checks[:1]
        data = ordered
    # written as import writes runbooks (block scalars for text that spans lines), as a
    # person's editor keeps them
    from opskb.authoring.runbook_yaml import dump

    path.write_text(dump(data, ["Filled in by the team."], {}), encoding="utf-8")


def _filled(node: Any, checks: list[dict[str, Any]]) -> Any:
    if isinstance(node, dict):
        filled = {key: _filled(value, checks) for key, value in node.items()}
        if filled.get("check") == "TODO":
            filled["check"] = "service-answers"
            checks.append(
                {"id": "service-answers", "title": "The service answers", "type": "http", "source": "app", "path": "/"}
            )
        if filled.get("severity") == "TODO":
            filled["severity"] = "medium"
        return filled
    if isinstance(node, list):
        return [_filled(value, checks) for value in node]
    if isinstance(node, str) and "TODO" in node and node != "TODO":
        return "Written by the team after the import."
    return node


def sample_ids() -> set[str]:
    """The sample company's runbook, team and route ids, read from its content."""
    ids = {path.stem for path in (REPO / "runbooks").glob("*.yaml")}
    for name in ("teams", "routes"):
        data = yaml.safe_load((REPO / "escalation" / f"{name}.yaml").read_text(encoding="utf-8"))
        ids |= {item["id"] for item in data[name]}
    return ids


def site_text(site: Path) -> Iterator[tuple[str, str]]:
    """(path, text) of every page and opskb search file of a built site, third party aside."""
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.is_file() and path.suffix in (".html", ".js", ".json", ".xml") and not rel.startswith(THIRD_PARTY):
            yield rel, path.read_text(encoding="utf-8", errors="replace").lower()


def sample_words_in(site: Path) -> dict[str, list[str]]:
    """Each sample word (anywhere in a word: marketplaces too) or sample id (as a whole
    id: not inside another one) found in the site, with the files it is in."""
    patterns = {word: re.compile(re.escape(word)) for word in SAMPLE_WORDS}
    patterns |= {ident: re.compile(rf"(?<![\w-]){re.escape(ident)}(?![\w-])") for ident in sample_ids()}
    found: dict[str, list[str]] = {}
    for rel, text in site_text(site):
        for word, pattern in patterns.items():
            if pattern.search(text):
                found.setdefault(word, []).append(rel)
    return found


def find(run: Run, name: str, query: str) -> list[str]:
    """What `opskb find` ranks for ``query`` in the repository ``name``, best first: the
    runbook ids (and any other page as its key)."""
    done = run.run(run.bin / "opskb", "find", "--root", run.work / name, "--format", "json", query)
    return [hit["key"].removeprefix("runbooks/") for hit in json.loads(done.stdout)["results"]]


def new_team(run: Run) -> dict[str, object]:
    """Every step; what a test asserts on."""
    install(run)
    berlin = init(run, "berlin", "--timezone", "Europe/Berlin", "--holidays", "DE-BE")
    imported = import_markdown(run, "berlin")
    russian = init(
        run, "russian", "--language", "ru", "--with-statuses", "--timezone", "Europe/Berlin", "--holidays", "DE-BE"
    )
    return {
        "version": run.run(run.bin / "opskb", "--version").stdout.strip(),
        "imported": imported,
        "berlin_site": berlin,
        "russian_site": russian,
        "sample_words": sample_words_in(berlin),
        "by_alert": find(run, "berlin", "WebApiHighErrorRate"),
        "by_symptom": find(run, "berlin", "users get error pages"),
        "imported_found": {query: find(run, "berlin", query)[:1] for query, _ in IMPORTED_FOUND},
    }


def passed(result: dict[str, object]) -> bool:
    """No sample word on the site, and search ranks the example runbook first both ways."""
    first = ["web-api-errors"]
    found = result["imported_found"] == {query: [ident] for query, ident in IMPORTED_FOUND}
    return (
        not result["sample_words"] and result["by_alert"][:1] == first and result["by_symptom"][:1] == first and found
    )  # type: ignore[index]


def _report(result: dict[str, object], timings: dict[str, float], say: Callable[[str], None]) -> bool:
    ok = passed(result)
    say(f"{result['version']}: {'passed' if ok else 'FAILED'}")
    if result["sample_words"]:
        say(f"sample words in the Berlin site: {result['sample_words']}")
    say(f"opskb find by alert: {result['by_alert']}, by symptom: {result['by_symptom']}")
    for step, seconds in timings.items():
        say(f"{seconds:7.1f} s  {step}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, help="the folder to work in (default: a new temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="opskb-new-team-"))
    work.mkdir(parents=True, exist_ok=True)
    run = Run(work)
    try:
        ok = _report(new_team(run), run.timings, print)
    except StepFailed as failed:
        print(f"failed: {failed}", file=sys.stderr)
        ok = False
    finally:
        if not args.work and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
