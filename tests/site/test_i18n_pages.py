"""No English left in Spanish (issue #16): every GET page a member, an organizer or the
site's staff can open, found by walking the URLconf and filled from planted objects (a
group whose language is Spanish, following a Spanish reading series), is rendered in a
pseudo-Spanish, whole and as the fragment htmx asks for.

The pseudo-locale is built at test time from the real one: every translated message of
the active Spanish catalogs (ours, Django's, allauth's) is wrapped in ⟦…⟧. Whatever visible
text is left once those segments are removed must be the planted content (every word
stored in the database) or numbers: an unmarked string, or a marked one without a
Spanish translation, stays bare English and is reported with the page it is on.
The checker itself is tested on a page with a deliberately unmarked string.
"""

from __future__ import annotations

import re
import uuid
import zoneinfo
from contextlib import contextmanager
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation
from django.utils.translation import trans_real

from studygroups.core import fragments
from studygroups.groups.models import Membership
from tests.factories import add_member, first_anchor, make_session, post, reply, verified_user

pytestmark = pytest.mark.django_db

OPEN, CLOSE = "\u27e6", "\u27e7"
INNERMOST = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
URL = re.compile(r"(?:https?://|/)[^\s<>\"']*")
WORD = re.compile(r"[^\W\d_]+")
# Named in themselves on purpose (the language switcher); codes and the default zone.
ALLOWED_WORDS = {"english", "español", "utc"}
TEXT_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "aria-description", "label"}
BUTTON_TYPES = {"submit", "button", "reset"}
SKIP_ELEMENTS = {"script", "style", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


# ---------- the pseudo-locale ---------------------------------------------------------


@contextmanager
def pseudo_spanish():
    """Activate Spanish with every translated message wrapped in ⟦…⟧ (restored after)."""
    trans = trans_real.translation("es")
    catalogs = trans._catalog._catalogs
    saved = [dict(catalog) for catalog in catalogs]
    for catalog in catalogs:
        for key, value in catalog.items():
            if key != "" and isinstance(value, str) and value:
                catalog[key] = f"{OPEN}{value}{CLOSE}"
    # Fragments rendered from the real catalog (core/fragments.py) are not this one's.
    fragments.cache().clear()
    try:
        with translation.override("es"):
            yield
    finally:
        for catalog, original in zip(catalogs, saved, strict=True):
            catalog.clear()
            catalog.update(original)
        fragments.cache().clear()


# ---------- the checker ---------------------------------------------------------------


class _VisibleText(HTMLParser):
    """Text nodes and the attributes people read (labels, titles, button values), outside
    scripts, styles and anything marked translate="no"."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.pieces: list[tuple[str, str]] = []
        self._option: dict | None = None

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = tag in SKIP_ELEMENTS or attrs.get("translate") == "no"
        if not skip and not self._skipping():
            for name in TEXT_ATTRIBUTES & set(attrs):
                if attrs[name]:
                    self.pieces.append((f"<{tag} {name}>", attrs[name]))
            if tag == "input" and attrs.get("type") in BUTTON_TYPES and attrs.get("value"):
                self.pieces.append(("<input value>", attrs["value"]))
        if tag == "option":
            self._option = attrs
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break
        if tag == "option":
            self._option = None

    def handle_data(self, data):
        if self._skipping() or not data.strip():
            return
        option = self._option
        if option is not None and (option.get("value") or "").replace("_", " ") == data.strip():
            return  # an option naming its own value (a time zone): data, not interface
        where = f"<{self.stack[-1][0]}>" if self.stack else "text"
        self.pieces.append((where, data))


def english_left(html: str, content_words: set[str]) -> list[str]:
    """The visible pieces of `html` that carry words neither translated (⟦…⟧) nor planted
    content: each as 'where: text'."""
    # A translation may hold markup (a link, a hidden label), so the translated segments
    # go before the HTML is read; the innermost first, as one may hold another.
    while True:
        stripped = INNERMOST.sub(" ", html)
        if stripped == html:
            break
        html = stripped
    parser = _VisibleText()
    parser.feed(html)
    found = []
    for where, text in parser.pieces:
        rest = URL.sub(" ", text)
        words = [w for w in WORD.findall(rest) if w.lower() not in content_words]
        words = [w for w in words if w.lower() not in ALLOWED_WORDS]
        if words:
            found.append(f"{where}: {' '.join(text.split())[:120]!r} -> {words[:6]}")
    return found


def content_vocabulary(planted) -> set[str]:
    """The words of what the test planted (names, titles, texts, posts, addresses): the
    only words a page may show outside translations. Built from the planted strings, not
    read back from the database, so English that a service stores cannot hide there."""
    return {w.lower() for text in planted for w in WORD.findall(text)}


def test_the_checker_finds_an_unmarked_string():
    page = Template(
        "{% load i18n %}<html><body><h1>{% translate 'Your profile' %}</h1>"
        "<p>Deliberately unmarked sentence.</p><p>Ñandú</p></body></html>"
    )
    with pseudo_spanish():
        html = page.render(Context())
    assert f"{OPEN}Tu perfil{CLOSE}" in html
    left = english_left(html, content_words={"ñandú"})
    assert len(left) == 1 and "Deliberately unmarked sentence" in left[0]


def test_the_checker_finds_a_marked_string_without_translation_and_english_attributes():
    page = Template(
        '{% load i18n %}<main><button aria-label="Close the panel">×</button>'
        "<input type='submit' value='{% translate \"Save profile\" %}'>"
        "<p>{% translate 'A string nobody translated yet' %}</p>"
        "<script>var english = 'ignored';</script><code translate='no'>make run</code>"
        "<a href='/groups/x/'>https://example.org/groups/</a></main>"
    )
    with pseudo_spanish():
        html = page.render(Context())
    left = english_left(html, content_words=set())
    assert len(left) == 2, left
    assert "Close the panel" in left[0] and "A string nobody translated yet" in left[1]


def test_the_pseudo_locale_is_restored():
    with pseudo_spanish():
        assert translation.gettext("Your profile") == f"{OPEN}Tu perfil{CLOSE}"
    with translation.override("es"):
        assert translation.gettext("Your profile") == "Tu perfil"


# ---------- the world: a Spanish-speaking group following a Spanish series -------------

SPANISH_TEXT = [
    (
        "Primera parte",
        [
            "La lectura compartida empieza por una pregunta sencilla sobre el texto.",
            "Cada persona del círculo trae una cita y explica por qué la eligió.",
        ],
    ),
    (
        "Segunda parte",
        [
            "El debate avanza párrafo a párrafo, sin prisa y con atención.",
            "Al final, el grupo anota las dudas que quedan abiertas.",
        ],
    ),
]


@pytest.fixture
def world(tmp_path):
    # Planted in the pseudo-locale too: what services write in a recipient's language when
    # they write it (in-app notices, for instance) is then marked like a page's text.
    with pseudo_spanish():
        return _plant(tmp_path)


def _plant(tmp_path):
    from studygroups.curricula import services as curricula
    from studygroups.discussions.models import Notification
    from studygroups.groups import roster
    from studygroups.groups.models import CalendarFeedToken
    from studygroups.library.services import BlockInput, SectionInput, document_create
    from studygroups.moderation import services as moderation
    from studygroups.moderation.models import Appeal, ModerationAction, Report
    from studygroups.notifications.tokens import unsubscribe_token

    planted: list[str] = []

    def said(text: str) -> str:
        planted.append(text)
        return text

    organizer = verified_user(display_name=said("Lucía Organizadora"), language="es")
    member = verified_user(display_name=said("Mateo Lector"), language="es")
    author = verified_user(display_name=said("Inés Autora"), language="es")
    staff = verified_user(display_name=said("Equipo Sitio"), is_staff=True, is_superuser=True)
    document = document_create(
        title=said("Sobre la lectura en común"),
        language="es",
        sections=[
            SectionInput(heading=said(h), blocks=[BlockInput(text=said(t)) for t in texts])
            for h, texts in SPANISH_TEXT
        ],
    )
    series = curricula.curriculum_create(
        owner=organizer, title=said("Serie de lecturas en español"), visibility="public"
    )
    unit = curricula.unit_add(curriculum=series, title=said("Primera unidad"))
    reading = curricula.reading_add(unit=unit, document=document)
    question = curricula.question_add(
        unit=unit, reading=reading, text=said("¿Qué idea central defiende el texto?")
    )
    curricula.curriculum_update(curriculum=series, data={"status": "published"})
    group = roster.group_create(
        creator=organizer, name=said("Círculo de lectura"), curriculum=series, language="es"
    )
    add_member(group, member)
    add_member(group, author)
    session = make_session(group, title=said("Sesión de apertura"), units=[unit])
    invitation = roster.invitation_create(group=group, created_by=organizer, email="")
    first = post(group, document, member, said("Me parece una idea muy clara."))
    answer = reply(first, author, said("Estoy de acuerdo con la cita."))
    hidden = post(group, document, author, said("Texto que se ocultará."))
    report, _ = moderation.report_create(
        reporter=member, post=hidden, category="spam", reason=said("Parece publicidad.")
    )
    moderation.post_hide(actor=organizer, post=hidden, category="spam", reason=said("Publicidad."))
    action = ModerationAction.objects.get(kind="hide")
    appeal = moderation.appeal_create(
        appellant=author, action=action, text=said("No era publicidad.")
    )
    feed = CalendarFeedToken.objects.filter(user=member).first()
    # An import batch for the importer's pages (staff), from a small Spanish file.
    from corpus_import.load import import_paths

    source = tmp_path / "carta.md"
    source.write_text(
        said(
            "# Carta a los círculos\n\n"
            "Queridas compañeras, os escribimos para proponer una lectura.\n"
        ),
        encoding="utf-8",
    )
    batch = import_paths([source], user=staff).batch
    planted += [u.email for u in (organizer, member, author, staff)]
    return {
        "planted": planted,
        "batch": batch,
        "users": {"member": member, "organizer": organizer, "staff": staff},
        "group": group,
        "document": document,
        "series": series,
        "unit": unit,
        "reading": reading,
        "question": question,
        "session": session,
        "invitation": invitation,
        "post": first,
        "reply": answer,
        "report": Report.objects.get(pk=report.pk),
        "action": action,
        "appeal": Appeal.objects.get(pk=appeal.pk),
        "author": author,
        "membership": Membership.objects.get(group=group, user=member),
        "notification": Notification.objects.filter(recipient=author).first(),
        "feed_token": feed.token if feed else "no-token",
        "unsubscribe": unsubscribe_token(kind="reminders", user=member),
    }


# ---------- walking the URLconf ---------------------------------------------------------


def routes(patterns=None, prefix="", namespace=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = str(entry.pattern)
        if route.startswith("^") or route.startswith("admin/"):
            continue  # Django's admin is Django's, in Django's words
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from routes(entry.url_patterns, prefix + route, inner)
        elif isinstance(entry, URLPattern):
            yield prefix + route, f"{namespace}{entry.name or ''}"


def fill(route: str, name: str, w) -> str:
    namespace = name.split(":", 1)[0] if ":" in name else ""
    slug = {
        "library": w["document"].slug,
        "search": w["document"].slug,
        "curricula": w["series"].slug,
        "groups": w["group"].slug,
    }.get(namespace, "x")
    token = {
        "groups:feed": w["feed_token"],
        "groups:invitation": w["invitation"].token,
    }.get(name, w["unsubscribe"])
    values = {
        "slug": slug,
        "group_slug": w["group"].slug,
        "document_slug": w["document"].slug,
        "unit_id": w["unit"].pk,
        "reading_id": w["reading"].pk,
        "question_id": w["question"].pk,
        "session_id": w["session"].pk,
        "membership_id": w["membership"].pk,
        "invitation_id": w["invitation"].pk,
        "post_id": w["post"].pk,
        "report_id": w["report"].pk,
        "action_id": w["action"].pk,
        "appeal_id": w["appeal"].pk,
        "user_id": w["author"].pk,
        "action": "mute",
        "notification_id": getattr(w["notification"], "pk", 1),
        "anchor": first_anchor(w["document"]),
        "token": token,
        "pk": w["batch"].pk if w["batch"] else 1,
    }
    if name == "groups:session_remove_reading":
        values["reading_id"] = 1
    return "/" + re.sub(
        r"<(?:(\w+):)?(\w+)>", lambda m: str(values.get(m.group(2), uuid.uuid4().hex)), route
    )


def area_of(route: str, name: str) -> str:
    if name.startswith("account_") or name == "set_language":
        return "accounts"
    if name.startswith("notifications:") or name.endswith(":unsubscribe"):
        return "notifications"
    if ":" in name:
        return name.split(":", 1)[0]
    return "site"


# Areas whose strings other branches mark and translate: these pages pass once those are
# merged (the integrator removes the xfail). The others must pass now. Moderation's pages
# include discussions' breadcrumbs (templates/discussions/_crumbs.html), so they pass with
# discussions.
NOT_YET_MERGED: set[str] = set()
AREAS = ["accounts", "notifications", "site", "library", "curricula", "groups",
         *sorted(NOT_YET_MERGED)]  # fmt: skip
# Not HTML pages, or not GET pages.
SKIP = {"healthz", "javascript-catalog", "set_language", "account_logout",
        # allauth's code-by-e-mail pages: this site logs in with passwords only.
        "account_request_reauthentication_code", "account_confirm_reauthentication_code",
        "account_confirm_login_code"}  # fmt: skip
MIN_PAGES = {"accounts": 6, "notifications": 2, "site": 1, "library": 3, "curricula": 6,
             "groups": 8, "discussions": 6, "moderation": 4, "search": 2,
             "corpus_import": 3}  # fmt: skip


def _area_param(area):
    if area in NOT_YET_MERGED:
        return pytest.param(
            area,
            marks=pytest.mark.xfail(
                reason=f"{area}: strings marked and translated on another branch", strict=False
            ),
        )
    return area


@pytest.mark.parametrize("area", [_area_param(a) for a in AREAS])
def test_every_page_speaks_spanish(client, world, area):
    vocabulary = content_vocabulary(world["planted"]) | {
        w.lower() for name in zoneinfo.available_timezones() for w in WORD.findall(name)
    }
    pages = sorted(
        {
            (fill(route, name, world), name)
            for route, name in routes()
            if area_of(route, name) == area and name not in SKIP
        }
    )
    assert pages, area
    checked, problems = set(), []
    for role, user in world["users"].items():
        client.force_login(user)
        for url, name in pages:
            # The whole page, then the piece htmx asks for (a partial) where there is one.
            for htmx in (False, True):
                headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
                with pseudo_spanish():
                    response = client.get(url, HTTP_ACCEPT_LANGUAGE="es", **headers)
                if response.status_code != 200 or "text/html" not in response.get(
                    "Content-Type", ""
                ):
                    continue
                html = response.content.decode()
                if not htmx:
                    assert 'lang="es"' in html[:300], f"{url} is not marked lang=es"
                    checked.add(name)
                where = f"{name} ({role}{', htmx' if htmx else ''}) {url}"
                problems += [f"{where}: {p}" for p in english_left(html, vocabulary)]
        client.logout()
    assert len(checked) >= MIN_PAGES[area], f"only {sorted(checked)} answered 200 in {area}"
    assert not problems, "English left in Spanish pages:\n" + "\n".join(sorted(set(problems)))


def test_anonymous_account_pages_speak_spanish(client, world):
    vocabulary = content_vocabulary(world["planted"])
    problems = []
    for name in ["account_login", "account_signup", "account_reset_password",
                 "account_reset_password_done", "account_email_verification_sent",
                 "account_inactive", "account_reset_password_from_key_done"]:  # fmt: skip
        from django.urls import reverse

        with pseudo_spanish():
            response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="es")
        assert response.status_code == 200, name
        problems += [f"{name}: {p}" for p in english_left(response.content.decode(), vocabulary)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("template", ["400.html", "403.html", "404.html", "429.html", "500.html"])
def test_error_pages_speak_spanish(rf, user, template):
    from django.template.loader import render_to_string

    request = rf.get("/x/")
    request.user = user
    with pseudo_spanish():
        html = render_to_string(template, {}, request=request if template != "500.html" else None)
    assert 'lang="es"' in html
    assert not english_left(html, {w.lower() for w in WORD.findall(user.public_name)})
