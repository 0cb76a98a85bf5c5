"""What e-mail each person wants: one preferences row per user, and the addresses
(with or without an account) that asked for no more e-mail of one kind.

This app knows no other domain app: groups, discussions and moderation ask it
(`services.email_allowed`) before they send, never the other way round."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """The kinds of e-mail someone can stop. The label completes "Stop getting …"."""

    REMINDERS = "reminders", _("reminders before sessions")
    CHANGES = "changes", _("e-mails when a session is moved or cancelled")
    INVITATIONS = "invitations", _("invitations to study groups")
    DISCUSSIONS = "discussions", _("e-mails about discussion activity")
    REPORTS = "reports", _("e-mails about reports in groups you moderate")
    ALL = "all", _("any e-mail from the study groups")


class NotificationPreferences(models.Model):
    class DiscussionEmail(models.TextChoices):
        IMMEDIATELY = "immediately", _("Immediately, one e-mail per notification")
        DAILY = "daily", _("Once a day, as a digest")
        OFF = "off", _("Never: I will check the site")

    class ReportEmail(models.TextChoices):
        IMMEDIATELY = "immediately", _("Immediately, one e-mail per report")
        OFF = "off", _("Never: I will check the moderation page")

    LEAD_CHOICES = [
        (2, _("2 hours before")),
        (12, _("12 hours before")),
        (24, _("1 day before")),
        (48, _("2 days before")),
        (72, _("3 days before")),
        (168, _("1 week before")),
    ]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    session_reminders = models.BooleanField(
        default=True, help_text=_("E-mail me before each session.")
    )
    reminder_lead_hours = models.PositiveIntegerField(default=48, choices=LEAD_CHOICES)
    session_changes = models.BooleanField(
        default=True, help_text=_("E-mail me when a session is moved or cancelled.")
    )
    discussion_email = models.CharField(
        max_length=12, choices=DiscussionEmail.choices, default=DiscussionEmail.IMMEDIATELY
    )
    report_email = models.CharField(
        max_length=12, choices=ReportEmail.choices, default=ReportEmail.IMMEDIATELY
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"Notification preferences of {self.user}"


class EmailOptOut(models.Model):
    """An address that asked for no more e-mail of one kind (or `all`), also for people
    without an account, e.g. someone invited by address."""

    email = models.EmailField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email", "kind"], name="unique_email_opt_out_kind")
        ]

    def __str__(self) -> str:
        return f"{self.email} opted out of {self.kind}"
