import pytest

from studygroups.groups.models import Membership
from tests.discussions.factories import add_member, make_group, post
from tests.factories import make_document


@pytest.fixture
def setup():
    group = make_group()
    document = make_document()
    author = add_member(group)
    member = add_member(group)
    facilitator = add_member(group, role=Membership.Role.FACILITATOR)
    p = post(group, document, author, "RUDE words")
    return group, document, author, member, facilitator, p
