"""The site's own words in English and Russian, and templates a team overrides.

Both catalogs hold the same labels (counted labels in the plural forms each language
has); the language follows ``theme.language`` of mkdocs.yml; a team's template under
``overrides/opskb/`` replaces the packaged one. Builds run `mkdocs build --strict`.
"""

from __future__ import annotations

import ast
import html
import re
from datetime import datetime
from pathlib import Path

import pytest

from opskb.site import labels
from opskb.site.labels import CASES, Labels, catalog, languages, plural_categories
from opskb.site.render import TEMPLATES
from site_helpers import copy_minimal, mkdocs_build, write_config

pytestmark = pytest.mark.xdist_group("site")

PLURAL = re.compile(rf"^(duration(?:\.(?:{'|'.join(CASES)}))?\.\w+)\.(\w+)$")


def _split(table: dict[str, str]) -> tuple[set[str], dict[str, set[str]]]:
    plain, counted = set(), {}
    for key in table:
        match = PLURAL.match(key)
        if match:
            counted.setdefault(match.group(1), set()).add(match.group(2))
        else:
            plain.add(key)
    return plain, counted


def test_both_catalogs_hold_the_same_labels() -> None:
    assert languages() == ["en", "ru"]
    en_plain, en_counted = _split(catalog("en"))
    for language in languages():
        plain, counted = _split(catalog(language))
        assert plain == en_plain, (language, sorted(plain ^ en_plain))
        assert set(counted) == set(en_counted), language
        for key, forms in counted.items():
            assert forms == plural_categories(language), (language, key, forms)
        assert all(text.strip() for text in catalog(language).values()), language


SITE = TEMPLATES.parent
# Python calls that look a label up by its key (Labels.get/raw, Site.t, the templates' tm).
_LOOKUPS = {"t", "tm", "get", "raw"}


def _template_labels() -> tuple[set[str], set[str]]:
    """Keys the templates name (``t("runbook.steps")``, ``tm(...)``) and the prefixes of
    the keys they compute (``t("severity." ~ r.severity)``)."""
    used, prefixes = set(), set()
    for path in TEMPLATES.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            used |= set(re.findall(r"\btm?\([\"']([\w.]+)[\"'][,)]", text))
            prefixes |= set(re.findall(r"\btm?\([\"']([\w.]+\.\w*)[\"'] ~", text))
    return used, prefixes


def _python_labels() -> tuple[set[str], set[str], set[str], set[str]]:
    """From the site's Python: keys looked up (``self.t("title.rules")``), every string
    equal to a key (keys kept in a tuple and looked up in a loop), prefixes of computed
    keys (``t(f"card.short_{unit}")``) and the prefixes handed to the page scripts whole
    (``labels.subset("timer")``)."""
    looked_up, strings, prefixes, subsets = set(), set(), set(), set()
    for path in SITE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            first = node.args[0]
            if name == "subset" and isinstance(first, ast.Constant):
                subsets.add(first.value + ".")
            elif name in _LOOKUPS and isinstance(first, ast.Constant) and "." in str(first.value):
                looked_up.add(first.value)
            elif name in _LOOKUPS and isinstance(first, ast.JoinedStr) and isinstance(first.values[0], ast.Constant):
                prefixes.add(first.values[0].value)
    return looked_up, strings, prefixes, subsets


def _placeholders(text: str) -> set[str]:
    # a field's name, without the grammatical case a label may ask for ({duration:genitive})
    return set(re.findall(r"\{(\w*)(?::\w+)?\}", text))


def test_every_label_the_site_names_is_in_both_catalogs_and_every_label_is_used() -> None:
    """One word list: a key a template or the site's Python names exists in every catalog
    with the same {fields}, and no catalog holds a label nothing shows."""
    en = catalog("en")
    in_templates, template_prefixes = _template_labels()
    looked_up, strings, python_prefixes, subsets = _python_labels()
    named = in_templates | looked_up
    assert len(named) > 150
    for language in languages():
        assert sorted(named - set(catalog(language))) == [], language
    prefixes = template_prefixes | python_prefixes
    for prefix in prefixes | subsets:
        assert any(key.startswith(prefix) for key in en), prefix
    # A label handed to a page script is used when the script asks for it by name.
    scripts = "".join(p.read_text(encoding="utf-8") for p in (SITE / "assets").glob("*.js"))
    asked = {key for key in en for prefix in subsets if key.startswith(prefix) and f'"{key[len(prefix) :]}"' in scripts}
    used = named | (strings & set(en)) | asked | {key for key in en if key.startswith(tuple(prefixes))}
    assert sorted(set(en) - used) == []
    # the same {fields} in every language (every plural form of a counted label alike)
    for language in languages():
        table = catalog(language)
        for key, text in table.items():
            plural = PLURAL.match(key)
            reference = en.get(key) or en[f"{plural.group(1)}.other"]
            assert _placeholders(text) == _placeholders(reference), (language, key)


def test_plural_forms_follow_the_language() -> None:
    ru = Labels("ru")
    assert [ru.duration(d) for d in ("1m", "2h", "5m", "21d", "30m")] == [
        "1 минута",
        "2 часа",
        "5 минут",
        "21 день",
        "30 минут",
    ]
    assert Labels("en").duration("1h") == "1 hour" and Labels("en").duration("30m") == "30 minutes"


def test_a_russian_label_puts_a_duration_in_the_case_its_preposition_needs() -> None:
    """'в течение' and 'до' take the genitive, 'через' and 'за' the accusative: '1 час'
    is 'в течение 1 часа', '1 минута' is 'через 1 минуту'; English has one form."""
    ru, en = Labels("ru"), Labels("en")
    within = [ru.get("sla.react", duration=ru.duration(d)) for d in ("1h", "2h", "5m", "21m", "1d", "3d")]
    assert within == [
        "Реакция в течение 1 часа",
        "Реакция в течение 2 часов",
        "Реакция в течение 5 минут",
        "Реакция в течение 21 минуты",
        "Реакция в течение 1 дня",
        "Реакция в течение 3 дней",
    ]
    after = [ru.get("chain.after", duration=ru.duration(d)) for d in ("1m", "2m", "1h", "4h", "1d")]
    assert after == [
        "через 1 минуту после регистрации",
        "через 2 минуты после регистрации",
        "через 1 час после регистрации",
        "через 4 часа после регистрации",
        "через 1 день после регистрации",
    ]
    assert ru.get("map.by", duration=ru.duration("1h")) == "до 1 часа"
    assert en.get("sla.react", duration=en.duration("1h")) == "React within 1 hour"
    # Printed on its own (a table cell), a duration is its nominative.
    assert f"{ru.duration('1m')}" == "1 минута" and str(ru.duration("2h")) == "2 часа"


def test_dates_are_spelt_in_the_language() -> None:
    """Weekdays and months are Babel's (CLDR) abbreviations, as the worked deadlines show them."""
    night = datetime(2026, 2, 20, 23, 0)
    assert Labels("en").moment(night) == "Fri 20 Feb 2026 23:00"
    assert Labels("ru").moment(night) == "пт 20 февр. 2026 23:00"
    assert Labels("ru").day(datetime(2026, 2, 23)) == "пн 23 февр."
    assert Labels("ru").weekdays(["mon", "fri"]) == "пн, пт" and Labels("en").weekdays(["sat"]) == "Sat"


def test_a_missing_label_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(catalog("ru"), "runbook.steps")
    assert Labels("ru").get("runbook.steps") == "Steps"
    assert Labels("ru").get("runbook.do_not") == "Не делать"
    assert Labels("de").language == labels.FALLBACK and Labels("de").get("runbook.do_not") == "Do not"


def _build(
    tmp_path: Path, edit=None, overrides: dict[str, str] | None = None, pages: dict[str, str] | None = None
) -> tuple[Path, str]:
    root = copy_minimal(tmp_path / "content")
    config = write_config(root)
    for name, body in (pages or {}).items():  # handwritten pages, outside the navigation
        (root / "docs" / name).write_text(body, encoding="utf-8")
    text = config.read_text(encoding="utf-8")
    if pages:
        text += "not_in_nav: |\n" + "".join(f"  /{name}\n" for name in pages)
    if edit:
        text = edit(text)
    if overrides:
        for rel, body in overrides.items():
            path = root / "overrides" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, encoding="utf-8")
        text = text.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n", 1)
    config.write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    result = mkdocs_build(config, site)
    return site, result.stderr if result.returncode else ""


def _visible(page: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_a_russian_site_speaks_russian(tmp_path: Path) -> None:
    # One language (no `languages:` in the plugin's settings), theme.language: ru.
    site, error = _build(
        tmp_path,
        lambda text: re.sub(
            r"^      languages: .*\n", "", text.replace("  language: en\n", "  language: ru\n", 1), flags=re.M
        ),
    )
    assert not error, error
    page = (site / "runbooks" / "prices-not-applied.html").read_text(encoding="utf-8")
    assert '<html lang="ru"' in page  # Material's own interface follows the same setting
    text = _visible(page)
    for label in ("Первые действия", "Не делать", "Звонить сейчас:", "Срок:", "Шаги", "Владелец и эскалация"):
        assert label in text, label
    assert "Реакция в течение 15 минут" in text and "через 30 минут после регистрации" in text
    # the worked deadlines (Babel's dates) and "suggest a change" come from the catalog too
    assert "Сроки на примерах" in text and re.search(r"(пн|вт|ср|чт|пт) \d+ \w+\.? 20\d\d \d\d:\d\d", text)
    assert "Предложить правку этой страницы: измените её источник, runbooks/prices-not-applied.yaml" in text
    for english in ("First response", "Do not", "Call now", "Owner and escalation", "Symptoms and alerts"):
        assert english not in text, english
    for english in ("Worked deadlines", "Suggest a change", "Registered", "mon, tue"):
        assert english not in text, english
    assert 'data-opskb-labels="' in page and "Таймер инцидента" in page
    assert 'placeholder="Поиск: симптом, алерт, статус"' in page  # the header's search box
    teams = _visible((site / "escalation" / "teams.html").read_text(encoding="utf-8"))
    assert "Справочник команд" in teams and "Контакты:" in teams
    # anchors do not change with the language: links into a page keep working
    assert 'id="do-not"' in page and 'id="first-response"' in page


def test_a_team_overrides_one_section_from_its_custom_dir(tmp_path: Path) -> None:
    override = (
        '<div class="team-do-not"><p>Our own Do-not block</p><ul>'
        "{% for item in page.data.do_not %}<li>{{ item.action }}</li>{% endfor %}</ul></div>\n"
    )
    site, error = _build(tmp_path, overrides={"opskb/runbook/do_not.html": override})
    assert not error, error
    page = (site / "runbooks" / "prices-not-applied.html").read_text(encoding="utf-8")
    assert 'class="team-do-not"' in page and "Our own Do-not block" in page
    assert "admonition danger" not in page
    assert 'class="opskb-first-response"' in page  # every other section is the packaged one


def test_search_finds_a_reference_page_as_the_team_overrode_it(tmp_path: Path) -> None:
    """The site's search index is made from the pages the site serves: a section a team
    adds to the escalation map in its own template is found, in each language."""
    packaged = (TEMPLATES / "escalation" / "map.html").read_text(encoding="utf-8")
    added = '{{ heading(2, "Quokkaword duty desk", "duty-desk") }}\n<div><p>Zanzibarish hand-over notes</p></div>\n'
    site, error = _build(tmp_path, overrides={"opskb/escalation/map.html": packaged + added})
    assert not error, error
    for folder in (site, site / "ru"):
        assert "Quokkaword duty desk" in (folder / "escalation" / "index.html").read_text(encoding="utf-8")
        index = " ".join(p.read_text(encoding="utf-8") for p in (folder / "assets/opskb/search").glob("*.js"))
        assert "quokkaword" in index and "zanzibarish" in index and "escalation/index.html#duty-desk" in index


def test_a_team_overrides_the_small_pieces_too(tmp_path: Path) -> None:
    """The sentence under a generated page and the HTML inside a macro's table are
    templates as well: a team's version replaces them, and content stays escaped in it."""
    overrides = {
        "opskb/partials/suggest.html": '<p class="team-suggest">Ask: <a href="{{ edit_url }}">{{ source }}</a></p>\n',
        "opskb/handbook/inline.md": (
            "{% macro code(text) %}<kbd>{{ text }}</kbd>{% endmacro %}"
            '{% macro link(label, href) %}<a class="team-contact" href="{{ href }}">{{ label }}</a>{% endmacro %}\n'
        ),
    }
    site, error = _build(tmp_path, overrides=overrides, pages={"teams-table.md": "# Teams\n\n{{ team_table() }}\n"})
    assert not error, error
    page = (site / "runbooks" / "prices-not-applied.html").read_text(encoding="utf-8")
    assert '<p class="team-suggest">Ask: <a href="' in page and "opskb-suggest" not in page
    assert ">runbooks/prices-not-applied.yaml</a>" in page
    table = (site / "teams-table.html").read_text(encoding="utf-8")
    assert '<a class="team-contact" href="mailto&#58;l1&#64;example.org">' in table  # escaped for Markdown
    assert '<a class="team-contact" href="mailto:l1@example.org">l1@example.org</a>' in html.unescape(table)


def test_a_broken_override_fails_the_build_saying_where(tmp_path: Path) -> None:
    overrides = {"opskb/runbook/steps.html": "{{ page.no_such_thing }}\n", "opskb/runbook/do_not.html": "{% if %}\n"}
    _, error = _build(tmp_path, overrides={"opskb/runbook/do_not.html": overrides["opskb/runbook/do_not.html"]})
    assert "opskb: a page template fails: " in error and "overrides/opskb/runbook/do_not.html:1: " in error, error
    assert "Traceback" not in error
    _, error = _build(tmp_path / "again", overrides={"opskb/runbook/steps.html": overrides["opskb/runbook/steps.html"]})
    assert "no_such_thing" in error and "Traceback" not in error, error
    # the HTML inside a handwritten page's macro table: the macro fails, naming the file
    broken = {"opskb/handbook/inline.md": "{% macro code(text) %}{{ text }\n"}
    _, error = _build(tmp_path / "macro", overrides=broken, pages={"teams-table.md": "{{ team_table() }}\n"})
    assert "docs/teams-table.md: team_table(): " in error and "overrides/opskb/handbook/inline.md:1: " in error
    assert "Traceback" not in error, error


def test_every_duration_reads_as_the_language_says_it() -> None:
    """ "Update every hour" is 'каждый час', not 'каждые 1 час': the word for "every" agrees
    with the number and the unit's gender, and one unit goes without its number."""
    ru, en = Labels("ru"), Labels("en")
    every = [
        ru.get("update.every", duration=ru.duration(d)) for d in ("1h", "1m", "1d", "2h", "5m", "21m", "11h", "30m")
    ]
    assert every == [
        "каждый час",
        "каждую минуту",
        "каждый день",
        "каждые 2 часа",
        "каждые 5 минут",
        "каждую 21 минуту",
        "каждые 11 часов",
        "каждые 30 минут",
    ]
    assert [en.get("update.every", duration=en.duration(d)) for d in ("1h", "30m", "90d")] == [
        "every hour",
        "every 30 minutes",
        "every 90 days",
    ]
    assert ru.get("review.every", duration=ru.duration("90d")) == "каждые 90 дней"
