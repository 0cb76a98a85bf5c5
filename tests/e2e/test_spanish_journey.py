"""A Spanish-speaking member's journey in Chromium (issue #16): she signs in from a browser
that asks for Spanish, joins a Spanish-speaking group, RSVPs to a session, opens the
reading and posts in the discussion. Every state is in Spanish (`<html lang="es">`), the
text keeps its own language (`lang` on the reader's content), and axe-core finds nothing
serious. Controls are found by what they do (form actions, field names), not by words
another branch is still translating; words from the shared layout are checked in Spanish.
"""

import re

import pytest
from playwright.sync_api import expect

from studygroups.curricula import services as curricula
from studygroups.discussions.models import Post
from studygroups.groups.models import RSVP, Group, Membership
from studygroups.library.services import BlockInput, SectionInput, document_create
from tests.factories import make_session, verified_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PARAGRAPHS = [
    "Un grupo de estudio es, ante todo, un compromiso: leer y discutir los mismos textos.",
    "Cada miembro lee el texto asignado y marca los pasajes que le parecen importantes.",
]


def spanish_context(browser, width=1280):
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        locale="es-ES",
        extra_http_headers={"Accept-Language": "es-ES,es;q=0.9"},
    )
    context.set_default_timeout(10_000)
    return context


def assert_spanish(page):
    assert page.locator("html").get_attribute("lang") == "es"
    footer = page.locator("footer")
    expect(footer.get_by_label("Idioma")).to_have_value("es")
    expect(footer.get_by_role("button", name="Cambiar de idioma")).to_be_visible()


@pytest.fixture
def spanish_group():
    organizer = verified_user(display_name="Carmen", language="es")
    document = document_create(
        title="Leer juntos",
        language="es",
        sections=[SectionInput(heading="Antes de la reunión", blocks=[
            BlockInput(text=t) for t in PARAGRAPHS
        ])],
    )  # fmt: skip
    series = curricula.curriculum_create(owner=organizer, title="Una primera serie")
    unit = curricula.unit_add(curriculum=series, title="Primera reunión")
    curricula.reading_add(unit=unit, document=document)
    curricula.curriculum_update(curriculum=series, data={"status": "published"})
    from studygroups.groups.roster import group_create

    group = group_create(
        creator=organizer,
        name="Círculo del jueves",
        curriculum=series,
        language="es",
        visibility=Group.Visibility.PUBLIC,
        join_policy=Group.JoinPolicy.OPEN,
    )
    session = make_session(group, title="Primera reunión: leer juntos", units=[unit])
    return group, session, document


def test_a_spanish_speaking_member_joins_rsvps_reads_and_posts(
    browser, live_server, password, check_a11y, spanish_group
):
    group, session, document = spanish_group
    lucia = verified_user(display_name="Lucía", language="es")
    context = spanish_context(browser)
    page = context.new_page()
    try:
        # Sign in: the entrance already speaks Spanish (the browser asks for it).
        page.goto(f"{live_server.url}/accounts/login/")
        assert_spanish(page)
        expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sesión")
        check_a11y(page)
        page.get_by_label("Dirección de correo").fill(lucia.email)
        page.get_by_label("Contraseña").fill(password)
        page.get_by_role("button", name="Iniciar sesión").click()
        page.wait_for_load_state()
        expect(page.locator(".messages")).to_contain_text("Hola, Lucía. Has iniciado sesión.")
        expect(page.get_by_role("button", name="Cerrar sesión").first).to_be_attached()
        assert_spanish(page)

        # Join the group.
        page.goto(f"{live_server.url}{group.get_absolute_url()}")
        assert_spanish(page)
        check_a11y(page)
        with page.expect_navigation():
            page.locator(f'form[action$="/groups/{group.slug}/join/"] button[type=submit]').click()
        assert Membership.objects.get(group=group, user=lucia).is_active
        assert_spanish(page)

        # RSVP to the session (htmx swaps the answer in place).
        page.goto(f"{live_server.url}{session.get_absolute_url()}")
        assert_spanish(page)
        page.locator('#rsvp button[name="answer"][value="going"]').click()
        expect(page.locator('#rsvp button[value="going"]')).to_have_attribute(
            "aria-pressed", "true"
        )
        assert RSVP.objects.get(session=session, user=lucia).answer == "going"
        check_a11y(page)

        # Open the reading: the interface is Spanish and so is the text, marked as such.
        page.locator(f'a[href$="/discussions/{group.slug}/{document.slug}/"]').first.click()
        page.wait_for_url(re.compile(rf"/discussions/{group.slug}/{document.slug}/$"))
        assert_spanish(page)
        expect(page.get_by_role("heading", level=1)).to_have_text("Leer juntos")
        expect(page.locator(".reader__body")).to_have_attribute("lang", "es")
        expect(page.get_by_role("heading", level=1)).to_have_attribute("lang", "es")
        check_a11y(page)

        # Post in the discussion.
        composer = page.locator("#composer form.composer__form")
        composer.locator('textarea[name="body"]').fill("Me quedo con la idea del compromiso.")
        composer.locator('button[name="action"][value="post"]').click()
        page.locator(".post").filter(has_text="Me quedo con la idea del compromiso.").wait_for()
        assert Post.objects.filter(author=lucia, discussion__group=group).count() == 1
        assert_spanish(page)
        check_a11y(page)

        # On a phone the same journey ends in Spanish too, with the switcher reachable.
        phone = spanish_context(browser, width=390).new_page()
        phone.context.add_cookies(context.cookies())
        phone.goto(f"{live_server.url}/accounts/profile/")
        assert_spanish(phone)
        expect(phone.get_by_label("Idioma", exact=True).first).to_be_visible()
        check_a11y(phone)
        phone.context.close()
    finally:
        context.close()


def test_the_switcher_works_by_keyboard_without_javascript(browser, live_server, user, password):
    """No JavaScript: choose Español with the keyboard and submit; a signed-in member's
    choice is saved and every later page (and browser) speaks Spanish."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=False, locale="en-GB"
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-mail address").fill(user.email)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").click()
        assert page.locator("html").get_attribute("lang") == "en"
        select = page.locator("footer").get_by_label("Language")
        select.focus()
        select.select_option("es")
        page.keyboard.press("Tab")
        expect(page.locator("footer").get_by_role("button", name="Change language")).to_be_focused()
        # Wait for the switcher's POST and redirect: the page before it is already loaded.
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator("html")).to_have_attribute("lang", "es")
        expect(page.locator("footer").get_by_label("Idioma")).to_have_value("es")
        user.refresh_from_db()
        assert user.language == "es"
    finally:
        context.close()
