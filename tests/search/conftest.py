"""Search test data: documents with chosen words, groups of each visibility, posts."""

import itertools

import pytest

from studygroups.groups.models import Group
from studygroups.library.services import BlockInput, SectionInput, document_create
from tests.factories import add_member, make_group, post, verified_user

_n = itertools.count()


def make_text(*paragraphs: str, title: str | None = None, **fields):
    """A document whose paragraphs are exactly `paragraphs` (one untitled section)."""
    n = next(_n)
    return document_create(
        title=title or f"Untitled text {n}",
        sections=[SectionInput(heading="", blocks=[BlockInput(text=p) for p in paragraphs])],
        **fields,
    )


@pytest.fixture
def public_group(db):
    return make_group(organizer=None, visibility=Group.Visibility.PUBLIC, name="Open readers")


@pytest.fixture
def private_group(db):
    return make_group(organizer=None, visibility=Group.Visibility.PRIVATE, name="Closed circle")


@pytest.fixture
def member(private_group, public_group):
    user = verified_user()
    add_member(private_group, user)
    add_member(public_group, user)
    return user


@pytest.fixture
def outsider(db):
    return verified_user()


@pytest.fixture
def planted(private_group, public_group, member):
    """A private group's post with a planted word, and a public group's post."""
    document = make_text("A plain paragraph about committees.", title="Committee notes")
    secret = post(private_group, document, member, body="The zanzibarite plan stays inside.")
    open_ = post(public_group, document, member, body="An open word about quorum.")
    return {"document": document, "secret": secret, "open": open_}


__all__ = ["make_text", "post", "add_member", "make_group"]
