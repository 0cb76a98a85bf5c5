"""Walk every URL of the groups app as anonymous, outsider, member and organizer."""

import pytest
from django.urls import URLPattern, reverse

from studygroups.curricula.models import Curriculum
from studygroups.groups import roster, sessions
from studygroups.groups.access import access_group, access_session
from studygroups.groups.forms import GroupForm
from studygroups.groups.models import Group, Membership
from studygroups.groups.rules import can_see_members, can_view_group, is_organizer
from studygroups.groups.urls import urlpatterns
from tests.factories import make_curriculum, make_document, make_group, make_session, verified_user

pytestmark = pytest.mark.django_db

SECRET = "Secret Readers"
ORGANIZER_ONLY = {
    "edit",
    "members",
    "member_action",
    "invitations",
    "invitation_revoke",
    "session_create",
    "schedule",
    "session_edit",
    "session_cancel",
    "session_add_reading",
    "session_reading_search",
    "session_reading_choose",
    "session_remove_reading",
}
MEMBER_ONLY = {"leave", "progress_privacy", "session_rsvp", "session_progress"}
FACILITATOR_ONLY = {"session_held", "session_attendance", "session_minutes"}
GROUP_URLS = [
    p.name for p in urlpatterns if isinstance(p, URLPattern) and "<slug:slug>" in str(p.pattern)
]
# Not tied to one group: checked separately below.
GLOBAL_URLS = {p.name for p in urlpatterns} - set(GROUP_URLS)


@pytest.fixture
def world(private_group, organizer, member, outsider):
    session = make_session(private_group)
    reading = sessions.session_add_reading(session=session, document=make_document())
    membership = Membership.objects.get(group=private_group, user=member)
    invitation = roster.invitation_create(group=private_group, created_by=organizer)
    return {
        "slug": private_group.slug,
        "session_id": session.pk,
        "membership_id": membership.pk,
        "invitation_id": invitation.pk,
        "reading_id": reading.pk,
    }


def url_for(name, world):
    pattern = next(p for p in urlpatterns if p.name == name)
    kwargs = {k: world[k] for k in pattern.pattern.converters}
    return reverse(f"groups:{name}", kwargs=kwargs)


def test_every_group_url_is_covered():
    assert set(GROUP_URLS) > ORGANIZER_ONLY | MEMBER_ONLY | FACILITATOR_ONLY
    assert {
        "list",
        "create",
        "dashboard",
        "settings",
        "feed_reset",
        "feed",
        "unsubscribe",
        "invitation",
    } == GLOBAL_URLS


@pytest.mark.parametrize("name", GROUP_URLS)
@pytest.mark.parametrize("role", ["anonymous", "outsider"])
def test_private_group_is_invisible_to_non_members(client, world, outsider, name, role):
    if role == "outsider":
        client.force_login(outsider)
    url = url_for(name, world)
    for method in (client.get, client.post):
        response = method(url, HTTP_HX_REQUEST="true") if method == client.post else method(url)
        assert SECRET not in response.content.decode(), (name, role)
        if role == "anonymous" and response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code in {404, 405}, (name, role, response.status_code)


@pytest.mark.parametrize("name", sorted(ORGANIZER_ONLY))
def test_members_cannot_use_organizer_urls(client, world, member, name):
    client.force_login(member)
    url = url_for(name, world)
    assert client.get(url).status_code in {404, 405}
    assert client.post(url).status_code in {404, 405}


@pytest.mark.parametrize("name", sorted(FACILITATOR_ONLY))
def test_members_cannot_use_facilitator_urls(client, world, member, name):
    client.force_login(member)
    assert client.post(url_for(name, world)).status_code == 404


@pytest.mark.parametrize("name", GROUP_URLS)
def test_organizer_gets_every_page(client, world, organizer, name):
    client.force_login(organizer)
    response = client.get(url_for(name, world))
    assert response.status_code in {200, 405}, (name, response.status_code)


@pytest.mark.parametrize("name", sorted(set(GROUP_URLS) - ORGANIZER_ONLY - FACILITATOR_ONLY))
def test_member_gets_member_pages(client, world, member, name):
    client.force_login(member)
    assert client.get(url_for(name, world)).status_code in {200, 405}


def test_global_pages(client, world, member, outsider):
    assert client.get(reverse("groups:list")).status_code == 200
    assert SECRET not in client.get(reverse("groups:list")).content.decode()
    for name in ("create", "dashboard", "settings"):
        assert client.get(reverse(f"groups:{name}")).status_code == 302
    client.force_login(outsider)
    for name in ("list", "create", "dashboard", "settings"):
        response = client.get(reverse(f"groups:{name}"))
        assert response.status_code == 200
        assert SECRET not in response.content.decode()
    # Reset a feed of a group you are not in: 404.
    assert client.post(reverse("groups:feed_reset"), {"group": world["slug"]}).status_code == 404
    assert client.get(reverse("groups:feed", args=["nope"])).status_code == 404
    assert client.get(reverse("groups:invitation", args=["nope"])).status_code == 404
    client.force_login(member)
    assert SECRET in client.get(reverse("groups:dashboard")).content.decode()
    assert SECRET in client.get(reverse("groups:list")).content.decode()


def test_predicates_and_access(private_group, public_group, organizer, member, outsider):
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    anon = AnonymousUser()
    assert not can_view_group(anon, private_group)
    assert not can_view_group(outsider, private_group)
    assert can_view_group(member, private_group)
    assert can_view_group(anon, public_group)
    assert is_organizer(organizer, private_group) and not is_organizer(member, private_group)
    assert can_see_members(member, private_group) and not can_see_members(outsider, private_group)
    assert can_see_members(anon, public_group)
    Group.objects.filter(pk=private_group.pk).update(hide_member_list=True)
    private_group.refresh_from_db()
    fresh_member = type(member).objects.get(pk=member.pk)
    assert not can_see_members(fresh_member, private_group)
    assert can_see_members(organizer, private_group)
    with pytest.raises(Http404):
        access_group(outsider, private_group.slug)
    with pytest.raises(Http404):
        access_group(outsider, "no-such-group")
    session = make_session(public_group)
    with pytest.raises(Http404):
        access_session(member, private_group.slug, session.pk)  # session of another group
    with pytest.raises(Http404):
        access_session(outsider, public_group.slug, session.pk, role="member")
    assert access_session(anon, public_group.slug, session.pk) == session


def test_unlisted_group_is_reachable_but_not_listed(client, organizer):
    from tests.factories import make_group

    group = make_group(organizer=organizer, name="Quiet Corner", visibility="unlisted")
    assert client.get(group.get_absolute_url()).status_code == 200
    assert "Quiet Corner" not in client.get(reverse("groups:list")).content.decode()


# ---------- a draft or private series does not leak through a public group ----------


@pytest.fixture
def hidden_series(db):
    owner = verified_user()
    curriculum = make_curriculum(units=1, readings_per_unit=1, questions_per_unit=1)
    curriculum.owners.add(owner)
    curriculum.title = "Hidden-Series-Title"
    curriculum.status = Curriculum.Status.DRAFT
    curriculum.save()
    curriculum.units.update(title="Hidden-Unit-Title")
    return curriculum


def test_draft_series_not_shown_on_public_group_pages(client, organizer, outsider, hidden_series):
    group = Group.objects.create(name="Open", slug="open", curriculum=hidden_series)
    Membership.objects.create(group=group, user=organizer, role="organizer")
    session = make_session(group, units=list(hidden_series.units.all()))
    reading_title = hidden_series.units.get().readings.get().document_title
    urls = [
        group.get_absolute_url(),
        session.get_absolute_url(),
        reverse("groups:session_ics", args=[group.slug, session.pk]),
    ]
    for who in (None, outsider, organizer):
        if who:
            client.force_login(who)
        for url in urls:
            body = client.get(url).content.decode()
            assert "Hidden-Unit-Title" not in body, (who, url)
            assert "Hidden-Series-Title" not in body, (who, url)
            assert reading_title not in body, (who, url)


def test_private_series_readings_only_for_members_of_a_public_group(
    client, organizer, member, outsider
):
    curriculum = make_curriculum(units=1, readings_per_unit=1, questions_per_unit=1)
    curriculum.visibility = Curriculum.Visibility.PRIVATE
    curriculum.save()
    curriculum.units.update(title="Private-Unit-Title")
    group = make_group(
        organizer=organizer, members=[member], curriculum=curriculum, visibility="public"
    )
    session = make_session(group, units=list(curriculum.units.all()))
    client.force_login(outsider)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Private-Unit-Title" not in page and "Readings are visible to members" in page
    assert "Private-Unit-Title" not in client.get(group.get_absolute_url()).content.decode()
    client.force_login(member)
    assert "Private-Unit-Title" in client.get(session.get_absolute_url()).content.decode()


def test_group_form_refuses_draft_series(organizer, hidden_series):
    own_draft = make_curriculum(units=0)
    own_draft.owners.add(organizer)
    own_draft.status = Curriculum.Status.DRAFT
    own_draft.save()
    own_published = make_curriculum(units=0)
    own_published.owners.add(organizer)
    own_published.visibility = Curriculum.Visibility.PRIVATE
    own_published.save()
    data = {"name": "G", "visibility": "public", "join_policy": "open", "time_zone": "UTC"}
    for draft in (own_draft, hidden_series):
        form = GroupForm({**data, "curriculum": draft.pk}, user=organizer)
        assert not form.is_valid() and "curriculum" in form.errors
    assert GroupForm({**data, "curriculum": own_published.pk}, user=organizer).is_valid()
