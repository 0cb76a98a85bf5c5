"""Moderation in the browser (issue #13): a member reports a post; the facilitator is
told and hides it from the queue with a reason; the author sees why and appeals; the
organizer restores it; the log shows each step to moderators and no reporter to members."""

import re
import time
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from studygroups.discussions import posting
from studygroups.groups.models import Membership
from studygroups.moderation import services as moderation
from tests.e2e.htmx import settled
from tests.factories import add_member, make_document, make_group, post, verified_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_report_hide_appeal_restore(live_server, page, new_page, login, check_a11y):
    group = make_group(
        organizer=None, name="Tuesday readers", code_of_conduct="Disagree with ideas, not people."
    )
    document = make_document(title="On organizing", paragraphs=2)
    olga = add_member(
        group, verified_user(display_name="Olga"), role=Membership.Role.ORGANIZER
    ).user
    fay = add_member(
        group, verified_user(display_name="Fay"), role=Membership.Role.FACILITATOR
    ).user
    ada = add_member(group, verified_user(display_name="Ada")).user
    rex = add_member(group, verified_user(display_name="Rex")).user
    p = post(group, document, ada, "You are all fools.")
    post_url = live_server.url + reverse("discussions:post", args=[group.slug, document.slug, p.pk])
    base = live_server.url

    # Rex reports the post.
    login(page, live_server, rex)
    page.goto(post_url)
    page.get_by_role("link", name="Report").first.click()
    expect(page.get_by_role("link", name="code of conduct")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Harassment or abuse").check()
    page.get_by_label(re.compile("Anything the moderators")).fill("Insults members")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("the moderators will look at it")).to_be_visible()

    # Fay is told, and hides it from the queue in place, with a reason.
    fay_page = new_page()
    login(fay_page, live_server, fay)
    fay_page.goto(base + reverse("moderation:notices"))
    expect(fay_page.get_by_text(re.compile("was reported: Harassment or abuse"))).to_be_visible()
    fay_page.goto(base + reverse("groups:detail", args=[group.slug]))
    expect(fay_page.get_by_role("link", name=re.compile("Moderation 1"))).to_be_visible()
    fay_page.goto(base + reverse("moderation:queue", args=[group.slug]))
    expect(fay_page.get_by_text("Insults members")).to_be_visible()
    check_a11y(fay_page)
    item = fay_page.locator(".queue-item").first
    item.get_by_label("Category").select_option("harassment")
    item.get_by_label("Reason").first.fill("Name-calling breaks our code")
    item.get_by_role("button", name="Hide the post").click()
    settled(fay_page)
    expect(fay_page.locator(".message", has_text="The post is hidden")).to_be_visible()

    # Ada sees her post with the reason, and appeals from her notice.
    ada_page = new_page()
    login(ada_page, live_server, ada)
    ada_page.goto(post_url)
    expect(
        ada_page.get_by_text(re.compile("A moderator hid it: Harassment or abuse"))
    ).to_be_visible()
    expect(ada_page.get_by_text("You are all fools.")).to_be_visible()
    ada_page.goto(base + reverse("moderation:notices"))
    ada_page.get_by_role("link", name="Read it and appeal").click()
    check_a11y(ada_page)
    ada_page.get_by_label("Why should this be reconsidered?").fill("I was quoting the text.")
    ada_page.get_by_role("button", name="Send the appeal").click()
    expect(ada_page.get_by_text("Your appeal is sent")).to_be_visible()

    # Other members see only the category.
    page.goto(post_url)
    expect(page.get_by_text("Removed by a moderator: Harassment or abuse.")).to_be_visible()
    expect(page.get_by_text("You are all fools.")).to_have_count(0)

    # Olga, not Fay, decides the appeal and restores the post.
    olga_page = new_page()
    login(olga_page, live_server, olga)
    olga_page.goto(base + reverse("moderation:notices"))
    olga_page.get_by_role("link", name="Decide the appeal").click()
    olga_page.get_by_label("Reverse the action").check()
    olga_page.get_by_label("Reason").fill("A quotation, read in context")
    check_a11y(olga_page)
    olga_page.get_by_role("button", name="Decide").click()
    expect(olga_page.get_by_text("The appeal is decided")).to_be_visible()
    page.goto(post_url)
    expect(page.get_by_text("You are all fools.")).to_be_visible()

    # The log: every step, and who, for moderators; no reporter for members.
    olga_page.goto(base + reverse("moderation:log", args=[group.slug]))
    log = olga_page.locator("table")
    expect(log).to_contain_text("hid a post")
    expect(log).to_contain_text("reversed an action on appeal")
    expect(log).to_contain_text("Fay")
    check_a11y(olga_page)
    ada_page.goto(base + reverse("moderation:log", args=[group.slug]))
    body = ada_page.locator("main")
    expect(body).to_contain_text("hid a post")
    expect(body).to_contain_text("Harassment or abuse")
    expect(body).not_to_contain_text("Rex")
    expect(body).not_to_contain_text("Fay")
    expect(body).not_to_contain_text("Insults members")
    check_a11y(ada_page)

    # On a phone, the queue still reads.
    phone = new_page(width=390, height=844)
    login(phone, live_server, fay)
    phone.goto(base + reverse("moderation:queue", args=[group.slug]))
    expect(phone.get_by_role("heading", name="Moderation", exact=True)).to_be_visible()


SHOTS = Path(__file__).resolve().parent / "artifacts"


def shoot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"moderation-{name}.png"), full_page=True)


def announced(page, text, timeout=3.0):
    """The polite live region (#swap-announcer, filled by swap-focus.js) says `text`."""
    deadline = time.monotonic() + timeout
    said = ""
    while time.monotonic() < deadline:
        said = page.evaluate("document.getElementById('swap-announcer').textContent")
        if text in said:
            return
        time.sleep(0.05)
    raise AssertionError(f"announced {said!r}, not {text!r}")


def focused_text(page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.textContent : ''")


def act(page, item, button, reason, *, more=False, choose=None):
    """Fill a queue item's form for `button` with `reason` and submit it in place."""
    if more:
        item.locator("summary").click()
    form = item.locator("form").filter(has=page.get_by_role("button", name=button, exact=True))
    if choose:
        label, value = choose
        form.get_by_label(label).select_option(value)
    form.get_by_label(re.compile("Reason|Why no action")).fill(reason)
    form.get_by_role("button", name=button, exact=True).click()
    settled(page)


def test_every_queue_action_in_place_with_focus_and_announcement(
    live_server, page, new_page, login, check_a11y, browser
):
    group = make_group(organizer=None, name="Thursday readers", premoderated_posts=1)
    document = make_document(title="On mutual aid", paragraphs=2)
    olga = add_member(group, verified_user(display_name="Olga"), role=Membership.Role.ORGANIZER)
    fay = add_member(group, verified_user(display_name="Fay"), role=Membership.Role.FACILITATOR)
    ada = add_member(group, verified_user(display_name="Ada")).user
    rex = add_member(group, verified_user(display_name="Rex")).user
    stella = verified_user(display_name="Stella", is_staff=True)
    Membership.objects.filter(group=group).update(conduct_accepted_at=timezone.now())
    rude = post(group, document, ada, "Everyone here is a fool.")
    if rude.awaiting_approval:  # Ada is new too: her first post waited, and was approved
        posting.post_approve(post=rude)
    moderation.report_create(reporter=rex, post=rude, category="harassment", reason="Insults")
    newcomer = add_member(group, verified_user(display_name="Nell")).user
    held = post(group, document, newcomer, "Hello, first post here.")
    assert held.awaiting_approval
    own = post(group, document, fay.user, "A facilitator's sharp words.")
    moderation.report_create(reporter=rex, post=own, category="hate", reason="Unkind")
    base = live_server.url
    queue_url = base + reverse("moderation:queue", args=[group.slug])

    login(page, live_server, olga.user)
    page.goto(queue_url)
    expect(page.get_by_role("heading", name="Moderation", exact=True)).to_be_visible()
    check_a11y(page)
    shoot(page, "queue-1280")
    # The phone layout of the same queue, its actions open.
    phone = new_page(width=390, height=844)
    login(phone, live_server, olga.user)
    phone.goto(queue_url)
    phone.locator(".queue-item summary").first.click()
    shoot(phone, "queue-390")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    page.evaluate("window.__stayed = 1")  # gone if any action reloads the page
    item = page.locator(".queue-item").first

    # Lock the discussion from the queue item: in place, focus on the result, announced.
    act(page, item, "Lock the discussion", "Cooling down", more=True)
    item = page.locator(".queue-item").first
    expect(item.get_by_role("status")).to_contain_text("The discussion is locked")
    expect(item).to_contain_text("discussion locked")
    assert "The discussion is locked" in focused_text(page)
    announced(page, "The discussion is locked")

    # Slow mode, pin and mute the author, each with its reason.
    act(page, item, "Set slow mode", "Too fast", more=True, choose=("Least time", "600"))
    expect(item.get_by_role("status")).to_contain_text("Slow mode is on")
    act(page, item, "Pin the post", "Keep it visible to discuss", more=True)
    expect(item.get_by_role("status")).to_contain_text("The post is pinned")
    act(page, item, "Mute the author", "Cool off", more=True, choose=("For how long", "3600"))
    expect(item.get_by_role("status")).to_contain_text("The member is muted")
    expect(item).to_contain_text("author muted")
    announced(page, "The member is muted")

    # Dismiss the report: it shows resolved, and its actions are gone.
    act(page, item, "Dismiss the report", "Handled by the mute")
    expect(item.get_by_role("status")).to_contain_text("The report is dismissed")
    expect(item).to_contain_text("resolved")
    expect(item.get_by_role("button", name="Hide the post")).to_have_count(0)
    assert "The report is dismissed" in focused_text(page)

    # Approve the held post in place.
    waiting = page.locator(f"#awaiting-{held.pk}")
    waiting.get_by_label("Reason").first.fill("Welcome")
    waiting.get_by_role("button", name="Approve").click()
    settled(page)
    expect(waiting.get_by_role("status")).to_contain_text("The post is approved")
    assert "The post is approved" in focused_text(page)
    assert page.evaluate("window.__stayed") == 1
    check_a11y(page)

    # Site staff act on the report escalated to them, in place.
    staff_page = new_page()
    login(staff_page, live_server, stella)
    staff_page.goto(base + reverse("moderation:staff_queue"))
    check_a11y(staff_page)
    shoot(staff_page, "staff-queue-1280")
    staff_phone = new_page(width=390, height=844)
    login(staff_phone, live_server, stella)
    staff_phone.goto(base + reverse("moderation:staff_queue"))
    shoot(staff_phone, "staff-queue-390")
    assert staff_phone.evaluate("document.documentElement.scrollWidth") <= 390
    staff_item = staff_page.locator(".queue-item").first
    expect(staff_item).to_contain_text("A facilitator's sharp words.")
    staff_item.get_by_label("Category").select_option("hate")
    act(staff_page, staff_item, "Hide the post", "Demeaning")
    expect(staff_item.get_by_role("status")).to_contain_text("The post is hidden")
    assert "The post is hidden" in focused_text(staff_page)

    # Without JavaScript the same forms post and come back to the queue with a message.
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    try:
        plain = context.new_page()
        login(plain, live_server, fay.user)
        other = post(group, make_document(title="On solidarity"), rex, "Another rude remark.")
        if other.awaiting_approval:
            posting.post_approve(post=other)
        moderation.report_create(reporter=ada, post=other, category="spam")
        plain.goto(queue_url)
        plain_item = plain.locator(".queue-item").first
        plain_item.get_by_label("Category").select_option("spam")
        plain_item.locator("form").first.get_by_label("Reason").fill("Spam, plainly")
        plain_item.get_by_role("button", name="Hide the post").click()
        plain.wait_for_load_state()
        assert plain.url == queue_url
        expect(plain.get_by_text("The post is hidden from members")).to_be_visible()
    finally:
        context.close()
