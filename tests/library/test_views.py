import pytest
from django.urls import reverse

from studygroups.library.models import Document
from tests.factories import make_document


@pytest.mark.django_db
def test_library_lists_documents_with_authors(client, document):
    response = client.get(reverse("library:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert document.title in body
    assert "Ada Example" in body
    assert "<html" in body


@pytest.mark.django_db
def test_library_htmx_request_returns_only_results(client, document):
    response = client.get(reverse("library:list"), {"q": "Reading"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="results"' in body
    assert document.title in body
    assert response["Vary"] and "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_library_search_and_filters(client):
    make_document(title="Commune Days", authors=["Louise Michel"], language="fr")
    make_document(title="Other Text", authors=["Someone Else"])
    by_author = client.get(reverse("library:list"), {"q": "michel"}).content.decode()
    assert "Commune Days" in by_author and "Other Text" not in by_author
    by_language = client.get(reverse("library:list"), {"language": "fr"}).content.decode()
    assert "Commune Days" in by_language and "Other Text" not in by_language


@pytest.mark.django_db
def test_library_bad_filters_are_explained_not_crashing(client, document):
    response = client.get(
        reverse("library:list"),
        {"year_from": "2020", "year_to": "1990", "author": "no-such", "page": "x", "sort": "?"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "end year is before the start year" in body
    assert "Select a valid choice" in body


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_library_query_count_is_constant(client, django_assert_max_num_queries, size):
    for _ in range(size):
        make_document(sections=1, paragraphs=1, authors=["A. Writer", "B. Writer"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("library:list"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_reader_shows_text_toc_and_permalinks(client, document):
    response = client.get(document.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    for block in document.blocks.all():
        assert f'id="{block.anchor}"' in body
        assert f'href="#{block.anchor}"' in body
    for section in document.sections.all():
        assert f'href="#{section.anchor}"' in body
    assert "min read" in body


@pytest.mark.django_db
@pytest.mark.parametrize("paragraphs", [3, 60])
def test_reader_query_count_is_constant(client, django_assert_max_num_queries, paragraphs):
    doc = make_document(sections=3, paragraphs=paragraphs)
    # With the notes and merged anchors, and the stamp that keys the cached text.
    with django_assert_max_num_queries(9):
        assert client.get(doc.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_reader_highlights_an_assigned_range(client, document):
    anchors = list(document.blocks.values_list("anchor", flat=True))
    response = client.get(document.get_absolute_url(), {"from": anchors[1], "to": anchors[3]})
    body = response.content.decode()
    assert body.count("block--highlight") == 3
    assert "End of the assigned reading" in body


@pytest.mark.django_db
def test_reader_with_bad_range_explains_and_shows_whole_text(client, document):
    response = client.get(document.get_absolute_url(), {"from": "p-nothere", "to": "<x>"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "does not match this text" in body
    assert "block--highlight" not in body


@pytest.mark.django_db
def test_unknown_document_gets_the_site_404_page(client):
    response = client.get(reverse("library:document", kwargs={"slug": "no-such-text"}))
    assert response.status_code == 404
    assert "Library" in response.content.decode()


@pytest.mark.django_db
def test_document_text_is_escaped(client):
    doc = make_document(title="<script>alert(1)</script>")
    body = client.get(doc.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert Document.objects.count() == 1


@pytest.mark.django_db
def test_reader_shows_code_blocks_and_notes_out_of_the_body(client):
    from studygroups.library.services import (
        BlockInput,
        NoteInput,
        SectionInput,
        document_create,
        document_set_notes,
    )

    document = document_create(
        title="Notes and code",
        sections=[
            SectionInput(
                heading="One",
                blocks=[
                    BlockInput(text="A claim with a note.[1]"),
                    BlockInput(text="for x in range(3):\n    print(x)", kind="code"),
                ],
            )
        ],
    )
    document_set_notes(document=document, notes=[NoteInput(marker="1", text="The source.")])
    body = client.get(reverse("library:document", args=[document.slug])).content.decode()
    assert '<pre id="' in body and "print(x)</code></pre>" in body
    notes = body.split('aria-labelledby="reader-notes"', 1)[1]
    assert "The source." in notes
    assert "The source." not in body.split('class="reader__notes"', 1)[0]
