"""Two members discuss a quoted passage in the browser; XSS payloads stay inert."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from studygroups.discussions.models import Notification, Post
from tests.discussions.xss_payloads import XSS_PAYLOADS
from tests.e2e.htmx import settled
from tests.factories import add_member, first_anchor, make_document, make_group, post, verified_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SELECT_JS = """
([anchor, start, end]) => {
  const block = document.getElementById(anchor);
  const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
  let node, text = null;
  while ((node = walker.nextNode())) {
    const inMargin = node.parentElement.closest('.block__permalink, .para-count');
    if (!inMargin && node.textContent.trim().length > end) {
      text = node; break;
    }
  }
  const range = document.createRange();
  range.setStart(text, start);
  range.setEnd(text, end);
  const sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
  return sel.toString();
}
"""


def test_two_members_discuss_a_quoted_passage(live_server, page, new_page, login, check_a11y):
    group = make_group(organizer=None, name="Thursday circle")
    document = make_document(title="Reading in company", paragraphs=3)
    ada = add_member(group, verified_user(display_name="Ada")).user
    ben = add_member(group, verified_user(display_name="Ben")).user
    # Seed hostile posts: none of them may run in the browser.
    for payload in XSS_PAYLOADS:
        post(group, document, ben, payload)
    anchor = first_anchor(document, 1)
    url = live_server.url + reverse(
        "discussions:document",
        kwargs={"group_slug": group.slug, "document_slug": document.slug},
    )
    dialogs = []

    # Ada selects a passage, chooses "Discuss", writes with the quote attached.
    login(page, live_server, ada)
    page.on("dialog", lambda d: dialogs.append(d.message))
    page.goto(url)
    quote = page.evaluate(SELECT_JS, [anchor, 12, 40]).strip()
    assert quote
    page.locator(".discuss-button").click()
    composer = page.locator(f"#threads-{anchor} form.composer__form")
    composer.wait_for()
    assert quote in composer.locator(".composer__quote").inner_text()
    composer.get_by_label("Your post").fill("Is this *the* central claim, @Ben?")
    composer.get_by_role("button", name="Post on this paragraph").click()
    thread = page.locator(f"#threads-{anchor} .post").first
    thread.wait_for()
    assert "central claim" in thread.inner_text()
    saved = Post.objects.get(anchor=anchor)
    assert saved.quote == re.sub(r"\s+", " ", quote) and saved.author == ada
    # The margin count follows at once, without a reload.
    expect(page.locator(f"#{anchor} .para-count")).to_contain_text("1 post on paragraph")
    check_a11y(page)

    # Ben opens the paragraph's threads from the margin count and replies in place.
    other = new_page()
    login(other, live_server, ben)
    other.on("dialog", lambda d: dialogs.append(d.message))
    other.goto(url)
    count = other.locator(f"#{anchor} .para-count")
    assert count.inner_text().startswith("1")
    assert count.get_attribute("class").count("para-count--has")
    count.click()
    threads = other.locator(f"#threads-{anchor}")
    threads.locator(".post").first.wait_for()
    assert quote in threads.locator(".post__quote").inner_text()
    threads.get_by_role("link", name="Reply").click()
    reply_form = threads.locator("form.composer__form--reply")
    reply_form.get_by_label("Your reply").fill("Yes, and it returns in the last section.")
    reply_form.get_by_role("button", name="Reply").click()
    threads.get_by_text("it returns in the last section").wait_for()
    expect(other.locator(f"#{anchor} .para-count")).to_contain_text("2 posts on paragraph")

    # Both see the thread; both were notified (mention for Ben, reply for Ada).
    page.reload()
    page.locator(f"#{anchor} .para-count").click()
    page.locator(f"#threads-{anchor}").get_by_text("it returns in the last section").wait_for()
    assert Notification.objects.filter(recipient=ada, kind="reply").exists()
    assert Notification.objects.filter(recipient=ben, kind="mention").exists()
    page.goto(live_server.url + reverse("discussions:notifications"))
    assert "Ben replied to your post" in page.locator(".notification-list").inner_text()
    other.goto(live_server.url + reverse("discussions:notifications"))
    assert "Ada mentioned you" in other.locator(".notification-list").inner_text()

    # No payload ran anywhere.
    for p in (page, other):
        p.goto(url)
        p.wait_for_load_state("networkidle")
        assert p.evaluate("typeof window.__xss") == "undefined"
    assert dialogs == []


def test_pages_of_threads_keep_focus_and_history(live_server, page, login):
    """The pager moves focus to the list's heading, keeps the address, and going back
    brings the whole page back even when htmx has no copy of it."""
    group = make_group(organizer=None, name="Paging circle")
    document = make_document(title="A much discussed text", paragraphs=2)
    ada = add_member(group, verified_user(display_name="Ada")).user
    for n in range(30):
        post(group, document, ada, f"Thread number {n:02}")
    url = live_server.url + reverse(
        "discussions:document",
        kwargs={"group_slug": group.slug, "document_slug": document.slug},
    )
    login(page, live_server, ada)
    page.goto(url)
    pager = page.locator(".general .pagination")
    expect(pager).to_contain_text("Threads 1–25 of 30")
    pager.get_by_role("link", name="Next").focus()
    page.keyboard.press("Enter")
    expect(pager).to_contain_text("Threads 26–30 of 30")
    expect(page.locator("#general-heading")).to_be_focused()
    assert page.url.endswith("?page=2")
    # Back, with htmx's copy of the page gone (as when its cache of 10 pages is full): the
    # server sends the whole page.
    page.evaluate("sessionStorage.removeItem('htmx-history-cache')")
    restoring = page.expect_request_finished(
        lambda r: r.headers.get("hx-history-restore-request") == "true"
    )
    with restoring:
        page.go_back()
    settled(page)
    expect(page.get_by_role("heading", name="A much discussed text", level=1)).to_be_visible()
    expect(pager).to_contain_text("Threads 1–25 of 30")


def test_show_more_replies_loads_the_thread_in_place(
    live_server, page, new_page, login, check_a11y
):
    """A long thread arrives with its first replies; "Show N more replies" brings the
    rest in place with htmx and moves focus to the first reply that was not shown. A
    phone-width page keeps the control usable. Screenshots: test-artifacts/."""
    from studygroups.discussions.threads import REPLIES_SHOWN
    from tests.e2e.conftest import ARTIFACTS
    from tests.factories import reply

    group = make_group(organizer=None, name="Long threads circle")
    document = make_document(title="A text that starts arguments", paragraphs=2)
    ada = add_member(group, verified_user(display_name="Ada")).user
    ben = add_member(group, verified_user(display_name="Ben")).user
    roots = []
    for n in range(4):
        root = post(group, document, ada, f"Thread {n}: what does the author want from us?")
        parent = root
        for r in range(12):
            parent = reply(parent if r % 3 else root, ben if r % 2 else ada, f"Reply {n}-{r:02}")
        roots.append(root)
    url = live_server.url + reverse(
        "discussions:document",
        kwargs={"group_slug": group.slug, "document_slug": document.slug},
    )
    login(page, live_server, ada)
    page.goto(url + "#discussion")
    hidden = 12 - REPLIES_SHOWN
    more = page.locator(f"#thread-{roots[0].pk} [data-more-replies]")
    expect(more).to_have_text(f"Show {hidden} more replies")
    expect(page.get_by_text("Reply 0-11")).to_have_count(0)
    ARTIFACTS.mkdir(exist_ok=True)
    more.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "discussion-show-more-1280.png"))
    check_a11y(page)
    more.focus()
    page.keyboard.press("Enter")
    settled(page)
    expect(page.get_by_text("Reply 0-11")).to_be_visible()
    expect(page.locator("article.post:focus")).to_have_count(1)
    # The other threads still offer theirs.
    expect(page.locator("[data-more-replies]")).to_have_count(3)
    phone = new_page(390, 844)
    login(phone, live_server, ben)
    phone.goto(url + "#discussion")
    phone_more = phone.locator(f"#thread-{roots[1].pk} [data-more-replies]")
    phone_more.scroll_into_view_if_needed()
    phone.screenshot(path=str(ARTIFACTS / "discussion-show-more-390.png"))
    phone_more.click()
    settled(phone)
    expect(phone.get_by_text("Reply 1-11")).to_be_visible()
