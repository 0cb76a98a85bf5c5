"""Language detection as a family rule: every language told by its function words (Latin
and Cyrillic scripts) or by its script (Greek, Hebrew, Arabic, Indic, ...), close languages
told apart by the words only one of them uses, short texts left to the default, and new
codes carried through the importer into the library, reading times and search."""

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_import.load import import_paths
from corpus_import.metadata import _STOPSETS, _script_language, detect_language
from corpus_import.normalize import casefolded_word_ids, casefolded_words
from studygroups.library.forms import language_name
from studygroups.library.models import Document
from studygroups.library.reading import words_per_minute

from .conftest import FIXTURES

# A few sentences of ordinary prose per language, in two registers: a reading group or a
# cooperative ("group"), and a historical or legal passage written afterwards, without
# looking at the stop-word lists ("history"). Written for these tests.
SAMPLES = [
    tuple(line.split("\t"))
    for line in (FIXTURES / "lang_samples.tsv").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
]


@pytest.mark.parametrize(
    "language,register,text", SAMPLES, ids=[f"{lang}-{reg}" for lang, reg, _ in SAMPLES]
)
def test_each_language_is_told_by_its_words_or_its_script(language, register, text):
    expected = KNOWN_CONFUSIONS.get((language, register), language)
    assert detect_language(text, default="??") == expected
    # Callers may pass the sample's casefolded words, or their ids (the pipeline): the
    # same answer.
    assert detect_language(text, default="??", words=casefolded_words(text)) == expected
    assert detect_language(text, default="??", ids=casefolded_word_ids(text)) == expected


# Texts whose words cannot tell the language: this Bosnian passage has only words that
# Serbian shares (no jat reflex, no "sedmica"/"historija"), and reads as Serbian.
KNOWN_CONFUSIONS = {("bs", "history"): "sr"}


# Close languages, checked pair by pair: each must have its own words against the other.
CLOSE = [
    ("cs", "sk"), ("cs", "pl"), ("sk", "pl"), ("hr", "sl"), ("hr", "sr"), ("hr", "bs"),
    ("sr", "bs"), ("sl", "sr"), ("da", "nb"), ("da", "sv"), ("nb", "sv"), ("nb", "nn"),
    ("ru", "uk"), ("ru", "bg"), ("uk", "be"), ("bg", "mk"), ("sr", "mk"), ("es", "ca"),
    ("es", "pt"), ("es", "gl"), ("pt", "gl"), ("ca", "fr"), ("nl", "de"), ("nl", "af"),
    ("fi", "et"), ("lt", "lv"), ("id", "ms"), ("it", "la"), ("is", "da"),
]  # fmt: skip


@pytest.mark.parametrize("a,b", CLOSE, ids=[f"{a}-{b}" for a, b in CLOSE])
def test_close_languages_have_words_of_their_own_and_are_not_confused(a, b):
    assert len(_STOPSETS[a] - _STOPSETS[b]) >= 4 and len(_STOPSETS[b] - _STOPSETS[a]) >= 4
    for lang, other in ((a, b), (b, a)):
        for _, _, text in (s for s in SAMPLES if s[0] == lang and s[:2] not in KNOWN_CONFUSIONS):
            assert detect_language(text, default="??") != other
            # Doubled, so the texts' words count twice: still the same language.
            assert detect_language(f"{text} {text}", default="??") == lang


def test_serbian_spellings_decide_within_serbo_croatian():
    """Ekavian reads as Serbian, ijekavian with "tko"/"također" as Croatian, ijekavian
    with "ko"/"šta"/"takođe" as Bosnian; the shared words alone leave it Croatian."""
    shared = "Oni su rekli da je to bilo dobro i da će svi doći na sastanak koji je zakazan."
    assert detect_language(shared + " Posle toga uvek je bilo vreme za razgovor.") == "sr"
    assert detect_language(shared + " Tko je došao prije, također je bio tu.") == "hr"
    assert detect_language(shared + " Ko je došao prije, takođe je bio tu, šta god.") == "bs"
    assert detect_language(shared) == "hr"


def test_persian_typed_with_arabic_letters_reads_by_its_words():
    # Older Persian files use the Arabic ي and ك and may have no پ چ ژ گ in a short text.
    text = "این کتاب در سال گذشته منتشر شد و مردم آن را خواندند. این است آن چیزی که می خواستیم."
    text = text.replace("ی", "ي").replace("ک", "ك").translate(str.maketrans("", "", "پچژگ"))
    assert detect_language(text) == "fa"
    assert detect_language("ذهب الطلاب إلى المكتبة في الصباح وقرأوا الكتب التي على الرف.") == "ar"


@pytest.mark.parametrize("default", ["en", "es", "pl"])
def test_short_texts_keep_the_default(default):
    assert detect_language("Hi", default=default) == default
    assert detect_language("Spółdzielnia, kwiecień 1921", default=default) == default
    assert detect_language("", default=default) == default


ENGLISH = (
    "The members of the reading group met in the library on Tuesday and talked about the "
    "history of the cooperative movement. They had read the first chapter of the book, "
    "which describes how the weavers of the town pooled their savings to open a shop. "
    "Some of them were surprised that the shop was still open a hundred years later, and "
    "the discussion went on until the caretaker came to lock the doors. "
)
QUOTED = [
    "la lucha continúa", "¡no pasarán!", "solidarność", "nic o nas bez nas",
    "liberté, égalité, fraternité", "Arbeit und Brot", "ubi bene ibi patria",
    "za naši i vašu slobodu", "вся власть советам", "hasta la victoria siempre",
    "a luta continua", "kooperativa en de arbeiders", "och så vidare", "och det är allt",
    "Ἐν ἀρχῇ", "الشعب يريد", "שלום", "Η ιστορία", "že je to tak", "i tak dalej",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(QUOTED), min_size=1, max_size=3), st.integers(1, 4))
def test_english_quoting_a_few_foreign_words_stays_english(quotes, repeat):
    text = ENGLISH * repeat
    sentences = text.split(". ")
    for i, quote in enumerate(quotes):
        at = (i * 3 + 1) % len(sentences)
        sentences[at] += f", as they said, “{quote}”"
    assert detect_language(". ".join(sentences), default="??") == "en"


def test_latin_script_text_with_a_few_greek_or_hebrew_letters_keeps_its_words():
    maths = ENGLISH + "The ratio α/β was measured, and Δ was small compared with σ and π. "
    assert detect_language(maths) == "en"
    assert detect_language(maths * 5) == "en"
    polish = SAMPLES_BY["pl"] + " Napis na ścianie głosił: שלום, a obok αβγ."
    assert detect_language(polish) == "pl"


def test_script_check_leaves_latin_and_cyrillic_texts_to_their_words():
    assert _script_language(ENGLISH) == ""
    for lang in ("es", "pl", "cs", "ro", "tr", "vi", "ru", "uk", "bg", "sr"):
        assert _script_language(SAMPLES_BY[lang]) == ""


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["en", "es", "xx"]))
def test_any_text_gets_a_short_code(text, default):
    code = detect_language(text, default=default)
    assert code and len(code) <= 8  # Document.language holds 8 characters


SAMPLES_BY = {}
for _lang, _register, _text in SAMPLES:
    SAMPLES_BY.setdefault(_lang, _text)


@pytest.mark.django_db
def test_a_polish_text_imported_end_to_end(client):
    """From the file to the library: the code is stored, reading time uses the Polish
    speed, the pages name the language, and search (a language with no stemmer of its
    own here) finds its words."""
    report = import_paths([FIXTURES / "lang_polish_cooperative.txt"])
    assert report.ok
    [entry] = report.report["files"]
    assert entry["documents"][0]["language"] == "pl"
    document = Document.objects.get()
    assert document.language == "pl"
    assert document.reading_minutes == max(1, -(-document.word_count // words_per_minute("pl")))
    assert words_per_minute("pl") < words_per_minute("en")
    assert str(language_name("pl")) == "Polish"
    page = client.get(document.get_absolute_url())
    assert page.status_code == 200
    assert 'lang="pl"' in page.content.decode()
    results = client.get(reverse("search:search"), {"q": "robotnic"})
    assert results.status_code == 200
    assert "<mark>robotnic</mark>" in results.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["cs", "uk", "ar", "sr", "nb"])
def test_codes_without_a_measured_speed_or_stemmer_are_stored_and_shown(tmp_path, client, language):
    path = tmp_path / f"lang_{language}.txt"
    body = "\n\n".join(t for lang, _, t in SAMPLES if lang == language)
    path.write_text(f"Title\n\n{body}\n\n{body}\n", encoding="utf-8")
    assert import_paths([path]).ok
    document = Document.objects.get()
    assert document.language == language
    assert document.reading_minutes >= 1
    assert client.get(document.get_absolute_url()).status_code == 200
