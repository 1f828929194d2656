from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR

SYNONYMS = "docs/synonyms.yaml"
# English words only: the rule reference is indexed for search, and a Russian word form of
# an example would become a form the lexicon knows, with its own stem
_GROUPS = "groups:\n  - id: queue\n    terms: [queue, backlog]\n  - id: stock\n    terms: [stock, inventory]\n"

RULE = Rule(
    code="KB333",
    name="synonym-in-two-groups",
    level=ERROR,
    summary="One search term in two synonym groups (docs/synonyms.yaml), compared as search reads words.",
    message="'{term}' is the search term '{other}' of group '{first}' ({where}): group '{group}' cannot have it too",
    hint="keep the term in one group, or merge the two groups if they mean the same",
    why=(
        "Search reads every term of a group as one term. A term in two groups belongs to whichever group comes "
        "first, so the second group loses it: a query for it finds the runbooks of the wrong meaning, or none. "
        "Case, ё/е and word endings do not tell terms apart (Stocks and stock are one term)."
    ),
    fix="Keep the term in the group whose meaning it has; merge the groups if both meanings are one.",
    bad=Example(
        files={SYNONYMS: _GROUPS + "  - id: goods\n    terms: [goods, Stocks]\n"},
        expect=f"{SYNONYMS}:7:20",
    ),
    good=Example(files={SYNONYMS: _GROUPS + "  - id: goods\n    terms: [goods, merchandise]\n"}),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    from ..search.textanalysis import stem, words_of

    entity = kb.synonyms
    if entity is None:
        return
    seen: dict[tuple[str, ...], tuple[str, str, tuple]] = {}  # stems -> group, term, its path
    for index, group in enumerate(entity.data.get("groups", [])):
        for number, term in enumerate(group.get("terms", [])):
            stems = tuple(stem(word) for word in words_of(term))
            if not stems:
                continue
            first = seen.setdefault(stems, (group["id"], term, ("groups", index, "terms", number)))
            if first[0] != group["id"]:
                line, _ = entity.locate(*first[2])
                params = {"term": term, "other": first[1], "first": first[0], "group": group["id"]}
                yield Finding(entity, ("groups", index, "terms", number), {**params, "where": f"{entity.file}:{line}"})
