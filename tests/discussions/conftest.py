import pytest

from studygroups.groups.models import Group, Membership
from tests.factories import make_document, verified_user

from .factories import add_member, make_group


@pytest.fixture
def group(db):
    return make_group(visibility=Group.Visibility.PRIVATE, name="Tuesday readers")


@pytest.fixture
def public_group(db):
    return make_group(visibility=Group.Visibility.PUBLIC, name="Open readers")


@pytest.fixture
def member(group):
    return add_member(group)


@pytest.fixture
def member2(group):
    return add_member(group)


@pytest.fixture
def organizer(group):
    return add_member(group, role=Membership.Role.ORGANIZER)


@pytest.fixture
def outsider(db):
    return verified_user()


@pytest.fixture
def other_document(db):
    return make_document(title="Another text")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client
