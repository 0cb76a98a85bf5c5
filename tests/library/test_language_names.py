"""Languages Django's own list lacks, which the importer detects (Yiddish, Latin...):
their names and writing direction."""

import pytest
from django.utils import translation

from studygroups.library.forms import language_name
from studygroups.library.models import Document


@pytest.mark.parametrize(
    ("code", "english", "spanish"),
    [("yi", "Yiddish", "Yidis"), ("la", "Latin", "Latín"), ("am", "Amharic", "Amárico")],
)
def test_a_language_django_does_not_list_is_named_in_the_interfaces_language(
    code, english, spanish
):
    with translation.override("en"):
        assert language_name(code) == english
    with translation.override("es"):
        assert language_name(code) == spanish
        assert language_name(code, in_sentence=True) == spanish.lower()


def test_known_and_unknown_codes():
    with translation.override("en"):
        assert language_name("pl") == "Polish"
        assert language_name("qx") == "QX"  # no name anywhere: the code


@pytest.mark.parametrize(
    ("code", "direction"),
    [("yi", "rtl"), ("he", "rtl"), ("ar", "rtl"), ("ps", "rtl"), ("la", "ltr"), ("pl", "ltr")],
)
def test_right_to_left_languages_django_does_not_list_are_right_to_left(code, direction):
    assert Document(language=code).direction == direction
