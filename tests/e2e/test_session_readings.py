"""An organizer assigns part of a library document to a session: searches as they type,
picks a range of paragraphs, watches its reading time, assigns it, and sees it listed
with its paragraphs."""

import pytest
from playwright.sync_api import expect

from studygroups.groups.models import SessionReading
from studygroups.groups.readings import paragraph_options
from tests.e2e.htmx import settled
from tests.factories import make_document, make_group, make_session, verified_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_organizer_assigns_a_range_of_paragraphs(page, live_server, login, check_a11y):
    organizer = verified_user(display_name="Olga")
    group = make_group(name="Night Readers", organizer=organizer)
    session = make_session(group)
    document = make_document(title="On mutual aid", paragraphs=6)
    make_document(title="Something unrelated")
    options = paragraph_options(document)
    login(page, live_server, organizer)

    page.goto(live_server.url + session.get_absolute_url())
    page.get_by_label("Search the library").fill("mutual")
    results = page.locator("#reading-results")
    expect(results).to_contain_text("On mutual aid")
    expect(results).not_to_contain_text("Something unrelated")
    results.get_by_role("link", name="Add On mutual aid").click()
    chooser = page.locator("#reading-chooser")
    expect(chooser).to_contain_text(f"{len(options)} numbered paragraphs")
    settled(page)

    chooser.get_by_label("A range of paragraphs").check()
    chooser.get_by_label("From paragraph").select_option(options[1].anchor)
    settled(page)
    chooser.get_by_label("To paragraph (included)").select_option(options[3].anchor)
    words = sum(o.words for o in options[1:4])
    time = page.locator("#reading-time")
    expect(time).to_contain_text(f"{words} words · ¶ 2–4")
    # The no-JavaScript preview button answers in place too, never with a whole page.
    chooser.get_by_role("button", name="Show reading time").click()
    settled(page)
    expect(time).to_contain_text(f"{words} words · ¶ 2–4")
    expect(page.locator("header.site-header")).to_have_count(1)
    check_a11y(page)

    chooser.get_by_role("button", name="Assign to this session").click()
    readings = page.locator("#readings")
    expect(readings).to_contain_text("“On mutual aid” is assigned for this session.")
    expect(readings.locator(".reading-item")).to_contain_text("¶ 2–4")
    reading = SessionReading.objects.get(session=session)
    assert (reading.start_anchor, reading.end_anchor) == (options[1].anchor, options[3].anchor)
    check_a11y(page)
