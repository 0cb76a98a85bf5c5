import datetime as dt

import pytest
from django.utils import timezone

from studygroups.groups.models import Invitation
from tests.factories import make_group

pytestmark = pytest.mark.django_db


def test_invitation_state_is_derived_and_names_its_problem(organizer):
    group = make_group(organizer=organizer)
    now = timezone.now()
    invitation = Invitation(group=group, token="t", max_uses=2, uses=0)
    assert invitation.state == Invitation.State.ACTIVE and invitation.is_usable
    assert invitation.problem() == ""
    invitation.uses = 2
    assert invitation.state == Invitation.State.USED_UP
    assert "used as many times" in invitation.problem()
    invitation.expires_at = now - dt.timedelta(minutes=1)
    assert invitation.state == Invitation.State.EXPIRED  # expiry is named before use
    assert invitation.problem() == "This invitation has expired. Ask an organizer for a new one."
    assert invitation.state_at(now - dt.timedelta(hours=1)) == Invitation.State.USED_UP
    invitation.revoked_at = now
    assert invitation.state == Invitation.State.REVOKED and not invitation.is_usable
    assert "withdrawn" in invitation.problem()
    assert [s.label for s in Invitation.State] == ["Active", "Revoked", "Expired", "Used up"]
