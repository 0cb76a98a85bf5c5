"""The e-mail settings page and the unsubscribe page in a real browser, at desktop and
phone widths, with axe. SCREENSHOTS=dir saves a picture of each for a person to look at."""

import os
from pathlib import Path

from playwright.sync_api import expect

from studygroups.notifications.models import NotificationPreferences
from studygroups.notifications.tokens import unsubscribe_token
from tests.factories import verified_user

SHOTS = os.environ.get("SCREENSHOTS")


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_settings_and_unsubscribe(transactional_db, live_server, new_page, login, check_a11y):
    person = verified_user(display_name="Pat Person")
    for width in (1280, 390):
        page = new_page(width=width, height=900)
        login(page, live_server, person)
        page.goto(f"{live_server.url}/groups/settings/")  # calendars, linking e-mail
        shot(page, f"calendar-{width}")
        page.goto(f"{live_server.url}/accounts/profile/")
        page.get_by_role("link", name="E-mail settings").click()
        page.get_by_label("Once a day, as a digest").check()
        page.get_by_label("Send reminders").select_option("24")
        shot(page, f"settings-{width}")
        check_a11y(page)
        page.get_by_role("button", name="Save e-mail settings").click()
        page.get_by_text("Your e-mail settings are saved.").wait_for()
        shot(page, f"settings-saved-{width}")
        saved = NotificationPreferences.objects.get(user=person)
        assert (saved.discussion_email, saved.reminder_lead_hours) == ("daily", 24)

        # Someone opens the link from an e-mail in a browser with no session.
        anonymous = new_page(width=width, height=900)
        token = unsubscribe_token(kind="changes", user=person)
        anonymous.goto(f"{live_server.url}/notifications/unsubscribe/{token}/")
        shot(anonymous, f"unsubscribe-{width}")
        check_a11y(anonymous)
        anonymous.get_by_role("button", name="Unsubscribe", exact=True).click()
        anonymous.get_by_text("will no longer get").wait_for()
        shot(anonymous, f"unsubscribe-done-{width}")
        check_a11y(anonymous)
        assert NotificationPreferences.objects.get(user=person).session_changes is False
        NotificationPreferences.objects.filter(user=person).update(session_changes=True)


def test_inbox_shows_each_posts_opening_and_marks_read_in_place(
    transactional_db, live_server, new_page, login
):
    """The inbox at desktop and phone widths: each notification quotes the opening of its
    post, escaped; a removed post says so instead; "Mark as read" redraws the list in
    place. (The page checks run axe and the 360 px check on every state.)"""
    from django.utils import timezone

    from studygroups.discussions.models import Post
    from tests.factories import add_member, make_document, make_group, post, reply

    group = make_group(organizer=None, name="Evening readers")
    document = make_document(title="On mutual aid", paragraphs=2)
    member = add_member(group, verified_user(display_name="Nora Member")).user
    other = add_member(group, verified_user(display_name="Omar Other")).user
    root = post(group, document, member, "What do we owe each other?")
    reply(root, other, "**Quite a lot**, the pamphlet says: <b>not</b> charity. " + "More. " * 60)
    gone = reply(root, other, "SHOULD-NOT-SHOW")
    Post.objects.filter(pk=gone.pk).update(hidden_at=timezone.now())
    for width in (1280, 390):
        page = new_page(width=width, height=900)
        login(page, live_server, member)
        page.goto(f"{live_server.url}/discussions/notifications/")
        excerpts = page.locator(".notification__excerpt")
        expect(excerpts).to_have_count(1)
        expect(excerpts).to_contain_text("Quite a lot, the pamphlet says: <b>not</b> charity.")
        assert len(excerpts.inner_text()) <= 200
        expect(page.locator(".notification__gone")).to_have_count(1)
        expect(page.get_by_text("SHOULD-NOT-SHOW")).to_have_count(0)
        shot(page, f"inbox-{width}")
        if width == 1280:
            page.get_by_role("button", name="Mark as read").first.click()
            expect(page.get_by_role("button", name="Mark as read")).to_have_count(1)
            expect(page.locator(".notification__excerpt")).to_have_count(1)
