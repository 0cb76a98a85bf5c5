"""Lists of names follow the interface's language (issue #16: lists formatted per language)."""

from django.template import Context, Template
from django.utils import translation

TEMPLATE = Template("{% load lists %}{{ names|natural_list }}")


def render(names, language):
    with translation.override(language):
        return TEMPLATE.render(Context({"names": names}))


def test_spanish_joins_the_last_name_with_y():
    assert render(["Ana", "Luis", "Marta"], "es") == "Ana, Luis y Marta"
    assert render(["Ana", "Luis"], "es") == "Ana y Luis"


def test_english_uses_and():
    assert render(["Ana", "Luis", "Marta"], "en") == "Ana, Luis, and Marta"
    assert render(["Ana"], "en") == "Ana"


def test_empty_and_blank_items_give_nothing_extra():
    assert render([], "es") == ""
    assert render(None, "en") == ""
    assert render(["Ana", ""], "es") == "Ana"


def test_names_are_escaped():
    assert render(["<b>Ana</b>", "Luis"], "en") == "&lt;b&gt;Ana&lt;/b&gt; and Luis"
