"""Moderation in the browser (issue #13): a member reports a post; the facilitator is
told and hides it from the queue with a reason; the author sees why and appeals; the
organizer restores it; the log shows each step to moderators and no reporter to members."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from studygroups.groups.models import Membership
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
