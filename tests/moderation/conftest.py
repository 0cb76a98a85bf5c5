import pytest

from studygroups.groups.models import Membership
from tests.factories import add_member, make_document, make_group, post


@pytest.fixture
def setup():
    group = make_group(organizer=None)
    document = make_document()
    author = add_member(group).user
    member = add_member(group).user
    facilitator = add_member(group, role=Membership.Role.FACILITATOR).user
    p = post(group, document, author, "RUDE words")
    return group, document, author, member, facilitator, p
