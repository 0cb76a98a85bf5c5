import pytest

from studygroups.groups.models import Group, Membership
from tests.factories import add_member, make_document, make_group, verified_user


@pytest.fixture
def group(db):
    return make_group(organizer=None, visibility=Group.Visibility.PRIVATE, name="Tuesday readers")


@pytest.fixture
def public_group(db):
    return make_group(organizer=None, visibility=Group.Visibility.PUBLIC, name="Open readers")


@pytest.fixture
def member(group):
    return add_member(group).user


@pytest.fixture
def member2(group):
    return add_member(group).user


@pytest.fixture
def organizer(group):
    return add_member(group, role=Membership.Role.ORGANIZER).user


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


@pytest.fixture
def empty_caches():
    """The default cache and the rendered-fragments cache, emptied before and after."""
    from django.core.cache import cache

    from studygroups.core import fragments

    cache.clear()
    fragments.cache().clear()
    yield
    cache.clear()
    fragments.cache().clear()
