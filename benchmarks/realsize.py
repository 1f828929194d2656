"""Real-sized knowledge bases for the benchmarks: copies of this repository's own runbooks.

``make_tree(root, count)`` writes ``count`` runbooks made from ``runbooks/*.yaml`` (all of
them, cycled: 3 to 5.5 KB each), beside the repository's own ``escalation/``,
``status_mappings/``, ``docs/``, ``schemas/`` and ``mkdocs.yml``. The first copy of each runbook is the
runbook itself (the handwritten pages link to some of them); every later copy gets its own
id, title, alert names, symptoms and a tag drawn from the repository's own words, so that
the pages and the search index are not thousands of duplicates. References stay valid:
routes, teams, systems and checks are the template's; a related id names the same copy of
the related runbook (or the runbook itself when that copy is not in the tree); the review
date is recent, so the tree passes ``opskb check --strict`` on any day
(tests/test_bench_content.py and site_bench.py assert it).

A copy is the template parsed and written again (PyYAML, no line folding): the same
fields and prose, a little shorter than the hand-folded original.
"""

from __future__ import annotations

import copy as copy_module
import datetime
import random
import re
import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
FOLDERS = ("escalation", "status_mappings", "docs", "schemas")
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def templates() -> list[dict]:
    """The repository's runbooks, in file-name order."""
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted((REPO / "runbooks").glob("*.yaml"))]


def _vocabulary(runbooks: list[dict]) -> tuple[list[str], list[str]]:
    """The Latin and the Cyrillic words (4 letters or more) of the runbooks' prose, each once."""
    text = " ".join(
        " ".join([rb["title"], *rb["symptoms"], rb["impact"], *(step["title"] for step in rb["steps"])])
        for rb in runbooks
    ).lower()
    latin = sorted(set(re.findall(r"\b[a-z]{4,}\b", text)))
    cyrillic = sorted(set(re.findall(r"\b[а-яё]{4,}\b", text)))
    return latin, cyrillic


def _camel(words: list[str]) -> str:
    return "".join(word.capitalize() for word in words)


class Copier:
    """Makes copy ``number`` of template ``template`` among ``count`` runbooks."""

    def __init__(self, count: int, today: datetime.date | None = None) -> None:
        self.runbooks = templates()
        self.count = count
        self.today = today or datetime.date.today()
        self.latin, self.cyrillic = _vocabulary(self.runbooks)
        # Tags as a real tree grows them: the templates' own and some hundred more.
        self.tags = sorted(
            {*(t for rb in self.runbooks for t in rb.get("tags", [])), *self.latin[:: max(1, len(self.latin) // 120)]}
        )
        self.position = {rb["id"]: i for i, rb in enumerate(self.runbooks)}

    def ident(self, template: int, copy: int) -> str:
        """The id of copy ``copy`` of template ``template`` (copy 0 is the runbook itself)."""
        base = self.runbooks[template]["id"]
        if copy == 0:
            return base
        word = self.latin[(template * 7919 + copy * 104729) % len(self.latin)]
        return f"{base}-{word}-{copy}"

    def _exists(self, template: int, copy: int) -> bool:
        return copy * len(self.runbooks) + template < self.count

    def runbook(self, index: int) -> dict:
        """Runbook number ``index`` of the tree."""
        template, copy = index % len(self.runbooks), index // len(self.runbooks)
        data = copy_module.deepcopy(self.runbooks[template])
        reviewed = self.today - datetime.timedelta(days=index % 30)
        data["review"]["last_reviewed"] = reviewed.isoformat()
        if copy == 0:
            return data
        rng = random.Random(index)
        words = rng.sample(self.latin, 4)
        ru = rng.sample(self.cyrillic, 2)
        place = f"{rng.choice(['warehouse', 'store', 'region', 'shop'])} {rng.randint(1, 400)}"
        data["id"] = self.ident(template, copy)
        data["title"] = f"{data['title']}: {words[0]} {words[1]}, {place}"
        if data.get("alerts"):
            data["alerts"] = [f"{alert}{_camel(words[2:4])}{copy}" for alert in data["alerts"]]
        symptoms = []
        for number, symptom in enumerate(data["symptoms"]):
            extra = " ".join(rng.sample(self.cyrillic if re.search("[а-яё]", symptom) else self.latin, 2))
            symptoms.append(f"{symptom} ({extra}, {place})" if number % 2 == 0 else symptom)
        symptoms.append(f"{' '.join(rng.sample(self.latin, 3))} after {words[3]} at {place}")
        symptoms.append(f"{ru[0]} {ru[1]}: {place}")
        data["symptoms"] = symptoms
        data["tags"] = sorted({*data.get("tags", []), rng.choice(self.tags)})
        if data.get("related"):
            data["related"] = [self._related(name, copy) for name in data["related"]]
        return data

    def _related(self, name: str, copy: int) -> str:
        template = self.position[name]
        return self.ident(template, copy if self._exists(template, copy) else 0)


def runbook_text(data: dict) -> str:
    return yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=10**6)


def make_tree(root: Path, count: int, today: datetime.date | None = None) -> Path:
    """Write a knowledge base of ``count`` real-sized runbooks under ``root`` (emptied first)."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for folder in FOLDERS:
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")  # its content root is ".": the tree
    (root / "runbooks").mkdir()
    copier = Copier(count, today)
    for index in range(count):
        data = copier.runbook(index)
        (root / "runbooks" / f"{data['id']}.yaml").write_text(runbook_text(data), encoding="utf-8")
    return root


def alert_of(count: int, index: int | None = None) -> str:
    """An alert name runbook ``index`` (default: the middle one) of a tree of ``count``
    lists, or the nearest runbook after it that lists one: what an engineer pastes from
    a firing alert into a search."""
    copier = Copier(count)
    start = count // 2 if index is None else index
    for number in (*range(start, count), *range(start)):
        alerts = copier.runbook(number).get("alerts")
        if alerts:
            return alerts[0]
    raise ValueError("no runbook of the tree lists an alert")
