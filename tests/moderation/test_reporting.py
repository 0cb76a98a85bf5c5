"""Reporting (issue #13): categories, the staff queue, the threshold, who is told, and
that no member ever sees who reported."""

import pytest
from django.core import mail
from django.urls import reverse

from studygroups.discussions.models import Post
from studygroups.groups.models import Membership
from studygroups.moderation import selectors, services
from studygroups.moderation.models import ModerationAction, Notice, Report
from studygroups.notifications.models import NotificationPreferences
from studygroups.notifications.services import preferences_update
from tests.factories import add_member, post, verified_user

from .helpers import url

pytestmark = pytest.mark.django_db


def report(client, p, **data):
    return client.post(url("post_report", p), {"category": "harassment", **data})


def test_a_report_reaches_the_group_moderators_in_app_and_by_email(
    setup, client, django_capture_on_commit_callbacks
):
    group, document, author, member, facilitator, p = setup
    organizer = add_member(group, role=Membership.Role.ORGANIZER).user
    preferences_update(user=organizer, report_email=NotificationPreferences.ReportEmail.OFF)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = report(client, p, reason="insulting")
    assert response.status_code == 302
    r = Report.objects.get()
    assert (r.category, r.reason, r.for_staff) == ("harassment", "insulting", False)
    assert set(Notice.objects.values_list("recipient", flat=True)) == {facilitator.pk, organizer.pk}
    # The organizer turned report e-mail off; the facilitator is told by e-mail too, with
    # a one-click way to stop.
    assert [m.to for m in mail.outbox] == [[facilitator.email]]
    assert "List-Unsubscribe-Post" in mail.outbox[0].extra_headers
    assert member.public_name not in mail.outbox[0].body
    assert member.email not in mail.outbox[0].body


def test_a_second_open_report_by_the_same_member_is_refused_quietly(setup, client):
    group, document, author, member, facilitator, p = setup
    client.force_login(member)
    report(client, p)
    response = report(client, p, category="spam")
    assert response.status_code == 302
    assert Report.objects.count() == 1
    # Once resolved, the member may report it again.
    services.report_resolve(actor=facilitator, report=Report.objects.get())
    report(client, p)
    assert Report.objects.count() == 2


def test_the_service_refuses_a_report_of_ones_own_post(setup):
    group, document, author, member, facilitator, p = setup
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.report_create(reporter=author, post=p, category="spam")


def test_a_report_marked_for_staff_goes_to_the_staff_queue(setup, client):
    group, document, author, member, facilitator, p = setup
    staff = verified_user(is_staff=True)
    client.force_login(member)
    report(client, p, to_staff="on", reason="for staff eyes")
    r = Report.objects.get()
    assert r.to_staff and r.for_staff
    assert list(Notice.objects.values_list("recipient", flat=True)) == [staff.pk]
    assert selectors.moderation_queue(group, facilitator).reports == []
    assert selectors.open_report_count(group) == 0
    client.force_login(staff)
    assert b"for staff eyes" in client.get(reverse("moderation:staff_queue")).content
    client.force_login(facilitator)
    assert client.get(reverse("moderation:staff_queue")).status_code == 404
    assert (
        b"for staff eyes" not in client.get(reverse("moderation:queue", args=[group.slug])).content
    )


@pytest.mark.parametrize("role", [Membership.Role.FACILITATOR, Membership.Role.ORGANIZER])
def test_a_report_about_a_moderators_post_goes_to_staff(setup, role):
    group, document, author, member, facilitator, p = setup
    moderator = add_member(group, role=role).user
    theirs = post(group, document, moderator, "Moderator's words")
    r, created = services.report_create(reporter=member, post=theirs, category="hate")
    assert created and r.for_staff and not r.to_staff


def test_the_threshold_of_distinct_reporters_hides_the_post(setup):
    group, document, author, member, facilitator, p = setup
    group.report_threshold = 2
    group.save()
    services.report_create(reporter=member, post=p, category="spam")
    services.report_create(reporter=member, post=p, category="spam")  # same member: once
    p.refresh_from_db()
    assert not p.is_hidden
    services.report_create(reporter=add_member(group).user, post=p, category="spam")
    p.refresh_from_db()
    assert p.is_hidden
    action = ModerationAction.objects.get()
    assert action.kind == "auto_hide" and action.actor is None
    # Hidden pending review: the reports stay open for a moderator.
    assert Report.objects.filter(resolved_at__isnull=True).count() == 2
    services.report_create(reporter=add_member(group).user, post=p, category="spam")
    assert ModerationAction.objects.count() == 1


def test_default_threshold_is_three(setup):
    group, document, author, member, facilitator, p = setup
    assert group.report_threshold == 3
    for reporter in (member, add_member(group).user):
        services.report_create(reporter=reporter, post=p, category="spam")
    assert not Post.objects.get(pk=p.pk).is_hidden
    services.report_create(reporter=add_member(group).user, post=p, category="spam")
    assert Post.objects.get(pk=p.pk).is_hidden


def test_reporter_is_never_shown_to_members(setup, client):
    group, document, author, member, facilitator, p = setup
    group.report_threshold = 1
    group.save()
    client.force_login(member)
    report(client, p, reason="a private note")
    for viewer in (author, add_member(group).user):
        client.force_login(viewer)
        for page in (
            p.discussion.get_absolute_url(),
            reverse("groups:detail", args=[group.slug]),
            reverse("moderation:notices"),
            reverse("discussions:notifications"),
        ):
            body = client.get(page).content.decode()
            assert "a private note" not in body, page
            if "/groups/" not in page:  # the group page lists its members, reporters too
                assert member.public_name not in body, page
    client.force_login(facilitator)
    queue = client.get(reverse("moderation:queue", args=[group.slug])).content.decode()
    assert member.public_name in queue and "a private note" in queue


def test_report_form_links_the_code_of_conduct(setup, client):
    group, document, author, member, facilitator, p = setup
    group.code_of_conduct = "Be kind."
    group.save()
    client.force_login(member)
    body = client.get(url("post_report", p)).content.decode()
    assert "#code-of-conduct" in body
    assert 'id="code-of-conduct"' in client.get(group.get_absolute_url()).content.decode()


def test_moderators_see_the_open_report_count_on_the_group_page(setup, client):
    group, document, author, member, facilitator, p = setup
    services.report_create(reporter=member, post=p, category="spam")
    client.force_login(facilitator)
    body = client.get(group.get_absolute_url()).content.decode()
    assert '1<span class="visually-hidden"> open report</span>' in body
    client.force_login(member)
    body = client.get(group.get_absolute_url()).content.decode()
    assert "open report" not in body
    assert reverse("moderation:queue", args=[group.slug]) not in body


@pytest.mark.parametrize("reports", [1, 6])
def test_group_page_queries_do_not_grow_with_reports(
    setup, client, reports, django_assert_max_num_queries
):
    group, document, author, member, facilitator, p = setup
    for _ in range(reports):
        services.report_create(reporter=add_member(group).user, post=p, category="spam")
    client.force_login(facilitator)
    with django_assert_max_num_queries(20):
        assert client.get(group.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("reports", [1, 6])
def test_queue_and_notices_queries_are_constant(
    setup, client, reports, django_assert_max_num_queries
):
    group, document, author, member, facilitator, p = setup
    group.report_threshold = 50
    group.save()
    for _ in range(reports):
        services.report_create(reporter=add_member(group).user, post=p, category="spam")
    client.force_login(facilitator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("moderation:queue", args=[group.slug])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("moderation:notices")).status_code == 200


def test_notices_need_login(client):
    response = client.get(reverse("moderation:notices"))
    assert response.status_code == 302
