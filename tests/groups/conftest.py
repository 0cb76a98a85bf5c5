import pytest

from studygroups.groups.models import Group
from tests.factories import make_curriculum, make_group, verified_user


@pytest.fixture
def organizer(db):
    return verified_user(display_name="Olga Organizer")


@pytest.fixture
def member(db):
    return verified_user(display_name="Mo Member")


@pytest.fixture
def outsider(db):
    return verified_user(display_name="Otto Outsider")


@pytest.fixture
def curriculum(db):
    return make_curriculum(units=4, readings_per_unit=1, questions_per_unit=1)


@pytest.fixture
def private_group(organizer, member, curriculum):
    return make_group(
        organizer=organizer,
        members=[member],
        curriculum=curriculum,
        name="Secret Readers",
        visibility=Group.Visibility.PRIVATE,
        join_policy=Group.JoinPolicy.INVITATION,
        time_zone="Europe/Berlin",
    )


@pytest.fixture
def public_group(organizer, member, curriculum):
    return make_group(
        organizer=organizer,
        members=[member],
        curriculum=curriculum,
        name="Open Readers",
        visibility=Group.Visibility.PUBLIC,
        join_policy=Group.JoinPolicy.OPEN,
        time_zone="America/New_York",
    )
