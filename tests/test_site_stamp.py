"""Pages filled from a shell (build/stamp.py) are the pages the theme renders.

The plugin renders Material's page, and its table of contents, once per group of alike
generated pages and fills the copy for each page. Whatever it fills must be byte for byte
what the theme itself renders: each site here is built with stamping on and with
``stamp: false``, and every file compared. The content is the repository's own and a
payload in every free-text field, with a team override that makes a heading carrying a
payload the parent of others (the place where Material prints a title a second way,
``striptags | e``, as an aria-label).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from payloads import payload_tree
from site_helpers import copy_minimal, mkdocs_build, repository_content, write_config

# A section override: the steps heading carries the runbook's title (a payload) and has
# each step below it.
STEPS_OVERRIDE = """\
{{ heading(2, t("runbook.steps") ~ " " ~ page.data.title ~ " \\"quoted\\" 'it''s' & <b>", "steps") }}
{% for s in page.steps %}
{{ heading(3, s.number ~ ". " ~ s.step.title, "step-" ~ s.step.id) }}
<p>{{ s.step.do }}</p>
{% endfor %}
"""

FILLED = re.compile(
    r"opskb: (\d+) pages filled from (\d+) shells, (\d+) rendered; tables of contents from (\d+) shells \((\d+) not"
)


def _both_builds(root: Path, base: Path, handwritten: bool) -> tuple[Path, Path, str]:
    config = write_config(root, handwritten=handwritten)
    text = config.read_text(encoding="utf-8")
    text = text.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n", 1)
    stamped = base / "stamped"
    config.write_text(text, encoding="utf-8")
    result = mkdocs_build(config, stamped, verbose=True)
    assert result.returncode == 0, result.stderr
    rendered = base / "rendered"
    option = re.search(r"^      root: .*$", text, flags=re.M)
    assert option is not None
    config.write_text(text.replace(option.group(0), option.group(0) + "\n      stamp: false"), encoding="utf-8")
    plain = mkdocs_build(config, rendered)
    assert plain.returncode == 0, plain.stderr
    return stamped, rendered, result.stderr


def _assert_same_files(stamped: Path, rendered: Path) -> int:
    names = sorted(p.relative_to(stamped).as_posix() for p in stamped.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(rendered).as_posix() for p in rendered.rglob("*") if p.is_file())
    differ = [name for name in names if (stamped / name).read_bytes() != (rendered / name).read_bytes()]
    assert differ == []
    return len(names)


def _tree(kind: str, base: Path) -> Path:
    sample = base / "sample"
    if kind == "repository":
        root = repository_content(sample)
    else:
        root = payload_tree(copy_minimal(sample), base / "content").root
    steps = root / "overrides" / "opskb" / "runbook" / "steps.html"
    steps.parent.mkdir(parents=True)
    steps.write_text(STEPS_OVERRIDE, encoding="utf-8")
    return root


@pytest.mark.parametrize("kind", ["repository", "payloads"])
def test_a_stamped_site_is_the_site_the_theme_renders(tmp_path: Path, kind: str) -> None:
    root = _tree(kind, tmp_path)
    stamped, rendered, log = _both_builds(root, tmp_path, handwritten=kind == "repository")
    assert _assert_same_files(stamped, rendered) > 10
    found = FILLED.search(log)
    assert found is not None, log[-2000:]
    filled, shells, _, toc_shells, toc_refused = map(int, found.groups())
    # Stamping did happen: the comparison above is of filled pages, not of two renders; and
    # every table of contents, its escaped aria-labels included, came from a shell.
    assert filled > 0 and shells > 0 and toc_shells > 0
    assert toc_refused == 0
    page = next(p for p in sorted(stamped.glob("runbooks/*.html")) if p.name != "index.html").read_text("utf-8")
    # The override's parent heading is in the table of contents, its aria-label escaped.
    assert re.search(r'<nav class="md-nav" aria-label="[^"<>]*&#34;quoted&#34;[^"<>]*&amp; &lt;b&gt;">', page), page
