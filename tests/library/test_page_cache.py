"""The library list's and the reader's cached fragments (library/views.py): every write
shows at once, nothing crosses between staff and members, languages or time zones, and a
cached page costs a constant, small number of queries."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from studygroups.library.models import Author, Block, Document, DocumentSource, Note, Topic
from tests.factories import make_document, verified_user

pytestmark = pytest.mark.django_db

LIST = reverse("library:list")
ES = {"HTTP_ACCEPT_LANGUAGE": "es"}


def page(client, url=LIST, **extra) -> str:
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response.content.decode()


# ---------------------------------------------------------------- the library list


def test_list_shows_each_kind_of_write_at_once(client):
    doc = make_document(title="First Title", authors=["Ada Example"])
    assert "First Title" in page(client) and "Ada Example" in page(client)

    Document.objects.filter(pk=doc.pk).update(title="Second Title")
    assert "Second Title" in page(client)

    Author.objects.filter(name="Ada Example").update(name="Ada Renamed")
    body = page(client)
    assert "Ada Renamed" in body and "Ada Example" not in body

    doc.topics.add(Topic.objects.create(name="Housing", slug="housing"))
    body = page(client)
    assert '<span class="badge">Housing</span>' in body
    assert 'value="housing"' in body  # the topic filter appears with its first topic

    make_document(title="Another Text")
    body = page(client)
    assert "Another Text" in body and "2 documents." in body

    doc.delete()
    body = page(client)
    assert "Second Title" not in body and "1 document." in body


def test_list_filters_are_cached_per_parameters(client):
    make_document(title="Commune Days", language="fr")
    make_document(title="Other Text")
    assert "Other Text" in page(client)
    french = client.get(LIST, {"language": "fr"}).content.decode()
    assert "Commune Days" in french and "Other Text" not in french
    # The htmx fragment of the same query is the cached results, without the page.
    partial = client.get(LIST, {"language": "fr"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "Commune Days" in partial and "Other Text" not in partial
    assert '<option value="fr" selected>French' in french  # the bound form's choice


def test_list_needs_review_badge_never_crosses_from_staff_to_members(client):
    make_document(title="Guessed Title", needs_review=True)
    staff = verified_user(is_staff=True)
    member = verified_user()
    client.force_login(staff)
    assert "Needs review" in page(client)
    client.force_login(member)
    assert "Needs review" not in page(client)
    client.force_login(staff)
    assert "Needs review" in page(client)


def test_list_languages_never_mix(client):
    make_document(title="A Text", language="en")
    english = page(client)
    spanish = page(client, **ES)
    assert "1 texto." in spanish and "Any language" not in spanish
    assert "Cualquier idioma" not in english and "Any language" in english
    assert "Any language" in page(client)


@pytest.mark.parametrize("size", [3, 30])
def test_cached_list_costs_constant_queries(client, django_assert_max_num_queries, size):
    for _ in range(size):
        make_document(sections=1, paragraphs=1, authors=["A. Writer", "B. Writer"])
    client.force_login(verified_user())
    page(client)
    # Session, user, the data version, the unread count: nothing reads the library.
    with django_assert_max_num_queries(4):
        body = page(client)
    assert f"{size} documents." in body


# ---------------------------------------------------------------- the reader


def test_reader_shows_each_kind_of_write_at_once(client):
    doc = make_document(title="Reader Text", sections=1, paragraphs=2)
    url = doc.get_absolute_url()
    assert "Reader Text" in page(client, url)

    first = doc.blocks.order_by("order").first()
    Block.objects.filter(pk=first.pk).update(text="An edited paragraph.")
    assert "An edited paragraph." in page(client, url)

    # A new paragraph with no other write (the one write the version does not follow).
    last = doc.blocks.order_by("order").last()
    Block.objects.create(
        document=doc, section=last.section, order=last.order + 1, anchor="p-added", text="Added."
    )
    assert 'id="p-added"' in page(client, url)

    Block.objects.filter(anchor="p-added").delete()
    assert 'id="p-added"' not in page(client, url)

    Note.objects.create(document=doc, order=1, marker="*", text="A footnote here.")
    assert "A footnote here." in page(client, url)

    Document.objects.filter(pk=doc.pk).update(title="Retitled")
    body = page(client, url)
    assert "<title>Retitled" in body and "Reader Text" not in body


def test_reader_of_a_missing_document_is_404_cached_or_not(client):
    doc = make_document(title="Going Away")
    url = doc.get_absolute_url()
    page(client, url)
    doc.delete()
    assert client.get(url).status_code == 404


def test_reader_staff_links_never_reach_members(client):
    doc = make_document(title="Reviewed", needs_review=True)
    Document.objects.filter(pk=doc.pk).update(text_revision=2)
    url = doc.get_absolute_url()
    staff, member = verified_user(is_staff=True), verified_user()
    client.force_login(staff)
    body = page(client, url)
    assert "History of the text" in body and "Needs review" in body
    client.force_login(member)
    body = page(client, url)
    assert "History of the text" not in body and "Needs review" not in body


def test_reader_dates_follow_each_members_time_zone(client):
    doc = make_document(title="Zoned")
    # Imported late on 1 March in UTC: already 2 March in Tokyo.
    DocumentSource.objects.filter(document=doc).delete()
    source = DocumentSource.objects.create(document=doc, file_name="zoned.txt")
    DocumentSource.objects.filter(pk=source.pk).update(
        imported_at=dt.datetime(2026, 3, 1, 22, 0, tzinfo=dt.UTC)
    )
    url = doc.get_absolute_url()
    client.force_login(verified_user(time_zone="UTC"))
    assert "March 1, 2026" in page(client, url)
    client.force_login(verified_user(time_zone="Asia/Tokyo"))
    assert "March 2, 2026" in page(client, url)


def test_reader_range_error_is_said_on_every_visit(client):
    doc = make_document(title="Ranged")
    url = doc.get_absolute_url() + "?from=nowhere&to=nowhere"
    for _ in range(2):
        response = client.get(url)
        assert [m.message for m in get_messages(response.wsgi_request)], "no warning"


def test_reader_languages_never_mix(client):
    doc = make_document(title="Bilingual", sections=1, paragraphs=1)
    url = doc.get_absolute_url()
    english = page(client, url)
    spanish = page(client, url, **ES)
    assert "min read" in english and "min read" not in spanish
    assert "min read" in page(client, url)


@pytest.mark.parametrize("paragraphs", [3, 60])
def test_cached_reader_costs_constant_queries(client, django_assert_max_num_queries, paragraphs):
    doc = make_document(sections=3, paragraphs=paragraphs)
    client.force_login(verified_user())
    page(client, doc.get_absolute_url())
    # Session, user, the document's stamp, the unread count.
    with django_assert_max_num_queries(4):
        body = page(client, doc.get_absolute_url())
    assert f'id="{doc.blocks.order_by("order").last().anchor}"' in body
