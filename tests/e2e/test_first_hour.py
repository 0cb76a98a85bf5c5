"""The first hour (issue #15): the shared layout as a newcomer, a keyboard user and a
phone user meet it: page headers, tables, the header navigation, target sizes."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.htmx import settled
from tests.factories import add_member, make_curriculum, make_group, make_session, verified_user

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parents[1] / "corpus_import" / "fixtures"


def boxes(page, selector):
    return page.eval_on_selector_all(
        selector,
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom, text: e.textContent.trim().slice(0, 30)}; })",
    )


def assert_stacked(page, selector):
    """The elements follow each other downwards; none is drawn over another."""
    found = [b for b in boxes(page, selector) if b["bottom"] > b["top"]]
    for above, below in zip(found, found[1:], strict=False):
        overlap = f"{below['text']!r} overlaps {above['text']!r}"
        assert below["top"] >= above["bottom"] - 0.5, overlap


@pytest.fixture
def staff(db, password):
    return verified_user(display_name="Stella Staff", is_staff=True)


def test_import_preview_header_and_tables_fit(
    transactional_db, live_server, page, login, staff, check_a11y, check_layout
):
    login(page, live_server, staff)
    page.goto(f"{live_server.url}/import/")
    page.set_input_files(
        "input[type=file]",
        [str(FIXTURES / "article_dateline.txt"), str(FIXTURES / "markdown_front_matter.md")],
    )
    page.get_by_role("button", name=re.compile("preview|upload", re.I)).click()
    page.wait_for_url(re.compile(r"/import/batches/\d+/preview/"))
    assert_stacked(page, ".page-header > *")
    check_a11y(page)
    check_layout(page)
    page.set_viewport_size({"width": 390, "height": 800})
    assert_stacked(page, ".page-header > *")


def test_header_is_one_row_for_staff_and_a_menu_on_phones(
    transactional_db, browser, live_server, page, new_page, login, staff, check_a11y
):
    login(page, live_server, staff)
    page.goto(f"{live_server.url}/library/")
    brand = page.locator(".site-brand").bounding_box()
    for link in ("Dashboard", "Import", "Admin", "Notifications"):
        box = page.get_by_role("link", name=link, exact=False).first.bounding_box()
        assert box["y"] < brand["y"] + brand["height"], f"{link} dropped below the logo"
    assert page.locator(".site-header").bounding_box()["height"] < 80
    # The profile name fits in its own box, apart from "Log out" (it used to run under it).
    profile = page.locator(".site-nav--wide .site-nav__profile")
    cut = profile.evaluate("a => a.scrollWidth - a.clientWidth")
    assert cut <= 0, f"the name is cut off by {cut} px"
    logout = page.locator(".site-nav--wide").get_by_role("button", name="Log out")
    gap = logout.bounding_box()["x"] - (
        profile.bounding_box()["x"] + profile.bounding_box()["width"]
    )
    assert gap >= 0, f"the name runs {-gap:.0f} px under 'Log out'"

    # A phone, without JavaScript: one compact row, the links behind "Menu".
    context = browser.new_context(viewport={"width": 390, "height": 800}, java_script_enabled=False)
    try:
        phone = context.new_page()
        login(phone, live_server, staff)
        phone.goto(f"{live_server.url}/library/")
        assert phone.locator(".site-header").bounding_box()["height"] < 80
        header = phone.locator(".site-header")
        assert not header.get_by_role("link", name="Reading series").is_visible()
        phone.get_by_text("Menu", exact=True).click()
        assert header.get_by_role("link", name="Reading series").is_visible()
        header.get_by_role("link", name="Reading series").click()
        phone.wait_for_url(re.compile(r"/series/"))
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()

    phone = new_page(390, 800)
    login(phone, live_server, staff)
    phone.get_by_text("Menu", exact=True).click()
    check_a11y(phone)


def test_dashboard_targets_are_big_enough(
    transactional_db, live_server, page, login, check_a11y, check_layout
):
    member = verified_user(display_name="Mia")
    curriculum = make_curriculum(units=2, readings_per_unit=1, questions_per_unit=1)
    group = make_group(curriculum=curriculum)
    add_member(group, member)
    make_session(group, title="First meeting", units=[curriculum.units.order_by("order")[0]])
    login(page, live_server, member)
    page.goto(f"{live_server.url}/groups/dashboard/")
    link = page.get_by_role("link", name="Answer: are you coming?")
    assert link.bounding_box()["height"] >= 24
    check_a11y(page)
    check_layout(page)

    # "Mark as read" updates the card's count and bar with it, without a reload.
    card = page.locator(".session-card").first
    expect(card.get_by_text("0 of 1 read")).to_be_visible()
    card.get_by_role("button", name=re.compile("Mark as read")).click()
    expect(card.get_by_role("button", name=re.compile("Read"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(card.get_by_text("1 of 1 read")).to_be_visible()
    assert card.locator("progress").get_attribute("value") == "1"
    # Focus stays on the toggle (not <body>), and the change is announced.
    settled(page)
    focused = page.evaluate("document.activeElement.outerHTML.slice(0, 200)")
    assert 'aria-pressed="true"' in focused, focused
    expect(page.locator("#swap-announcer")).not_to_be_empty()
    check_a11y(page)


def test_unit_editor_question_form_follows_a_new_reading(
    transactional_db, live_server, page, login, check_a11y, check_layout
):
    from tests.factories import make_curriculum as make_series
    from tests.factories import make_document

    owner = verified_user(display_name="Olive")
    make_document(title="Delta on reading aloud", sections=1, paragraphs=3)
    series = make_series(owner=owner, units=1)
    unit = series.units.get()
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/series/{series.slug}/units/{unit.pk}/edit/")
    # Copy: an empty unit says so in words, not "No required reading of reading".
    expect(page.locator(".reading-total")).to_contain_text("No required reading")
    expect(page.locator(".reading-total")).not_to_contain_text("of reading")
    expect(page.locator(".reading-total")).not_to_contain_text("0 required words")
    check_a11y(page)
    check_layout(page)

    page.get_by_label("Search the library by title or author").press_sequentially("Delta")
    page.get_by_role("link", name="Choose Delta on reading aloud").click()
    page.locator("#reading-chooser").get_by_role("button", name="Add to the unit").click()
    expect(page.locator("#readings .edit-row")).to_have_count(1)
    # Without a reload, the question form offers the new reading and its paragraphs.
    expect(page.get_by_label("About one paragraph").locator("option")).to_have_count(4)
    offered = page.locator("#questions select option", has_text="Delta on reading aloud")
    expect(offered).to_have_count(1)
    # A question without text: focus goes to the field with the error, which is announced.
    settled(page)
    page.get_by_role("button", name="Add question").press("Enter")
    expect(page.locator("#questions .errorlist")).to_be_visible()
    settled(page)
    assert page.evaluate("document.activeElement.name") == "text"
    expect(page.locator("#swap-announcer")).not_to_be_empty()
    check_a11y(page)


def test_keyboard_opens_writes_and_closes_a_paragraph_discussion(
    transactional_db, live_server, page, login, check_a11y, check_layout
):
    from django.urls import reverse

    from tests.factories import first_anchor, make_document

    group = make_group(organizer=None, name="Keyboard circle")
    document = make_document(title="Reading by keyboard", paragraphs=3)
    kim = add_member(group, verified_user(display_name="Kim")).user
    anchor = first_anchor(document, 1)
    login(page, live_server, kim)
    page.goto(
        live_server.url
        + reverse(
            "discussions:document",
            kwargs={"group_slug": group.slug, "document_slug": document.slug},
        )
    )
    check_a11y(page)
    check_layout(page)
    plus = page.locator(f"#count-{anchor}")
    plus.focus()
    page.keyboard.press("Enter")
    composer = page.locator(f"#threads-{anchor} textarea[name=body]")
    expect(composer).to_be_focused()
    check_a11y(page)
    # Escape closes the panel and returns to the "+".
    page.keyboard.press("Escape")
    expect(page.locator(f"#threads-{anchor}")).to_be_empty()
    expect(plus).to_be_focused()
    # Open again, write, post with the keyboard: focus lands in the thread, not <body>.
    page.keyboard.press("Enter")
    expect(composer).to_be_focused()
    page.keyboard.type("A first thought, typed.")
    page.get_by_role("button", name="Post on this paragraph").press("Enter")
    expect(page.locator(f"#threads-{anchor} .post").first).to_contain_text("A first thought")
    settled(page)
    inside = page.evaluate(
        f"!!document.activeElement.closest('#threads-{anchor}')"
        " && document.activeElement !== document.body"
    )
    assert inside, page.evaluate("document.activeElement.outerHTML.slice(0, 200)")
    check_a11y(page)

    # Quote by keyboard: select words (as Shift+arrows do in caret browsing), Tab to the
    # visible "Discuss selection" button, press Enter.
    from tests.e2e.test_discussions import SELECT_JS

    second = first_anchor(document, 2)
    quote = page.evaluate(SELECT_JS, [second, 5, 30]).strip()
    button = page.get_by_role("button", name="Discuss selection")
    expect(button).to_be_visible()
    page.wait_for_timeout(200)  # the selection is read after a short pause
    button.focus()
    page.keyboard.press("Enter")
    composer = page.locator(f"#threads-{second} form.composer__form")
    composer.wait_for()
    assert quote in composer.locator(".composer__quote").inner_text()
    check_a11y(page)


def test_calendar_settings_checkboxes_beside_labels_and_feed_copy_button(
    transactional_db, live_server, page, login, check_a11y, check_layout
):
    member = verified_user(display_name="Cal")
    group = make_group(
        curriculum=make_curriculum(units=1, readings_per_unit=1, questions_per_unit=1)
    )
    add_member(group, member)
    login(page, live_server, member)
    page.goto(f"{live_server.url}/groups/settings/")
    for check in page.locator(".form-field--check").all():
        box = check.locator("input[type=checkbox]").bounding_box()
        label = check.locator("label").bounding_box()
        assert label["x"] > box["x"] + box["width"], "the label is not beside its checkbox"
        assert label["y"] < box["y"] + box["height"], "the label sits below its checkbox"
    check_a11y(page)
    check_layout(page)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    copy = page.get_by_role("button", name="Copy the address: All my groups")
    copy.click()
    expect(copy).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "/groups/calendar/" in copied and copied.endswith(".ics")


def test_series_settings_show_whole_visibility_choices_on_a_phone(
    transactional_db, live_server, new_page, login, check_a11y, check_layout
):
    from tests.factories import make_curriculum as make_series

    owner = verified_user(display_name="Vera")
    series = make_series(owner=owner, units=1)
    phone = new_page(390, 800)
    login(phone, live_server, owner)
    phone.goto(f"{live_server.url}/series/{series.slug}/edit/")
    choice = phone.get_by_label("Public: listed in the reading-series library")
    expect(choice).to_be_visible()
    label = phone.locator(f"label[for='{choice.get_attribute('id')}']")
    assert label.evaluate("l => l.scrollWidth <= l.clientWidth + 1"), "the choice is cut off"
    check_a11y(phone)
    check_layout(phone)


def test_every_page_state_is_checked_for_axe_violations_and_sideways_scrolling(
    transactional_db, live_server, page, page_checks
):
    """The automatic page checks (conftest.PageChecks) see a change made by an htmx swap
    and report an axe violation and what sticks out at 360 px, naming the page."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.title()
    assert page_checks.problems == [], page_checks.problems  # the login page is fine
    page.evaluate(
        """() => {
        const main = document.querySelector('main');
        const img = document.createElement('img');
        img.src = '/static/img/logo.svg';
        const wide = document.createElement('div');
        wide.className = 'too-wide';
        wide.style.width = '900px';
        wide.textContent = 'A wide thing';
        main.append(img, wide);
        main.dispatchEvent(new CustomEvent('htmx:afterSettle', {bubbles: true}));
        }"""
    )
    for _ in range(20):  # the swap is reported asynchronously, on a later call
        page.wait_for_timeout(50)
        if page_checks.problems:
            break
    found = "\n".join(page_checks.problems)
    assert "/accounts/login/ (after an htmx swap into #main, 1280 px wide)" in found, found
    assert "axe image-alt (critical)" in found, found
    assert "scrolls sideways at 360 px" in found and "div.too-wide" in found, found
    assert page.viewport_size["width"] == 1280  # put back after the check
    page_checks.problems.clear()  # found as intended: the test must not fail at teardown


SHOTS = os.environ.get("SCREENSHOTS")


def shot(page, name):
    """SCREENSHOTS=dir saves each page for a person to look at (issue #15's proof)."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def assert_apart(page, selector):
    """No two of the elements are drawn over each other (side by side is fine)."""
    found = page.eval_on_selector_all(
        selector,
        "els => els.map(e => { const r = e.getBoundingClientRect(); return {l: r.left,"
        " r: r.right, t: r.top, b: r.bottom, text: e.textContent.trim().slice(0, 30)}; })"
        ".filter(b => b.r > b.l && b.b > b.t)",
    )
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            apart = a["r"] <= b["l"] + 0.5 or b["r"] <= a["l"] + 0.5
            apart = apart or a["b"] <= b["t"] + 0.5 or b["b"] <= a["t"] + 0.5
            assert apart, f"{b['text']!r} is drawn over {a['text']!r} on {page.url}"


def assert_fits(page):
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def test_group_session_import_and_header_at_desktop_and_phone_widths(
    transactional_db, live_server, new_page, login, staff
):
    """The pages a newcomer meets first, at 1280 and 390 px: headers stacked, sections
    apart, one heading font, nothing sideways. (Every state is also checked with axe and
    at 360 px by the page checks.)"""
    from django.urls import reverse

    from tests.factories import post

    curriculum = make_curriculum(units=2, readings_per_unit=1, questions_per_unit=1)
    group = make_group(curriculum=curriculum, name="Thursday readers", organizer=staff)
    member = add_member(group, verified_user(display_name="Mia Member")).user
    first, second = curriculum.units.order_by("order")
    past = make_session(group, title="Opening evening", in_hours=-72, units=[first])
    session = make_session(group, title="Second evening", units=[second])
    document = second.readings.first().document
    post(group, document, member, "A first thought about the second reading.")
    for width in (1280, 390):
        page = new_page(width, 900)
        login(page, live_server, staff)
        page.goto(live_server.url + reverse("groups:detail", args=[group.slug]))
        shot(page, f"group-{width}")
        assert_apart(page, ".page-header > *")
        assert_fits(page)
        past_heading = page.locator("#past-heading").bounding_box()
        above = page.locator("#past-heading").evaluate(
            "h => h.closest('section').previousElementSibling.getBoundingClientRect().bottom"
        )
        assert past_heading["y"] - above >= 16, "'Past sessions' touches the section above"
        fonts = page.eval_on_selector_all(
            "main h2", "hs => [...new Set(hs.map(h => getComputedStyle(h).fontFamily))]"
        )
        assert len(fonts) == 1, fonts

        page.goto(live_server.url + reverse("groups:session", args=[group.slug, session.pk]))
        shot(page, f"session-{width}")
        assert_apart(page, ".page-header > *")
        assert_fits(page)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Second evening")
        page.goto(live_server.url + reverse("groups:session", args=[group.slug, past.pk]))
        assert_fits(page)

        page.goto(f"{live_server.url}/import/")
        page.set_input_files(
            "input[type=file]",
            [str(FIXTURES / "article_dateline.txt"), str(FIXTURES / "markdown_front_matter.md")],
        )
        page.get_by_role("button", name=re.compile("preview", re.I)).click()
        page.wait_for_url(re.compile(r"/import/batches/\d+/preview/"))
        shot(page, f"import-preview-{width}")
        assert_apart(page, ".page-header > *")
        assert_fits(page)

    phone = new_page(390, 800)
    login(phone, live_server, member)
    assert phone.locator(".site-header").bounding_box()["height"] < 80
    shot(phone, "header-390")
    phone.get_by_text("Menu", exact=True).click()
    expect(phone.locator(".site-nav--menu").get_by_role("link", name="Library")).to_be_visible()
    assert_fits(phone)
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/header-menu-390.png")
