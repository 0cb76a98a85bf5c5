"""The groups area in Spanish: pages, e-mails and calendar feeds with no English left,
the language each e-mail and feed is written in (member > group > site default), plural
forms and dates in each language's own format."""

import datetime as dt
import re
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from studygroups.discussions.prep import prep_sheets_send
from studygroups.groups import feeds, minutes, reminders, roster, sessions
from studygroups.groups.models import RSVP, Group, GroupActivity, Session
from studygroups.groups.readings import session_readings
from studygroups.notifications.models import Kind
from tests.factories import add_member, make_curriculum, make_group, make_session, verified_user

pytestmark = pytest.mark.django_db

ES = {"HTTP_ACCEPT_LANGUAGE": "es"}
MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
# Tuesday 3 December 2030, 19:00–20:30 in Madrid.
TUESDAY_EVENING = dt.datetime(2030, 12, 3, 19, 0, tzinfo=MADRID)


def visible_text(html: str) -> str:
    """What a reader sees (and hears: aria-labels, alt and title attributes)."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    labels = " ".join(re.findall(r'(?:aria-label|title|alt|placeholder)="([^"]*)"', html))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html) + " " + labels)


def assert_spanish(text: str, *, spanish: list[str], english: list[str]) -> None:
    for words in spanish:
        assert words in text, f"missing Spanish: {words!r}"
    for words in english:
        assert words not in text, f"English left: {words!r}"


def main_text(response) -> str:
    """The page's own part (the site header and footer belong to other areas)."""
    html = response.content.decode()
    found = re.search(r"(?s)<main\b.*?</main>", html)
    return visible_text(found.group(0) if found else html)


def tuesday_session(group, **fields) -> Session:
    return sessions.session_create(
        group=group,
        title=fields.pop("title", "Chapter one"),
        starts_at=TUESDAY_EVENING,
        ends_at=TUESDAY_EVENING + dt.timedelta(minutes=90),
        **fields,
    )


@pytest.fixture
def madrid_member(member):
    member.time_zone = "Europe/Madrid"
    member.save(update_fields=["time_zone"])
    return member


# ---------- pages ----------


def test_group_page_in_spanish(client, public_group, madrid_member):
    tuesday_session(public_group, units=list(public_group.curriculum.units.all()[:1]))
    client.force_login(madrid_member)
    text = main_text(client.get(public_group.get_absolute_url(), **ES))
    assert_spanish(
        text,
        spanish=[
            "Grupos de estudio",
            "2 miembros",
            "Próximas sesiones",
            "Las horas se muestran en tu zona horaria (CET).",
            "mar",  # Tuesday, abbreviated
            "3 dic",
            "19:00",
            "Leer:",
            "Miembros",
            "Tu participación",
            "Eres miembro.",
            "Ocultar mi progreso de lectura a los organizadores",
            "Salir de este grupo",
            "Debates",
        ],
        english=[
            "Study groups",
            "members",
            "Upcoming sessions",
            "Times are shown",
            "Tue",
            "Dec",
            "Read:",
            "Your membership",
            "You are",
            "Leave this group",
            "Discussions",
            "Meets in",
        ],
    )


def test_session_page_in_spanish_with_the_date_as_spanish_writes_it(
    client, public_group, madrid_member
):
    session = tuesday_session(
        public_group, units=list(public_group.curriculum.units.all()[:1]), capacity=5
    )
    client.force_login(madrid_member)
    text = main_text(client.get(session.get_absolute_url(), **ES))
    assert_spanish(
        text,
        spanish=[
            "martes, 3 de diciembre de 2030, 19:00–20:30",
            "Añadir al calendario (.ics)",
            "Qué leer",
            "Marcar como leída",
            "Comentar con el grupo",
            "¿Vienes?",
            "Quedan 5 plazas de 5.",
            "Voy",
            "Quizá",
            "No voy",
            "Todavía no has respondido.",
            "Dónde",
        ],
        english=[
            "Tuesday",
            "December",
            "Add to calendar",
            "What to read",
            "Mark as read",
            "Are you coming?",
            "places left",
            "Going",
            "Maybe",
            "You have not answered",
            "Where",
            "minute",
        ],
    )


def test_session_page_for_organizers_in_spanish(client, public_group, organizer):
    session = make_session(public_group, in_hours=-2)
    client.force_login(organizer)
    text = main_text(client.get(session.get_absolute_url(), **ES))
    assert_spanish(
        text,
        spanish=[
            "Editar o cambiar fecha",
            "Asignar otro texto",
            "Buscar en la biblioteca",
            "Progreso de lectura",
            "Asistencia",
            "¿Quién vino?",
            "Guardar la asistencia",
            "Gestionar",
            "Hoja de preparación",
            "Marcar como celebrada",
            "Cancelar esta sesión",
            "Escribir el acta",
        ],
        english=[
            "Edit or move",
            "Assign another text",
            "Reading progress",
            "Attendance",
            "Who came?",
            "Manage",
            "Mark as held",
            "Cancel this session",
            "Write the minutes",
        ],
    )


def test_schedule_page_and_its_errors_in_spanish(client, private_group, organizer):
    client.force_login(organizer)
    url = reverse("groups:schedule", args=[private_group.slug])
    text = main_text(client.get(url, **ES))
    assert_spanish(
        text,
        spanish=[
            "Programar sesiones",
            "Cada",
            "Martes",
            "Cada dos semanas",
            "Con qué frecuencia",
            "Duración (minutos)",
            "Saltar estas fechas",
            "En la zona horaria del grupo, Europe/Berlin.",
            "Crear las sesiones",
        ],
        english=["Schedule sessions", "Tuesdays", "two weeks", "How often", "Length", "Skip"],
    )
    data = {
        "first_date": "2030-12-03",
        "weekday": "1",
        "interval": "1",
        "at": "19:00",
        "duration_minutes": "90",
        "skip_dates": "someday",
    }
    text = main_text(client.post(url, data, **ES))
    assert "«someday» no es una fecha." in text and "is not a date" not in text


def test_scheduling_says_how_many_in_the_right_plural(client, organizer):
    group = make_group(organizer=organizer, time_zone="Europe/Madrid")
    client.force_login(organizer)
    url = reverse("groups:schedule", args=[group.slug])
    data = {
        "first_date": "2030-12-03",
        "weekday": "1",
        "interval": "1",
        "at": "19:00",
        "duration_minutes": "90",
    }
    one = client.post(url, data | {"count": "1"}, follow=True, **ES).content.decode()
    assert "1 sesión programada." in one
    three = client.post(url, data | {"count": "3"}, follow=True, **ES).content.decode()
    assert "3 sesiones programadas." in three
    english = client.post(url, data | {"count": "1"}, follow=True).content.decode()
    assert "1 session scheduled." in english


def test_dashboard_in_spanish_with_activity_in_the_readers_language(client, madrid_member):
    # The group and its session are made (and their activity recorded) in English.
    group = make_group(members=[madrid_member], name="Círculo")
    tuesday_session(group, title="Capítulo uno")
    client.force_login(madrid_member)
    text = main_text(client.get(reverse("groups:dashboard"), **ES))
    assert_spanish(
        text,
        spanish=[
            "Mi panel",
            "Mis próximas sesiones",
            "Horas en tu zona horaria (CET).",
            "Responde: ¿vienes?",
            "Nada que leer para esta.",
            "Mis grupos",
            "Actividad reciente",
            "Nueva sesión: Capítulo uno.",
            "ha creado Círculo.",  # never "started"
            "hace",
        ],
        english=["My dashboard", "My next sessions", "New session", "started", " ago", "Answer:"],
    )
    # The same rows read in English by an English reader.
    text = main_text(client.get(reverse("groups:dashboard")))
    assert "New session: Capítulo uno." in text and "Nueva sesión" not in text


def test_activity_keeps_plural_forms_per_language(organizer):
    group = make_group(organizer=organizer, time_zone="Europe/Madrid")
    day = dt.date(2030, 12, 3)
    common = {"group": group, "first_date": day, "weekday": 1, "at": dt.time(19)}
    sessions.session_schedule(**common, duration=dt.timedelta(minutes=60), count=1)
    sessions.session_schedule(**common, duration=dt.timedelta(minutes=60), count=2)
    two, one = GroupActivity.objects.filter(group=group, params__text="sessions_scheduled")
    assert one.message == "1 session scheduled, starting with Session 1."
    assert two.message == "2 sessions scheduled, starting with Session 2."
    with translation.override("es"):
        assert one.text == "1 sesión programada, empezando por Session 1."
        assert two.text == "2 sesiones programadas, empezando por Session 2."


@pytest.mark.parametrize(
    ("count", "english", "spanish"),
    [(1, "1 member", "1 miembro"), (3, "3 members", "3 miembros")],
)
def test_member_count_plural_forms(client, count, english, spanish):
    group = make_group(organizer=None, visibility=Group.Visibility.PUBLIC)
    for _ in range(count):
        add_member(group)
    assert english in main_text(client.get(group.get_absolute_url()))
    text = main_text(client.get(group.get_absolute_url(), **ES))
    assert spanish in text and english not in text


def test_group_settings_offer_the_language_and_keep_it(client, private_group, organizer):
    client.force_login(organizer)
    url = reverse("groups:edit", args=[private_group.slug])
    page = client.get(url, **ES).content.decode()
    assert "Idioma de los correos y calendarios del grupo" in page
    assert 'value="es"' in page and "El predeterminado del sitio" in page
    form = client.get(url).context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"curriculum", "hide_member_list"}
    }
    data |= {"curriculum": private_group.curriculum_id, "language": "es"}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    private_group.refresh_from_db()
    assert private_group.language == "es"


# ---------- e-mails ----------

ENGLISH_IN_EMAILS = [
    "You get this",
    "Stop getting",
    "E-mail settings",
    "Session page",
    "To read",
    "See the session",
    "Place:",
    "New time",
    "invited",
    "The minutes",
    "Read the minutes",
    "Tuesday",
    "December",
    "is coming up",
    "is cancelled",
    "has moved",
    "optional",
]


def email_text(message) -> str:
    """Subject, text and HTML; without the names of the kinds of e-mail, which the
    notifications area words (and translates)."""
    html = message.alternatives[0][0]
    text = message.subject + "\n" + message.body + "\n" + visible_text(html)
    with translation.override("en"):
        for kind in Kind:
            text = text.replace(str(kind.label), "")
    return text


def assert_spanish_email(message, *, spanish: list[str]) -> None:
    assert_spanish(email_text(message), spanish=spanish, english=ENGLISH_IN_EMAILS)
    assert '<html lang="es">' in message.alternatives[0][0]


def spanish_member(group, **fields):
    return add_member(group, language="es", time_zone="Europe/Madrid", **fields).user


def test_reminder_email_in_spanish(private_group):
    user = spanish_member(private_group)
    session = sessions.session_create(
        group=private_group,
        title="Capítulo uno",
        starts_at=timezone.now() + dt.timedelta(hours=3),
        ends_at=timezone.now() + dt.timedelta(hours=4),
        units=list(private_group.curriculum.units.all()[:1]),
    )
    mail.outbox.clear()
    reminders.reminders_send()
    [message] = [m for m in mail.outbox if m.to == [user.email]]
    assert message.subject == f"Secret Readers: se acerca {session.title}"
    assert_spanish_email(
        message,
        spanish=["Para leer (unos", "min", "Preguntas para pensar", "Página de la sesión:"],
    )
    assert "Dejar de recibir recordatorios" in message.body or "Dejar de recibir" in message.body


def test_session_moved_and_cancelled_emails_in_spanish(
    private_group, django_capture_on_commit_callbacks
):
    user = spanish_member(private_group)
    session = tuesday_session(private_group, title="Capítulo uno")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sessions.session_update(
            session=session,
            title="Capítulo uno",
            starts_at=TUESDAY_EVENING + dt.timedelta(days=1),
            ends_at=TUESDAY_EVENING + dt.timedelta(days=1, minutes=90),
            place="Biblioteca",
        )
    [moved] = [m for m in mail.outbox if m.to == [user.email]]
    assert moved.subject == "Secret Readers: Capítulo uno ha cambiado de fecha u hora"
    assert_spanish_email(
        moved,
        spanish=[
            "Nueva fecha y hora: miércoles, 4 de diciembre de 2030, 19:00–20:30 (CET).",
            "Lugar: Biblioteca",
            "Ver la sesión",
            "Recibes esto porque eres miembro de un grupo de estudio.",
        ],
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sessions.session_cancel(session=session)
    [cancelled] = [m for m in mail.outbox if m.to == [user.email]]
    assert cancelled.subject == "Secret Readers: Capítulo uno se ha cancelado"
    assert_spanish_email(
        cancelled,
        spanish=["Estaba prevista para el miércoles, 4 de diciembre de 2030, 19:00"],
    )


def test_place_freed_email_in_spanish(private_group, django_capture_on_commit_callbacks):
    session = tuesday_session(private_group, capacity=1)
    first = add_member(private_group).user
    waiting = spanish_member(private_group)
    sessions.rsvp_set(session=session, user=first, answer=RSVP.Answer.GOING)
    sessions.rsvp_set(session=session, user=waiting, answer=RSVP.Answer.GOING)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sessions.rsvp_set(session=session, user=first, answer=RSVP.Answer.NOT_GOING)
    [message] = mail.outbox
    assert message.subject == "Secret Readers: tienes plaza en Chapter one"
    assert_spanish_email(
        message,
        spanish=[
            "Ha quedado libre una plaza en Chapter one (Secret Readers), y es tuya",
            "Cuándo: martes, 3 de diciembre de 2030, 19:00–20:30 (CET).",
            "responde «no voy»",
        ],
    )


def test_minutes_email_in_spanish(private_group, organizer, django_capture_on_commit_callbacks):
    user = spanish_member(private_group)
    session = make_session(private_group, in_hours=-3, title="Capítulo uno")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        minutes.minutes_write(session=session, author=organizer, body="Hablamos mucho.")
    [message] = [m for m in mail.outbox if m.to == [user.email]]
    assert message.subject == "Secret Readers: acta de Capítulo uno"
    assert_spanish_email(
        message,
        spanish=["Ya está publicada el acta de Capítulo uno", "Léela, con enlaces", "Leer el acta"],
    )


def test_invitation_email_is_in_the_groups_language(organizer, django_capture_on_commit_callbacks):
    group = make_group(organizer=organizer, name="Círculo", language="es")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        roster.invitation_create(group=group, created_by=organizer, email="ana@example.org")
    [message] = mail.outbox
    assert message.subject == "Te invitan a unirte a Círculo"
    assert_spanish_email(
        message,
        spanish=[
            "Olga Organizer te invita a unirte a Círculo.",
            "Únete aquí (puedes crear una cuenta desde el enlace):",
            "La invitación caduca el",
            " de 20",  # "13 de diciembre de 2026"
            "Recibes esto porque alguien invitó a esta dirección a un grupo de estudio.",
        ],
    )


def test_prep_sheet_email_body_in_spanish(private_group):
    facilitator = spanish_member(private_group, role="facilitator")
    sessions.session_create(
        group=private_group,
        title="Capítulo uno",
        starts_at=timezone.now() + dt.timedelta(hours=5),
        ends_at=timezone.now() + dt.timedelta(hours=6),
        units=list(private_group.curriculum.units.all()[:1]),
    )
    mail.outbox.clear()
    prep_sheets_send()
    [message] = [m for m in mail.outbox if m.to == [facilitator.email]]
    text = message.body + visible_text(message.alternatives[0][0])
    assert_spanish(
        text,
        spanish=["Hoja de preparación de Capítulo uno", "QUIÉN HA LEÍDO QUÉ", "PREGUNTAS"],
        english=["Preparation sheet", "WHO HAS READ", "QUESTIONS", "of 2", "You get this"],
    )


# ---------- whose language: member > group > site default ----------


@pytest.mark.parametrize(
    ("member_language", "group_language", "expected"),
    [
        ("es", "", "es"),  # the member's own choice
        ("es", "en", "es"),  # ... even against the group's
        ("en", "es", "en"),
        ("", "es", "es"),  # else the group's language
        ("", "", "en"),  # else the site's default
    ],
)
def test_email_language_precedence(member_language, group_language, expected):
    group = make_group(language=group_language, time_zone="Europe/Madrid")
    user = add_member(group, language=member_language).user
    make_session(group, in_hours=3, title="Capítulo uno")
    mail.outbox.clear()
    reminders.reminders_send()
    [message] = [m for m in mail.outbox if m.to == [user.email]]
    if expected == "es":
        assert "se acerca" in message.subject and "Página de la sesión" in message.body
    else:
        assert "is coming up" in message.subject and "Session page" in message.body


def feed_event_text(client, token) -> tuple[str, str]:
    response = client.get(reverse("groups:feed", args=[token.token]))
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    return str(calendar["X-WR-CALNAME"]), str(event["DESCRIPTION"])


@pytest.mark.parametrize(
    ("member_language", "group_language", "expected"),
    [("es", "en", "es"), ("en", "es", "en"), ("", "es", "es"), ("", "", "en")],
)
def test_feed_language_precedence(client, member_language, group_language, expected):
    curriculum = make_curriculum(units=1, readings_per_unit=2)
    group = make_group(curriculum=curriculum, language=group_language)
    user = add_member(group, language=member_language).user
    make_session(group, units=list(curriculum.units.all()))
    name, description = feed_event_text(client, feeds.feed_token_get(user=user, group=group))
    assert name == group.name
    if expected == "es":
        assert description.startswith("Para leer:")
        assert "Página de la sesión:" in description and "To read" not in description
    else:
        assert description.startswith("To read:") and "Session page:" in description


def test_all_groups_feed_speaks_each_groups_language_to_a_member_without_one(client):
    user = verified_user(language="")
    spanish = make_group(language="es", members=[user])
    english = make_group(language="", members=[user])
    make_session(spanish, title="Sesión")
    make_session(english, title="Session", in_hours=48)
    response = client.get(reverse("groups:feed", args=[feeds.feed_token_get(user=user).token]))
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "My study groups"
    by_title = {
        str(e["SUMMARY"]).split(" · ")[0]: str(e["DESCRIPTION"]) for e in calendar.walk("VEVENT")
    }
    assert "Página de la sesión:" in by_title["Sesión"]
    assert "Session page:" in by_title["Session"]
    user.language = "es"
    user.save(update_fields=["language"])
    response = client.get(reverse("groups:feed", args=[feeds.feed_token_get(user=user).token]))
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Mis grupos de estudio"
    assert all("Página de la sesión:" in str(e["DESCRIPTION"]) for e in calendar.walk("VEVENT"))


# ---------- the session page names a reading once ----------


def test_session_page_does_not_repeat_a_readings_title_as_its_units(client, organizer, member):
    """A series made from documents names each unit after its text: the session page
    showed "On Liberty" as the reading and again as its unit (issue #15)."""
    curriculum = make_curriculum(units=1, readings_per_unit=1)
    unit = curriculum.units.get()
    reading = unit.readings.get()
    unit.title = f"  {reading.document_title.upper()} "
    unit.save(update_fields=["title"])
    group = make_group(organizer=organizer, members=[member], curriculum=curriculum)
    session = make_session(group, units=[unit])
    [item] = session_readings(Session.objects.get(pk=session.pk))
    assert item.unit_title == ""
    client.force_login(member)
    html = client.get(session.get_absolute_url()).content.decode()
    readings = html.split('id="read-heading"', 1)[1].split("</section>", 1)[0]
    assert readings.count(reading.document_title) == 2  # the link and "Mark as read: …"
    assert unit.title.strip() not in readings


def test_session_page_still_names_a_unit_with_its_own_title(client, organizer, member):
    curriculum = make_curriculum(units=1, readings_per_unit=1)
    unit = curriculum.units.get()
    group = make_group(organizer=organizer, members=[member], curriculum=curriculum)
    session = make_session(group, units=[unit])
    client.force_login(member)
    html = client.get(session.get_absolute_url()).content.decode()
    readings = html.split('id="read-heading"', 1)[1].split("</section>", 1)[0]
    assert f"<span>{unit.title}</span>" in readings


# ---------- the catalog ----------


def test_every_groups_string_has_a_spanish_translation():
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [
            sys.executable,
            str(root / "scripts" / "messages.py"),
            "check",
            "templates/groups",
            "studygroups/groups",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_saving_minutes_says_so_in_spanish(client, private_group, organizer):
    session = make_session(private_group, in_hours=-3)
    client.force_login(organizer)
    url = reverse("groups:session_minutes", args=[private_group.slug, session.pk])
    page = client.post(url, {"body": "Hablamos de ¶ 99."}, follow=True, **ES).content.decode()
    assert "Acta guardada. 1 cita no coincide con ningún párrafo" in page
    page = client.post(url, {"body": "Hablamos mucho."}, follow=True, **ES).content.decode()
    assert "Acta guardada." in page and "Minutes saved" not in page
