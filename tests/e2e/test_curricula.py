"""An organizer builds a three-unit reading series from documents, with questions, and
opens the printable packet."""

import re

import pytest
from playwright.sync_api import expect

from studygroups.curricula.models import Curriculum
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.htmx import settled
from tests.factories import make_document, verified_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def saved_move(response) -> bool:
    """The answer to the request that saves a unit's new place in the series."""
    return response.request.method == "POST" and "/move" in response.url


def test_organizer_builds_a_series_and_prints_a_packet(page, live_server, login, check_a11y):
    organizer = verified_user(display_name="Olive Organizer")
    for title in ("Alpha on mutual aid", "Beta on the press", "Gamma on meetings"):
        make_document(title=title, authors=["Ada Example"])
    extra = make_document(title="Delta on reading aloud", sections=3, paragraphs=3)
    login(page, live_server, organizer)

    # Make a reading series from three documents.
    page.goto(f"{live_server.url}/series/from-documents/")
    for title in ("Alpha on mutual aid", "Beta on the press", "Gamma on meetings"):
        page.get_by_label(re.compile(title)).check()
    page.get_by_label("Title of the reading series").fill("Reading together")
    page.get_by_role("button", name="Create the reading series").click()
    expect(page.get_by_role("heading", name="Reading together", level=1)).to_be_visible()
    units = page.locator(".unit-row")
    expect(units).to_have_count(3)
    check_a11y(page)

    # Reorder with the keyboard: move the third unit up.
    page.get_by_role("button", name="Move “Gamma on meetings” up").focus()
    page.keyboard.press("Enter")
    expect(units.nth(1)).to_contain_text("Gamma on meetings")
    # Or drag a unit by its handle: Beta, now third, to the top.
    settled(page)
    # The rows move at once; the order is saved by the request sent when the drag ends,
    # which may start after drag_to() returns: wait for its answer, not for idle htmx.
    with page.expect_response(saved_move):
        units.nth(2).locator("[data-drag-handle]").drag_to(units.nth(0))
    expect(units.nth(0)).to_contain_text("Beta on the press")
    expect(units.nth(1)).to_contain_text("Alpha on mutual aid")
    settled(page)
    assert [u.title for u in Curriculum.objects.get().units.order_by("order")] == [
        "Beta on the press", "Alpha on mutual aid", "Gamma on meetings",
    ]  # fmt: skip
    settled(page)
    # Down past the middle of the next row: Beta back below Alpha.
    below = units.nth(1).bounding_box()
    with page.expect_response(saved_move):
        units.nth(0).locator("[data-drag-handle]").drag_to(
            units.nth(1), target_position={"x": 20, "y": below["height"] - 4}
        )
    expect(units.nth(0)).to_contain_text("Alpha on mutual aid")
    expect(units.nth(1)).to_contain_text("Beta on the press")
    # Let go outside the list: nothing moves, on the page or in the series.
    settled(page)
    units.nth(2).locator("[data-drag-handle]").drag_to(page.get_by_role("heading", level=1))
    expect(units.nth(2)).to_contain_text("Gamma on meetings")
    settled(page)
    assert [u.title for u in Curriculum.objects.get().units.order_by("order")] == [
        "Alpha on mutual aid", "Beta on the press", "Gamma on meetings",
    ]  # fmt: skip
    # Rename inline without a reload.
    units.nth(0).get_by_text("Rename").click()
    page.get_by_label("New title for unit 1").fill("Week one: mutual aid")
    units.nth(0).get_by_role("button", name="Save").click()
    expect(units.nth(0)).to_contain_text("Week one: mutual aid")

    # In the first unit: add part of another document by searching, then questions.
    units.nth(0).get_by_role("link", name="Week one: mutual aid").click()
    page.get_by_label("Search the library by title or author").press_sequentially("Delta")
    page.get_by_role("link", name="Choose Delta on reading aloud").click()
    chooser = page.locator("#reading-chooser")
    chooser.get_by_label("A range of paragraphs").check()
    chooser.get_by_label("From paragraph").select_option(index=2)
    chooser.get_by_label("To paragraph (inclusive)").select_option(index=1)
    # The reading time (or what is wrong) shows while choosing, before adding.
    expect(chooser.locator("#range-time")).to_contain_text("ends before it starts")
    chooser.get_by_role("button", name="Add to the unit").click()
    expect(page.locator("#reading-chooser [role=alert]")).to_contain_text("ends before it starts")
    settled(page)
    chooser = page.locator("#reading-chooser")
    chooser.get_by_label("To paragraph (inclusive)").select_option(index=4)
    expect(chooser.locator("#range-time")).to_contain_text("≈ 1 min · 120 words")
    check_a11y(page)
    chooser.get_by_role("button", name="Add to the unit").click()
    readings = page.locator("#readings .edit-row")
    expect(readings).to_have_count(2)
    expect(readings.nth(1)).to_contain_text("Delta on reading aloud")
    expect(readings.nth(1)).to_contain_text("120 words")  # paragraphs 2-4, 40 words each
    expect(page.locator(".reading-total")).to_contain_text("2 min")

    for text in ("What does *mutual* mean here?", "Which paragraph would you read aloud?"):
        page.get_by_label("Question", exact=True).fill(text)
        page.get_by_role("button", name="Add question").click()
        expect(page.locator("#questions")).to_contain_text(text.replace("*", ""))
    expect(page.locator("#questions em")).to_have_text("mutual")
    # A question tied to paragraph 3 of Delta (its reading is paragraphs 2-4).
    page.get_by_label("Question", exact=True).fill("What does paragraph 3 ask of us?")
    paragraph = page.get_by_label("About one paragraph")
    expect(paragraph.locator("optgroup")).to_have_count(2)
    paragraph.select_option(
        label=paragraph.locator("optgroup").nth(1).locator("option", has_text="¶ 3 —").inner_text()
    )
    page.get_by_role("button", name="Add question").click()
    tie = page.locator("#questions").get_by_role("link", name="on ¶ 3")
    expect(tie).to_have_attribute("href", re.compile(r"\?from=p-.*&to=p-.*#p-"))
    # Edit a question inline.
    page.get_by_role("link", name="Edit question 2").click()
    editing = page.locator(".edit-row--editing")
    expect(editing.locator("textarea[name=text]")).to_have_value(
        "Which paragraph would you read aloud?"
    )
    editing.locator("textarea[name=text]").fill("Which paragraph matters most?")
    page.get_by_role("button", name="Save question").click()
    expect(page.locator("#questions")).to_contain_text("Which paragraph matters most?")
    check_a11y(page)

    # Questions for the other two units.
    curriculum = Curriculum.objects.get(title="Reading together")
    for unit in curriculum.units.order_by("order")[1:]:
        page.goto(f"{live_server.url}/series/{curriculum.slug}/units/{unit.pk}/edit/")
        page.get_by_label("Question", exact=True).fill(f"What is {unit.title} about?")
        page.get_by_role("button", name="Add question").click()
        expect(page.locator("#questions .edit-row")).to_have_count(1)

    # The syllabus, then the packet of the first unit.
    page.goto(f"{live_server.url}/series/{curriculum.slug}/")
    expect(page.locator(".syllabus__unit")).to_have_count(3)
    check_a11y(page)
    page.locator(".syllabus__unit").first.get_by_role("link", name="Printable packet").click()
    expect(page.get_by_role("heading", name="Week one: mutual aid", level=1)).to_be_visible()
    expect(page.locator(".site-header")).to_have_count(0)
    delta = page.locator(".packet__reading").nth(1)
    expect(delta).to_contain_text("Paragraphs 2–4")
    second = list(extra.blocks.order_by("order"))[1]
    expect(delta.locator(f"#{second.anchor} .block__number")).to_have_text("2")
    expect(page.locator(".packet__questions")).to_contain_text("Which paragraph matters most?")
    expect(page.locator(".packet__questions")).to_contain_text("“Delta on reading aloud”, on ¶ 3")
    check_a11y(page)
    page.emulate_media(media="print")
    expect(page.locator(".packet__back")).to_be_hidden()


def test_a_spanish_organizer_sees_the_builder_library_and_reader_in_spanish(
    browser, live_server, check_a11y
):
    """The series editor, the library and the reader in Spanish at 1280 and 390 px:
    Spanish interface, the English text keeping `lang="en"`, axe clean."""
    from django.conf import settings
    from django.test import Client

    from studygroups.curricula import services

    organizer = verified_user(display_name="Olga Organizadora")
    english = make_document(title="On Reading Together", language="en", authors=["Ada Example"])
    spanish = make_document(title="Sobre leer en compañía", language="es", sections=3)
    curriculum = services.curriculum_create(owner=organizer, title="Leer juntos")
    unit = services.unit_add(curriculum=curriculum, title="Primera sesión")
    services.reading_add(unit=unit, document=spanish)
    services.unit_add(curriculum=curriculum, title="Segunda sesión")
    shots = ARTIFACTS / "spanish"
    shots.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        context = browser.new_context(
            viewport={"width": width, "height": 900 if width == 1280 else 844}, locale="es-ES"
        )
        client = Client()
        client.force_login(organizer)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
        browser_page = context.new_page()
        browser_page.goto(f"{live_server.url}/series/{curriculum.slug}/edit/")
        expect(browser_page.get_by_role("heading", name="Unidades")).to_be_visible()
        expect(browser_page.get_by_role("button", name="Añadir unidad")).to_be_visible()
        check_a11y(browser_page)
        browser_page.screenshot(path=str(shots / f"series-editor-{width}.png"), full_page=True)
        browser_page.goto(f"{live_server.url}/library/")
        expect(browser_page.get_by_role("heading", name="Biblioteca", level=1)).to_be_visible()
        expect(browser_page.get_by_role("link", name="On Reading Together")).to_have_attribute(
            "lang", "en"
        )
        check_a11y(browser_page)
        browser_page.screenshot(path=str(shots / f"library-{width}.png"), full_page=True)
        browser_page.goto(f"{live_server.url}{english.get_absolute_url()}")
        expect(browser_page.locator(".reader__body")).to_have_attribute("lang", "en")
        expect(browser_page.get_by_label("Buscar en este texto")).to_be_visible()
        check_a11y(browser_page)
        browser_page.screenshot(path=str(shots / f"reader-{width}.png"), full_page=False)
        context.close()
