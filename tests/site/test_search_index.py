"""Korean search that forgives spacing (bookbuild/search.py), without MkDocs.

The browser tests type such queries into the real search box of the built
site (tests/site/test_browser.py, QUERIES); these check the index rewrite.
"""

from __future__ import annotations

import json

from conftest import ROOT

from bookbuild import search

GLOSSARY = (ROOT / "docs" / "ko" / "glossary.md").read_text(encoding="utf-8")


def test_glossary_terms_are_the_spaced_korean_terms_of_the_table():
    terms = search.glossary_terms(GLOSSARY)
    for term in ["망각 게이트", "은닉 상태", "셀 상태", "기울기 소실"]:
        assert term in terms
    assert "게이트" not in terms          # one word: nothing to forgive
    assert "한국어" not in terms           # the header row
    assert all(" " in t for t in terms)


def test_spaced_text_gets_the_joined_form_with_its_particle():
    text = "망각 게이트는 값을 지운다. 셀 상태를 지나는 망각\n게이트"
    assert search.variants(text, ["망각 게이트", "셀 상태"]) == \
        ["망각게이트는", "망각게이트", "셀상태를"]


def test_joined_text_gets_the_spaced_words_but_not_inside_a_longer_word():
    assert search.variants("은닉상태와 후보은닉상태", ["은닉 상태"]) == ["은닉", "상태"]
    assert search.variants("English only", ["은닉 상태"]) == []


def test_english_names_go_to_the_section_the_glossary_links():
    names = search.english_names(GLOSSARY)
    assert "forget gate" in names["lstm/#forget-gate"]
    assert "weight sharing parameter sharing" in names["rnn/#parameter-sharing"]
    assert any("GRU" in name for name in names["gru/"])  # a whole page
    assert sum(map(len, names.values())) >= 100


def test_the_explaining_section_gets_the_english_field_with_its_boost():
    index = {"config": {"fields": {"text": {"boost": 1.0}}},
             "docs": [{"location": "lstm/#forget-gate", "title": "망각 게이트", "text": ""},
                      {"location": "lstm/#summary", "title": "요약", "text": "망각 게이트"}]}
    search.add_search_fields(index, [], {"lstm/#forget-gate": ["forget gate"]})
    assert index["config"]["fields"]["english"]["boost"] > 1.0
    assert index["docs"][0]["english"] == "forget gate"
    assert "english" not in index["docs"][1]  # a mention is not the explanation


def test_index_gets_a_searched_field_only_where_terms_occur():
    index = {"config": {"fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}}},
             "docs": [{"location": "lstm/#forget-gate", "title": "망각 게이트",
                       "text": "<p>망각 게이트는 <code>f</code>를 만든다.</p>"},
                      {"location": "rnn/", "title": "RNN", "text": "<p>no term</p>"}]}
    search.add_search_fields(index, ["망각 게이트"])
    assert index["config"]["fields"]["variants"] == {"boost": 1.0}
    assert index["docs"][0]["variants"] == "망각게이트 망각게이트는"
    assert "variants" not in index["docs"][1]


def test_rewrite_index_keeps_the_rest_of_the_file(tmp_path):
    (tmp_path / "search").mkdir()
    original = {"config": {"lang": ["ko"], "fields": {"text": {"boost": 1.0}}},
                "docs": [{"location": "", "title": "은닉 상태", "text": "x"}]}
    (tmp_path / "search" / "search_index.json").write_text(json.dumps(original))
    glossary = tmp_path / "glossary.md"
    glossary.write_text("## 용어 {#terms}\n\n| 한국어 | English |\n|---|---|\n"
                        "| 은닉 상태 | hidden state |\n", encoding="utf-8")
    assert search.rewrite_index(tmp_path, glossary) == 1
    written = json.loads((tmp_path / "search" / "search_index.json").read_text())
    assert written["config"]["lang"] == ["ko"]
    assert written["docs"] == [{"location": "", "title": "은닉 상태", "text": "x",
                                "variants": "은닉상태"}]


def test_a_site_without_glossary_keeps_its_index(tmp_path):
    (tmp_path / "search").mkdir()
    docs = [{"location": "", "title": "은닉 상태", "text": "x"}]
    (tmp_path / "search" / "search_index.json").write_text(
        json.dumps({"config": {"fields": {}}, "docs": docs}))
    assert search.rewrite_index(tmp_path, tmp_path / "no-glossary.md") == 0
    written = json.loads((tmp_path / "search" / "search_index.json").read_text())
    assert written["docs"] == docs


def test_outputs_mathml_and_api_source_are_marked_for_search_to_skip():
    html = ('<div class="language-text highlight"><pre><code>0.5\n</code></pre></div>'
            '<div class="language-python highlight"><pre><code>x = 1</code></pre></div>'
            '<mjx-container><mjx-assistive-mml unselectable="on" display="inline">'
            '<math><mi>x</mi></math></mjx-assistive-mml></mjx-container>'
            '<details class="mkdocstrings-source"><summary>Source code in</summary>'
            '</details><details class="example"><summary>Example</summary></details>')
    out = search.leave_out_of_index(html)
    assert out.count("data-search-exclude") == 3
    assert '<details class="example">' in out  # the API's examples stay searchable
    assert '<div class="language-python highlight">' in out  # code stays searchable


def test_the_built_indexes_hold_no_printed_output_or_api_source(built_site):
    from bs4 import BeautifulSoup

    for lang in ["", "en/"]:
        page = BeautifulSoup((built_site / lang / "rnn" / "index.html").read_text("utf-8"),
                             "html.parser")
        outputs = [div.get_text() for div in page.select("div.language-text.highlight")]
        assert len(outputs) >= 5, "the control: the page shows printed outputs"
        index = (built_site / lang / "search" / "search_index.json").read_text("utf-8")
        text = " ".join(doc["text"] for doc in json.loads(index)["docs"])
        first_lines = [o.strip().splitlines()[0] for o in outputs if o.strip()]
        printed = [line for line in first_lines if len(line) > 15]
        assert printed and not [line for line in printed if line in text], lang
        api = BeautifulSoup((built_site / lang / "api" / "layers" / "index.html").read_text(
            "utf-8"), "html.parser").get_text()
        source = "def pack_padded_sequence("  # in the API page's source listing
        assert source in api, "the control: the API page shows its source"
        assert source not in text and "pack_padded_sequence" in text, lang
