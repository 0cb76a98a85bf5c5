"""Walk every URL of the discussions and moderation URLconfs as each role, on a private
and a public group.

Expected: a private group's discussions are invisible (404, or the login redirect for
anonymous visitors on login-only URLs) to anyone but its active members; a public
group's are readable by all, writable by members; moderation and export need the roles.
Nothing ever answers 500, and nothing private appears in any response.
"""

import pytest
from django.urls import reverse

from studygroups.discussions import urls as discussion_urls
from studygroups.discussions.models import Discussion, Post
from studygroups.groups.models import Group, Membership
from studygroups.moderation import urls as moderation_urls
from studygroups.moderation.models import Report
from tests.factories import add_member, first_anchor, make_group, post, reply, verified_user

pytestmark = pytest.mark.django_db

SECRET = "PRIVATE-WORDS-42"
GROUP_URLS = {
    "document",
    "paragraph",
    "post",
    "post_reply",
    "post_edit",
    "post_delete",
    "post_history",
    "post_create",
    "follow",
    "export_markdown",
    "export_json",
    "export_annotations",
    "post_reattach",
    "group",
    "member",
    "thread",
}
# Moderation's own URLconf, mounted beside the discussions' (namespace "moderation").
MODERATION_URLS = {"post_hide", "post_unhide", "post_remove", "post_report", "lock", "queue"}
MODERATION_URLS |= {"report_resolve"}
ACCOUNT_URLS = {
    "notifications",
    "notifications_read_all",
    "notification_read",
    "notification_settings",
    "unsubscribe",
}
READS = {"document", "paragraph", "post", "group", "member", "thread"}
MEMBER_WRITES = {"post_reply", "post_report", "post_create", "follow"}
MODERATOR = {"post_history", "post_hide", "post_unhide", "lock", "queue", "report_resolve"}
MODERATOR |= {"post_remove"}
ORGANIZER_ONLY = {"export_markdown", "export_json", "export_annotations"}
MODERATOR |= {"post_reattach"}
AUTHOR = {"post_edit", "post_delete"}
# Session pages that read the discussion; their permissions: tests/discussions/test_session_prep.py
SESSION_URLS = {"session_prep", "session_catch_up"}


def test_every_url_is_covered():
    names = {p.name for p in discussion_urls.urlpatterns}
    assert names == GROUP_URLS | ACCOUNT_URLS | SESSION_URLS
    # The staff queue, one's notices, and the moderation tools added by issue #13 are
    # walked for every role in tests/moderation/test_tools.py.
    moderation_account_urls = {"staff_queue", "notices", "log", "member", "member_action"}
    moderation_account_urls |= {"discussion_tools", "slow_mode", "post_tools", "post_pin"}
    moderation_account_urls |= {"post_approve", "appeal", "appeal_decide"}
    assert {
        p.name for p in moderation_urls.urlpatterns
    } == MODERATION_URLS | moderation_account_urls


@pytest.fixture
def world(document):
    data = {}
    for visibility in (Group.Visibility.PRIVATE, Group.Visibility.PUBLIC):
        group = make_group(organizer=None, visibility=visibility)
        author = add_member(group).user
        member = add_member(group).user
        organizer = add_member(group, role=Membership.Role.ORGANIZER).user
        root = post(group, document, author, f"{SECRET} root", anchor=first_anchor(document))
        child = reply(root, author, f"{SECRET} reply")
        report = Report.objects.create(post=child, reporter=member, reason="spam")
        data[visibility] = {
            "group": group,
            "author": author,
            "member": member,
            "organizer": organizer,
            "post": child,
            "report": report,
        }
    return data


def url_for(name, info, document):
    group, p = info["group"], info["post"]
    g = {"group_slug": group.slug}
    d = {**g, "document_slug": document.slug}
    kwargs = {
        "document": d,
        "post_create": d,
        "follow": d,
        "lock": d,
        "export_markdown": d,
        "export_json": d,
        "export_annotations": d,
        "paragraph": {**d, "anchor": p.anchor},
        "group": g,
        "member": {**g, "user_id": info["author"].pk},
        "queue": g,
        "report_resolve": {**g, "report_id": info["report"].pk},
    }.get(name, {**d, "post_id": p.pk})
    namespace = "moderation" if name in MODERATION_URLS else "discussions"
    return reverse(f"{namespace}:{name}", kwargs=kwargs)


def expected(name, role, visibility, method):
    private = visibility == Group.Visibility.PRIVATE
    anonymous = role == "anonymous"
    insider = role in {"member", "organizer", "author"}
    login_only = not (name in READS and method == "get") or name == "post_history"
    if anonymous and login_only:
        return {302}
    if private and not insider:
        return {404}
    if name in READS and method == "get":
        return {200}
    if not insider:
        return {403}
    if name == "post_report" and role == "author":
        return {403}  # nobody reports their own post
    if name in MEMBER_WRITES:
        return {200, 302, 400}  # 400: allowed in, but an empty form is bad input
    if name in AUTHOR:
        # An author deletes their own post; a moderator removes it (`post_remove`).
        return {200, 302} if role == "author" else {403}
    if name in MODERATOR:
        # 400: a moderator's action without its required reason.
        return {200, 302, 400} if role == "organizer" else {403}
    if name in ORGANIZER_ONLY:
        return {200} if role == "organizer" else {403}
    raise AssertionError(name)


ROLES = ["anonymous", "outsider", "member", "organizer", "author"]


@pytest.mark.parametrize("visibility", [Group.Visibility.PRIVATE, Group.Visibility.PUBLIC])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("htmx", [False, True])
def test_walk_urlconf(client, world, document, visibility, role, htmx):
    info = world[visibility]
    if role != "anonymous":
        user = verified_user() if role == "outsider" else info[role]
        client.force_login(user)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    for name in sorted(GROUP_URLS | MODERATION_URLS):
        url = url_for(name, info, document)
        method = (
            "get"
            if name
            in READS
            | {
                "post_history",
                "export_markdown",
                "export_json",
                "export_annotations",
                "queue",
                "post_edit",
                "post_reply",
                "post_report",
            }
            else "post"
        )
        response = getattr(client, method)(url, **headers)
        allowed = expected(name, role, visibility, method)
        assert response.status_code in allowed, (name, role, visibility, response.status_code)
        if visibility == Group.Visibility.PRIVATE and response.status_code in {302, 403, 404}:
            assert SECRET.encode() not in response.content, (name, role)
        # Undo what a permitted write changed, so every URL meets the same state.
        Post.objects.filter(pk=info["post"].pk).update(deleted_at=None, hidden_at=None)
        Discussion.objects.update(locked_at=None)


def test_former_member_loses_access(client, world, document):
    info = world[Group.Visibility.PRIVATE]
    Membership.objects.filter(user=info["member"]).update(state=Membership.State.LEFT)
    client.force_login(info["member"])
    assert client.get(url_for("document", info, document)).status_code == 404


def test_account_urls_need_login(client):
    for name, args in [
        ("notifications", []),
        ("notification_settings", []),
        ("notifications_read_all", []),
    ]:
        method = "post" if name == "notifications_read_all" else "get"
        response = getattr(client, method)(reverse(f"discussions:{name}", args=args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
