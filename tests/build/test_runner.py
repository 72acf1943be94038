"""bookbuild.runner: which blocks get a Run button, and the Pyodide files.

The browser side (clicking Run) is tested in tests/site/test_runner_browser.py.
"""

from __future__ import annotations

import hashlib
import json
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bookbuild import runner  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------ which blocks


@pytest.mark.parametrize("code, runnable", [
    ("import numpy as np\nimport rnnbook\nprint(np.ones(2))", True),
    ("from rnnbook.charlm import Vocab\nimport math\nprint(math.pi)", True),
    ("print(1 + 1)", True),
    ("import torch", False),
    ("import numpy as np\nfrom torch import nn", False),
    ("from bookbuild import bookfig", False),
    ("import matplotlib.pyplot as plt", False),
    ("from pathlib import Path\nprint(Path('bench').exists())", False),
    ("with open('bench/results.json') as f:\n    print(f.read())", False),
    ("import rnnbook\nrnnbook.to_torch(rnnbook.GRU(1, 1))", False),
    ("from rnnbook import from_torch", False),
    ("import numpy as np\nwith np.errstate(over='raise'):\n    np.exp(1000.0)", False),
    ("print(", False),  # not Python: nothing to run
])
def test_a_block_is_runnable_when_it_needs_only_numpy_and_rnnbook(code, runnable):
    assert runner.is_runnable(code) is runnable


PAGE = '''# A page

```python exec="on" source="above" result="text"
import numpy as np
print(np.arange(3))
```

```python exec="on" html="1"
from bookbuild import bookfig
```

```python exec="on" session="s" source="above"
import numpy as np
```

```python exec="on" source="above" result="text"
import torch
```

```python
print("shown, not executed")
```

??? note "Inside a note"

    ```python exec="on" source="above" result="text"
    import rnnbook
    print(rnnbook.__name__)
    ```
'''


def test_runnable_sources_are_the_shown_numpy_blocks_in_order():
    assert runner.runnable_sources(PAGE) == [
        "import numpy as np\nprint(np.arange(3))",
        "import rnnbook\nprint(rnnbook.__name__)",  # dedented out of the note
    ]


def _rendered(code_html: str, lang: str = "python") -> str:
    return (f'<div class="language-{lang} highlight"><pre><span></span><code>'
            f'{code_html}\n</code></pre></div>')


def test_mark_blocks_marks_the_rendered_blocks_by_their_text():
    page = (_rendered('<span class="n">x</span> <span class="o">=</span> 1')
            + _rendered("x = 1", lang="text")
            + _rendered('print(<span class="s2">"a &lt; b &amp; c"</span>)'))
    marked, missing = runner.mark_blocks(page, ["print(\"a < b & c\")"])
    assert missing == []
    assert marked.count("data-runnable") == 1
    assert 'data-runnable><pre><span></span><code>print(' in marked


def test_mark_blocks_reports_a_block_it_cannot_find():
    marked, missing = runner.mark_blocks(_rendered("x = 1"), ["x = 2"])
    assert missing == ["x = 2"] and "data-runnable" not in marked


@pytest.mark.parametrize("url, language, assets, pyodide", [
    ("", "ko", "assets/", "assets/pyodide/"),
    ("rnn/", "ko", "../assets/", "../assets/pyodide/"),
    ("", "en", "assets/", "../assets/pyodide/"),
    ("rnn/", "en", "../assets/", "../../assets/pyodide/"),
])
def test_page_tags_point_to_the_language_assets_and_the_root_pyodide(
        url, language, assets, pyodide):
    tags = runner.page_tags(url, language)
    assert f'href="{assets}runner.css"' in tags
    assert f'src="{assets}runner.js" data-pyodide="{pyodide}"' in tags


# ------------------------------------------------------------ Pyodide files


def _fake_deps(folder: Path, tamper: str | None = None) -> Path:
    """A .deps/pyodide/ with a lock file and a bundle holding three wheels.

    tamper: the name of a wheel whose bundled bytes differ from the lock's hash.
    """
    package = folder / "package"
    package.mkdir(parents=True)
    lock = {"info": {"version": runner.PYODIDE_VERSION}, "packages": {}}
    with zipfile.ZipFile(folder / runner.BUNDLE, "w") as bundle:
        for name in runner.WHEELS:
            file_name = f"{name}-1.0-py3-none-any.whl"
            data = f"the {name} wheel".encode()
            lock["packages"][name] = {"file_name": file_name,
                                      "sha256": hashlib.sha256(data).hexdigest()}
            if name == tamper:
                data += b" changed"
            bundle.writestr(runner.BUNDLE_FOLDER + file_name, data)
    (package / "pyodide-lock.json").write_text(json.dumps(lock))
    for name in runner.CORE_FILES:
        if name != "pyodide-lock.json":
            (package / name).write_bytes(b"core")
    return folder


def test_bundled_wheels_match_the_lock_file(tmp_path):
    wheels = runner.bundled_wheels(_fake_deps(tmp_path))
    assert sorted(wheels) == sorted(runner.WHEELS)
    assert wheels["numpy"] == ("numpy-1.0-py3-none-any.whl", b"the numpy wheel")


def test_a_wheel_whose_hash_differs_fails_the_build(tmp_path, monkeypatch):
    deps = _fake_deps(tmp_path / "deps", tamper="numpy")
    good = hashlib.sha256(b"the numpy wheel").hexdigest()
    bad = hashlib.sha256(b"the numpy wheel changed").hexdigest()
    with pytest.raises(runner.RunnerError) as caught:
        runner.bundled_wheels(deps)
    message = str(caught.value)
    assert "numpy-1.0-py3-none-any.whl" in message
    assert f"expected {good}" in message and f"received {bad}" in message
    # through the MkDocs event: the build stops with that message
    from mkdocs.exceptions import PluginError

    monkeypatch.setenv("RNNBOOK_PYODIDE_DEPS", str(deps))
    with pytest.raises(PluginError, match=f"received {bad}"):
        runner.on_files([], SimpleNamespace(), ROOT, primary=True)


def test_missing_pyodide_files_name_make_install(tmp_path):
    with pytest.raises(runner.RunnerError, match="make install"):
        runner.bundled_wheels(tmp_path)


def test_the_fetched_wheels_match_the_official_lock_file():
    """The real .deps/pyodide/ that `make install` fetched."""
    deps = runner.deps_dir(ROOT)
    wheels = runner.bundled_wheels(deps)
    lock = json.loads((deps / "package" / "pyodide-lock.json").read_text())
    assert lock["info"]["version"] == "0.27.7"
    assert wheels["numpy"][0] == "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"
    assert len(wheels["numpy"][1]) > 1_000_000


def test_rnnbook_wheel_is_built_from_the_checkout_and_kept(tmp_path):
    wheel = runner.rnnbook_wheel(ROOT, tmp_path)
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        assert "rnnbook/__init__.py" in names and "rnnbook/data/corpus.txt" in names
        assert z.read("rnnbook/lstm.py") == (ROOT / "rnnbook/lstm.py").read_bytes()
    assert wheel.name.startswith("rnnbook-") and wheel.name.endswith("-py3-none-any.whl")
    assert runner.rnnbook_wheel(ROOT, tmp_path) == wheel  # the second call reuses it
    assert not (ROOT / "build").exists()  # built in a temporary copy


def test_a_block_missing_from_the_page_is_a_warning_naming_the_page(caplog):
    page = SimpleNamespace(url="rnn/", file=SimpleNamespace(src_uri="rnn.md"))
    config = SimpleNamespace(theme={"language": "en"})
    runner.on_page_markdown(PAGE, page, config)
    html = runner.on_page_content(_rendered("import numpy as np\nprint(np.arange(3))"),
                                  page, config)
    assert html.count("data-runnable") == 1 and "runner.js" in html
    assert [r.getMessage() for r in caplog.records] == [
        "docs/en/rnn.md: no Run button for the block starting "
        "'import rnnbook\\nprint(rnnbook.__name__)' (not found in the rendered page)"]
