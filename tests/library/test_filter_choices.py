"""The library's filters offer what the documents have: their authors and their
publishing organizations; a topic filter only when some document has a topic."""

import pytest
from django.urls import reverse

from studygroups.library.models import Document, Topic
from tests.factories import make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf():
    person = make_document(title="Letters on Reading", authors=["Ada Example"])
    org = make_document(title="The Pamphlet and the Press", authors=[])
    Document.objects.filter(pk=org.pk).update(organization="Study Groups Project")
    Topic.objects.create(name="Unused", slug="unused")  # no document has it
    return person, org


def test_author_list_offers_people_and_organizations(client, shelf):
    body = client.get(reverse("library:list")).content.decode()
    assert '<optgroup label="People">' in body and ">Ada Example</option>" in body
    assert '<optgroup label="Organizations">' in body
    assert ">Study Groups Project</option>" in body
    assert 'name="topic"' not in body  # no document has a topic: no empty filter


def test_filtering_by_organization_and_by_person(client, shelf):
    person, org = shelf
    by_org = client.get(reverse("library:list"), {"author": "org:Study Groups Project"})
    assert list(by_org.context["documents"]) == [org]
    author = person.authors.get()
    by_person = client.get(reverse("library:list"), {"author": author.slug})
    assert list(by_person.context["documents"]) == [person]


def test_topic_filter_appears_once_a_document_has_a_topic(client, shelf):
    person, _ = shelf
    person.topics.add(Topic.objects.create(name="Mutual aid", slug="mutual-aid"))
    body = client.get(reverse("library:list")).content.decode()
    assert 'name="topic"' in body and ">Mutual aid</option>" in body
    assert ">Unused</option>" not in body
    response = client.get(reverse("library:list"), {"topic": "mutual-aid"})
    assert list(response.context["documents"]) == [person]
