"""Who may reach a post after a moderator hid it (issue #13). Every moderation URL for
every role is in tests/test_permission_matrix.py; these are the cases that matrix does not
plant: a hidden post with an appeal against its hiding."""

import pytest
from django.urls import reverse

from studygroups.groups.models import Membership
from studygroups.moderation import services
from studygroups.moderation.models import ModerationAction
from tests.factories import add_member, make_document, make_group, post

pytestmark = pytest.mark.django_db

SECRET = "PLANTED-PRIVATE-7c1e"


@pytest.fixture
def hidden():
    group = make_group(organizer=None)
    document = make_document()
    organizer = add_member(group, role=Membership.Role.ORGANIZER).user
    facilitator = add_member(group, role=Membership.Role.FACILITATOR).user
    member = add_member(group).user
    author = add_member(group).user
    p = post(group, document, author, f"Words {SECRET}")
    services.post_hide(actor=facilitator, post=p, category="spam", reason="spam")
    action = ModerationAction.objects.get(kind="hide")
    appeal = services.appeal_create(appellant=author, action=action, text=f"appeal {SECRET}")
    assert appeal.assigned_to == organizer
    return {
        "group": group,
        "document": document,
        "post": p,
        "appeal": appeal,
        "organizer": organizer,
        "member": member,
        "author": author,
    }


def test_a_hidden_post_cannot_be_reported(client, hidden):
    client.force_login(hidden["member"])
    url = reverse(
        "moderation:post_report",
        args=[hidden["group"].slug, hidden["document"].slug, hidden["post"].pk],
    )
    for response in (client.get(url), client.post(url, {"category": "spam"})):
        assert response.status_code == 403
        assert SECRET not in response.content.decode()


def test_only_the_author_may_appeal_and_sees_their_own_words(client, hidden):
    url = reverse("moderation:appeal", args=[hidden["group"].slug, hidden["appeal"].action_id])
    client.force_login(hidden["member"])
    response = client.get(url)
    assert response.status_code == 404 and SECRET not in response.content.decode()
    client.force_login(hidden["author"])
    response = client.get(url)
    assert response.status_code == 200 and SECRET in response.content.decode()


def test_only_the_assigned_organizer_decides_the_appeal(client, hidden):
    url = reverse("moderation:appeal_decide", args=[hidden["group"].slug, hidden["appeal"].pk])
    client.force_login(hidden["author"])
    assert client.get(url).status_code == 404
    client.force_login(hidden["organizer"])
    response = client.get(url)
    assert response.status_code == 200 and SECRET in response.content.decode()
