"""Authors across editions: one person in two spellings is one author, in the library and
in the duplicate check; namesakes stay apart."""

import pytest

from corpus_import.load import import_paths
from studygroups.library.models import Author, Document

pytestmark = pytest.mark.django_db

PARAS = [
    f"Paragraph {i} tells how the villagers of valley {i} shared their tools, their seed "
    f"and their labour at harvest, and how they met each winter to settle the accounts."
    for i in range(12)
]
OTHER = [p.replace("villagers", "guilds").replace("harvest", "the fair") for p in PARAS]


def text(title: str, byline: str, paras=PARAS) -> str:
    return f"{title}\n\nBy {byline}\n\n" + "\n\n".join(paras) + "\n"


def statuses(result):
    return [d["status"] for f in result.report["files"] for d in f["documents"]]


def warnings(result):
    return [w for f in result.report["files"] for d in f["documents"] for w in d["warnings"]]


def test_two_works_by_one_person_in_two_spellings_have_one_author(tmp_path):
    (tmp_path / "a.txt").write_text(text("Mutual Aid in the Valleys", "Pyotr Kropotkin"))
    (tmp_path / "b.txt").write_text(text("Fields and Guilds", "Peter Kropotkin", OTHER))
    (tmp_path / "c.txt").write_text(text("Another Study", "Alexander Kropotkin", [
        p.replace("villagers", "sailors").replace("seed", "nets") for p in PARAS
    ]))  # fmt: skip
    result = import_paths([tmp_path])
    assert statuses(result) == ["created", "created", "created"]
    people = {d.title: [a.name for a in d.ordered_authors] for d in Document.objects.all()}
    assert people["Mutual Aid in the Valleys"] == people["Fields and Guilds"] == ["Pyotr Kropotkin"]
    assert people["Another Study"] == ["Alexander Kropotkin"]
    assert Author.objects.count() == 2


def test_an_edition_spelling_the_author_otherwise_is_a_duplicate_without_a_warning(tmp_path):
    (tmp_path / "1.txt").write_text(text("War and Peace Notes", "Leo Tolstoy"))
    (tmp_path / "2.txt").write_text(text("War and Peace Notes", "Lev Tolstoi"))
    result = import_paths([tmp_path])
    assert statuses(result) == ["created", "duplicate"]
    assert not [w for w in warnings(result) if "byline" in w]


def test_the_same_text_under_another_persons_name_is_flagged(tmp_path):
    (tmp_path / "1.txt").write_text(text("War and Peace Notes", "Leo Tolstoy"))
    (tmp_path / "2.txt").write_text(text("War and Peace Notes", "Alexei Tolstoy"))
    result = import_paths([tmp_path])
    assert statuses(result) == ["created", "duplicate"]
    (warning,) = [w for w in warnings(result) if "byline" in w]
    assert "Alexei Tolstoy" in warning and "Leo Tolstoy" in warning
