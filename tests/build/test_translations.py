"""bookbuild.translations: twins must have the same equations and code."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bookbuild.translations import equations, split_code, translation_problems  # noqa: E402

KO = """# 제목

은닉 상태 $h_t$는 다음과 같다.

$$
h_t = \\tanh(W x_t) \\quad \\text{은닉 상태}
$$

```python
h = np.tanh(W @ x)  # 은닉 상태
# 설명 주석
print(h)
```
"""
EN = """# Title

The hidden state $h_t$ is

$$
h_t = \\tanh(W x_t) \\quad \\text{hidden state}
$$

```python
h = np.tanh(W @ x)  # hidden state
print(h)
```
"""


def test_split_code_separates_prose_and_drops_comments():
    prose, blocks = split_code(KO)
    assert "```" not in prose and "np.tanh" not in prose
    assert blocks == [("python", "h = np.tanh(W @ x)\nprint(h)")]


def test_split_code_keeps_a_longer_fence_open_past_a_shorter_one():
    text = "````markdown\n```python\nx = 1\n```\n````\nafter"
    prose, blocks = split_code(text)
    assert prose == "after"
    assert blocks == [("markdown", "```python\nx = 1\n```")]


def test_equations_ignore_translated_text_and_spacing():
    assert equations(split_code(KO)[0]) == equations(split_code(EN)[0])
    assert equations("$$a  +\n b$$ then $c$ costs \\$5") == ["a + b", "c"]


def write(folder: Path, pages: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_twins_with_translated_prose_and_comments_pass(tmp_path):
    ko = write(tmp_path / "ko", {"rnn.md": KO})
    en = write(tmp_path / "en", {"rnn.md": EN})
    assert list(translation_problems(ko, en)) == []


def test_missing_translations_are_named(tmp_path):
    ko = write(tmp_path / "ko", {"rnn.md": KO, "lstm.md": KO})
    en = write(tmp_path / "en", {"rnn.md": EN, "gru.md": EN})
    problems = list(translation_problems(ko, en))
    assert problems == [
        "docs/ko/lstm.md has no English translation (docs/en/lstm.md)",
        "docs/en/gru.md has no Korean translation (docs/ko/gru.md)",
    ]


def test_a_different_equation_is_named_with_its_number(tmp_path):
    ko = write(tmp_path / "ko", {"rnn.md": KO})
    en = write(tmp_path / "en", {"rnn.md": EN.replace("$h_t$ is", "$h_{t-1}$ is")})
    [problem] = translation_problems(ko, en)
    assert "docs/ko/rnn.md and docs/en/rnn.md differ in their equations" in problem
    assert "first difference at equation 2" in problem  # display math comes first


def test_a_different_code_line_is_named_with_its_block(tmp_path):
    ko = write(tmp_path / "ko", {"rnn.md": KO})
    en = write(tmp_path / "en", {"rnn.md": EN.replace("print(h)", "print(h.shape)")})
    [problem] = translation_problems(ko, en)
    assert "differ in their code blocks (1 vs 1 blocks; first difference at block 1)" in problem
