"""An organizer starts a private group on a reading series, schedules four weekly
sessions and invites a member by link; the member joins, RSVPs and gets the calendar."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from icalendar import Calendar

from studygroups.groups.models import RSVP, Group, Membership
from tests.factories import make_curriculum, verified_user

pytestmark = pytest.mark.e2e


def test_organizer_and_member(transactional_db, live_server, page, new_page, login, check_a11y):
    organizer = verified_user(display_name="Olga", time_zone="Europe/Berlin")
    member = verified_user(display_name="Mo", time_zone="America/New_York")
    curriculum = make_curriculum(
        units=4, readings_per_unit=1, questions_per_unit=1, owner=organizer
    )

    login(page, live_server, organizer)
    page.goto(f"{live_server.url}/groups/new/")
    page.get_by_label("Name").fill("Night Readers")
    page.get_by_label("Reading series it follows").select_option(str(curriculum.pk))
    page.get_by_label("Private: members only").check()
    page.get_by_label("By invitation only").check()
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_role("button", name="Create the group").click()
    page.wait_for_url(re.compile(r"/groups/night-readers/$"))
    check_a11y(page)

    page.get_by_role("link", name="Schedule sessions").first.click()
    first = dt.date.today() + dt.timedelta(days=7)
    page.get_by_label("From").fill(first.isoformat())
    page.get_by_label("Every", exact=True).select_option(str(first.weekday()))
    page.get_by_label("At", exact=True).fill("19:00")
    check_a11y(page)
    page.get_by_role("button", name="Create sessions").click()
    page.wait_for_url(re.compile(r"/groups/night-readers/$"))
    assert page.get_by_text("4 sessions scheduled").is_visible()
    group = Group.objects.get(slug="night-readers")
    assert group.visibility == "private" and group.curriculum == curriculum
    assert group.sessions.count() == 4

    page.get_by_role("link", name="Invitations").click()
    page.get_by_role("button", name="Create invitation").click()
    link = page.locator("input.invitation-link").first.input_value()
    assert "/groups/invitations/" in link
    check_a11y(page)

    other = new_page()
    login(other, live_server, member)
    other.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    other.get_by_role("button", name="Join Night Readers").click()
    other.wait_for_url(re.compile(r"/groups/night-readers/$"))
    assert Membership.objects.get(group=group, user=member).is_active

    other.get_by_role("link", name=re.compile("Session 1")).click()
    other.get_by_role("button", name="Going", exact=True).click()
    other.get_by_text("You answered").wait_for()
    assert "going" in other.locator("#rsvp").inner_text().lower()
    assert RSVP.objects.get(user=member).answer == "going"
    # Shown in the member's own zone: 19:00 Berlin is 13:00 in New York.
    assert "13:00" in other.locator(".session-when").inner_text()
    check_a11y(other)

    with other.expect_download() as info:
        other.get_by_role("link", name="Add to calendar (.ics)").click()
    body = Path(info.value.path()).read_bytes()
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert "Session 1" in str(event["SUMMARY"])
    assert event.decoded("DTSTART").astimezone(group.tz).hour == 19

    other.goto(f"{live_server.url}/groups/dashboard/")
    assert other.get_by_text("Night Readers").first.is_visible()
    check_a11y(other)


SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_spanish_member_on_the_group_and_session_pages(
    transactional_db, live_server, browser, login, check_a11y, check_layout
):
    """The group and session pages in Spanish (about a fifth longer than English) at
    1280 and 390 px: nothing overflows, axe stays clean, the RSVP answers in Spanish."""
    import datetime as dt

    from django.utils import timezone

    from studygroups.groups import sessions
    from tests.factories import make_group

    organizer = verified_user(display_name="Olga")
    member = verified_user(display_name="Marisol", time_zone="Europe/Madrid")
    curriculum = make_curriculum(units=2, readings_per_unit=2, questions_per_unit=1)
    group = make_group(
        organizer=organizer,
        members=[member],
        curriculum=curriculum,
        name="Círculo de lectura de los martes",
        visibility=Group.Visibility.PUBLIC,
        meeting_place="Biblioteca municipal, sala 2",
        code_of_conduct="Escucha antes de responder.",
        time_zone="Europe/Madrid",
    )
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    session = sessions.session_create(
        group=group,
        title="Sesión 1: el principio del daño",
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=90),
        units=list(curriculum.units.all()[:1]),
        capacity=8,
    )
    # Logs in through the (English) account pages, then browses as a Spanish browser.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login(page, live_server, member)
        # The language cookie (what the language switcher sets) picks Spanish.
        context.add_cookies([{"name": "django_language", "value": "es", "url": live_server.url}])
        SHOTS.mkdir(exist_ok=True)

        page.goto(live_server.url + group.get_absolute_url())
        assert page.get_by_role("heading", name="Próximas sesiones").is_visible()
        assert page.get_by_role("button", name="Salir de este grupo").is_visible()
        check_a11y(page)
        check_layout(page)
        page.screenshot(path=str(SHOTS / "groups-es-group-1280.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(SHOTS / "groups-es-group-390.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

        page.goto(live_server.url + session.get_absolute_url())
        assert page.get_by_role("heading", name="¿Vienes?").is_visible()
        page.get_by_role("button", name="Voy", exact=True).click()
        page.get_by_text("Has respondido:").wait_for()
        assert "voy" in page.locator("#rsvp").inner_text()
        assert "Quedan 7 plazas de 8." in page.locator("#rsvp").inner_text()
        assert RSVP.objects.get(user=member).answer == "going"
        check_a11y(page)
        check_layout(page)
        page.screenshot(path=str(SHOTS / "groups-es-session-1280.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(SHOTS / "groups-es-session-390.png"), full_page=True)
    finally:
        context.close()

    # The organizer's longer Spanish: the Manage box and the schedule form.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login(page, live_server, organizer)
        context.add_cookies([{"name": "django_language", "value": "es", "url": live_server.url}])
        page.goto(live_server.url + session.get_absolute_url())
        assert page.get_by_role("heading", name="Asignar otro texto").is_visible()
        assert page.get_by_role("button", name="Cancelar esta sesión").is_visible()
        check_a11y(page)
        check_layout(page)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(SHOTS / "groups-es-session-organizer-390.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(live_server.url + reverse("groups:schedule", args=[group.slug]))
        assert page.get_by_label("Con qué frecuencia").is_visible()
        check_a11y(page)
        check_layout(page)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(SHOTS / "groups-es-schedule-390.png"), full_page=True)
    finally:
        context.close()
