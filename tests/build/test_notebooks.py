"""bookbuild.notebooks: a chapter's Markdown and the build's outputs become a notebook.

Running every notebook of the built site is tests/site/test_notebooks_run.py.
"""

from __future__ import annotations

import base64
import re
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bookbuild import notebooks  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SITE = "https://example.org/book/"
WHEEL = "rnnbook-9.9.9-py3-none-any.whl"

PAGE = '''# 장 제목 {#top}

첫 문단, [다른 장](rnn.md#graphs)과 [rnnbook.RNN][] 참고.

```python exec="on" html="1"
print('<figure class="rnnbook-figure"><svg role="img" aria-label="그림 설명" x="1"></svg>'
      '<figcaption>캡션</figcaption></figure>')
```

```python exec="on" source="above" result="text"
import numpy as np
print(np.arange(3))
```

값은 다음과 같다.

```python exec="on"
print("**42**")
```

!!! question "연습 1"

    질문 문단.

??? success "풀이"

    풀이 문단.

    ```python exec="on" source="above" result="text"
    import torch
    print(torch.ones(1).item())
    ```

    마지막 문단.

=== "NumPy"

    탭 문단.

```text
그대로 둔다
```

*[RNN]: recurrent neural network
'''

OUTPUTS = [
    ("print('<figure class=\"rnnbook-figure\"><svg role=\"img\" aria-label=\"그림 설명\" x=\"1\">"
     "</svg>'\n      '<figcaption>캡션</figcaption></figure>')",
     '<figure class="rnnbook-figure"><svg role="img" aria-label="그림 설명" x="1"></svg>'
     "<figcaption>캡션</figcaption></figure>\n"),
    ("import numpy as np\nprint(np.arange(3))", "[0 1 2]\n"),
    ('print("**42**")', "**42**\n"),
    ("import torch\nprint(torch.ones(1).item())", "1.0\n"),
]


def make(outputs=OUTPUTS, language="ko", markdown=PAGE):
    return notebooks.notebook(markdown, outputs, language=language, site_url=SITE,
                              page="chapter.md", wheel=WHEEL)


def test_first_cell_names_the_chapter_and_what_to_install():
    first = make().cells[0]
    assert first.cell_type == "markdown"
    assert first.source.startswith("# 장 제목\n")  # no {#top}
    assert f"pip install {SITE}assets/pyodide/{WHEEL} numpy torch" in first.source
    assert f"]({SITE}chapter/)" in first.source


def test_torch_is_installed_only_when_a_code_cell_imports_it():
    page = PAGE.replace("import torch\n    print(torch.ones(1).item())",
                        "print(1.0)")
    outputs = OUTPUTS[:3] + [("print(1.0)", "1.0\n")]
    first = make(outputs, markdown=page).cells[0].source
    assert f"{WHEEL} numpy\n" in first and "torch" not in first


def test_english_wheel_address_is_the_site_root():
    nb = notebooks.notebook(PAGE, OUTPUTS, language="en", site_url=SITE + "en/",
                            page="chapter.md", wheel=WHEEL)
    assert f"pip install {SITE}assets/pyodide/{WHEEL}" in nb.cells[0].source
    assert "To run this notebook" in nb.cells[0].source


def test_code_cells_in_page_order_with_the_build_outputs():
    code = [c for c in make().cells if c.cell_type == "code"]
    assert [c.source for c in code] == [OUTPUTS[1][0], OUTPUTS[3][0]]
    assert [c.outputs[0]["text"] for c in code] == ["[0 1 2]\n", "1.0\n"]
    assert [c.execution_count for c in code] == [1, 2]


def test_text_figure_and_hidden_markdown():
    nb = make()
    intro = nb.cells[1]
    assert "[다른 장](https://example.org/book/rnn/#graphs)" in intro.source
    assert f"[`rnnbook.RNN`]({SITE}api/layers/#rnnbook.layers.RNN)" in intro.source
    assert "![그림 설명](attachment:figure-1.svg)" in intro.source
    assert "*캡션*" in intro.source
    svg = base64.b64decode(intro.attachments["figure-1.svg"]["image/svg+xml"]).decode()
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    after = nb.cells[3].source
    assert "값은 다음과 같다.\n\n**42**" in after  # the hidden block's Markdown


def test_admonitions_become_quotes_and_tabs_titles():
    text = "\n\n".join(c.source for c in make().cells if c.cell_type == "markdown")
    assert "> **연습 1**\n>\n> 질문 문단." in text
    assert "> **풀이**\n>\n> 풀이 문단." in text
    assert "> 마지막 문단." in text
    assert "**NumPy**\n\n탭 문단." in text
    assert "```text\n그대로 둔다\n```" in text
    assert "*[RNN]" not in text and "!!!" not in text and "???" not in text


def test_the_notebook_is_valid_and_stable():
    nb = make()
    nbformat.validate(nb)
    assert nbformat.writes(nb) == nbformat.writes(make())  # fixed cell ids


def test_a_block_without_recorded_output_is_an_error():
    with pytest.raises(notebooks.NotebookError, match="np.arange"):
        make(OUTPUTS[:1])


def test_bad_language_is_named():
    with pytest.raises(ValueError, match="language.*'fr'"):
        make(language="fr")


def test_which_pages_are_chapters_and_their_links():
    assert notebooks.is_chapter("chapter.md", PAGE)
    assert not notebooks.is_chapter("index.md", PAGE)
    assert not notebooks.is_chapter("glossary.md", "# 용어집\n\n```python\nx\n```\n")
    link = notebooks.download_link("rnn.md", "rnn/", "ko")
    assert 'href="../notebooks/rnn.ipynb"' in link and "노트북" in link
    assert "Jupyter notebook" in notebooks.download_link("rnn.md", "rnn/", "en")


def test_wheel_name_follows_pyproject():
    version = re.search(r'^version = "(.+)"$', (ROOT / "pyproject.toml").read_text(), re.M)[1]
    assert notebooks.wheel_name(ROOT) == f"rnnbook-{version}-py3-none-any.whl"
    assert notebooks.root_url(SITE + "en/", "en") == SITE
