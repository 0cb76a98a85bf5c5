"""Moderation's permission matrix (issue #13): every URL of moderation's URLconf, found
with get_resolver(), for nine roles, each answered with the right status and no planted
private text where it should not be (htmx fragments included)."""

from datetime import timedelta

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from studygroups.groups.models import Membership
from studygroups.moderation import services
from studygroups.moderation.models import Appeal, ModerationAction, Report
from tests.factories import add_member, make_document, make_group, post, verified_user

pytestmark = pytest.mark.django_db

SECRET = "PLANTED-PRIVATE-7c1e"
ROLES = [
    "anonymous",
    "outsider",
    "requester",
    "member",
    "muted",
    "banned",
    "facilitator",
    "organizer",
    "staff",
]
OUTSIDE = {"outsider", "requester", "banned", "staff"}  # a private group is not theirs to see
MODERATORS = {"facilitator", "organizer"}
MEMBERS = {"member", "muted"}


def moderation_patterns():
    namespace = get_resolver().namespace_dict["moderation"][1]
    return sorted(
        {p.name for p in namespace.url_patterns if p.name},
    )


@pytest.fixture
def world():
    group = make_group(organizer=None)
    document = make_document()
    users = {"anonymous": None, "outsider": verified_user(), "staff": verified_user(is_staff=True)}
    users["organizer"] = add_member(group, role=Membership.Role.ORGANIZER).user
    users["facilitator"] = add_member(group, role=Membership.Role.FACILITATOR).user
    users["member"] = add_member(group).user
    users["muted"] = add_member(group).user
    users["requester"] = add_member(group, state=Membership.State.REQUESTED).user
    users["banned"] = add_member(group, state=Membership.State.BANNED).user
    Membership.objects.filter(user=users["muted"]).update(
        muted_until=timezone.now() + timedelta(hours=1)
    )
    author = add_member(group).user
    p = post(group, document, author, f"Words {SECRET}")
    report, _ = services.report_create(
        reporter=users["member"], post=p, category="spam", reason=f"note {SECRET}"
    )
    services.post_hide(actor=users["facilitator"], post=p, category="spam", reason=SECRET)
    action = ModerationAction.objects.get(kind="hide")
    appeal = services.appeal_create(appellant=author, action=action, text=f"appeal {SECRET}")
    assert appeal.assigned_to == users["organizer"]
    return {
        "group": group,
        "document": document,
        "post": p,
        "report": Report.objects.get(pk=report.pk),
        "action": action,
        "appeal": Appeal.objects.get(pk=appeal.pk),
        "users": users,
        "author": author,
    }


def kwargs_for(pattern_names, w):
    """Every keyword a moderation URL takes, from the planted objects."""
    return {
        "group_slug": w["group"].slug,
        "document_slug": w["document"].slug,
        "post_id": w["post"].pk,
        "report_id": w["report"].pk,
        "user_id": w["author"].pk,
        "action": "mute",
        "action_id": w["action"].pk,
        "appeal_id": w["appeal"].pk,
    }


def url_for(name, w):
    namespace = get_resolver().namespace_dict["moderation"][1]
    possibilities = namespace.reverse_dict.getlist(name)
    params = possibilities[0][0][0][1]
    every = kwargs_for(None, w)
    return reverse(f"moderation:{name}", kwargs={k: every[k] for k in params})


POST_ONLY = {
    "post_hide",
    "post_unhide",
    "post_remove",
    "post_pin",
    "post_approve",
    "lock",
    "slow_mode",
    "report_resolve",
    "member_action",
}
MODERATOR_PAGES = {"queue", "member", "discussion_tools", "post_tools"} | POST_ONLY


def expected(name, role, method):
    if role == "anonymous":
        return {302}
    if name == "notices":
        return {200}
    if name == "staff_queue":
        return {200} if role == "staff" else {404}
    if name == "appeal":
        return {404}  # only the author of the appealed post may
    if name == "appeal_decide":
        return {200, 302} if role == "organizer" else {404}
    if role in OUTSIDE:
        return {404}
    if name == "log":
        return {200}
    if name == "post_report":
        # The post is hidden: nothing left to report.
        return {403}
    if name in MODERATOR_PAGES:
        if role in MODERATORS:
            if name == "post_remove":
                return {200, 302}
            return {200} if method == "get" else {302, 400}
        return {403}
    raise AssertionError(name)


def test_every_moderation_url_is_in_the_matrix():
    names = set(moderation_patterns())
    covered = MODERATOR_PAGES | {"notices", "staff_queue", "appeal", "appeal_decide", "log"}
    assert names == covered | {"post_report"}


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("role", ROLES)
def test_moderation_matrix(client, world, role, htmx):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    for name in moderation_patterns():
        method = "post" if name in POST_ONLY else "get"
        response = getattr(client, method)(url_for(name, world), **headers)
        allowed = expected(name, role, method)
        assert response.status_code in allowed, (name, role, method, response.status_code)
        body = response.content.decode()
        refused = response.status_code in {302, 403, 404}
        if refused or role in OUTSIDE | {"anonymous"}:
            if name == "staff_queue" and role == "staff":
                continue  # staff see reports sent to them (none here carry the secret)
            assert SECRET not in body, (name, role)
        if role in MEMBERS and name in {"log", "notices"}:
            assert SECRET not in body, (name, role)
        if role == "muted":  # another member never learns who reported
            assert world["users"]["member"].public_name not in body, (name, role)


def test_the_author_may_appeal_and_sees_their_own_words(client, world):
    client.force_login(world["author"])
    response = client.get(url_for("appeal", world))
    assert response.status_code == 200 and SECRET in response.content.decode()
