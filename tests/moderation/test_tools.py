"""Moderators' tools (issue #13): every action with its reason, safe to repeat and
logged; slow mode, mutes that expire, bans that hold against invitations,
pre-moderation; the queue's in-place actions with and without htmx; the log's two views."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from studygroups.discussions import posting
from studygroups.discussions.models import Post
from studygroups.groups import roster
from studygroups.groups.models import Membership
from studygroups.moderation import services
from studygroups.moderation.models import ModerationAction, Notice, Report
from tests.factories import add_member, post, reply

from .helpers import HX, url

pytestmark = pytest.mark.django_db

HIDE = {"category": "harassment", "reason": "name-calling"}


def member_url(group, user, action=None):
    if action:
        return reverse("moderation:member_action", args=[group.slug, user.pk, action])
    return reverse("moderation:member", args=[group.slug, user.pk])


def doc_url(name, p):
    return reverse(name, args=[p.discussion.group.slug, p.discussion.document.slug])


def tools_url(name, p):
    d = p.discussion
    return reverse(name, args=[d.group.slug, d.document.slug, p.pk])


# ------------------------------------------------------------------------------ posts


def test_author_of_a_hidden_post_sees_it_with_the_reason_and_is_notified(setup, client):
    group, document, author, member, facilitator, p = setup
    client.force_login(facilitator)
    assert client.post(url("post_hide", p), HIDE).status_code == 302
    notice = Notice.objects.get(recipient=author)
    assert "Harassment or abuse" in notice.text
    client.force_login(author)
    page = client.get(p.discussion.get_absolute_url()).content.decode()
    assert "RUDE words" in page and "name-calling" in page and "Hidden by a moderator" in page
    client.force_login(member)
    page = client.get(p.discussion.get_absolute_url()).content.decode()
    assert "RUDE words" not in page and "name-calling" not in page
    assert "Removed by a moderator: Harassment or abuse" in page


def test_restore_needs_a_reason_and_is_logged_once(setup, client):
    group, document, author, member, facilitator, p = setup
    services.post_hide(actor=facilitator, post=p, **HIDE)
    client.force_login(facilitator)
    assert client.post(url("post_unhide", p)).status_code == 400
    assert client.post(url("post_unhide", p), {"reason": "on reflection fine"}).status_code == 302
    assert client.post(url("post_unhide", p), {"reason": "again"}).status_code == 302
    assert ModerationAction.objects.filter(kind="unhide").count() == 1
    assert not Post.objects.get(pk=p.pk).is_hidden


def test_pinned_post_comes_first(setup, client):
    group, document, author, member, facilitator, p = setup
    later = post(group, document, member, "Pin me please")
    client.force_login(facilitator)
    client.post(tools_url("moderation:post_pin", later), {"pin": "1", "reason": "guidance"})
    client.post(tools_url("moderation:post_pin", later), {"pin": "1", "reason": "guidance"})
    assert ModerationAction.objects.filter(kind="pin").count() == 1
    page = client.get(p.discussion.get_absolute_url()).content.decode()
    assert page.index("Pin me please") < page.index("RUDE words")


@pytest.mark.parametrize("htmx", [False, True])
def test_queue_hides_in_place(setup, client, htmx):
    group, document, author, member, facilitator, p = setup
    report, _ = services.report_create(reporter=member, post=p, category="spam")
    client.force_login(facilitator)
    data = HIDE | {"report": report.pk, "next": reverse("moderation:queue", args=[group.slug])}
    extra = HX if htmx else {}
    response = client.post(url("post_hide", p), data, **extra)
    if htmx:
        body = response.content.decode()
        assert response.status_code == 200 and f'id="report-{report.pk}"' in body
        assert "<html" not in body and "The post is hidden" in body
    else:
        assert response.status_code == 302
        assert response["Location"] == reverse("moderation:queue", args=[group.slug])
    assert Post.objects.get(pk=p.pk).is_hidden


@pytest.mark.parametrize("htmx", [False, True])
def test_queue_action_without_reason_explains(setup, client, htmx):
    group, document, author, member, facilitator, p = setup
    report, _ = services.report_create(reporter=member, post=p, category="spam")
    client.force_login(facilitator)
    extra = HX if htmx else {}
    response = client.post(url("post_hide", p), {"report": report.pk}, **extra)
    assert response.status_code == (200 if htmx else 400)
    assert "Say why" in response.content.decode()
    assert not Post.objects.get(pk=p.pk).is_hidden


# ------------------------------------------------------------------------ discussions


def test_lock_needs_a_reason(setup, client):
    group, document, author, member, facilitator, p = setup
    client.force_login(facilitator)
    assert client.post(doc_url("moderation:lock", p), {"lock": "1"}).status_code == 400
    client.post(doc_url("moderation:lock", p), {"lock": "1", "reason": "cooling off"})
    action = ModerationAction.objects.get(kind="lock")
    assert action.reason == "cooling off"


def test_slow_mode_spaces_one_members_posts(setup, client):
    group, document, author, member, facilitator, p = setup
    client.force_login(facilitator)
    response = client.post(
        doc_url("moderation:slow_mode", p), {"seconds": "600", "reason": "heated"}
    )
    assert response.status_code == 302
    p.discussion.refresh_from_db()
    assert p.discussion.slow_mode_seconds == 600
    with pytest.raises(ValidationError, match="slow mode"):
        reply(p, author, "too soon")
    reply(p, member, "first for this member")  # another member's first post is fine
    reply(p, facilitator, "moderators are not slowed")
    reply(p, facilitator, "nor twice")
    Post.objects.filter(author=author).update(created_at=timezone.now() - timedelta(minutes=11))
    reply(p, author, "later is fine")


# ---------------------------------------------------------------------------- members


def test_mute_blocks_posting_and_expires_by_itself(setup, client):
    group, document, author, member, facilitator, p = setup
    client.force_login(facilitator)
    response = client.post(
        member_url(group, member, "mute"), {"duration": "3600", "reason": "cool down"}
    )
    assert response.status_code == 302
    with pytest.raises(ValidationError, match="muted"):
        reply(p, member, "muted words")
    with pytest.raises(ValidationError, match="muted"):
        post(group, document, member, "muted words")
    client.force_login(member)
    page = client.get(p.discussion.get_absolute_url()).content.decode()
    assert "RUDE words" in page and "muted you" in page  # still reads
    Membership.objects.filter(user=member).update(muted_until=timezone.now() - timedelta(seconds=1))
    reply(p, member, "free again")
    assert ModerationAction.objects.get(kind="mute").until is not None


def test_remove_member(setup, client):
    group, document, author, member, facilitator, p = setup
    client.force_login(facilitator)
    client.post(member_url(group, member, "remove"), {"reason": "repeated abuse"})
    client.post(member_url(group, member, "remove"), {"reason": "repeated abuse"})
    assert Membership.objects.get(user=member).state == Membership.State.REMOVED
    assert ModerationAction.objects.filter(kind="remove_member").count() == 1


def test_ban_holds_against_request_and_invitation_until_lifted(setup, client):
    group, document, author, member, facilitator, p = setup
    organizer = add_member(group, role=Membership.Role.ORGANIZER).user
    client.force_login(facilitator)
    client.post(member_url(group, member, "ban"), {"reason": "threats"})
    assert Membership.objects.get(user=member).state == Membership.State.BANNED
    with pytest.raises(ValidationError, match="banned"):
        roster.membership_join(group=group, user=member)
    personal = roster.invitation_create(group=group, created_by=organizer, email=member.email)
    with pytest.raises(ValidationError, match="banned"):
        roster.invitation_accept(invitation=personal, user=member)
    shared = roster.invitation_create(group=group, created_by=organizer)
    with pytest.raises(ValidationError, match="banned"):
        roster.invitation_accept(invitation=shared, user=member)
    client.post(member_url(group, member, "unban"), {"reason": "apologised"})
    assert roster.invitation_accept(invitation=personal, user=member).is_active


def test_member_tools_are_for_moderators_and_spare_other_moderators(setup, client):
    group, document, author, member, facilitator, p = setup
    organizer = add_member(group, role=Membership.Role.ORGANIZER).user
    client.force_login(member)
    assert client.get(member_url(group, author)).status_code == 403
    assert client.post(member_url(group, author, "ban"), {"reason": "x"}).status_code == 403
    client.force_login(facilitator)
    assert client.get(member_url(group, author)).status_code == 200
    assert client.post(member_url(group, organizer, "ban"), {"reason": "x"}).status_code == 403
    assert client.post(member_url(group, facilitator, "mute"), {"reason": "x"}).status_code == 403
    assert client.post(member_url(group, author, "nonsense"), {"reason": "x"}).status_code == 404
    client.force_login(organizer)
    assert client.get(member_url(group, facilitator)).status_code == 200
    assert Membership.objects.get(user=organizer).is_active


def test_member_page_shows_recent_history(setup, client):
    group, document, author, member, facilitator, p = setup
    client.force_login(facilitator)
    page = client.get(member_url(group, author)).content.decode()
    assert "RUDE words" in page


# --------------------------------------------------------------------- pre-moderation


def test_premoderation_holds_a_new_members_first_posts(setup, client):
    group, document, author, member, facilitator, p = setup
    group.premoderated_posts = 1
    group.save()
    newcomer = add_member(group).user
    held = reply(p, newcomer, "Newcomer's first words")
    assert held.awaiting_approval and held.is_hidden
    assert not reply(p, facilitator, "moderators are not held").awaiting_approval
    client.force_login(newcomer)
    page = client.get(p.discussion.get_absolute_url()).content.decode()
    assert "Newcomer's first words" in page and "Waiting for approval" in page
    client.force_login(member)
    page = client.get(p.discussion.get_absolute_url()).content.decode()
    assert "Newcomer's first words" not in page
    client.force_login(facilitator)
    queue = client.get(reverse("moderation:queue", args=[group.slug])).content.decode()
    assert "Newcomer's first words" in queue
    client.post(tools_url("moderation:post_approve", held), {"approve": "1", "reason": "fine"})
    held.refresh_from_db()
    assert not held.awaiting_approval and not held.is_hidden
    client.force_login(member)
    assert "Newcomer's first words" in client.get(p.discussion.get_absolute_url()).content.decode()
    assert not reply(p, newcomer, "second post").awaiting_approval


def test_declined_post_stays_hidden_with_reason(setup, client):
    group, document, author, member, facilitator, p = setup
    group.premoderated_posts = 2
    group.save()
    newcomer = add_member(group).user
    held = post(group, document, newcomer, "spam spam")
    client.force_login(facilitator)
    response = client.post(
        tools_url("moderation:post_approve", held),
        {"approve": "0", "category": "spam", "reason": "advertising"},
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.is_hidden and not held.awaiting_approval and held.hidden_category == "Spam"
    assert Notice.objects.filter(recipient=newcomer, kind="action").exists()


# ------------------------------------------------------------------------------- log


def test_the_logs_two_views(setup, client):
    group, document, author, member, facilitator, p = setup
    services.report_create(reporter=member, post=p, category="harassment", reason="secret")
    services.post_hide(actor=facilitator, post=p, category="harassment", reason="name-calling")
    log_url = reverse("moderation:log", args=[group.slug])
    client.force_login(facilitator)
    page = client.get(log_url).content.decode()
    assert facilitator.public_name in page and "name-calling" in page
    client.force_login(add_member(group).user)
    page = client.get(log_url).content.decode()
    assert "hid a post" in page and "Harassment or abuse" in page
    assert "name-calling" not in page and facilitator.public_name not in page
    assert member.public_name not in page and "secret" not in page
    client.logout()
    assert client.get(log_url).status_code == 302


@pytest.mark.parametrize("size", [1, 8])
def test_tool_pages_run_constant_queries(setup, client, size, django_assert_max_num_queries):
    group, document, author, member, facilitator, p = setup
    for i in range(size):
        q = post(group, document, author, f"post {i}")
        services.report_create(reporter=member, post=q, category="spam")
        services.post_hide(actor=facilitator, post=q, category="spam", reason="r")
    client.force_login(facilitator)
    for page in (
        member_url(group, author),
        tools_url("moderation:post_tools", p),
        doc_url("moderation:discussion_tools", p),
        reverse("moderation:log", args=[group.slug]),
        reverse("moderation:queue", args=[group.slug]),
    ):
        with django_assert_max_num_queries(14):
            assert client.get(page).status_code == 200, page


def test_actions_resolve_open_reports(setup):
    group, document, author, member, facilitator, p = setup
    services.report_create(reporter=member, post=p, category="spam")
    services.post_hide(actor=facilitator, post=p, **HIDE)
    assert not Report.objects.filter(resolved_at__isnull=True).exists()


def test_posting_services_refuse_a_muted_edit(setup):
    group, document, author, member, facilitator, p = setup
    services.member_mute(
        actor=facilitator, group=group, member=author, until=timezone.now() + timedelta(hours=1)
    )
    with pytest.raises(ValidationError, match="muted"):
        posting.post_edit(editor=author, post=p, body="edited")


def test_joining_a_group_with_a_code_of_conduct_records_its_acceptance(client):
    from tests.factories import make_group, verified_user

    group = make_group(
        organizer=None, visibility="public", join_policy="open", code_of_conduct="Be kind."
    )
    outsider = verified_user()
    client.force_login(outsider)
    join = reverse("groups:join", args=[group.slug])
    client.post(join)
    assert not Membership.objects.filter(user=outsider).exists()
    assert 'id="accept-conduct"' in client.get(group.get_absolute_url()).content.decode()
    client.post(join, {"accept_conduct": "1"})
    membership = Membership.objects.get(user=outsider)
    assert membership.is_active and membership.conduct_accepted_at is not None
