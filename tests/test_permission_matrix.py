"""The site's permission matrix (issue #13): every URL of the URLconf, found by walking
`get_resolver()`, requested by nine roles against one private group full of planted
secrets; each answer has the status the table below designs, and no planted private text
reaches anyone it is not for — full pages and htmx fragments alike.

A new URL fails `test_every_url_is_in_the_table` until it gets a row here: decide who may
see it before it ships.
"""

import copy
from dataclasses import dataclass, field, replace
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from corpus_import.models import ImportBatch
from studygroups.curricula import services as curricula_services
from studygroups.discussions.models import Notification
from studygroups.groups import roster
from studygroups.groups.feeds import feed_token_get
from studygroups.groups.models import Group, Membership
from studygroups.moderation import services as moderation
from studygroups.moderation.models import Appeal, ModerationAction, Report
from studygroups.notifications.models import Kind
from studygroups.notifications.tokens import unsubscribe_token
from tests.factories import (
    add_member,
    first_anchor,
    make_curriculum,
    make_group,
    make_session,
    post,
    reply,
    verified_user,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "outsider",
    "requester",
    "member",
    "muted",
    "banned",
    "facilitator",
    "organizer",
    "staff",
]

# Planted secrets: each lives in exactly one private place.
POST_BODY = "Secret-post-body-5e1"  # a post in the private group's discussion
DESCRIPTION = "Secret-group-description-9b2"  # the private group's description
NOTES = "Secret-facilitator-notes-3c7"  # a unit's facilitator notes (moderators only)
PLACE = "Secret-session-place-4d8"  # where the private group's session meets
LINK = "https://meet.example.org/secret-session-link-6a0"  # its online meeting link
REPORTER = "Secret-reporter-name-2f3"  # who reported the post: moderators only
REPORT_NOTE = "Secret-report-note-8e4"  # what the reporter wrote: moderators only

GROUP_SECRETS = {POST_BODY, DESCRIPTION, PLACE, LINK}
MODERATOR_SECRETS = {NOTES, REPORTER, REPORT_NOTE}
ALL_SECRETS = GROUP_SECRETS | MODERATOR_SECRETS

ANON = {"anonymous"}
SIGNED_IN = set(ROLES) - ANON
OUTSIDERS = {"outsider", "requester", "banned", "staff"}  # not in the private group
MEMBERS = {"member", "muted"}
MODERATORS = {"facilitator", "organizer"}
IN_GROUP = MEMBERS | MODERATORS


# ------------------------------------------------------------------------- the table

NO_GET = " ".join(["405"] * len(ROLES))


@dataclass(frozen=True)
class Row:
    """What one URL answers each role, as nine cells in the order of ROLES:
    a status code, or L for a redirect to the login page.

    `get`: the answer to GET (and to GET with HX-Request: true); `post`: to an empty POST
    (None: the view refuses POST, 405). `secrets`: role -> planted secrets that role may
    read here beyond its default (members read the group's, moderators everything)."""

    get: str
    post: str | None = None
    secrets: dict = field(default_factory=dict)

    def expected(self, method: str, role: str) -> str:
        line = self.get if method == "get" else (self.post or NO_GET)
        cells = line.split()
        assert len(cells) == len(ROLES), line
        return cells[ROLES.index(role)]


# Capability URLs: the secret token in the address is the permission, whoever holds it.
TOKEN = {role: {PLACE, LINK} for role in ROLES}
INVITED = {role: {DESCRIPTION} for role in ROLES}

#                                   an  out  req  mem  mut  ban  fac  org  staff
TABLE = {
    "account_change_password": Row(
        "L 200 200 200 200 200 200 200 200", post="L 200 200 200 200 200 200 200 200"
    ),
    "account_confirm_email": Row(
        "200 200 200 200 200 200 200 200 200", post="404 404 404 404 404 404 404 404 404"
    ),
    "account_confirm_login_code": Row(
        "L 302 302 302 302 302 302 302 302", post="L 302 302 302 302 302 302 302 302"
    ),
    "account_confirm_reauthentication_code": Row(
        "L 302 302 302 302 302 302 302 302", post="L 302 302 302 302 302 302 302 302"
    ),
    "account_email": Row(
        "L 200 200 200 200 200 200 200 200", post="L 302 302 302 302 302 302 302 302"
    ),
    "account_email_verification_sent": Row("200 200 200 200 200 200 200 200 200"),
    "account_inactive": Row("200 200 200 200 200 200 200 200 200"),
    "account_login": Row(
        "200 302 302 302 302 302 302 302 302", post="200 302 302 302 302 302 302 302 302"
    ),
    "account_logout": Row(
        "302 200 200 200 200 200 200 200 200", post="302 302 302 302 302 302 302 302 302"
    ),
    "account_profile": Row(
        "L 200 200 200 200 200 200 200 200", post="L 200 200 200 200 200 200 200 200"
    ),
    "account_reauthenticate": Row(
        "L 200 200 200 200 200 200 200 200", post="L 200 200 200 200 200 200 200 200"
    ),
    "account_request_reauthentication_code": Row(
        "L 200 200 200 200 200 200 200 200", post="L 200 200 200 200 200 200 200 200"
    ),
    "account_reset_password": Row(
        "200 200 200 200 200 200 200 200 200", post="200 200 200 200 200 200 200 200 200"
    ),
    "account_reset_password_done": Row("200 200 200 200 200 200 200 200 200"),
    "account_reset_password_from_key": Row(
        "200 200 200 200 200 200 200 200 200", post="200 200 200 200 200 200 200 200 200"
    ),
    "account_reset_password_from_key_done": Row("200 200 200 200 200 200 200 200 200"),
    "account_set_password": Row(
        "L 302 302 302 302 302 302 302 302", post="L 302 302 302 302 302 302 302 302"
    ),
    "account_signup": Row(
        "200 302 302 302 302 302 302 302 302", post="200 302 302 302 302 302 302 302 302"
    ),
    "corpus_import:batch": Row(
        "L 403 403 403 403 403 403 403 200", post="L 403 403 403 403 403 403 403 405"
    ),
    "corpus_import:cancel": Row(
        "L 403 403 403 403 403 403 403 405", post="L 403 403 403 403 403 403 403 302"
    ),
    "corpus_import:confirm": Row(
        "L 403 403 403 403 403 403 403 405", post="L 403 403 403 403 403 403 403 302"
    ),
    "corpus_import:history": Row(
        "L 403 403 403 403 403 403 403 200", post="L 403 403 403 403 403 403 403 405"
    ),
    "corpus_import:preview": Row(
        "L 403 403 403 403 403 403 403 200", post="L 403 403 403 403 403 403 403 405"
    ),
    "corpus_import:review": Row(
        "L 403 403 403 403 403 403 403 405", post="L 403 403 403 403 403 403 403 400"
    ),
    "corpus_import:review_queue": Row(
        "L 403 403 403 403 403 403 403 200", post="L 403 403 403 403 403 403 403 405"
    ),
    "corpus_import:upload": Row(
        "L 403 403 403 403 403 403 403 200", post="L 403 403 403 403 403 403 403 200"
    ),
    "curricula:create": Row(
        "L 200 200 200 200 200 200 200 200", post="L 200 200 200 200 200 200 200 200"
    ),
    "curricula:detail": Row("200 200 200 200 200 200 200 200 200"),
    "curricula:edit": Row(
        "L 404 404 404 404 404 404 200 404", post="L 404 404 404 404 404 404 200 404"
    ),
    "curricula:fork": Row(
        "L 405 405 405 405 405 405 405 405", post="L 302 302 302 302 302 302 302 302"
    ),
    "curricula:from_documents": Row(
        "L 200 200 200 200 200 200 200 200", post="L 200 200 200 200 200 200 200 200"
    ),
    "curricula:list": Row("200 200 200 200 200 200 200 200 200"),
    "curricula:packet": Row("200 200 200 200 200 200 200 200 200"),
    "curricula:question_add": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 404 404 404 404 200 404"
    ),
    "curricula:question_edit": Row(
        "L 404 404 404 404 404 404 200 404", post="L 404 404 404 404 404 404 200 404"
    ),
    "curricula:question_move": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 404 404 404 404 302 404"
    ),
    "curricula:question_remove": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 404 404 404 404 302 404"
    ),
    "curricula:reading_add": Row(
        "L 404 404 404 404 404 404 404 404", post="L 404 404 404 404 404 404 404 404"
    ),
    "curricula:reading_checked": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 404 404 404 404 302 404"
    ),
    "curricula:reading_move": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 404 404 404 404 302 404"
    ),
    "curricula:reading_remove": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 404 404 404 404 302 404"
    ),
    "curricula:reading_search": Row(
        "L 404 404 404 404 404 404 200 404", post="L 405 405 405 405 405 405 405 405"
    ),
    "curricula:reading_time": Row(
        "L 404 404 404 404 404 404 404 404", post="L 405 405 405 405 405 405 405 405"
    ),
    "curricula:reading_update": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 404 404 404 404 302 404"
    ),
    "curricula:unit": Row("200 200 200 200 200 200 200 200 200"),
    "curricula:unit_add": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 404 404 404 404 302 404"
    ),
    "curricula:unit_edit": Row(
        "L 404 404 404 404 404 404 200 404", post="L 404 404 404 404 404 404 200 404"
    ),
    "curricula:unit_move": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 404 404 404 404 302 404"
    ),
    "curricula:unit_remove": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 404 404 404 404 302 404"
    ),
    "curricula:unit_rename": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 404 404 404 404 302 404"
    ),
    "discussions:document": Row("404 404 404 200 200 404 200 200 404"),
    "discussions:export_annotations": Row(
        "L 404 404 403 403 404 403 200 404", post="L 405 405 405 405 405 405 405 405"
    ),
    "discussions:export_json": Row(
        "L 404 404 403 403 404 403 200 404", post="L 405 405 405 405 405 405 405 405"
    ),
    "discussions:export_markdown": Row(
        "L 404 404 403 403 404 403 200 404", post="L 405 405 405 405 405 405 405 405"
    ),
    "discussions:follow": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 302 302 404 302 302 404"
    ),
    "discussions:group": Row("404 404 404 200 200 404 200 200 404"),
    "discussions:member": Row("404 404 404 200 200 404 200 200 404"),
    # The notification is the member's (a reply to their post): theirs alone to mark read.
    "discussions:notification_read": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 302 404 404 404 404 404"
    ),
    "discussions:notification_settings": Row(
        "L 301 301 301 301 301 301 301 301", post="L 405 405 405 405 405 405 405 405"
    ),
    "discussions:notifications": Row(
        "L 200 200 200 200 200 200 200 200", post="L 405 405 405 405 405 405 405 405"
    ),
    "discussions:notifications_read_all": Row(
        "L 405 405 405 405 405 405 405 405", post="L 302 302 302 302 302 302 302 302"
    ),
    "discussions:paragraph": Row("404 404 404 200 200 404 200 200 404"),
    "discussions:post": Row("404 404 404 200 200 404 200 200 404"),
    "discussions:thread": Row("404 404 404 200 200 404 200 200 404"),
    "discussions:post_create": Row(
        "L 404 404 302 302 404 302 302 404", post="L 404 404 400 400 404 400 400 404"
    ),
    # The planted post is the member's own: they edit and delete it, nobody else does.
    "discussions:post_delete": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 302 403 404 403 403 404"
    ),
    "discussions:post_edit": Row(
        "L 404 404 200 403 404 403 403 404", post="L 404 404 400 403 404 403 403 404"
    ),
    "discussions:post_history": Row(
        "L 404 404 403 403 404 200 200 404", post="L 405 405 405 405 405 405 405 405"
    ),
    "discussions:post_reattach": Row(
        "L 404 404 403 403 404 200 200 404", post="L 404 404 403 403 404 400 400 404"
    ),
    "discussions:post_reply": Row(
        "L 404 404 200 200 404 200 200 404", post="L 404 404 200 200 404 200 200 404"
    ),
    "discussions:session_catch_up": Row(
        "L 404 404 200 200 404 200 200 404", post="L 405 405 405 405 405 405 405 405"
    ),
    "discussions:session_prep": Row(
        "L 404 404 404 404 404 200 200 404", post="L 405 405 405 405 405 405 405 405"
    ),
    "discussions:unsubscribe": Row(
        "200 200 200 200 200 200 200 200 200", post="200 200 200 200 200 200 200 200 200"
    ),
    "groups:create": Row(
        "L 200 200 200 200 200 200 200 200", post="L 200 200 200 200 200 200 200 200"
    ),
    "groups:dashboard": Row(
        "L 200 200 200 200 200 200 200 200", post="L 405 405 405 405 405 405 405 405"
    ),
    "groups:detail": Row("404 404 404 200 200 404 200 200 404"),
    "groups:edit": Row(
        "L 404 404 404 404 404 404 200 404", post="L 404 404 404 404 404 404 200 404"
    ),
    "groups:feed": Row("200 200 200 200 200 200 200 200 200"),
    "groups:feed_reset": Row(
        "L 405 405 405 405 405 405 405 405", post="L 302 302 302 302 302 302 302 302"
    ),
    "groups:invitation": Row(
        "200 200 200 302 302 200 302 302 200", post="L 302 302 302 302 302 302 302 302"
    ),
    "groups:invitation_revoke": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 404 404 404 404 302 404"
    ),
    "groups:invitations": Row(
        "L 404 404 404 404 404 404 200 404", post="L 404 404 404 404 404 404 200 404"
    ),
    "groups:join": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 302 302 404 302 302 404"
    ),
    "groups:leave": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 302 302 404 302 302 404"
    ),
    "groups:list": Row("200 200 200 200 200 200 200 200 200"),
    "groups:member_action": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 404 404 404 404 302 404"
    ),
    "groups:members": Row(
        "L 404 404 404 404 404 404 200 404", post="L 405 405 405 405 405 405 405 405"
    ),
    "groups:progress_privacy": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 302 302 404 302 302 404"
    ),
    "groups:schedule": Row(
        "L 404 404 404 404 404 404 200 404", post="L 404 404 404 404 404 404 200 404"
    ),
    "groups:session": Row("404 404 404 200 200 404 200 200 404"),
    "groups:session_add_reading": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 404 404 404 404 302 404"
    ),
    "groups:session_attendance": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 404 404 404 302 302 404"
    ),
    "groups:session_cancel": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 404 404 404 404 302 404"
    ),
    "groups:session_create": Row(
        "L 404 404 404 404 404 404 200 404", post="L 404 404 404 404 404 404 200 404"
    ),
    "groups:session_edit": Row(
        "L 404 404 404 404 404 404 200 404", post="L 404 404 404 404 404 404 200 404"
    ),
    "groups:session_held": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 404 404 404 302 302 404"
    ),
    "groups:session_ics": Row("404 404 404 200 200 404 200 200 404"),
    "groups:session_minutes": Row(
        "L 404 404 404 404 404 200 200 404", post="L 404 404 404 404 404 200 200 404"
    ),
    "groups:session_progress": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 302 302 404 302 302 404"
    ),
    "groups:session_reading_choose": Row(
        "L 404 404 404 404 404 404 200 404", post="L 405 405 405 405 405 405 405 405"
    ),
    "groups:session_reading_search": Row(
        "L 404 404 404 404 404 404 200 404", post="L 405 405 405 405 405 405 405 405"
    ),
    "groups:session_remove_reading": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 404 404 404 404 404 404"
    ),
    "groups:session_rsvp": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 302 302 404 302 302 404"
    ),
    "groups:settings": Row(
        "L 200 200 200 200 200 200 200 200", post="L 405 405 405 405 405 405 405 405"
    ),
    "groups:unsubscribe": Row(
        "200 200 200 200 200 200 200 200 200", post="200 200 200 200 200 200 200 200 200"
    ),
    "healthz": Row("200 200 200 200 200 200 200 200 200"),
    # The interface's JavaScript strings: the same public catalog for everyone.
    "javascript-catalog": Row("200 200 200 200 200 200 200 200 200"),
    # The language switcher: sets the cookie (and a member's profile) and goes back.
    "set_language": Row(
        "405 405 405 405 405 405 405 405 405", post="302 302 302 302 302 302 302 302 302"
    ),
    "home": Row("200 200 200 200 200 200 200 200 200"),
    "library:document": Row("200 200 200 200 200 200 200 200 200"),
    "library:document_history": Row("404 404 404 404 404 404 404 404 200"),
    "library:list": Row("200 200 200 200 200 200 200 200 200"),
    "moderation:appeal": Row(
        "L 404 404 200 404 404 404 404 404", post="L 404 404 200 404 404 404 404 404"
    ),
    "moderation:appeal_decide": Row(
        "L 404 404 404 404 404 404 200 404", post="L 404 404 404 404 404 404 200 404"
    ),
    # Site staff act on this discussion: one of its posts is reported to them.
    "moderation:discussion_tools": Row(
        "L 404 404 403 403 404 200 200 200", post="L 405 405 405 405 405 405 405 405"
    ),
    "moderation:lock": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 403 403 404 400 400 400"
    ),
    "moderation:log": Row(
        "L 404 404 200 200 404 200 200 404", post="L 405 405 405 405 405 405 405 405"
    ),
    "moderation:member": Row(
        "L 404 404 403 403 404 200 200 404", post="L 405 405 405 405 405 405 405 405"
    ),
    "moderation:member_action": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 403 403 404 400 400 404"
    ),
    "moderation:notices": Row(
        "L 200 200 200 200 200 200 200 200", post="L 405 405 405 405 405 405 405 405"
    ),
    "moderation:post_approve": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 403 403 404 400 400 404"
    ),
    "moderation:post_hide": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 403 403 404 400 400 404"
    ),
    "moderation:post_pin": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 403 403 404 400 400 404"
    ),
    "moderation:post_remove": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 403 403 404 302 302 404"
    ),
    # Anyone in the group reports it, except its author.
    "moderation:post_report": Row(
        "L 404 404 403 200 404 200 200 404", post="L 404 404 403 200 404 200 200 404"
    ),
    "moderation:post_tools": Row(
        "L 404 404 403 403 404 200 200 404", post="L 405 405 405 405 405 405 405 405"
    ),
    "moderation:post_unhide": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 403 403 404 400 400 404"
    ),
    "moderation:queue": Row(
        "L 404 404 403 403 404 200 200 404", post="L 405 405 405 405 405 405 405 405"
    ),
    "moderation:report_resolve": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 403 403 404 302 302 404"
    ),
    "moderation:slow_mode": Row(
        "L 405 405 405 405 405 405 405 405", post="L 404 404 403 403 404 400 400 400"
    ),
    "moderation:staff_queue": Row(
        "L 404 404 404 404 404 404 404 200", post="L 405 405 405 405 405 405 405 405"
    ),
    "notifications:settings": Row(
        "L 200 200 200 200 200 200 200 200", post="L 200 200 200 200 200 200 200 200"
    ),
    "notifications:unsubscribe": Row(
        "200 200 200 200 200 200 200 200 200", post="200 200 200 200 200 200 200 200 200"
    ),
    "search:document": Row("200 200 200 200 200 200 200 200 200"),
    "search:search": Row("200 200 200 200 200 200 200 200 200"),
}

TABLE["groups:feed"] = replace(TABLE["groups:feed"], secrets=TOKEN)
TABLE["groups:invitation"] = replace(TABLE["groups:invitation"], secrets=INVITED)
# The group page lists its members (the reporter is one); nothing there says who reported.
TABLE["groups:detail"] = replace(
    TABLE["groups:detail"], secrets={role: {REPORTER} for role in MEMBERS}
)
# Site staff see the reports escalated to them: the post, the reporter, the note.
TABLE["moderation:staff_queue"] = replace(
    TABLE["moderation:staff_queue"], secrets={"staff": {POST_BODY, REPORTER, REPORT_NOTE}}
)


def allowed_secrets(name: str, role: str) -> set:
    default = set()
    if role in IN_GROUP:
        default |= GROUP_SECRETS
    if role in MODERATORS:
        default |= MODERATOR_SECRETS
    return default | TABLE[name].secrets.get(role, set())


# ------------------------------------------------------------------------- the world


def build_world() -> dict:
    """One private group holding every planted secret, its people in every role, and one
    object of every kind a URL names."""
    organizer = verified_user(display_name="Olga Organizer")
    series = make_curriculum(owner=organizer, units=1, readings_per_unit=1)
    unit = series.units.get()
    curricula_services.unit_update(unit=unit, data={"facilitator_notes": NOTES})
    curricula_services.curriculum_update(curriculum=series, data={"share_notes_with_groups": True})
    reading = unit.readings.get()
    document = reading.document
    question = curricula_services.question_add(
        unit=unit, reading=reading, text="What is the claim?", facilitator_notes=NOTES
    )
    group = make_group(
        organizer=organizer,
        visibility=Group.Visibility.PRIVATE,
        description=DESCRIPTION,
        code_of_conduct="Be kind.",
        meeting_place=PLACE,
        meeting_link=LINK,
    )
    group.curriculum = series
    group.save(update_fields=["curriculum"])
    users = {"anonymous": None, "organizer": organizer}
    users["outsider"] = verified_user(display_name="Oscar Outsider")
    users["staff"] = verified_user(display_name="Stella Staff", is_staff=True)
    users["facilitator"] = add_member(
        group, role=Membership.Role.FACILITATOR, display_name="Fay Facilitator"
    ).user
    users["member"] = add_member(group, display_name="Mia Member").user
    users["muted"] = add_member(group, display_name="Max Muted").user
    Membership.objects.filter(group=group, user=users["muted"]).update(
        muted_until=timezone.now() + timedelta(days=1)
    )
    users["requester"] = add_member(
        group, state=Membership.State.REQUESTED, display_name="Rita Requester"
    ).user
    users["banned"] = add_member(
        group, state=Membership.State.BANNED, display_name="Bob Banned"
    ).user
    # The member is the author of the reported post: the one person who must never
    # learn who reported them.
    author = users["member"]
    reporter = add_member(group, display_name=REPORTER).user

    session = make_session(group, units=[unit])
    session.place = PLACE
    session.link = LINK
    session.save(update_fields=["place", "link"])

    the_post = post(
        group, document, author, f"My thoughts: {POST_BODY}", anchor=first_anchor(document)
    )
    answer = reply(the_post, users["facilitator"], f"A reply about {POST_BODY}")
    notification = Notification.objects.filter(recipient=author).first()
    report, _ = moderation.report_create(
        reporter=reporter, post=the_post, category="harassment", reason=REPORT_NOTE
    )
    # A report about a facilitator's post goes to site staff.
    escalated = post(group, document, users["facilitator"], f"Facilitating {POST_BODY}")
    moderation.report_create(reporter=reporter, post=escalated, category="hate", reason=REPORT_NOTE)
    held = post(group, document, users["member"], f"Second thoughts {POST_BODY}")
    moderation.post_hide(actor=users["facilitator"], post=held, category="spam", reason="spam")
    action = ModerationAction.objects.get(kind="hide")
    appeal = moderation.appeal_create(appellant=users["member"], action=action, text="Please.")
    invitation = roster.invitation_create(group=group, created_by=organizer)
    feed = feed_token_get(user=users["member"], group=group)
    batch = ImportBatch.objects.create(created_by=users["staff"], status=ImportBatch.Status.PREVIEW)
    membership = Membership.objects.get(group=group, user=users["member"])
    return {
        "users": users,
        "group": group,
        "series": series,
        "unit": unit,
        "reading": reading,
        "question": question,
        "document": document,
        "session": session,
        "post": the_post,
        "reply": answer,
        "notification": notification,
        "report": Report.objects.get(pk=report.pk),
        "action": action,
        "appeal": Appeal.objects.get(pk=appeal.pk),
        "invitation": invitation,
        "feed": feed,
        "batch": batch,
        "membership": membership,
        "author": author,
        "unsubscribe": unsubscribe_token(kind=Kind.DISCUSSIONS, user=users["member"]),
    }


def kwargs_for(name: str, params, w) -> dict:
    """The planted object each keyword of URL `name` names."""
    namespace = name.split(":")[0] if ":" in name else ""
    slug = {
        "library": w["document"].slug,
        "search": w["document"].slug,
        "curricula": w["series"].slug,
        "groups": w["group"].slug,
    }.get(namespace)
    token = {
        "groups:feed": w["feed"].token,
        "groups:invitation": w["invitation"].token,
    }.get(name, w["unsubscribe"])
    values = {
        "slug": slug,
        "token": token,
        "group_slug": w["group"].slug,
        "document_slug": w["document"].slug,
        "post_id": w["post"].pk,
        "session_id": w["session"].pk,
        "unit_id": w["unit"].pk,
        "reading_id": w["reading"].pk,
        "question_id": w["question"].pk,
        "invitation_id": w["invitation"].pk,
        "membership_id": w["membership"].pk,
        "notification_id": w["notification"].pk,
        "report_id": w["report"].pk,
        "action_id": w["action"].pk,
        "appeal_id": w["appeal"].pk,
        "user_id": w["author"].pk,
        "action": "mute",
        "anchor": first_anchor(w["document"]),
        # The importer's batch pages take a batch; its review pages (and the rest) a
        # document. ("preview" is a batch page although its name contains "review".)
        "pk": w["batch"].pk
        if namespace == "corpus_import" and not name.startswith("corpus_import:review")
        else w["document"].pk,
        "key": "not-a-real-key",
        "uidb36": "zz",
    }
    return {p: values[p] for p in params}


def walk(resolver=None, namespace=""):
    """(name, pattern) for every named route of the URLconf, namespaces included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from walk(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def site_routes() -> dict:
    """Every route name outside the admin (checked on its own below) -> its URL keywords."""
    routes = {}
    for name, pattern in walk():
        if name.startswith("admin:"):
            continue
        routes[name] = sorted(pattern.pattern.regex.groupindex)
    return routes


def request(client, method, url, *, htmx: bool):
    """One request whose writes are rolled back, so every role meets the same world."""
    cookies = copy.deepcopy(client.cookies)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    with transaction.atomic():
        response = getattr(client, method)(url, **headers)
        content = response.content if not response.streaming else b"".join(response)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response, content.decode(errors="replace")


def test_every_url_is_in_the_table():
    """A new URL fails here until someone decides, in TABLE, who may see it."""
    routes = set(site_routes())
    assert routes - set(TABLE) == set(), "URLs without a row in the permission matrix"
    assert set(TABLE) - routes == set(), "rows for URLs that no longer exist"


def test_the_table_fails_on_a_new_url(settings):
    """The coverage check walks the live URLconf: a route added anywhere shows up."""
    from django.urls import clear_url_caches, include, path

    from studygroups import urls as root

    settings.ROOT_URLCONF = type(
        "Extended",
        (),
        {
            "urlpatterns": [
                *root.urlpatterns,
                path("x/", include(([path("y/", lambda r: None, name="new")], "extra"))),
            ]
        },
    )
    clear_url_caches()
    try:
        assert "extra:new" in set(site_routes()) - set(TABLE)
    finally:
        clear_url_caches()


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role):
    """Each role, each URL: GET, GET as htmx, and POST where the view takes it."""
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    problems = []
    for name, params in sorted(site_routes().items()):
        row = TABLE[name]
        url = reverse(name, kwargs=kwargs_for(name, params, world))
        allowed = allowed_secrets(name, role)
        for method, htmx in [("get", False), ("get", True), ("post", False)]:
            response, body = request(client, method, url, htmx=htmx)
            want = row.expected(method, role)
            got = str(response.status_code)
            if got == "302" and response["Location"].startswith(reverse("account_login")):
                got = "L"
            where = f"{method.upper()}{' htmx' if htmx else ''} {name} as {role}"
            if got != want:
                problems.append(f"{where}: {got}, expected {want}")
            leaked = {s for s in ALL_SECRETS if s in body} - allowed
            if leaked:
                problems.append(f"{where}: leaks {sorted(leaked)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ["anonymous", "member", "staff"])
def test_the_admin_is_for_superusers(client, world, role):
    """Every admin URL (found the same way) turns away anyone without admin rights: the
    log-in page for those who are not staff; staff without permissions see no model."""
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    values = {"object_id": world["group"].pk, "app_label": "groups", "content_type_id": 1}
    for name, pattern in walk():
        if not name.startswith("admin:") or name in {"admin:login", "admin:logout"}:
            continue
        params = sorted(pattern.pattern.regex.groupindex)
        if set(params) - set(values):
            continue  # the password-change form of a user and the like: covered by object_id
        url = reverse(name, kwargs={p: values[p] for p in params})
        response, body = request(client, "get", url, htmx=False)
        if role == "staff":
            assert response.status_code in {200, 302, 403, 404}, (name, response.status_code)
            if response.status_code == 302:
                assert "login" not in response["Location"] or name == "admin:logout", name
            assert not {s for s in ALL_SECRETS if s in body}, name
        else:
            assert response.status_code == 302, (name, response.status_code)
            assert "/admin/login/" in response["Location"], name
