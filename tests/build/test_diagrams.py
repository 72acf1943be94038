"""The book's diagrams (bookbuild/diagrams.py) and the figures' dark theme.

Each diagram is drawn in both languages: it must keep its symbols, show its
words in the language being built (and none of the other's), be drawable by
its fonts (bookfig.svg fails on a glyph the font lacks) and be on its page in
both languages. Every figure is transparent, and its colours turn dark or
light with the site's theme.
"""

from __future__ import annotations

import colorsys
import re
from pathlib import Path

import pytest

from bookbuild import bookfig, diagrams

ROOT = Path(__file__).resolve().parents[2]
HANGUL = re.compile("[\uac00-\ud7a3]")

# diagram -> (its page, symbols in both languages, {language: words})
DIAGRAMS = {
    "rnn_cell": ("rnn.md", [r"$W_{hh}$", r"$W_{ih}$", r"$a_t$", r"$h_{t-1}$", r"$h_t$",
                            "tanh"],
                 {"ko": ["RNN 셀", "행렬 곱", "원소별 합"],
                  "en": ["RNN cell", "matrix product", "element-wise sum"]}),
    "lstm_cell": ("lstm.md", [r"$f_t$", r"$i_t$", r"$g_t$", r"$o_t$", r"$c_{t-1}$",
                              r"$c_t$", r"$h_t$", r"$\odot$", "+", r"$\sigma$"],
                  {"ko": ["셀 상태(컨베이어 벨트)", "망각", "입력", "후보", "출력",
                          "시그모이드 층", "원소별 곱"],
                   "en": ["cell state (the conveyor belt)", "forget", "input",
                          "candidate", "output", "sigmoid layer",
                          "element-wise product"]}),
    "gru_cell": ("gru.md", [r"$z_t$", r"$r_t$", r"$n_t$", r"$1-z_t$", r"$W_{hn}$",
                            r"$W_{in}$", r"$h_{t-1}$", r"$h_t$"],
                 {"ko": ["업데이트", "리셋", "후보", "행렬 곱과 편향"],
                  "en": ["update", "reset", "candidate", "matrix product and bias"]}),
    "bptt_paths": ("bptt.md", [r"$h_{t}$", r"$h_{t+1}$", r"$\mathrm{d}y_t\,W_{hy}$",
                               r"$\mathrm{d}a_{t+1}W_{hh}$",
                               r"$\mathrm{d}h_t = \mathrm{d}y_t\,W_{hy} + "
                               r"\mathrm{d}a_{t+1}W_{hh}$"],
                   {"ko": ["① 단계 t의 손실에서", "② 다음 단계에서"],
                    "en": ["① from the loss at t", "② from the next step"]}),
    "bptt_truncated": ("bptt.md", [r"$h_{1}$", r"$h_{12}$", r"$L_{12}$", "×"],
                       {"ko": ["조각 1 (1~4단계)", "조각 3 (9~12단계)",
                               "역전파(조각 안에서만)"],
                        "en": ["chunk 1 (steps 1-4)", "chunk 3 (steps 9-12)",
                               "backward: inside the chunk only"]}),
    "lstm_backward": ("lstm.md", [r"$\mathrm{d}c_{t-1} = \mathrm{d}c_t \odot f_t$",
                                  r"$\mathrm{d}h_t$", r"$\mathrm{d}c_t$",
                                  r"$\mathrm{d}c_t \odot c_{t-1}$", r"$i_t \odot g_t$"],
                      {"ko": ["+ 노드는 기울기를 그대로 보낸다", "⊙ 노드는 상대편 값을 곱한다",
                              "역전파(기울기)"],
                       "en": ["+ passes the gradient on unchanged",
                              "⊙ multiplies by the other input", "backward (gradient)"]}),
    "padded_batch": ("lengths.md", ["b = 0", "b = 2", r"$L_1 = 3$", "batch_sizes", "0"],
                     {"ko": ["패딩한 배치(짧은 시퀀스 끝에 0을 채운다)",
                             "패킹한 데이터(길이순으로 정렬하고 단계별로 읽는다)"],
                      "en": ["padded batch (zeros after the short sequences)",
                             "packed data (sorted by length, read step by step)"]}),
    "seq2seq_attention": ("seq2seq.md", [r"$h_1$", r"$h_5$", r"$s_4$", r"$s_0 = h_S$",
                                         r"$c_3$", r"$a_{3j}$", r"$e_{3j} = s_3 \cdot h_j$"],
                          {"ko": ["인코더", "디코더", "어텐션(가중합)"],
                           "en": ["encoder", "decoder", "attention (weighted sum)"]}),
}
LANGS = ["ko", "en"]


def drawn_text(svg: str) -> list[str]:
    """The strings of a figure: matplotlib writes each one as a comment."""
    return re.findall(r"<!-- (.*?) -->", svg)


def draw(name: str, lang: str, monkeypatch) -> str:
    monkeypatch.setenv("RNNBOOK_LANG", lang)
    return bookfig.svg(getattr(diagrams, name)())


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", DIAGRAMS)
def test_diagram_has_its_symbols_and_translated_words(name, lang, monkeypatch):
    _, symbols, words = DIAGRAMS[name]
    text = drawn_text(draw(name, lang, monkeypatch))
    other = "en" if lang == "ko" else "ko"
    missing = [s for s in symbols + words[lang] if s not in text]
    assert not missing, f"{name} ({lang}) does not draw {missing}"
    leftover = [w for w in words[other] if w in text]
    assert not leftover, f"{name} ({lang}) draws words of the other language: {leftover}"
    if lang == "en":
        assert not [t for t in text if HANGUL.search(t)], f"{name}: Hangul on the English figure"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", DIAGRAMS)
def test_diagram_is_on_its_page(name, lang):
    page, _, _ = DIAGRAMS[name]
    text = (ROOT / "docs" / lang / page).read_text(encoding="utf-8")
    blocks = re.findall(r'```python exec="on" html="1"\n(.*?)```', text, re.S)
    assert any(f"diagrams.{name}(" in block for block in blocks), (
        f"docs/{lang}/{page} has no figure block drawing diagrams.{name}")


def test_hangul_in_math_fails_the_figure(monkeypatch):
    """The control for the glyph check: mathtext has no Hangul, so this fails."""
    monkeypatch.setenv("RNNBOOK_LANG", "ko")
    fig, ax = diagrams.canvas(2, 1)
    diagrams.label(ax, (1, 0.5), "$망각$")
    with pytest.raises(ValueError, match="cannot draw"):
        bookfig.svg(fig)


def test_two_drawings_are_identical(monkeypatch):
    assert draw("lstm_cell", "ko", monkeypatch) == draw("lstm_cell", "ko", monkeypatch)


# ---------------------------------------------------------------- dark theme

def lightness(colour: str) -> float:
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(r, g, b)[1]


@pytest.mark.parametrize("colour, low, high", [
    ("#000000", 0.8, 1.0),    # black text turns light
    ("#ffffff", 0.0, 0.2),    # a white fill turns dark
    ("#fff4e0", 0.0, 0.25),   # so does a pale one
    ("#3949ab", 0.66, 1.0),   # a mid-tone line stands out on the dark page
])
def test_dark_flips_lightness(colour, low, high):
    assert low <= lightness(bookfig.dark(colour)) <= high


def test_a_pale_line_stays_visible():
    """A faint line on white stays a faint but visible line on the dark page."""
    assert 0.4 <= lightness(bookfig.dark("#9fa8da", stroke=True)) <= 0.6
    assert lightness(bookfig.dark("#9fa8da")) < 0.4  # as a fill it turns darker


def test_dark_keeps_the_hue():
    for colour in ["#c62828", "#3949ab", "#2e7d32", "#ffe9a8"]:
        def hue(c):
            return colorsys.rgb_to_hls(*(int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)))[0]
        assert abs(hue(bookfig.dark(colour)) - hue(colour)) < 0.02, colour


def test_dark_rejects_a_colour_name():
    with pytest.raises(ValueError, match="'#rrggbb'"):
        bookfig.dark("white")


def plain_figure():
    """A figure as the book's plots make it: white fills, black text, a legend."""
    fig, ax = bookfig.figure(figsize=(3, 2))
    ax.plot([0, 1], [0, 1], color="#3949ab", label="a")
    ax.add_patch(__import__("matplotlib").patches.Circle((0.5, 0.5), 0.1, fc="white"))
    ax.legend()
    ax.set_title(bookfig.tr("제목", "title"))
    return fig


@pytest.mark.parametrize("make", [plain_figure, diagrams.lstm_cell, diagrams.bptt_truncated],
                         ids=["plot", "lstm_cell", "bptt_truncated"])
def test_figure_has_no_opaque_white_in_the_dark_theme(make):
    svg = bookfig.svg(make())
    fixed = re.findall(r"(?:fill|stroke|stop-color): #[0-9a-fA-F]{3,6}", svg)
    assert not fixed, f"colours that do not follow the theme: {fixed[:5]}"
    assert 'id="patch_1">' in svg and re.search(
        r'id="patch_1">\s*<path[^>]*style="fill: none"', svg), "the background is not transparent"
    style = re.search(r"<style>@media screen \{ \[data-md-color-scheme=\"slate\"\] "
                      r"\.rnnbook-figure \{(.*?)\}", svg).group(1)
    dark = dict(re.findall(r"--rf-((?:s-)?[0-9a-f]{6}): (#[0-9a-f]{6});", style))
    used = set(re.findall(r"var\(--rf-((?:s-)?[0-9a-f]{6}),", svg))
    assert used <= set(dark), f"no dark value for {sorted(used - set(dark))}"
    pale = [c for c in used if not c.startswith("s-") and lightness("#" + c) > 0.8]
    assert pale, "the control: these figures have white or pale fills"
    assert all(lightness(dark[c]) < 0.3 for c in pale), {c: dark[c] for c in pale}
    assert lightness(dark["000000"]) > 0.8  # text, which matplotlib leaves black


def test_html_wraps_the_figure_with_its_caption(monkeypatch):
    monkeypatch.setenv("RNNBOOK_LANG", "en")
    out = bookfig.html(diagrams.rnn_cell(), 'the "cell"', "One RNN cell <one step>.")
    assert out.startswith('<figure class="rnnbook-figure" data-search-exclude><svg ')
    assert 'aria-label="the &quot;cell&quot;"' in out
    assert out.endswith("<figcaption>One RNN cell &lt;one step&gt;.</figcaption></figure>")
