"""Reports from members and the log of what moderators did about them.

The state a moderator changes lives on the moderated object (`Post.hidden_at`,
`Discussion.locked_at`); every change is written to `ModerationAction`, the log.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """Why a post was reported, and the reason category members see for an action."""

    HARASSMENT = "harassment", _("Harassment or abuse")
    HATE = "hate", _("Hate")
    SPAM = "spam", _("Spam")
    OFF_TOPIC = "off_topic", _("Off-topic")
    OTHER = "other", _("Other")


class Report(models.Model):
    post = models.ForeignKey("discussions.Post", on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.CharField(max_length=12, choices=Category.choices, default=Category.OTHER)
    reason = models.TextField(max_length=1000, blank=True, help_text=_("The reporter's note."))
    to_staff = models.BooleanField(
        default=False, help_text=_("The reporter asked for site staff rather than the group.")
    )
    for_staff = models.BooleanField(
        default=False,
        help_text=_("In the site-wide staff queue: asked for, or about a moderator's own post."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_report_per_member_and_post",
            )
        ]

    def __str__(self) -> str:
        return f"Report on post {self.post_id}"


class ModerationAction(models.Model):
    class Kind(models.TextChoices):
        HIDE = "hide", _("hid a post")
        UNHIDE = "unhide", _("restored a post")
        LOCK = "lock", _("locked the discussion")
        UNLOCK = "unlock", _("unlocked the discussion")
        RESOLVE = "resolve", _("resolved a report")
        DELETE = "delete", _("deleted a post")
        AUTO_HIDE = "auto_hide", _("hid a post pending review (reported by several members)")
        APPROVE = "approve", _("approved a post")
        REJECT = "reject", _("declined a post")
        PIN = "pin", _("pinned a post")
        UNPIN = "unpin", _("unpinned a post")
        SLOW_MODE = "slow_mode", _("set slow mode")
        MUTE = "mute", _("muted a member")
        UNMUTE = "unmute", _("unmuted a member")
        REMOVE_MEMBER = "remove_member", _("removed a member")
        BAN = "ban", _("banned a member")
        UNBAN = "unban", _("lifted a ban")
        APPEAL_UPHELD = "appeal_upheld", _("upheld an action on appeal")
        APPEAL_REVERSED = "appeal_reversed", _("reversed an action on appeal")

    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, related_name="moderation_actions"
    )
    discussion = models.ForeignKey(
        "discussions.Discussion",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="moderation_actions",
    )
    post = models.ForeignKey(
        "discussions.Post",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="moderation_actions",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The member acted on (a mute, a removal, a ban) or whose post it was."),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    category = models.CharField(max_length=12, choices=Category.choices, blank=True)
    until = models.DateTimeField(null=True, blank=True, help_text=_("When a mute ends."))
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.actor} {self.get_kind_display()}"


class Appeal(models.Model):
    """One appeal per action, by the member it was about, decided by another moderator
    (or site staff where the group has no other)."""

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("The action stands")
        REVERSED = "reversed", _("The action is reversed")

    action = models.OneToOneField(ModerationAction, on_delete=models.CASCADE, related_name="appeal")
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(max_length=2000)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The moderator who decides it; empty: site staff do."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    decision = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Appeal of {self.action}"


class Notice(models.Model):
    """An in-app notice of moderation: a report for moderators, an action for its subject.

    Moderation keeps its own notices rather than writing `discussions.Notification`: those
    are about a post the recipient may read (their e-mail drops any the recipient can no
    longer see, which a hidden post's author or a staff member outside the group is), one
    per recipient and post, and discussions never import moderation to learn of reports.
    """

    class Kind(models.TextChoices):
        REPORT = "report", _("A post was reported")
        ACTION = "action", _("A moderator acted on your post")
        APPEAL = "appeal", _("An appeal to decide")
        OUTCOME = "outcome", _("An appeal was decided")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_notices"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    action = models.ForeignKey(
        ModerationAction, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    link = models.CharField(max_length=300, blank=True)
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="moderation_notice_unread")]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.text}"
