from studygroups.core.markdown import markdown_to_plain


def test_markdown_becomes_plain_text_for_option_labels():
    assert markdown_to_plain("What might a reader today *question*?") == (
        "What might a reader today question?"
    )
    assert markdown_to_plain("See [the **text**](https://x.org) &amp; more\n\nNext") == (
        "See the text & more Next"
    )
    assert markdown_to_plain("<b>typed</b>") == "<b>typed</b>"  # typed, not markup


def test_limit_cuts_at_a_word():
    assert markdown_to_plain("word " * 40, limit=30) == "word word word word word…"
