"""The data migration moves every row of the two old preference systems into the one
model, then the old tables go. Run against a real schema with Django's executor."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from studygroups.search import schema

OLD_STATE = [
    # Users as they were then (before accounts.0003 added `language`).
    ("accounts", "0002_display_name_one_line"),
    ("groups", "0003_reserved_group_slugs"),
    ("discussions", "0002_notification_email_claim_and_more"),
    ("notifications", None),
]
COPIED = [
    ("accounts", "0002_display_name_one_line"),
    ("notifications", "0002_copy_group_and_discussion_preferences"),
]


def migrate(targets):
    # The executor sends no migrate signals: do what search's pre/post_migrate hooks do.
    schema.detach(connection)
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    schema.ensure(connection)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.fixture
def latest():
    yield
    schema.detach(connection)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    schema.ensure(connection)


@pytest.mark.django_db(transaction=True)
def test_old_preference_rows_move_into_the_one_model(latest):
    apps = migrate(OLD_STATE)
    User = apps.get_model("accounts", "User")
    GroupPreference = apps.get_model("groups", "NotificationPreference")
    DiscussionSetting = apps.get_model("discussions", "NotificationSetting")
    OldOptOut = apps.get_model("groups", "EmailOptOut")
    both = User.objects.create(email="both@example.org")
    groups_only = User.objects.create(email="groups@example.org")
    discussions_only = User.objects.create(email="talk@example.org")
    untouched = User.objects.create(email="quiet@example.org")
    GroupPreference.objects.create(
        user=both, reminders=False, reminder_lead_hours=12, session_changes=True
    )
    DiscussionSetting.objects.create(user=both, email="daily")
    GroupPreference.objects.create(
        user=groups_only, reminders=True, reminder_lead_hours=168, session_changes=False
    )
    DiscussionSetting.objects.create(user=discussions_only, email="off")
    long_ago = timezone.now() - dt.timedelta(days=400)
    OldOptOut.objects.create(email="invited@example.org", kind="invitations")
    OldOptOut.objects.create(email="both@example.org", kind="reminders")
    OldOptOut.objects.filter(email="invited@example.org").update(created_at=long_ago)

    apps = migrate(COPIED)
    Preferences = apps.get_model("notifications", "NotificationPreferences")
    OptOut = apps.get_model("notifications", "EmailOptOut")
    rows = {
        p.user_id: (
            p.session_reminders,
            p.reminder_lead_hours,
            p.session_changes,
            p.discussion_email,
            p.report_email,
        )
        for p in Preferences.objects.all()
    }
    assert rows == {
        both.pk: (False, 12, True, "daily", "immediately"),
        groups_only.pk: (True, 168, False, "immediately", "immediately"),
        discussions_only.pk: (True, 48, True, "off", "immediately"),
    }
    assert untouched.pk not in rows  # no row: the defaults, as before
    opt_outs = {(o.email, o.kind): o.created_at for o in OptOut.objects.all()}
    assert set(opt_outs) == {
        ("invited@example.org", "invitations"),
        ("both@example.org", "reminders"),
    }
    assert opt_outs[("invited@example.org", "invitations")] == long_ago

    # The old models are deleted after the copy.
    schema.detach(connection)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    schema.ensure(connection)
    tables = connection.introspection.table_names()
    assert "groups_notificationpreference" not in tables
    assert "groups_emailoptout" not in tables
    assert "discussions_notificationsetting" not in tables
    assert {"notifications_notificationpreferences", "notifications_emailoptout"} <= set(tables)


@pytest.mark.django_db(transaction=True)
def test_the_copy_runs_backwards_too(latest):
    apps = migrate(COPIED)
    User = apps.get_model("accounts", "User")
    Preferences = apps.get_model("notifications", "NotificationPreferences")
    OptOut = apps.get_model("notifications", "EmailOptOut")
    user = User.objects.create(email="back@example.org")
    Preferences.objects.create(user=user, session_changes=False, discussion_email="daily")
    OptOut.objects.create(email="a@example.org", kind="invitations")
    OptOut.objects.create(email="b@example.org", kind="discussions")  # no old home

    apps = migrate(OLD_STATE)
    old = apps.get_model("groups", "NotificationPreference").objects.get(user_id=user.pk)
    assert (old.reminders, old.session_changes) == (True, False)
    setting = apps.get_model("discussions", "NotificationSetting").objects.get(user_id=user.pk)
    assert setting.email == "daily"
    assert list(apps.get_model("groups", "EmailOptOut").objects.values_list("email", "kind")) == [
        ("a@example.org", "invitations")
    ]
