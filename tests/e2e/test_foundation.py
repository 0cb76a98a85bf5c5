import re

import pytest

from tests.factories import make_document


@pytest.mark.django_db(transaction=True)
def test_sign_up_verify_log_in_read_and_follow_a_permalink(
    page, live_server, mailoutbox, check_a11y
):
    document = make_document(title="The Reading Circle", authors=["Ada Example"])
    page.goto(f"{live_server.url}/accounts/signup/")
    check_a11y(page)
    page.get_by_label("E-mail address").fill("newcomer@example.org")
    page.get_by_label("Password", exact=True).fill("a-long-pass-phrase")
    page.get_by_label(re.compile("Password \\(again\\)|Confirm", re.I)).fill("a-long-pass-phrase")
    page.get_by_role("button", name=re.compile("sign up", re.I)).click()
    page.wait_for_load_state()
    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)
    path = "/accounts/" + link.split("/accounts/", 1)[1]
    page.goto(f"{live_server.url}{path}")
    page.get_by_role("button", name=re.compile("confirm", re.I)).click()
    page.wait_for_load_state()
    # Confirming logs in; log out and in again through the real form.
    page.get_by_role("button", name=re.compile("log out", re.I)).click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill("newcomer@example.org")
    page.get_by_label("Password").fill("a-long-pass-phrase")
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name=re.compile("log out", re.I)).is_visible()

    page.goto(f"{live_server.url}/library/")
    page.get_by_role("link", name="The Reading Circle").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "The Reading Circle"
    check_a11y(page)

    third = document.blocks.order_by("order")[2]
    page.locator(f"#{third.anchor} a.block__permalink").click()
    assert page.url.endswith(f"#{third.anchor}")
    target = page.locator(":target")
    assert target.get_attribute("id") == third.anchor
    assert target.is_visible()


@pytest.mark.django_db(transaction=True)
def test_reader_works_on_a_phone_without_javascript(browser, live_server):
    document = make_document(title="Small Screens", sections=2, paragraphs=2)
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}{document.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == "Small Screens"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page scrolls sideways on a phone ({width}px)"
    context.close()
