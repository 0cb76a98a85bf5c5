"""Turning what people type into terms, and marked text into safe HTML (no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studygroups.search import snippets
from studygroups.search.query import MAX_INPUT, MAX_TERMS, clean_input, parse


def test_plain_words_are_lowercased_and_quoted_for_fts5():
    assert parse("Reading TOGETHER").fts5() == '"reading" "together"'


def test_balanced_quotes_make_a_phrase():
    query = parse('"reading together" slowly')
    assert query.phrases == ["reading together"]
    assert query.plain_words == ["slowly"]
    assert query.fts5() == '"reading together" "slowly"'


def test_curly_quotes_make_a_phrase_too():
    assert parse("“reading together”").phrases == ["reading together"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"unbalanced quote', '"unbalanced" "quote"'),
        ("a AND b OR c NOT d", '"a" "and" "b" "or" "c" "not" "d"'),
        ("NEAR(a b, 3)", '"near" "a" "b" "3"'),
        ("title:secret", '"title" "secret"'),
        ("prefix* -minus ^caret", '"prefix" "minus" "caret"'),
        ("(((", ""),
        ("?!…—", ""),
        ("", ""),
        ("   ", ""),
        ("snake_case", '"snake" "case"'),
        ("don't", '"don" "t"'),
    ],
)
def test_operators_and_punctuation_become_plain_words(text, expected):
    assert parse(text).fts5() == expected


def test_long_input_is_cut_not_refused():
    query = parse("word " * 1000)
    assert len(query.terms) == 1
    many = parse(" ".join(f"w{i}" for i in range(100)))
    assert len(many.terms) == MAX_TERMS
    assert len(clean_input("x" * 5000)) == MAX_INPUT


def test_marker_characters_typed_by_people_are_removed():
    assert snippets.START not in clean_input(f"a{snippets.START}b{snippets.STOP}")


@given(st.text(max_size=400))
def test_parse_never_raises_and_quotes_every_term(text):
    match = parse(text).fts5()
    for term in parse(text).terms:
        assert all(w and '"' not in w for w in term.words)
    assert match.count('"') % 2 == 0


def test_snippet_escapes_everything_but_the_highlight():
    marked = f'<script>alert(1)</script> {snippets.START}word{snippets.STOP} & "x"'
    html = snippets.to_html(marked)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>word</mark>" in html
    assert "&amp;" in html


@given(st.text(alphabet=st.sampled_from(["a", "<", ">", "&", snippets.START, snippets.STOP])))
def test_snippet_marks_are_always_balanced(marked):
    html = snippets.to_html(marked)
    assert html.count("<mark>") == html.count("</mark>")
    assert "<" not in html.replace("<mark>", "").replace("</mark>", "")


def _to_html_reference(marked):
    """The plain character loop to_html replaced: the same output, character by character."""
    from django.utils.html import escape

    out, buffer, open_ = [], [], False
    for ch in marked:
        if ch in (snippets.START, snippets.STOP):
            out.append(escape("".join(buffer)))
            buffer = []
            if ch == snippets.START and not open_:
                out.append("<mark>")
                open_ = True
            elif ch == snippets.STOP and open_:
                out.append("</mark>")
                open_ = False
        else:
            buffer.append(ch)
    out.append(escape("".join(buffer)))
    if open_:
        out.append("</mark>")
    return "".join(out)


@given(st.text(alphabet=st.sampled_from(["a", " ", "<", "&", "'", snippets.START, snippets.STOP])))
def test_snippet_html_is_the_character_loops(marked):
    assert snippets.to_html(marked) == _to_html_reference(marked)
