"""Move every row of the two old preference systems into this app:
groups.NotificationPreference + discussions.NotificationSetting -> one
NotificationPreferences per user, and groups.EmailOptOut -> EmailOptOut.
The old tables are deleted by groups 0004 and discussions 0003, which run after this."""

from django.db import migrations

BATCH = 1000


def copy_forward(apps, schema_editor):
    GroupPreference = apps.get_model("groups", "NotificationPreference")
    DiscussionSetting = apps.get_model("discussions", "NotificationSetting")
    OldOptOut = apps.get_model("groups", "EmailOptOut")
    Preferences = apps.get_model("notifications", "NotificationPreferences")
    OptOut = apps.get_model("notifications", "EmailOptOut")

    merged: dict[int, dict] = {}
    for old in GroupPreference.objects.order_by("pk").iterator(chunk_size=BATCH):
        merged.setdefault(old.user_id, {}).update(
            session_reminders=old.reminders,
            reminder_lead_hours=old.reminder_lead_hours,
            session_changes=old.session_changes,
        )
    for old in DiscussionSetting.objects.order_by("pk").iterator(chunk_size=BATCH):
        merged.setdefault(old.user_id, {})["discussion_email"] = old.email
    existing = set(Preferences.objects.values_list("user_id", flat=True))
    Preferences.objects.bulk_create(
        [
            Preferences(user_id=user_id, **fields)
            for user_id, fields in merged.items()
            if user_id not in existing
        ],
        batch_size=BATCH,
    )

    # Keep when each address opted out: auto_now_add would stamp today instead.
    created_at = OptOut._meta.get_field("created_at")
    created_at.auto_now_add = False
    try:
        OptOut.objects.bulk_create(
            [
                OptOut(email=old.email.lower(), kind=old.kind, created_at=old.created_at)
                for old in OldOptOut.objects.order_by("pk").iterator(chunk_size=BATCH)
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
    finally:
        created_at.auto_now_add = True


def copy_backward(apps, schema_editor):
    GroupPreference = apps.get_model("groups", "NotificationPreference")
    DiscussionSetting = apps.get_model("discussions", "NotificationSetting")
    OldOptOut = apps.get_model("groups", "EmailOptOut")
    Preferences = apps.get_model("notifications", "NotificationPreferences")
    OptOut = apps.get_model("notifications", "EmailOptOut")

    for new in Preferences.objects.order_by("pk").iterator(chunk_size=BATCH):
        GroupPreference.objects.update_or_create(
            user_id=new.user_id,
            defaults={
                "reminders": new.session_reminders,
                "reminder_lead_hours": new.reminder_lead_hours,
                "session_changes": new.session_changes,
            },
        )
        DiscussionSetting.objects.update_or_create(
            user_id=new.user_id, defaults={"email": new.discussion_email}
        )
    for new in OptOut.objects.filter(
        kind__in=["reminders", "changes", "invitations"]
    ).iterator(chunk_size=BATCH):
        OldOptOut.objects.get_or_create(email=new.email, kind=new.kind)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_preferences_and_opt_outs"),
        ("groups", "0003_reserved_group_slugs"),
        ("discussions", "0002_notification_email_claim_and_more"),
    ]

    operations = [migrations.RunPython(copy_forward, copy_backward)]
