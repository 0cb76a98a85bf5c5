"""Every moderator's action taken in place from a queue item (issue #13): with htmx the
item is redrawn with the result in a status message (or the form's errors); without
JavaScript a plain POST redirects back to the queue with a message. Site staff act the
same way from their queue, on the reports escalated to them, and on nothing else."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studygroups.discussions.models import Discussion, Post
from studygroups.groups.models import Membership
from studygroups.moderation import selectors, services
from studygroups.moderation.models import ModerationAction, Report
from tests.factories import add_member, make_document, make_group, post, verified_user
from tests.moderation.helpers import HX

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue():
    group = make_group(organizer=None)
    document = make_document()
    organizer = add_member(group, role=Membership.Role.ORGANIZER).user
    facilitator = add_member(group, role=Membership.Role.FACILITATOR).user
    author = add_member(group).user
    reporter = add_member(group).user
    p = post(group, document, author, "RUDE words")
    report, _ = services.report_create(reporter=reporter, post=p, category="spam")
    return {
        "group": group,
        "document": document,
        "organizer": organizer,
        "facilitator": facilitator,
        "author": author,
        "reporter": reporter,
        "post": p,
        "report": report,
        "queue_url": reverse("moderation:queue", args=[group.slug]),
    }


def post_url(name, q, p=None):
    p = p or q["post"]
    return reverse(f"moderation:{name}", args=[q["group"].slug, q["document"].slug, p.pk])


def member_url(action, q, user=None):
    user = user or q["author"]
    return reverse("moderation:member_action", args=[q["group"].slug, user.pk, action])


def discussion_url(name, q):
    return reverse(f"moderation:{name}", args=[q["group"].slug, q["document"].slug])


def resolve_url(q, report=None):
    report = report or q["report"]
    return reverse("moderation:report_resolve", args=[q["group"].slug, report.pk])


def membership(q):
    return Membership.objects.get(group=q["group"], user=q["author"])


# (name, url, extra form data, the state it changes, the message it answers with)
ACTIONS = [
    (
        "hide",
        lambda q: post_url("post_hide", q),
        {"category": "spam"},
        lambda q: Post.objects.get(pk=q["post"].pk).is_hidden,
        "The post is hidden",
    ),
    (
        "pin",
        lambda q: post_url("post_pin", q),
        {"pin": "1"},
        lambda q: Post.objects.get(pk=q["post"].pk).pinned_at is not None,
        "The post is pinned",
    ),
    (
        "remove post",
        lambda q: post_url("post_remove", q),
        {},
        lambda q: Post.objects.get(pk=q["post"].pk).is_deleted,
        "The post is removed",
    ),
    (
        "lock",
        lambda q: discussion_url("lock", q),
        {"lock": "1"},
        lambda q: Discussion.objects.get().is_locked,
        "The discussion is locked",
    ),
    (
        "slow mode",
        lambda q: discussion_url("slow_mode", q),
        {"seconds": "600"},
        lambda q: Discussion.objects.get().slow_mode_seconds == 600,
        "Slow mode is on",
    ),
    (
        "mute",
        lambda q: member_url("mute", q),
        {"duration": "3600"},
        lambda q: membership(q).is_muted(),
        "The member is muted",
    ),
    (
        "remove member",
        lambda q: member_url("remove", q),
        {},
        lambda q: membership(q).state == Membership.State.REMOVED,
        "The member is removed",
    ),
    (
        "ban",
        lambda q: member_url("ban", q),
        {},
        lambda q: membership(q).state == Membership.State.BANNED,
        "The member is banned",
    ),
    (
        "dismiss",
        lambda q: resolve_url(q),
        {},
        lambda q: Report.objects.get(pk=q["report"].pk).resolved_at is not None,
        "The report is dismissed",
    ),
]
IDS = [a[0] for a in ACTIONS]


@pytest.mark.parametrize("name, url, data, changed, message", ACTIONS, ids=IDS)
def test_each_action_redraws_the_queue_item_with_htmx(
    queue, client, name, url, data, changed, message
):
    client.force_login(queue["organizer"])
    form = {"report": queue["report"].pk, "next": queue["queue_url"], "reason": "Because."}
    response = client.post(url(queue), form | data, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="report-{queue["report"].pk}"' in html
    assert "<html" not in html  # the item only, not the page
    assert 'role="status"' in html and "data-swap-focus" in html and message in html
    assert changed(queue)
    action = ModerationAction.objects.exclude(kind="resolve").first() or (
        ModerationAction.objects.get(kind="resolve")
    )
    assert action.reason.endswith("Because.")


@pytest.mark.parametrize("name, url, data, changed, message", ACTIONS, ids=IDS)
def test_each_action_works_without_javascript(queue, client, name, url, data, changed, message):
    client.force_login(queue["organizer"])
    form = {"report": queue["report"].pk, "next": queue["queue_url"], "reason": "Because."}
    response = client.post(url(queue), form | data, follow=True)
    assert response.redirect_chain[0] == (queue["queue_url"], 302)
    assert message in response.content.decode()
    assert changed(queue)


@pytest.mark.parametrize("name, url, data, changed, message", ACTIONS, ids=IDS)
def test_each_action_needs_a_reason(queue, client, name, url, data, changed, message):
    client.force_login(queue["organizer"])
    form = {"report": queue["report"].pk, "next": queue["queue_url"], "reason": " "}
    response = client.post(url(queue), form | data, **HX)
    assert response.status_code == 200  # htmx swaps only 2xx: the errors are the item
    html = response.content.decode()
    assert 'role="alert"' in html and "Say why" in html
    assert not changed(queue)
    assert not ModerationAction.objects.exclude(kind="auto_hide").exists()


def test_restore_and_unlock_and_unmute_from_the_queue(queue, client):
    client.force_login(queue["organizer"])
    services.discussion_lock(actor=queue["facilitator"], discussion=queue["post"].discussion)
    until = timezone.now() + timedelta(days=1)
    services.member_mute(
        actor=queue["facilitator"], group=queue["group"], member=queue["author"], until=until
    )
    Post.objects.filter(pk=queue["post"].pk).update(hidden_at=timezone.now())  # threshold
    page = client.get(queue["queue_url"]).content.decode()
    for label in ["Restore the post", "Unlock the discussion", "Unmute the author"]:
        assert label in page
    form = {"report": queue["report"].pk, "reason": "Reviewed"}
    assert client.post(discussion_url("lock", queue), form | {"lock": "0"}, **HX).status_code == 200
    assert not Discussion.objects.get().is_locked
    assert client.post(member_url("unmute", queue), form, **HX).status_code == 200
    assert not membership(queue).is_muted()
    response = client.post(post_url("post_unhide", queue), form, **HX)
    assert "The post is visible again" in response.content.decode()
    assert not Post.objects.get(pk=queue["post"].pk).is_hidden


@pytest.mark.parametrize("approve", ["1", "0"])
def test_approve_or_decline_a_held_post_in_place(queue, client, approve):
    group = queue["group"]
    group.premoderated_posts = 1
    group.save()
    newcomer = add_member(group).user
    held = post(group, queue["document"], newcomer, "First words")
    assert held.awaiting_approval
    client.force_login(queue["facilitator"])
    data = {"approve": approve, "awaiting": "1", "reason": "Fine", "category": "other"}
    response = client.post(post_url("post_approve", queue, held), data, **HX)
    html = response.content.decode()
    assert response.status_code == 200 and f'id="awaiting-{held.pk}"' in html
    assert "data-swap-focus" in html
    held.refresh_from_db()
    assert not held.awaiting_approval
    assert held.is_hidden == (approve == "0")
    assert ("approved" if approve == "1" else "declined") in html


def test_approve_without_javascript_returns_to_the_queue(queue, client):
    group = queue["group"]
    group.premoderated_posts = 1
    group.save()
    held = post(group, queue["document"], add_member(group).user, "First words")
    client.force_login(queue["facilitator"])
    data = {"approve": "1", "reason": "Fine", "next": queue["queue_url"]}
    response = client.post(post_url("post_approve", queue, held), data)
    assert response.status_code == 302 and response["Location"] == queue["queue_url"]


def test_the_queue_offers_member_actions_only_where_the_moderator_may(queue, client):
    other = add_member(queue["group"], role=Membership.Role.FACILITATOR).user
    reports = [queue["report"]]
    # A facilitator may not act on another facilitator; an organizer may.
    Membership.objects.filter(group=queue["group"], user=queue["author"]).update(
        role=Membership.Role.FACILITATOR
    )
    standing = selectors.with_author_standing
    assert not standing(list(reports), other, staff=False)[0].can_act_on_author
    assert standing(list(reports), queue["organizer"], staff=False)[0].can_act_on_author
    assert standing(list(reports), verified_user(is_staff=True), staff=True)[0].can_act_on_author
    client.force_login(other)
    page = client.get(queue["queue_url"]).content.decode()
    assert "Ban the author" not in page and "Lock the discussion" in page


def test_a_moderator_does_not_restore_or_approve_their_own_post(queue, client):
    own = post(queue["group"], queue["document"], queue["facilitator"], "Mine")
    services.post_hide(actor=queue["organizer"], post=own, category="spam", reason="No")
    client.force_login(queue["facilitator"])
    response = client.post(post_url("post_unhide", queue, own), {"reason": "Mine"})
    assert response.status_code == 403
    assert Post.objects.get(pk=own.pk).is_hidden


# ------------------------------------------------------------------ the staff queue


@pytest.fixture
def escalated(queue):
    """A report about the facilitator's own post: it goes to site staff."""
    own = post(queue["group"], queue["document"], queue["facilitator"], "Facilitator's words")
    report, _ = services.report_create(reporter=queue["reporter"], post=own, category="hate")
    assert report.for_staff
    staff = verified_user(is_staff=True)
    return {"post": own, "report": report, "staff": staff}


def test_staff_act_in_place_on_reports_escalated_to_them(queue, escalated, client):
    client.force_login(escalated["staff"])
    page = client.get(reverse("moderation:staff_queue")).content.decode()
    for label in ["Hide the post", "Dismiss the report", "Lock the discussion", "Ban the author"]:
        assert label in page
    form = {"report": escalated["report"].pk, "queue": "staff", "reason": "Abusive"}
    response = client.post(
        post_url("post_hide", queue, escalated["post"]), form | {"category": "hate"}, **HX
    )
    html = response.content.decode()
    assert response.status_code == 200 and f'id="report-{escalated["report"].pk}"' in html
    assert 'name="queue" value="staff"' not in html  # resolved: no more actions
    assert Post.objects.get(pk=escalated["post"].pk).is_hidden
    assert Report.objects.get(pk=escalated["report"].pk).resolved_at is not None
    # Staff act on the facilitator too (a facilitator could not).
    response = client.post(
        member_url("mute", queue, queue["facilitator"]), form | {"duration": "3600"}, **HX
    )
    assert response.status_code == 200 and "The member is muted" in response.content.decode()


def test_staff_remove_an_escalated_post_in_place(queue, escalated, client):
    client.force_login(escalated["staff"])
    form = {"report": escalated["report"].pk, "queue": "staff", "reason": "Threatening"}
    response = client.post(post_url("post_remove", queue, escalated["post"]), form, **HX)
    assert response.status_code == 200
    assert "The post is removed" in response.content.decode()
    assert Post.objects.get(pk=escalated["post"].pk).is_deleted


def test_staff_dismiss_without_javascript_returns_to_the_staff_queue(queue, escalated, client):
    client.force_login(escalated["staff"])
    staff_queue = reverse("moderation:staff_queue")
    data = {"reason": "Not abuse", "next": staff_queue, "queue": "staff"}
    response = client.post(resolve_url(queue, escalated["report"]), data)
    assert response.status_code == 302 and response["Location"] == staff_queue
    assert ModerationAction.objects.get(kind="resolve").reason == "Not abuse"


def test_staff_act_on_nothing_else(queue, escalated, client):
    client.force_login(escalated["staff"])
    form = {"reason": "Because", "category": "spam"}
    assert client.post(post_url("post_hide", queue), form).status_code == 404
    assert client.post(resolve_url(queue), form).status_code == 404
    assert client.post(member_url("ban", queue), form).status_code == 404
    assert not Post.objects.get(pk=queue["post"].pk).is_hidden


def test_group_moderators_do_not_close_a_report_escalated_to_staff(queue, escalated, client):
    client.force_login(queue["organizer"])
    form = {"reason": "Nothing to see"}
    assert client.post(resolve_url(queue, escalated["report"]), form).status_code == 404
    services.post_hide(actor=queue["organizer"], post=escalated["post"], category="hate")
    assert Report.objects.get(pk=escalated["report"].pk).resolved_at is None


@pytest.mark.parametrize("reports", [1, 5])
def test_queue_with_actions_runs_constant_queries(
    queue, client, reports, django_assert_max_num_queries
):
    for n in range(reports):
        author = add_member(queue["group"]).user
        p = post(queue["group"], make_document(), author, f"Post {n}")
        services.report_create(reporter=queue["reporter"], post=p, category="spam")
    client.force_login(queue["organizer"])
    with django_assert_max_num_queries(13):
        assert client.get(queue["queue_url"]).status_code == 200
    staff = verified_user(is_staff=True)
    client.force_login(staff)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("moderation:staff_queue")).status_code == 200


def test_the_queue_and_an_action_in_spanish(queue, client):
    client.force_login(queue["organizer"])
    page = client.get(queue["queue_url"], HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Denuncias abiertas" in page and "Ocultar la publicación" in page
    assert "Spam" in page and "Descartar la denuncia" in page
    form = {"report": queue["report"].pk, "reason": "Porque sí", "category": "spam"}
    response = client.post(post_url("post_hide", queue), form, HTTP_ACCEPT_LANGUAGE="es", **HX)
    assert "La publicación queda oculta" in response.content.decode()
    # The category stored on the post stays in the source language.
    assert Post.objects.get(pk=queue["post"].pk).hidden_category == "Spam"


def test_moderation_notices_and_emails_are_in_the_recipients_language(
    queue, mailoutbox, django_capture_on_commit_callbacks
):
    queue["author"].language = "es"
    queue["author"].save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.post_hide(
            actor=queue["organizer"], post=queue["post"], category="harassment", reason="No"
        )
    notice = queue["author"].moderation_notices.get()
    assert notice.text.startswith("Un moderador ocultó tu publicación")
    assert "Acoso o abuso" in notice.text
    (mail,) = [m for m in mailoutbox if m.to == [queue["author"].email]]
    assert "Un moderador ocultó tu publicación" in mail.subject
    assert "Velo aquí" in mail.body and "Deja de recibir estos correos" in mail.body
    # The organizer, who reads English, is told of the next report in English.
    p = post(queue["group"], queue["document"], queue["author"], "More")
    services.report_create(reporter=queue["reporter"], post=p, category="hate")
    latest = queue["organizer"].moderation_notices.first()
    assert latest.text == f"A post in {queue['group'].name} was reported: Hate"
