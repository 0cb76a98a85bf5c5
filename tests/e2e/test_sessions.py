"""Tonight's session, from preparation to the record: a facilitator reads the preparation
sheet, holds the session and writes minutes citing a paragraph; a member who missed it
catches up and follows the citation to the paragraph. Screenshots at 1280 and 390 px go
to test-artifacts/ (ignored by git) for a human look."""

import pathlib

import pytest
from playwright.sync_api import expect

from studygroups.groups import sessions
from tests.factories import (
    first_anchor,
    make_document,
    make_group,
    make_session,
    post,
    verified_user,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = pathlib.Path(__file__).resolve().parents[2] / "test-artifacts"


def _shoot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"sessions-{name}.png"), full_page=True)


def test_prepare_hold_record_and_catch_up(page, new_page, live_server, login, check_a11y):
    olga = verified_user(display_name="Olga")
    abe, pat = verified_user(display_name="Abe"), verified_user(display_name="Pat")
    group = make_group(name="Night Readers", organizer=olga, members=[abe, pat])
    document = make_document(title="On Liberty", paragraphs=4)
    session = make_session(group, in_hours=-0.5, title="Tonight: On Liberty")
    sessions.session_add_reading(session=session, document=document)
    anchor = first_anchor(document, 1)
    post(group, document, pat, body="Is the harm principle enough?", anchor=anchor)
    post(group, document, pat, body="And what about custom?", anchor=anchor)

    login(page, live_server, olga)
    page.goto(live_server.url + session.get_absolute_url())
    page.get_by_role("link", name="Preparation sheet").click()
    expect(page.get_by_role("heading", name="Preparation sheet")).to_be_visible()
    hot = page.locator(".prep-paragraph").first
    expect(hot).to_contain_text("¶ 2 of On Liberty")
    expect(hot).to_contain_text("2 posts")
    check_a11y(page)
    _shoot(page, "prep-1280")
    page.emulate_media(media="print")
    _shoot(page, "prep-print")
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 390, "height": 844})
    _shoot(page, "prep-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Back to the session").click()
    page.get_by_role("button", name="Mark as held").click()
    expect(page.locator(".badge--success")).to_have_text("Held")
    expect(page.locator("#rsvp")).to_contain_text("takes no more answers")
    page.get_by_role("link", name="Write the minutes").click()
    page.get_by_label("Minutes").fill("We spent the evening on ¶ 2 and agreed to disagree.")
    check_a11y(page)
    page.set_viewport_size({"width": 390, "height": 844})
    _shoot(page, "minutes-form-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Save the minutes").click()
    minutes = page.locator("#minutes")
    expect(minutes.get_by_role("link", name="¶ 2")).to_be_visible()
    check_a11y(page)
    _shoot(page, "session-1280")

    phone = new_page(390, 844)
    login(phone, live_server, abe)
    phone.goto(live_server.url + "/groups/dashboard/")
    catch_up = phone.get_by_role("region", name="Catch up")
    catch_up.get_by_role("link", name="Tonight: On Liberty").click()
    expect(phone.get_by_role("heading", name="Catch up on Tonight: On Liberty")).to_be_visible()
    expect(phone.locator("#minutes")).to_contain_text("agreed to disagree")
    check_a11y(phone)
    _shoot(phone, "catch-up-390")
    phone.locator("#minutes").get_by_role("link", name="¶ 2").click()
    expect(phone).to_have_url(f"{live_server.url}/discussions/{group.slug}/on-liberty/p/{anchor}/")
    expect(phone.locator("body")).to_contain_text("Paragraph 2 of section 1")
    expect(phone.locator("body")).to_contain_text("Is the harm principle enough?")
